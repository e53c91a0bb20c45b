"""Word documents into blocks: headings, Word's list numbering, label | value tables."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from rolebook.bench.wordjd import document
from rolebook.load.importers.blocks import CELL, HEADING, ITEM, PARAGRAPH, Unreadable
from rolebook.load.importers.docx import read_docx


def test_paragraphs_headings_and_list_items():
    blocks = read_docx(
        document(
            [
                ("title", "行政专员岗位说明书"),
                ("h2", "岗位职责"),
                ("number", "负责采购"),
                ("bullet", "Negotiate"),
                ("p", ""),
                ("p", "所属部门：行政部"),
            ]
        )
    )
    assert [(b.kind, b.text, b.where) for b in blocks] == [
        (HEADING, "行政专员岗位说明书", "paragraph 1"),
        (HEADING, "岗位职责", "paragraph 2"),
        (ITEM, "负责采购", "paragraph 3"),
        (ITEM, "Negotiate", "paragraph 4"),
        (PARAGRAPH, "所属部门：行政部", "paragraph 6"),  # the empty one counts, as in Word
    ]


def test_table_cells_grouped_by_row_with_merged_cells_once():
    blocks = read_docx(
        document(
            [
                (
                    "table",
                    [
                        ["岗位名称", "行政专员", "所属部门", "行政部"],
                        ["岗位职责", ["1、甲", ("number", "乙")]],
                    ],
                ),
            ]
        )
    )
    assert [(b.kind, b.text, b.where, b.first_cell) for b in blocks] == [
        (CELL, "岗位名称", "table 1 row 1 cell 1", True),
        (CELL, "行政专员", "table 1 row 1 cell 2", False),
        (CELL, "所属部门", "table 1 row 1 cell 3", False),
        (CELL, "行政部", "table 1 row 1 cell 4", False),
        (CELL, "岗位职责", "table 1 row 2 cell 1", True),
        (CELL, "1、甲", "table 1 row 2 cell 2", False),  # merged across three columns: once
        (ITEM, "乙", "table 1 row 2 cell 2 paragraph 2", False),
    ]
    assert {b.group for b in blocks[:4]} == {"table 1 row 1"}


def test_a_cell_merged_down_is_read_once():
    doc = docx.Document()
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "岗位职责"
    table.cell(0, 1).text, table.cell(1, 1).text = "甲", "乙"
    buffer = io.BytesIO()
    doc.save(buffer)
    texts = [b.text for b in read_docx(buffer.getvalue())]
    assert texts == ["岗位职责", "甲", "乙"]


def test_a_damaged_package_is_unreadable():
    with pytest.raises(Unreadable, match="damaged or not a Word document"):
        read_docx(b"PK\x03\x04 broken")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("_rels/.rels", "<not xml")
    with pytest.raises(Unreadable, match="damaged or not a Word document"):
        read_docx(buffer.getvalue())


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"\0" * 60_000_000)
    assert len(buffer.getvalue()) < 200_000
    with pytest.raises(Unreadable, match="unpacks to more than the 50 MB"):
        read_docx(buffer.getvalue())
