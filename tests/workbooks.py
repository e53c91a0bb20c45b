"""Workbooks for the tests of export and import: the sample catalogue, and a workbook edited the
way HR edits one (cells changed, rows added and deleted), with openpyxl as the spreadsheet."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook, load_workbook

from rolebook.check import gather
from rolebook.output.catalogue import Catalogue


def catalogue_of(root: Path) -> Catalogue:
    """Returns the catalogue of the project at `root` (which must pass check)."""
    project = gather.load(root)
    assert project.settings is not None and project.errors == 0
    return Catalogue(project.settings, sorted(project.roles, key=lambda role: role.id))


class Edited:
    """A workbook opened for editing: find rows by their cells, change, add and delete them."""

    def __init__(self, content: bytes):
        self.book: Workbook = load_workbook(io.BytesIO(content))

    def header(self, sheet: str) -> list[str]:
        return [cell.value for cell in self.book[sheet][1]]

    def rows(self, sheet: str) -> list[dict]:
        """Returns the rows of `sheet` below its header, each as {column: value}."""
        names = self.header(sheet)
        return [
            dict(zip(names, values, strict=False))
            for values in self.book[sheet].iter_rows(min_row=2, values_only=True)
        ]

    def number(self, sheet: str, **match) -> int:
        """Returns the number of the first row of `sheet` whose cells hold `match`."""
        for number, row in enumerate(self.rows(sheet), 2):
            if all(row.get(k) == v for k, v in match.items()):
                return number
        raise AssertionError(f"no row {match} in {sheet}")

    def set(self, sheet: str, column: str, value, **match) -> None:
        """Sets the cell of `column` in the row of `sheet` that holds `match`."""
        col = self.header(sheet).index(column) + 1
        self.book[sheet].cell(self.number(sheet, **match), col).value = value

    def delete(self, sheet: str, **match) -> None:
        self.book[sheet].delete_rows(self.number(sheet, **match))

    def add(self, sheet: str, **values) -> None:
        """Adds a row at the end of `sheet`, its cells by column name."""
        self.book[sheet].append([values.get(name) for name in self.header(sheet)])

    def content(self) -> bytes:
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()

    def save(self, path: Path) -> Path:
        path.write_bytes(self.content())
        return path
