"""The catalogue's sheets, declared once: their columns, a role's rows, and rows back to roles.

A role is one row of the sheet `roles` (titles, department, document control, reporting lines,
summary) and a row per item in each list sheet (duties, qualifications, workflow steps…): its
role id, the item's position and the item's fields. Export writes `rows`; import reads the rows
back with `roles_from`, which orders each list by position and names the cell of every problem.
The hidden sheet `rolebook` records each role's version and fingerprint at the export, so that
import can tell which role files changed since.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from typing import Protocol

from rolebook.model.scalars import Choice
from rolebook.model.schema import (
    Acknowledgement,
    Competency,
    DocumentControl,
    Posting,
    Principle,
    Qualifications,
    Reporting,
    Revision,
    Role,
    Title,
    WorkflowEntry,
)
from rolebook.output.catalogue.table import (
    INVALID,
    NAME_SEPARATOR,
    ROLE,
    TEXT,
    Cells,
    Column,
    Row,
    Table,
    cell_text,
    field_column,
    line_of,
    names_of,
    names_text,
    ordered,
    parsed,
    position_column,
    section_doc,
)


class Sheet(Protocol):
    """A sheet of the catalogue: its name, what it holds, its columns and each role's rows."""

    name: str
    doc: str
    columns: tuple[Column, ...]

    def rows(self, role: Role) -> Iterator[tuple]: ...


class ListSheet(Sheet, Protocol):
    """A sheet of one section of the roles, a row per item."""

    section: str

    def value(self, cells: Cells, table: Table, rows: list[Row]) -> object:
        """Returns the section's value from one role's rows, or INVALID (problems reported)."""
        ...


# -- The sheet of roles ---------------------------------------------------------------------------

# The reporting lines but the dotted ones, which came later and follow the summary, so that
# the columns of a workbook exported before them stay where they were.
REPORTING_LINES = tuple(f.name for f in fields(Reporting) if f.name != "dotted_lines")
_LATER = ("organisation", "job_code", "family", "level")
_CONTROL = ("number", "version", "status", "effective_date", "next_review")
_SIGN_OFF = ("drafted_by", "reviewed_by", "approved_by", "applies_to")
# The columns of the sheet roles, each with the path of its value in a role.
ROLE_COLUMNS: tuple[tuple[tuple[str, ...], Column], ...] = (
    (("id",), field_column(Role, "id")),
    (("title", "zh"), field_column(Title, "zh", "title.zh")),
    (("title", "en"), field_column(Title, "en", "title.en")),
    (("department",), field_column(Role, "department")),
    *((("document_control", n), field_column(DocumentControl, n)) for n in _CONTROL),
    *((("document_control", n), field_column(DocumentControl, n)) for n in _SIGN_OFF),
    *((("reporting", n), field_column(Reporting, n)) for n in REPORTING_LINES),
    (("summary",), field_column(Role, "summary", wide=True)),
    (("reporting", "dotted_lines"), field_column(Reporting, "dotted_lines")),
    *(((n,), field_column(Role, n)) for n in _LATER),
    *((("posting", n), field_column(Posting, n)) for n in ("open", "location", "date_posted")),
)


def _get(value, path: tuple[str, ...]):
    for name in path:
        value = getattr(value, name)
    return value


class RolesSheet:
    """The sheet `roles`: a row per role."""

    name = "roles"
    doc = (
        "One row per role: id, titles, department, document control, reporting lines (names "
        f"separated by {NAME_SEPARATOR}), summary, dotted lines, organisation, job code, family, "
        "level and the job posting. A new row is a new role."
    )
    columns: tuple[Column, ...] = tuple(column for _, column in ROLE_COLUMNS)

    def rows(self, role: Role) -> Iterator[tuple]:
        """Yields the role's row."""
        yield tuple(
            names_text(_get(role, path)) if path[0] == "reporting" else cell_text(_get(role, path))
            for path, _ in ROLE_COLUMNS
        )

    def values(self, cells: Cells, table: Table, row: Row) -> dict | None:
        """Returns the values of `row` as keyword arguments of Role (but the sections of the
        list sheets); None if a cell has a problem (reported)."""
        found: dict[str, dict] = {
            "title": {},
            "document_control": {},
            "reporting": {},
            "posting": {},
            "": {},
        }
        ok = True
        for path, column in ROLE_COLUMNS:
            if path[0] == "reporting":
                names = names_of(row.cells.get(column.name, ""))
                value: object = [cells.value(table, row, column, name) for name in names]
                ok = ok and INVALID not in value  # type: ignore[operator]  # a list
            else:
                value = cells.value(table, row, column)
                ok = ok and value is not INVALID
            if value is not None and value != []:
                found[path[0] if len(path) > 1 else ""][path[-1]] = value
        if not ok:
            return None
        return {
            **found[""],
            "title": Title(**found["title"]),
            "document_control": DocumentControl(**found["document_control"]),
            "reporting": Reporting(**found["reporting"]),
            "posting": Posting(**found["posting"]),
        }


