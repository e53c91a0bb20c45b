"""The translator's workbook (.xlsx): a row per item to translate, written, and read back.

Columns: file (the role file or handbook.yaml), item (its key, e.g. duties[3]), source (the
Chinese as it was when the workbook was written), translation (the English, or empty), status
(to translate, stale, or empty for a current translation). The translator fills in the
translation column; `translate --merge` reads the rows back, and each translation is recorded as
one of the source text in its row. The first two and the source columns are locked in meaning:
a row whose file or item is not found is an error naming its row.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from rolebook.model.errors import RolebookError
from rolebook.output.catalogue.xlsx import _opened  # the one guarded opening of a workbook

SHEET = "translations"
COLUMNS = ("file", "item", "source", "translation", "status")
WIDTHS = (28, 28, 60, 60, 14)
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Row:
    """One item of the workbook; `number` is its row in the sheet (0 for a row not read)."""

    file: str
    item: str
    source: str
    translation: str
    status: str = ""
    number: int = 0


def write(rows: list[Row]) -> bytes:
    """Returns the workbook of `rows`, with its header row frozen and filtered."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.title = SHEET
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.file, row.item, row.source, row.translation, row.status])
    for column, width in zip("ABCDE", WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
        for cell in sheet[column][1:]:
            cell.alignment = _WRAP
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(content: bytes, file: str) -> list[Row]:
    """Returns the rows of a translator's workbook with their row numbers; raises
    RolebookError if it is not one."""
    book = _opened(content, file)
    try:
        if SHEET not in book.sheetnames:
            raise RolebookError(f"{file}: no sheet '{SHEET}'; merge a workbook that --export wrote")
        lines = book[SHEET].iter_rows(values_only=True)
        header = tuple(str(v or "") for v in next(lines, ()))[: len(COLUMNS)]
        if header != COLUMNS:
            raise RolebookError(
                f"{file}: the first row must be {', '.join(COLUMNS)}; keep it as --export wrote it"
            )
        return [_row(values, number) for number, values in enumerate(lines, 2) if any(values)]
    finally:
        book.close()


def _row(values: tuple, number: int) -> Row:
    """Returns the Row of a sheet row's first five values (missing ones empty), as text."""
    file, item, source, translation, status = (
        str(v if v is not None else "").strip() for v in (*values, "", "", "", "", "")[:5]
    )
    return Row(file, item, source, translation, status, number)
