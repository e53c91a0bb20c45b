"""Plain text and Markdown into blocks: flattened pages joined, Markdown's structure kept."""

from __future__ import annotations

import pytest

from rolebook.load.importers.blocks import BREAK, CELL, HEADING, ITEM, PARAGRAPH, Unreadable
from rolebook.load.importers.text import decode, read_markdown, read_text


def test_a_line_a_block_with_its_line_and_column():
    blocks = read_text("标题\n\n  岗位职责：\n1、甲\n".encode())
    assert [(b.kind, b.text, b.where) for b in blocks] == [
        (PARAGRAPH, "标题", "line 1"),
        (PARAGRAPH, "岗位职责：", "line 3"),
        (PARAGRAPH, "1、甲", "line 4"),
    ]
    assert blocks[1].at(2) == "line 3, column 5"


def test_flattened_pages_are_joined_and_their_numbers_dropped():
    text = "封面\n1、第一页的文字，一条职责跨\n2、页继续。第二页\n3、第三页\n"
    blocks = read_text(text.encode())
    assert [b.text for b in blocks] == ["封面", "第一页的文字，一条职责跨页继续。第二页第三页"]
    page = blocks[1]
    assert page.at(0) == "line 2, column 3"
    assert page.at(page.text.index("页继续")) == "line 3, column 3"


def test_two_numbered_lines_are_a_list_not_pages():
    blocks = read_text("1、甲\n2、乙\n".encode())
    assert [b.text for b in blocks] == ["1、甲", "2、乙"]


@pytest.mark.parametrize(
    "data",
    ["岗位职责".encode("gb18030"), "岗位职责".encode("utf-16"), "\ufeff岗位职责".encode()],
)
def test_text_in_the_encodings_chinese_files_come_in(data):
    assert decode(data) == "岗位职责"


def test_binary_data_is_no_text():
    with pytest.raises(Unreadable, match="not a text file"):
        decode(b"PK\x03\x04\x00\x00")


def test_markdown_headings_items_paragraphs_tables_and_rules():
    source = (
        "# 人事助理岗位说明书\n\n**岗位名称**：人事助理\n\n## 岗位职责\n\n"
        "1. 办理入职，\n   更新档案；\n- 核对[考勤](http://x)\n\n"
        "| 学历 | 本科 |\n|---|---|\n\n---\n\n尾注\n"
    )
    blocks = read_markdown(source.encode())
    assert [(b.kind, b.text) for b in blocks] == [
        (HEADING, "人事助理岗位说明书"),
        (PARAGRAPH, "岗位名称：人事助理"),
        (HEADING, "岗位职责"),
        (ITEM, "办理入职，更新档案；"),
        (ITEM, "核对考勤"),
        (CELL, "学历"),
        (CELL, "本科"),
        (BREAK, ""),
        (PARAGRAPH, "尾注"),
    ]
    assert blocks[5].group == blocks[6].group and blocks[5].first_cell
    assert blocks[3].at(blocks[3].text.index("更新")) == "line 8, column 4"
