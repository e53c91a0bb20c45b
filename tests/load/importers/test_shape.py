"""Drafts into role mappings: introductions, qualification parts, workflow entries, principles."""

from __future__ import annotations

from rolebook.load.importers.blocks import PARAGRAPH, Block
from rolebook.load.importers.mapping import Mapper
from rolebook.load.importers.shape import shape


def imported(*lines: str):
    blocks = [Block(PARAGRAPH, line, f"line {i}") for i, line in enumerate(lines, start=1)]
    (draft,) = Mapper().read(blocks)
    return shape(draft)


def test_the_text_before_the_first_duty_is_the_summary():
    found = imported(
        "岗位名称：专员", "一、岗位职责", "为客户提供服务。相关职责如下：", "1、咨询；", "2、反馈。"
    )
    assert found.values["summary"] == "为客户提供服务。相关职责如下："
    assert found.values["duties"] == ["咨询。", "反馈。"]
    assert "summary: the text before the first numbered duty" in found.notes


def test_workflow_steps_grouped_by_time_period_and_condition():
    found = imported(
        "工作流程：",
        "1、8:30-9:00，准备报刊；",
        "2、8:30-9:00，打印交割单。（如果客户有这方面需求）",
        "3、8:30-9:00，开机；",
        "4、每交易周结束后，总结盈亏；",
        "5、随时处理客户需求。",
    )
    assert found.values["workflow"] == [
        {"time": "08:30–09:00", "steps": ["准备报刊。"]},
        {"time": "08:30–09:00", "steps": ["打印交割单。"], "condition": "如果客户有这方面需求"},
        {"time": "08:30–09:00", "steps": ["开机。"]},
        {"period": "每交易周结束后", "steps": ["总结盈亏。"]},
    ]
    assert found.unmapped == [("随时处理客户需求。", "line 6")]  # neither a time nor a period


def test_qualifications_split_at_semicolons_and_sorted_by_their_words():
    found = imported(
        "任职资格：", "1、本科以上学历；", "2、3年以上经验；", "3、熟悉Excel；能写报告。"
    )
    assert found.values["qualifications"] == {
        "education": ["本科以上学历。"],
        "experience": ["3年以上经验。"],
        "skills": ["熟悉Excel。", "能写报告。"],
    }


def test_principles_get_a_name_and_a_rule():
    found = imported(
        "工作原则：", "1、保密性原则：不得透露。", "2、勤勉性原则，主动观察。", "3、守时。"
    )
    assert found.values["principles"] == [
        {"name": "保密性原则", "rule": "不得透露。"},
        {"name": "勤勉性原则", "rule": "主动观察。"},
        {"name": "TODO: the principle's name", "rule": "守时。"},
    ]


def test_a_bilingual_title_gives_both_titles():
    assert imported("岗位名称：财务专员 Finance Specialist").title == {
        "zh": "财务专员",
        "en": "Finance Specialist",
    }
    assert imported("Job Title: Buyer").title == {"zh": "TODO: title in Chinese", "en": "Buyer"}
    assert imported("岗位名称：Vip专员").title["zh"] == "Vip专员"
