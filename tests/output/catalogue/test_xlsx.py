"""The catalogue as a workbook: its sheets and their usability (frozen headers, widths for Chinese
text, a drop-down of statuses, a read-me), the same bytes from the same roles, and reading it
back into the same roles; a file that is not such a workbook is refused with one clear line."""

from __future__ import annotations

import dataclasses
import io
import typing
import zipfile

import pytest
from conftest import REPO
from openpyxl import load_workbook
from workbooks import Edited, catalogue_of

from rolebook.bench.generate import Generator
from rolebook.model.errors import RolebookError, display_width
from rolebook.model.scalars import Status
from rolebook.model.schema import LibraryRef
from rolebook.output.catalogue import xlsx
from rolebook.output.catalogue.sheets import SHEETS, roles_from
from rolebook.output.catalogue.table import Catalogue, Cells, Problems


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return catalogue_of(REPO)


@pytest.fixture(scope="module")
def content(catalogue) -> bytes:
    return xlsx.write(catalogue)


def read_roles(content: bytes) -> dict:
    tables, _ = xlsx.read(content, "catalogue.xlsx")
    return {role_id: role for role_id, (role, _) in roles_from(tables, Cells("x")).items()}


def test_the_sheets_are_the_read_me_the_roles_and_one_per_list(content):
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "read me",
        "roles",
        "duties",
        "qualifications",
        "workflow",
        "competencies",
        "principles",
        "precautions",
        "revision_history",
        "acknowledged_warnings",
        "rolebook",
    ]
    assert book.active.title == "roles"
    assert [bool(sheet.sheet_view.tabSelected) for sheet in book][:3] == [False, True, False]
    assert book["rolebook"].sheet_state == "hidden"
    assert [c.value for c in book["duties"][1]] == ["role", "position", "text"]
    assert [c.value for c in book["workflow"][1]] == [
        "role",
        "entry",
        "time",
        "period",
        "condition",
        "position",
        "text",
    ]


def test_a_role_is_a_row_of_roles_and_a_row_per_item(content, catalogue):
    book = Edited(content)
    roles = book.rows("roles")
    assert [row["id"] for row in roles] == [role.id for role in catalogue.roles]
    manager = roles[0]
    assert manager["title.zh"] == "贵宾部经理"
    assert (manager["number"], manager["version"], manager["status"]) == (
        "VIP-JD-002",
        "1.1",
        "draft",
    )
    assert manager["effective_date"] == "2026-12-01"
    assert manager["reports_to"] == "总监"
    duties = [row for row in book.rows("duties") if row["role"] == "vip-department-manager"]
    assert [row["position"] for row in duties] == list(range(1, 14))
    assert duties[3]["text"] == catalogue.roles[0].duties[3]
    steps = [row for row in book.rows("workflow") if row["role"] == "vip-specialist"]
    assert len(steps) == 19
    assert steps[0] == {
        "role": "vip-specialist",
        "entry": 1,
        "time": "08:30–09:00",
        "period": None,
        "condition": None,
        "position": 1,
        "text": catalogue.roles[2].workflow[0].steps[0],
    }
    assert steps[-1]["period"] == "每交易周、交易月结束后"


def test_headers_are_frozen_and_columns_fit_chinese_text(content):
    book = load_workbook(io.BytesIO(content))
    for sheet in SHEETS:
        assert book[sheet.name].freeze_panes == "B2"
        assert book[sheet.name].auto_filter.ref.startswith("A1:")
        assert all(cell.font.bold for cell in book[sheet.name][1])
    roles = book["roles"]
    widths = {c.value: roles.column_dimensions[c.column_letter].width for c in roles[1]}
    # A Chinese character is as wide as two Latin letters: 贵宾部经理 needs 10.
    assert widths["title.zh"] >= display_width("贵宾部经理") > len("贵宾部经理")
    assert widths["title.en"] >= len("VIP Department Supervisor")
    assert widths["summary"] == 60
    assert roles["S2"].alignment.wrap_text is True
    assert roles["F2"].number_format == "@"  # a version stays text: 1.10 is not 1.1


def test_the_status_column_offers_the_schemas_statuses(content):
    book = load_workbook(io.BytesIO(content))
    rules = book["roles"].data_validations.dataValidation
    status = next(c.column_letter for c in book["roles"][1] if c.value == "status")
    (rule,) = [r for r in rules if str(r.sqref).startswith(f"{status}2")]
    assert rule.type == "list"
    assert rule.formula1 == '"' + ",".join(typing.get_args(Status)[1].choices) + '"'
    assert rule.formula1 == '"draft,review,approved,retired"'


