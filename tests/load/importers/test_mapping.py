"""Pieces into drafts: labels open sections, numbers make items, titles start roles, and text
that fits nowhere is kept with its place."""

from __future__ import annotations

from rolebook.load.importers.blocks import CELL, HEADING, ITEM, PARAGRAPH, Block
from rolebook.load.importers.mapping import Mapper, heading_title, labelled, split_names


def drafts(*blocks):
    return Mapper().read([b if isinstance(b, Block) else Block(PARAGRAPH, b, "p") for b in blocks])


def texts(draft, slot):
    return [e.text for e in draft.lists.get(slot, [])]


def test_a_label_opens_its_section_and_numbers_make_its_items():
    (draft,) = drafts("岗位名称：收银员", "岗位职责：", "1、收银；", "2、开票。")
    assert draft.title == ("收银员", "p")
    assert texts(draft, "duties") == ["收银；", "开票。"]


def test_an_item_cut_by_a_line_break_is_joined():
    (draft,) = drafts("岗位职责", "1、负责会议的安排、", "记录工作；", "2、接待。")
    assert texts(draft, "duties") == ["负责会议的安排、记录工作；", "接待。"]


def test_plain_paragraphs_are_items_but_text_after_a_numbered_list_is_not():
    (draft,) = drafts(Block(HEADING, "Duties", "p1"), "Manage the team", "Prepare reports")
    assert texts(draft, "duties") == ["Manage the team", "Prepare reports"]
    (draft,) = drafts("注意事项", Block(ITEM, "保密。", "p2"), "本说明书由人力资源部解释。")
    assert texts(draft, "precautions") == ["保密。"]
    assert draft.unmapped == [("本说明书由人力资源部解释。", "p")]


def test_a_section_rolebook_does_not_know_ends_the_one_before():
    (draft,) = drafts("岗位职责：", "1、收银；", "二、工作环境", "办公室。", "工作时间：", "8小时")
    assert texts(draft, "duties") == ["收银；"]
    # 二、 with no 一、 before it is no number: text after the list, not of it.
    assert [t for t, _ in draft.unmapped] == ["二、工作环境", "办公室。", "工作时间：", "8小时"]


def test_an_unknown_label_cell_is_kept_with_its_value():
    row = [
        Block(CELL, "工作环境", "table 1 row 8 cell 1", group="r8", first_cell=True),
        Block(CELL, "办公室", "table 1 row 8 cell 2", group="r8"),
    ]
    (draft,) = drafts(*row)
    assert draft.unmapped == [("工作环境：办公室", "table 1 row 8 cell 1")]


def test_each_title_after_content_starts_the_next_role():
    first, second = drafts(
        "主题：经理岗位职责", "岗位责任：1、甲", "主题：主管岗位职责", "岗位责任：1、乙"
    )
    assert (first.title[0], texts(first, "duties")) == ("经理", ["甲"])
    assert (second.title[0], texts(second, "duties")) == ("主管", ["乙"])


def test_fields_the_draft_does_not_take_are_kept_as_text():
    (draft,) = drafts("文件编号：XZ-006", "版本：2.0", "起草人：人力资源部", "起草人：张三")
    assert draft.fields == {"drafted_by": ("人力资源部", "p")}
    assert [t for t, _ in draft.unmapped] == ["文件编号：XZ-006", "版本：2.0", "起草人：张三"]


def test_names_and_titles():
    assert split_names("营业部经理和客服主管、总监；无") == ["营业部经理", "客服主管", "总监"]
    assert split_names("Sales Director, Sales Assistant") == ["Sales Director", "Sales Assistant"]
    assert split_names("无") == []
    assert heading_title("行政专员岗位说明书") == "行政专员"
    assert heading_title("Job Description: Sales Manager") == "Sales Manager"
    assert heading_title("Sales Manager – Job Description") == "Sales Manager"
    assert heading_title("门店岗位说明书汇编") is None
    assert heading_title("《VIP岗位职责.docx》由会员分享") is None
    assert labelled("文件编号", "X") == "文件编号：X" and labelled("Version:", "2") == "Version: 2"
