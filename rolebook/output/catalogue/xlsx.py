"""The catalogue as an Excel workbook (.xlsx, with openpyxl): `write` it, and `read` it back.

Sheets: `read me` (what each sheet and column holds, from the schema's descriptions), `roles`
(a row per role), a sheet per list section (sheets.py), and the hidden sheet `rolebook` (each
role's version and fingerprint at the export). Each sheet has its header row and id column
frozen, a filter on its header, columns as wide as their text (a Chinese character counts as two
Latin letters; long texts wrap), and a drop-down list on every column of fixed choices (status:
draft, review, approved, retired; from the schema's kinds). Versions are text cells, so Excel
keeps 1.10 as written.

The same catalogue always gives the same bytes: the document's created and modified dates are
the handbook's effective date and every zip entry carries one fixed date. openpyxl spools each
sheet through a temporary file of its own; nothing else here touches a file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import typing
import zipfile
from collections.abc import Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from rolebook.model.errors import RolebookError, display_width
from rolebook.model.scalars import Choice, Version
from rolebook.output.catalogue.json import fingerprint
from rolebook.output.catalogue.sheets import SHEETS, ExportSheet, Sheet
from rolebook.output.catalogue.table import TEXT_WIDTH, Catalogue, Cells, Column, Row, Table

SUFFIX = ".xlsx"
READ_ME = "read me"
EXPORT = ExportSheet(fingerprint)
CREATOR = "rolebook"
# A column is at most this wide, and at least as wide as its header (in Latin letters' widths).
MAX_WIDTH = 40
# A workbook of a few thousand roles is a few MB; anything far larger is not a catalogue, and is
# refused before it is unpacked (so is a zip whose content would unpack to far more).
MAX_BYTES = 50_000_000
MAX_UNPACKED = 500_000_000
_VERSION = typing.get_args(Version)[1]
_WRAP = Alignment(wrap_text=True, vertical="top")
_BOLD = Font(bold=True)
_TEXT_FORMAT = "@"  # Excel's "Text" number format: what is typed stays as typed
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the zip format's first day, as in a .docx (output/opc.py)


def write(catalogue: Catalogue) -> bytes:
    """Returns the workbook of the catalogue."""
    book = Workbook(write_only=True)
    _read_me(book, catalogue)
    for sheet in SHEETS:  # the first, roles, is the one the workbook opens on
        rows = [row for role in catalogue.roles for row in sheet.rows(role)]
        _sheet(book, sheet, rows, selected=sheet is SHEETS[0])
    hidden = _sheet(book, EXPORT, [row for role in catalogue.roles for row in EXPORT.rows(role)])
    hidden.sheet_state = "hidden"
    book.active = 1
    when = dt.datetime.combine(catalogue.settings.effective_date, dt.time())
    book.properties.creator = CREATOR
    book.properties.title = catalogue.settings.title
    book.properties.created = book.properties.modified = when
    out = io.BytesIO()
    with _FixedDateZip(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return out.getvalue()


class _FixedDateZip(zipfile.ZipFile):
    """A zip whose every entry carries ZIP_DATE, whatever openpyxl asks for."""

    def writestr(self, zinfo_or_arcname, data, *args, **kwargs) -> None:
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        info = zipfile.ZipInfo(name, ZIP_DATE)
        info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
        super().writestr(info, data)

    def write(self, filename, arcname=None, *args, **kwargs) -> None:
        with open(filename, "rb") as spooled:  # a sheet openpyxl spooled to a temporary file
            self.writestr(arcname or filename, spooled.read())


def _sheet(book: Workbook, sheet: Sheet, rows: list[tuple], selected: bool = False):
    """Adds the sheet `sheet` holding `rows` below its header (its tab `selected`, for the
    sheet the workbook opens on); returns it."""
    out = book.create_sheet(sheet.name)
    out.sheet_view.tabSelected = selected  # set before the first row: it is written with it
    for number, width in enumerate(_widths(sheet.columns, rows), 1):
        out.column_dimensions[get_column_letter(number)].width = width
    out.freeze_panes = "B2"
    last = get_column_letter(len(sheet.columns))
    out.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    for number, column in enumerate(sheet.columns, 1):
        if isinstance(column.kind, Choice):
            _drop_down(out, column.kind, get_column_letter(number))
    out.append([_cell(out, column.name, font=_BOLD) for column in sheet.columns])
    styles = [_style(column) for column in sheet.columns]
    for row in rows:
        out.append(
            [
                None if value == "" else _cell(out, value, **style) if style else value
                for value, style in zip(row, styles, strict=True)
            ]
        )
    return out


def _style(column: Column) -> dict:
    """Returns how the cells of `column` are styled: long texts wrap, versions are text."""
    if column.wide:
        return {"alignment": _WRAP}
    return {"number_format": _TEXT_FORMAT} if column.kind is _VERSION else {}


def _cell(sheet, value, **style) -> Cell:
    """Returns a cell of `sheet` holding `value` as text (never a formula), styled."""
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # a text that starts with = is text, not a formula
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _drop_down(sheet, kind: Choice, letter: str) -> None:
    """Lets the column `letter` hold only the choices of `kind`, from a drop-down list."""
    rule = DataValidation(
        type="list",
        formula1='"' + ",".join(kind.choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="rolebook",
        error=f"Choose {kind.what}.",
    )
    rule.add(f"{letter}2:{letter}1048576")
    sheet.data_validations.append(rule)


def _widths(columns: tuple[Column, ...], rows: list[tuple]) -> list[int]:
    """Returns each column's width: wrapped texts TEXT_WIDTH, others their widest cell's (a
    Chinese character counts two), at most MAX_WIDTH."""
    widths = []
    for number, column in enumerate(columns):
        if column.wide:
            widths.append(TEXT_WIDTH)
            continue
        texts: Iterable[str] = (str(row[number]) for row in rows)
        widest = max((_width(text) for text in texts), default=0)
        widths.append(min(MAX_WIDTH, max(widest, len(column.name) + 3)) + 2)
    return widths


def _width(text: str) -> int:
    return len(text) if text.isascii() else display_width(text)


def _read_me(book: Workbook, catalogue: Catalogue) -> None:
    """Adds the sheet that says what the workbook is and what each sheet and column holds."""
    out = book.create_sheet(READ_ME)
    out.column_dimensions["A"].width = 24
    out.column_dimensions["B"].width = 24
    out.column_dimensions["C"].width = 100
    for row in _read_me_rows(catalogue):
        out.append(row)


def _read_me_rows(catalogue: Catalogue) -> list[tuple[str, ...]]:
    settings = catalogue.settings
    rows: list[tuple[str, ...]] = [
        (f"{settings.title}: the catalogue of {len(catalogue.roles)} roles",),
        (f"{settings.organisation}, {settings.document_number}, version {settings.version}",),
        ("",),
        ("How to use it",),
        ("", "edit", "Change any cell; add a row to add an item, delete a row to remove one."),
        ("", "new role", "A new row in roles (and its rows in the list sheets) is a new role."),
        (
            "",
            "apply",
            "rolebook import catalogue.xlsx --dry-run shows the changes; without "
            "--dry-run it writes them into roles/*.yaml, keeping each file's comments and layout.",
        ),
        (
            "",
            "conflicts",
            "A role whose file changed since this export, and that you also "
            "changed here, is refused: export again and redo the edit.",
        ),
        ("", "order", "Items are put in order by their position: 2.5 goes between 2 and 3."),
        ("", "check", "Nothing is written unless every role still passes check."),
        ("",),
        ("sheet", "column", "what it holds"),
    ]
    for sheet in SHEETS:
        rows.append((sheet.name, "", sheet.doc))
        rows += [("", column.name, _column_doc(column)) for column in sheet.columns]
    rows.append((EXPORT.name, "", EXPORT.doc))
    return rows


def _column_doc(column: Column) -> str:
    must = " Required." if column.required else ""
    return f"{column.doc}{must}"


# -- Reading a workbook back ----------------------------------------------------------------------


def read(content: bytes, file: str) -> tuple[dict[str, Table], dict[str, tuple[str, str]]]:
    """Returns the sheets of the workbook `content` (the file named `file`) as tables of text,
    and the versions and fingerprints of its roles at the export (empty if it has none); raises
    RolebookError for a file that is not such a workbook."""
    book = _opened(content, file)
    cells = Cells(file)
    try:
        tables = {sheet.name: _table(book, sheet, cells) for sheet in SHEETS if sheet.name in book}
        missing = [sheet.name for sheet in SHEETS if sheet.name not in book]
        if missing:
            raise RolebookError(
                f"{file}: the workbook has no sheet {', '.join(missing)}; import needs every "
                "sheet that export writes (an empty sheet removes all its items)"
            )
        exported = EXPORT.exported(_table(book, EXPORT, cells)) if EXPORT.name in book else {}
    finally:
        book.close()
    cells.raise_if_any()
    return tables, exported


def _opened(content: bytes, file: str):
    """Returns the workbook of `content`, opened for reading; raises RolebookError saying what
    the file is instead."""
    if content.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file, not a zip
        raise RolebookError(
            f"{file}: this is an Excel 97–2003 workbook (.xls) or a password-protected one; "
            "save it as an Excel workbook (.xlsx) without a password"
        )
    if len(content) > MAX_BYTES or not zipfile.is_zipfile(io.BytesIO(content)):
        raise RolebookError(
            f"{file}: not an Excel workbook (.xlsx)"
            + (f" (it is larger than {MAX_BYTES // 1_000_000} MB)" if content[:2] == b"PK" else "")
            + "; export one with `rolebook export` and edit that"
        )
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise RolebookError(
                f"{file}: the workbook unpacks to more than {MAX_UNPACKED // 1_000_000} MB; "
                "it is not a catalogue that export wrote"
            )
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RolebookError(
            f"{file}: cannot read the workbook ({exc}); open it in Excel or LibreOffice and "
            "save it again as .xlsx"
        ) from None


def _table(book, sheet: Sheet, cells: Cells) -> Table:
    """Returns the sheet `sheet` of `book` as a Table of its declared columns."""
    source = book[sheet.name]
    source.reset_dimensions()  # read every row, whatever size the file claims
    lines = source.iter_rows()
    header = [_text(cell, cells, sheet.name) for cell in next(lines, ())]
    where = {name: index for index, name in reversed(list(enumerate(header))) if name}
    missing = [column.name for column in sheet.columns if column.name not in where]
    if missing:
        raise RolebookError(
            f"{cells.file}: sheet {sheet.name} has no column {', '.join(missing)} in its first "
            "row; keep the header row as export wrote it"
        )
    letters = {c.name: get_column_letter(where[c.name] + 1) for c in sheet.columns}
    rows = []
    for number, line in enumerate(lines, 2):
        texts = [_text(cell, cells, sheet.name) for cell in line]
        values = {c.name: texts[i] if i < len(texts) else "" for c, i in _places(sheet, where)}
        if any(values.values()):
            rows.append(Row(number, values))
    return Table(sheet.name, letters, rows)


def _places(sheet: Sheet, where: dict[str, int]) -> list[tuple[Column, int]]:
    return [(column, where[column.name]) for column in sheet.columns]


def _text(cell, cells: Cells, sheet: str) -> str:
    """Returns a cell's value as text: a number as written, a date as YYYY-MM-DD; reports a
    formula or an error value (#N/A…), which hold no text of their own."""
    value = getattr(cell, "value", None)
    kind = getattr(cell, "data_type", "s")
    if value is None:
        return ""
    if kind in ("f", "e"):
        cells.add(
            f"{sheet}!{cell.coordinate}",
            "the cell holds "
            + ("a formula" if kind == "f" else f"the error {value}")
            + "; type the text itself (copy the cell, then paste it as values only)",
        )
        return ""
    return _plain(value)


def _plain(value) -> str:
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def is_own(content: bytes) -> bool:
    """Returns whether `content` is a workbook this module wrote and nobody saved since (Excel
    and LibreOffice change its modified date): export may replace it."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError, OSError, UnicodeDecodeError):
        return False
    dates = re.findall(r"<dcterms:(?:created|modified)\b[^>]*>([^<]*)<", core)
    return f">{CREATOR}</dc:creator>" in core and len(dates) == 2 and dates[0] == dates[1]
