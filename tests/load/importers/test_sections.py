"""Section names, numbers, time windows and tidying, as HR documents write them."""

from __future__ import annotations

import pytest

from rolebook.load.importers import sections

# The issue's table of section names to recognise, each with the slot it fills.
ISSUE_NAMES = {
    "title": ["岗位名称", "职位名称", "Job Title"],
    "department": ["所属部门", "Department"],
    "reports_to": ["直接上级", "汇报对象", "Reports to"],
    "direct_reports": ["直接下级", "Direct reports"],
    "duties": ["岗位职责", "工作职责", "主要职责", "Responsibilities", "Duties"],
    "qualifications": ["任职资格", "任职要求", "Qualifications", "Requirements"],
    "education": ["学历", "Education"],
    "experience": ["经验", "Experience"],
    "skills": ["技能", "Skills"],
    "promotion": ["晋升", "Promotion"],
    "rotation": ["轮换", "Rotation"],
    "workflow": ["工作流程", "Workflow"],
    "principles": ["工作原则"],
    "precautions": ["注意事项"],
    "number": ["文件编号"],
    "version": ["版本"],
    "effective_date": ["生效日期"],
    "drafted_by": ["起草人"],
    "reviewed_by": ["审核人"],
    "approved_by": ["批准人"],
}


@pytest.mark.parametrize("slot", sorted(ISSUE_NAMES))
def test_every_name_of_the_issue_is_recognised(slot):
    for name in ISSUE_NAMES[slot]:
        assert sections.label_of(name).slot == slot
        assert sections.label_of(name.upper()).slot == slot  # English in any case


@pytest.mark.parametrize(
    "text, window, rest",
    [
        ("8:309:00,准备", "08:30–09:00", ",准备"),  # the flattened copy: no separator
        ("8:30一一9:00,获取", "08:30–09:00", ",获取"),  # —— flattened to 一一
        ("13:OO15:10,若", "13:00–15:10", ",若"),  # O for 0
        ("12:50 15:10 x", "12:50–15:10", " x"),
        ("8:30～9:00 领取", "08:30–09:00", " 领取"),
        ("9:00-21:00", "09:00–21:00", ""),
    ],
)
def test_time_windows_however_they_are_written(text, window, rest):
    assert sections.time_window(text) == (window, rest)


def test_an_impossible_window_is_no_window():
    assert sections.time_window("9:00-8:30 x") is None
    assert sections.time_window("25:00-26:00") is None
    assert sections.time_window("准备 8:30-9:00") is None


def test_chinese_numerals():
    assert [sections.cn_number(n) for n in ("一", "九", "十", "十二", "二十", "二十一")] == [
        1,
        9,
        10,
        12,
        20,
        21,
    ]


def test_tidy_makes_punctuation_by_chinese_full_width_and_ends_an_item_with_a_full_stop():
    assert sections.tidy(" ,咨询信息服务:每日各类信息;") == "咨询信息服务：每日各类信息。"
    assert sections.tidy("如:喝茶等(如果需要).") == "如：喝茶等（如果需要）。"
    assert sections.tidy("身高1.70米以上,年龄28-36岁") == "身高1.70米以上，年龄28-36岁"
    assert sections.tidy("熟悉 企业 业务") == "熟悉企业业务"
    assert sections.tidy("处理投诉。；") == "处理投诉。"
    assert sections.tidy("Negotiate contracts; ") == "Negotiate contracts"
    assert sections.tidy("Use Excel, Word: daily.") == "Use Excel, Word: daily."


def test_full_width_letters_and_digits_read_as_ascii():
    assert sections.plain("１．负责ＥＲＰ　系统") == "1．负责ERP 系统"
