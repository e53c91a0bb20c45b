"""The catalogue as tables: what a sheet's columns and rows are, and reading cells back.

A column takes its description and its kind from the schema (rolebook/model/schema.py), so a
cell is parsed exactly as the same value in a role file; `Cells` parses them and names the cell
of every problem (`duties!C12`) the way a spreadsheet does. The sheets themselves are declared
in sheets.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
import typing
from dataclasses import dataclass, fields
from functools import cache

from rolebook.model.errors import RolebookError
from rolebook.model.scalars import Kind, KindError, Text
from rolebook.model.schema import LibraryRef, Line, Role, Settings

# How the names of a reporting line share one cell: 总监、总经理 (or one name a line).
NAME_SEPARATOR = "、"
_SEPARATORS = re.compile(r"[、,，;；]")
# Problems reported at most for one workbook: past that, it is not worth reading on.
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class Catalogue:
    """What an export holds: the handbook's settings and every role, ordered by id."""

    settings: Settings
    roles: list[Role]


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header, what it holds, how a cell's text becomes a value
    (`kind`; None for a number), whether it must be filled, and whether it holds long text
    (wrapped in the workbook)."""

    name: str
    doc: str
    kind: Kind | None = None
    required: bool = False
    wide: bool = False


@dataclass(frozen=True)
class Row:
    """A row read from a sheet: its number (the header is row 1) and its cells' texts by
    column name."""

    number: int
    cells: dict[str, str]

    def empty(self, *but: str) -> bool:
        """Returns whether every cell (but those of the columns `but`) is empty."""
        return not any(text for name, text in self.cells.items() if name not in but)


@dataclass(frozen=True)
class Table:
    """A sheet as read: the letter of each of its columns, and its rows below the header."""

    name: str
    letters: dict[str, str]
    rows: list[Row]


@cache
def _hints(cls: type) -> dict[str, object]:
    return typing.get_type_hints(cls, include_extras=True)


def _bare(hint):
    """Returns `hint` without None (`X | None` is X) and a list's item type for a list."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    return typing.get_args(hint)[0] if typing.get_origin(hint) is list else hint


def field_column(cls: type, name: str, header: str = "", wide: bool = False) -> Column:
    """Returns the column of the field `name` of the schema dataclass `cls`: its doc, its kind
    (for a list, its items') and whether it is required."""
    f = next(f for f in fields(cls) if f.name == name)
    required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    kind = typing.get_args(_bare(_hints(cls)[name]))[1]
    return Column(header or name, f.metadata["doc"], kind, required, wide)


def position_column(name: str = "position", what: str = "The item's place in the list") -> Column:
    """Returns the column of an item's position, a number by which rows are put in order."""
    return Column(
        name, f"{what}: 1, 2, 3…; rows are put in order by it (2.5 goes between 2 and 3)."
    )


ROLE = Column("role", "The role's id, as in the sheet roles.", required=True)
TEXT: Kind = typing.get_args(Text)[1]  # the kind of a list item's text


def section_doc(section: str) -> str:
    """Returns the schema's description of a role's section."""
    return next(f for f in fields(Role) if f.name == section).metadata["doc"]


TEXT_WIDTH = 60  # columns of wrapped text are this wide (in the widths of Latin letters)


# -- Reading cells back: each problem named by its cell ---------------------------------------


class Problems(RolebookError):
    """A workbook whose cells do not read as roles: every problem, each at its cell."""

    def __init__(self, lines: list[str]):
        self.problem_lines = lines
        super().__init__(f"{len(lines)} problems in the workbook")

    def lines(self) -> list[str]:
        return self.problem_lines


class Cells:
    """Parses cells of one workbook, collecting a line for each problem: `file: sheet!C12:
    error: message`."""

    def __init__(self, file: str):
        self.file = file
        self.lines: list[str] = []

    def report(self, table: Table, row: Row, column: str, message: str) -> None:
        """Records a problem at the cell of `column` in `row` (its row, if no such column)."""
        self.add(f"{table.name}!{table.letters.get(column, '')}{row.number}", message)

    def add(self, cell: str, message: str) -> None:
        """Records a problem at `cell` (sheet!A1)."""
        if len(self.lines) < MAX_PROBLEMS:
            self.lines.append(f"{self.file}: {cell}: error: {message}")

    def value(self, table: Table, row: Row, column: Column, text: str | None = None):
        """Returns the value of `column` in `row` (or of its part `text`): None when empty, or
        INVALID after reporting why it is not one."""
        text = row.cells.get(column.name, "") if text is None else text
        if not text:
            if column.required:
                self.report(table, row, column.name, f"'{column.name}' is empty; fill it in")
                return INVALID
            return None
        if column.kind is None:
            return self.number(table, row, column.name)
        try:
            return column.kind.parse(text)
        except KindError as exc:
            self.report(table, row, column.name, str(exc))
            return INVALID

    def number(self, table: Table, row: Row, column: str) -> float | None:
        """Returns the number in the cell of `column` (None if empty), reporting a non-number."""
        text = row.cells.get(column, "")
        try:
            return float(text) if text else None
        except ValueError:
            self.report(table, row, column, f"'{text}' is not a number; write one like 3 or 2.5")
            return None

    def raise_if_any(self) -> None:
        """Raises Problems if any cell had one."""
        if self.lines:
            raise Problems(self.lines)


INVALID = object()  # the value of a cell whose problem is reported


def ordered(rows: list[Row], cells: Cells, table: Table, column: str = "position") -> list[Row]:
    """Returns `rows` in the order of their numbers in `column`; empty ones last, as they come."""
    keys = [cells.number(table, row, column) for row in rows]
    order = sorted(range(len(rows)), key=lambda i: (keys[i] is None, keys[i] or 0, i))
    return [rows[i] for i in order]


def parsed(cells: Cells, table: Table, row: Row, columns: tuple[Column, ...]) -> dict | None:
    """Returns the values of `columns` in `row` by name (empty ones left out), or None when
    one of them has a problem (reported)."""
    values = {c.name: cells.value(table, row, c) for c in columns}
    if any(v is INVALID for v in values.values()):
        return None
    return {name: v for name, v in values.items() if v is not None}


# A line naming a library text is written `ref: <id>` in its cell, as in the role file (where
# a text can hold no ASCII ': ', so no text is taken for a reference).
_REF = re.compile(r"ref: *([a-z0-9][a-z0-9-]*)")


def line_of(text: str) -> Line:
    """Returns a cell's qualification line or precaution: a reference to the library if it is
    written `ref: <id>`, else the text."""
    match = _REF.fullmatch(text)
    return LibraryRef(match[1]) if match else text


def cell_text(value) -> str | int:
    """Returns a model value as a cell holds it: a number as itself, a date as YYYY-MM-DD, a
    reference to the library as `ref: <id>`."""
    if value is None:
        return ""
    if isinstance(value, LibraryRef):
        return f"ref: {value.ref}"
    if isinstance(value, bool):  # a switch, as a role file writes it
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return value
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def names_text(names: list[str]) -> str:
    """Returns a reporting line's names in one cell: 总监、总经理 (a name a line where a name
    holds a separator)."""
    if any(_SEPARATORS.search(name) for name in names):
        return "\n".join(names)
    return NAME_SEPARATOR.join(names)


def names_of(text: str) -> list[str]:
    """Returns the names in a reporting line's cell: one a line, or separated by 、 , ，; ；."""
    parts = text.split("\n") if "\n" in text else _SEPARATORS.split(text)
    return [part.strip() for part in parts if part.strip()]