# -- The list sheets ------------------------------------------------------------------------------


class TextsSheet:
    """A sheet of a list of texts (duties, precautions): role, position, text."""

    def __init__(self, section: str):
        self.name = self.section = section
        self.doc = f"{section_doc(section)} A row per item."
        self.text = Column("text", "The item.", TEXT, required=True, wide=True)
        self.columns: tuple[Column, ...] = (ROLE, position_column(), self.text)

    def rows(self, role: Role) -> Iterator[tuple]:
        for number, text in enumerate(getattr(role, self.section), 1):
            yield role.id, number, cell_text(text)

    def value(self, cells: Cells, table: Table, rows: list[Row]) -> object:
        texts = [cells.value(table, row, self.text) for row in ordered(rows, cells, table)]
        if INVALID in texts:
            return INVALID
        return [line_of(text) for text in texts] if self.section == "precautions" else texts


class QualificationsSheet:
    """The sheet of qualifications: role, part (education, training…), position, text."""

    name = section = "qualifications"
    parts = tuple(f.name for f in fields(Qualifications))
    part = Column(
        "part", "Which part of the qualifications: " + ", ".join(parts) + ".", Choice(*parts), True
    )
    text = Column("text", "The requirement.", TEXT, required=True, wide=True)
    doc = "Qualifications (任职资格), a row per requirement, by part."
    columns: tuple[Column, ...] = (
        ROLE,
        part,
        position_column("position", "The item's place in its part"),
        text,
    )

    def rows(self, role: Role) -> Iterator[tuple]:
        for part in self.parts:
            for number, text in enumerate(getattr(role.qualifications, part), 1):
                yield role.id, part, number, cell_text(text)

    def value(self, cells: Cells, table: Table, rows: list[Row]) -> object:
        found: dict[str, list] = {part: [] for part in self.parts}
        for row in ordered(rows, cells, table):
            values = parsed(cells, table, row, (self.part, self.text))
            if values is None:
                return INVALID
            found[values["part"]].append(line_of(values["text"]))
        return Qualifications(**found)


class EntriesSheet:
    """A sheet of a list of entries (revisions, principles…): role, position, each field."""

    def __init__(self, section: str, cls: type, wide: tuple[str, ...], only: tuple[str, ...] = ()):
        self.name = self.section = section
        self.cls = cls
        names = only or tuple(f.name for f in fields(cls))  # `only`: the fields a file writes
        self.fields = tuple(field_column(cls, name, wide=name in wide) for name in names)
        self.doc = f"{section_doc(section)} A row per entry."
        self.columns: tuple[Column, ...] = (ROLE, position_column(), *self.fields)

    def rows(self, role: Role) -> Iterator[tuple]:
        for number, entry in enumerate(getattr(role, self.section), 1):
            yield (role.id, number, *(cell_text(getattr(entry, c.name)) for c in self.fields))

    def value(self, cells: Cells, table: Table, rows: list[Row]) -> object:
        entries = [parsed(cells, table, row, self.fields) for row in ordered(rows, cells, table)]
        if None in entries:
            return INVALID
        return [self.cls(**values) for values in entries if values is not None]


class WorkflowSheet:
    """The sheet of workflow steps: role, entry (a time window or period and its steps), the
    entry's time, period and condition, the step's number and text."""

    name = section = "workflow"
    doc = (
        "The daily workflow, a row per step. Steps with one entry number form one entry: give "
        "them the same time (or period) and condition."
    )
    entry = Column(
        "entry",
        "The entry the step belongs to: 1, 2, 3…; entries are put in order by it.",
        required=True,
    )
    shared = tuple(field_column(WorkflowEntry, n) for n in ("time", "period", "condition"))
    text = Column("text", "The step.", TEXT, required=True, wide=True)
    columns: tuple[Column, ...] = (
        ROLE,
        entry,
        *shared,
        position_column("position", "The step's number through the whole workflow"),
        text,
    )

    def rows(self, role: Role) -> Iterator[tuple]:
        number = 0
        for e, entry in enumerate(role.workflow, 1):
            shared = [cell_text(getattr(entry, c.name)) for c in self.shared]
            for step in entry.steps:
                number += 1
                yield (role.id, e, *shared, number, step)

    def value(self, cells: Cells, table: Table, rows: list[Row]) -> object:
        groups: dict[float, list[Row]] = {}
        for row in ordered(rows, cells, table, "entry"):
            number = cells.value(table, row, self.entry)
            if number is not INVALID:
                groups.setdefault(number, []).append(row)
        entries = [self.entry_of(cells, table, group) for group in groups.values()]
        return INVALID if INVALID in entries else entries

    def entry_of(self, cells: Cells, table: Table, rows: list[Row]) -> object:
        """Returns the workflow entry of one entry's rows, or INVALID (problems reported)."""
        first = rows[0]
        for row in rows[1:]:
            for column in self.shared:
                if row.cells.get(column.name, "") != first.cells.get(column.name, ""):
                    cells.report(
                        table,
                        row,
                        column.name,
                        f"the steps of entry {first.cells['entry']} differ in their "
                        f"{column.name}; give every step of an entry the same {column.name}",
                    )
                    return INVALID
        shared = parsed(cells, table, first, self.shared)
        steps = [cells.value(table, row, self.text) for row in ordered(rows, cells, table)]
        if shared is None or INVALID in steps:
            return INVALID
        entry = WorkflowEntry(steps=steps, **shared)
        for name, message in entry.problems():
            cells.report(table, first, "time" if name != "period" else name, message)
            return INVALID
        return entry


