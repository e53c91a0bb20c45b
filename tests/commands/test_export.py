"""`export`: the catalogue written where asked, in the format asked, the same bytes each time;
never over a file that rolebook did not write (without --force), never into the project."""

from __future__ import annotations

import json

import pytest
from conftest import edit
from workbooks import Edited

from rolebook.output.catalogue import xlsx


def test_export_writes_a_workbook_beside_the_roles_by_default(project, cli):
    result = cli("export", "--root", project)
    assert (result.code, result.out, result.err) == (
        0,
        f"wrote {project / 'catalogue.xlsx'}: 3 roles\n",
        "",
    )
    assert xlsx.is_own((project / "catalogue.xlsx").read_bytes())


def test_the_format_follows_the_extension_or_the_option(project, cli, tmp_path):
    assert cli("export", "--root", project, "--output", tmp_path / "c.json").code == 0
    assert json.loads((tmp_path / "c.json").read_bytes())["generator"] == "rolebook catalogue"
    assert cli("export", "--root", project, "--format", "csv").code == 0
    assert (project / "catalogue.csv").read_bytes().startswith(b"\xef\xbb\xbfrole,field")
    result = cli("export", "--root", project, "--output", tmp_path / "c.txt")
    assert (result.code, result.err) == (
        1,
        f"error: cannot tell the format of {tmp_path / 'c.txt'} from its extension; name the "
        "file .xlsx, .csv or .json, or give --format\n",
    )
    result = cli("export", "--root", project, "--format", "csv", "--output", tmp_path / "c.xlsx")
    assert result.code == 1 and "does not end in .csv" in result.err


def test_two_exports_are_byte_identical(project, cli, tmp_path):
    for name in ("a.xlsx", "b.xlsx", "a.csv", "b.csv", "a.json", "b.json"):
        assert cli("export", "--root", project, "--output", tmp_path / name).code == 0
    for suffix in ("xlsx", "csv", "json"):
        assert (tmp_path / f"a.{suffix}").read_bytes() == (tmp_path / f"b.{suffix}").read_bytes()


def test_its_own_export_is_replaced_but_no_other_file_without_force(project, cli):
    target = project / "catalogue.xlsx"
    assert cli("export", "--root", project).code == 0
    assert cli("export", "--root", project).code == 0  # rolebook's own: replaced
    edited = Edited(target.read_bytes()).save(target)  # saved in a spreadsheet since
    before = edited.read_bytes()
    result = cli("export", "--root", project)
    assert (result.code, result.err) == (
        1,
        f"error: {target} exists and is not a catalogue that export wrote (or it was edited "
        "since): nothing written; choose another --output, or add --force to replace it\n",
    )
    assert target.read_bytes() == before
    assert cli("export", "--root", project, "--force").code == 0
    assert xlsx.is_own(target.read_bytes())


@pytest.mark.parametrize(
    "where", ["handbook.yaml", "roles/catalogue.xlsx", "templates/c.json", ".git/c.json"]
)
def test_the_project_own_files_are_never_written(project, cli, where):
    before = sorted(p.read_bytes() for p in project.rglob("*") if p.is_file())
    result = cli(
        "export", "--root", project, "--output", project / where, "--format", "json", "--force"
    )
    assert result.code == 1
    assert "the catalogue never replaces a project input: choose a file elsewhere" in result.err
    assert sorted(p.read_bytes() for p in project.rglob("*") if p.is_file()) == before


def test_a_project_with_errors_exports_nothing(project, cli):
    edit(project / "roles" / "vip-specialist.yaml", "status: approved", "status: done")
    result = cli("export", "--root", project)
    assert result.code == 1
    assert "roles/vip-specialist.yaml:13:11: error: 'done' is not one of" in result.err
    assert not (project / "catalogue.xlsx").exists()
