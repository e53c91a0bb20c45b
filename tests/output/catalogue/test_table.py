"""The catalogue's columns and cells: a column takes its description and kind from the schema, a
cell is parsed by that kind, rows are ordered by position, and a reporting line shares a cell."""

from __future__ import annotations

import datetime as dt

from rolebook.model.scalars import TimeWindow
from rolebook.model.schema import DocumentControl, WorkflowEntry
from rolebook.output.catalogue.table import (
    INVALID,
    Cells,
    Row,
    Table,
    cell_text,
    field_column,
    names_of,
    names_text,
    ordered,
)

TABLE = Table("duties", {"role": "A", "position": "B", "text": "C", "date": "D"}, [])


def test_a_column_takes_its_description_kind_and_need_from_the_schema():
    status = field_column(DocumentControl, "status")
    assert status.doc == "Lifecycle status: draft, review, approved or retired."
    assert status.required and status.kind.parse("review") == "review"
    assert not field_column(DocumentControl, "next_review").required
    steps = field_column(WorkflowEntry, "steps", "text", wide=True)  # a list: its items' kind
    assert (steps.name, steps.wide, steps.kind.parse(" 步骤 ")) == ("text", True, " 步骤 ")


def test_a_cell_is_parsed_by_its_columns_kind_and_a_problem_named_by_its_cell():
    cells, date = Cells("c.xlsx"), field_column(DocumentControl, "effective_date", "date")
    assert cells.value(TABLE, Row(5, {"date": "2026-12-01"}), date) == dt.date(2026, 12, 1)
    assert cells.value(TABLE, Row(6, {"date": "12/1/2026"}), date) is INVALID
    assert cells.value(TABLE, Row(7, {}), date) is INVALID  # required, and empty
    assert cells.lines == [
        "c.xlsx: duties!D6: error: '12/1/2026' is not a date; write it as YYYY-MM-DD, like "
        "2024-03-01",
        "c.xlsx: duties!D7: error: 'date' is empty; fill it in",
    ]


def test_rows_are_ordered_by_position_and_those_without_one_come_last():
    rows = [Row(n, {"position": p}) for n, p in enumerate(["3", "", "1", "2.5", "x"], 2)]
    cells = Cells("c.xlsx")
    assert [row.number for row in ordered(rows, cells, TABLE)] == [4, 5, 2, 3, 6]
    assert cells.lines == ["c.xlsx: duties!B6: error: 'x' is not a number; write one like 3 or 2.5"]


def test_a_cell_holds_text_numbers_and_dates_as_written():
    assert cell_text(None) == "" and cell_text(3) == 3 and cell_text("1.10") == "1.10"
    assert cell_text(dt.date(2026, 2, 1)) == "2026-02-01"
    assert cell_text(TimeWindow("08:30", "09:00")) == "08:30–09:00"


def test_the_names_of_a_reporting_line_share_one_cell():
    assert names_text(["总监", "总经理"]) == "总监、总经理"
    assert names_of("总监、总经理") == ["总监", "总经理"]
    assert names_of(" 总监 ,总经理；营运总监 ") == ["总监", "总经理", "营运总监"]
    assert names_text(["甲、乙", "丙"]) == "甲、乙\n丙"  # a name with a separator: one a line
    assert names_of("甲、乙\n丙") == ["甲、乙", "丙"]
    assert names_of("") == []