ROLES = RolesSheet()
LIST_SHEETS: tuple[ListSheet, ...] = (
    TextsSheet("duties"),
    QualificationsSheet(),
    WorkflowSheet(),
    EntriesSheet("competencies", Competency, (), ("ref", "level")),
    EntriesSheet("principles", Principle, ("rule",)),
    TextsSheet("precautions"),
    EntriesSheet("revision_history", Revision, ("changes",)),
    EntriesSheet("acknowledged_warnings", Acknowledgement, ("text", "reason")),
)
SHEETS: tuple[Sheet, ...] = (ROLES, *LIST_SHEETS)


# -- What each role was at the export -------------------------------------------------------------


class ExportSheet:
    """The hidden sheet `rolebook`: each role's version and fingerprint when it was exported."""

    name = "rolebook"
    doc = (
        "Hidden: each role's version and fingerprint at the export, so that import can tell a "
        "role edited in the workbook from a role file changed since. Leave it as it is."
    )
    version = Column("version", "The role's version when it was exported.")
    fingerprint = Column("fingerprint", "The SHA-256 of the role's content when it was exported.")
    columns: tuple[Column, ...] = (ROLE, version, fingerprint)

    def __init__(self, fingerprint_of):
        self.fingerprint_of = fingerprint_of

    def rows(self, role: Role) -> Iterator[tuple]:
        yield role.id, role.document_control.version, self.fingerprint_of(role)

    def exported(self, table: Table) -> dict[str, tuple[str, str]]:
        """Returns each role's version and fingerprint at the export, by id."""
        return {
            row.cells["role"]: (row.cells.get("version", ""), row.cells.get("fingerprint", ""))
            for row in table.rows
            if row.cells.get("role")
        }


# -- Rows back to roles ---------------------------------------------------------------------------


def roles_from(tables: dict[str, Table], cells: Cells) -> dict[str, tuple[Role, int]]:
    """Returns the roles the sheets hold, by id, each with its row in the sheet roles; raises
    Problems naming every cell that does not read."""
    table = tables[ROLES.name]
    found, rows = _role_rows(table, cells)
    named = {row.cells.get("id", "") for row in table.rows}
    for sheet in LIST_SHEETS:
        _sections(sheet, tables[sheet.name], cells, found, named)
    cells.raise_if_any()
    return {role_id: (Role(**values), rows[role_id]) for role_id, values in found.items()}


def _role_rows(table: Table, cells: Cells) -> tuple[dict[str, dict], dict[str, int]]:
    """Returns the values of each role's row in the sheet roles, and its row number, by id;
    reports a second row of one role."""
    found: dict[str, dict] = {}
    rows: dict[str, int] = {}
    for row in table.rows:
        values = None if row.empty() else ROLES.values(cells, table, row)
        if values is None:
            continue
        first = rows.get(values["id"])
        if first is not None:
            message = f"a second row of role '{values['id']}' (the first is row {first})"
            cells.report(table, row, "id", f"{message}; a role has one row")
            continue
        found[values["id"]], rows[values["id"]] = values, row.number
    return found, rows


def _sections(
    sheet: ListSheet, table: Table, cells: Cells, found: dict[str, dict], named: set[str]
) -> None:
    """Adds the section of `sheet` to each role of `found` that has rows in it; reports rows
    of roles that the sheet roles does not name."""
    by_role: dict[str, list[Row]] = {}
    for row in table.rows:
        if not row.empty("role", "position", "entry"):  # a row without an item is no item
            by_role.setdefault(row.cells.get("role", ""), []).append(row)
    for role_id, rows in by_role.items():
        if not role_id:
            for row in rows:
                cells.report(table, row, "role", "'role' is empty; give the role's id")
        elif role_id not in named:
            cells.report(
                table,
                rows[0],
                "role",
                f"role '{role_id}' has no row in the sheet roles; add one or correct the id",
            )
        else:  # (a role whose row has problems: its items' problems are reported too)
            value = sheet.value(cells, table, rows)
            if value is not INVALID and role_id in found:
                found[role_id][sheet.section] = value