def test_the_read_me_says_what_each_sheet_and_column_holds(content):
    book = load_workbook(io.BytesIO(content))
    text = "\n".join(
        " | ".join(str(v) for v in row if v) for row in book["read me"].iter_rows(values_only=True)
    )
    assert text.startswith("VIP岗位职责手册: the catalogue of 3 roles")
    assert "rolebook import catalogue.xlsx --dry-run" in text
    assert "status | Lifecycle status: draft, review, approved or retired. Required." in text
    for sheet in SHEETS:
        assert f"\n{sheet.name} | " in text


def test_the_same_roles_give_the_same_bytes(catalogue, content):
    assert xlsx.write(catalogue) == content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2026-12-01T00:00:00Z") == 2  # created and modified: the effective date


def test_a_workbook_reads_back_as_the_roles_it_was_written_from(catalogue, content):
    assert read_roles(content) == {role.id: role for role in catalogue.roles}


def test_generated_roles_read_back_too(tmp_path):
    Generator(REPO, 30).write_project(tmp_path / "project")
    generated = catalogue_of(tmp_path / "project")
    assert read_roles(xlsx.write(generated)) == {role.id: role for role in generated.roles}


def test_a_line_naming_the_library_is_written_ref_and_read_back(catalogue):
    role = catalogue.roles[0]
    attitude = [*role.qualifications.attitude, LibraryRef("professional-ethics")]
    role = dataclasses.replace(
        role,
        qualifications=dataclasses.replace(role.qualifications, attitude=attitude),
        precautions=[LibraryRef("fire-exits"), "注意安全。"],
    )
    content = xlsx.write(dataclasses.replace(catalogue, roles=[role]))
    assert load_workbook(io.BytesIO(content))["precautions"]["C2"].value == "ref: fire-exits"
    assert read_roles(content)[role.id] == role


def test_text_that_looks_like_a_formula_stays_text(catalogue):
    role = dataclasses.replace(catalogue.roles[0], duties=["=SUM(A1:A9)", "+86 10 1234"])
    content = xlsx.write(dataclasses.replace(catalogue, roles=[role]))
    cell = load_workbook(io.BytesIO(content))["duties"]["C2"]
    assert (cell.value, cell.data_type) == ("=SUM(A1:A9)", "s")
    assert read_roles(content)[role.id].duties == ["=SUM(A1:A9)", "+86 10 1234"]


def test_a_fresh_export_is_rolebooks_own_and_a_saved_one_is_not(content):
    assert xlsx.is_own(content)
    assert not xlsx.is_own(Edited(content).content())  # saved by a spreadsheet since
    assert not xlsx.is_own(b"not a zip")


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "this is an Excel 97–2003 workbook"),
        (b"role,field\n", "not an Excel workbook (.xlsx)"),
        (b"", "not an Excel workbook (.xlsx)"),
    ],
    ids=["xls-or-encrypted", "csv", "empty"],
)
def test_a_file_that_is_no_workbook_is_refused_in_one_line(content, message):
    with pytest.raises(RolebookError) as caught:
        xlsx.read(content, "catalogue.xlsx")
    assert caught.value.lines()[0].startswith(f"error: catalogue.xlsx: {message}")
    assert len(caught.value.lines()) == 1


def test_a_zip_that_is_no_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(RolebookError, match="cannot read the workbook"):
        xlsx.read(out.getvalue(), "catalogue.xlsx")


def test_a_workbook_that_unpacks_to_too_much_is_refused(content, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_UNPACKED", 100_000)
    with pytest.raises(RolebookError, match="unpacks to more than"):
        xlsx.read(content, "catalogue.xlsx")


def test_a_missing_sheet_or_column_is_named(content):
    book = Edited(content)
    del book.book["precautions"]
    with pytest.raises(RolebookError, match="the workbook has no sheet precautions"):
        xlsx.read(book.content(), "catalogue.xlsx")
    book = Edited(content)
    book.book["duties"]["C1"] = "description"
    with pytest.raises(RolebookError, match="sheet duties has no column text in its first row"):
        xlsx.read(book.content(), "catalogue.xlsx")


def test_a_formula_is_refused_at_its_cell(content):
    book = Edited(content)
    book.book["duties"]["C5"] = '=CONCAT("a", "b")'
    with pytest.raises(Problems) as caught:
        xlsx.read(book.content(), "catalogue.xlsx")
    assert caught.value.lines() == [
        "catalogue.xlsx: duties!C5: error: the cell holds a formula; type the text itself "
        "(copy the cell, then paste it as values only)"
    ]


def test_columns_may_be_moved_and_others_added(content, catalogue):
    book = Edited(content)
    sheet = book.book["duties"]
    sheet.insert_cols(1)  # a column of HR's own notes, before the others
    sheet["A1"] = "notes"
    sheet["A3"] = "check with the manager"
    assert read_roles(book.content()) == {role.id: role for role in catalogue.roles}
