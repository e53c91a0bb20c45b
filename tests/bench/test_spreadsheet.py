"""The benchmark's spreadsheet figures: the workbook it edits holds the changes it advertises, and
they import cleanly; a run with a few roles prints every figure (no timing is asserted)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import REPO
from workbooks import catalogue_of

from rolebook.bench import spreadsheet
from rolebook.bench.generate import Generator
from rolebook.output.catalogue import xlsx


def test_the_edited_workbook_changes_fifty_roles_and_imports_cleanly(tmp_path, cli):
    root = tmp_path / "project"
    Generator(REPO, 60).write_project(root)
    catalogue = catalogue_of(root)
    content, files = spreadsheet.edited_workbook(xlsx.write(catalogue), catalogue.roles)
    assert files == spreadsheet.CHANGES == 50
    (tmp_path / "edited.xlsx").write_bytes(content)
    result = cli("import", tmp_path / "edited.xlsx", "--root", root)
    assert result.code == 0, result.err
    kinds = [line.split()[0] for line in result.out.splitlines() if line.split()[1] == "duties"]
    assert sorted(set(kinds)) == ["added", "removed", "reworded"]
    assert (kinds.count("reworded"), kinds.count("added"), kinds.count("removed")) == (20, 15, 15)
    assert "50 roles changed (50 changes), 0 new, 10 unchanged" in result.out
    assert cli("check", "--root", root).code == 0


@pytest.mark.external
def test_the_sheets_benchmark_prints_every_figure(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "rolebook.bench", "--sheets", "--roles", "6", "--runs", "1"]
        + ["--root", str(REPO), "--keep", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert out.startswith("rolebook benchmark: 6 roles (")
    assert re.search(
        r"\| export of 6 roles to \.xlsx \(wall, `rolebook export`\) \| \d+\.\d\d s", out
    )
    assert re.search(
        r"\| \.xlsx import of 6 roles with 6 changes [^|]*\| \d+\.\d\d s \(CPU \d+\.\d\d s\) "
        r"\| ≤ 5 s",
        out,
    )
    for row in ("… to .csv, to .json (wall)", "catalogue → .xlsx bytes", ".xlsx → roles"):
        assert f"| {row}" in out
    # The benchmark put the roles back after each import: the project is as generated.
    Generator(REPO, 6).write_project(tmp_path / "fresh")
    for path in (tmp_path / "fresh" / "roles").iterdir():
        assert (tmp_path / "project" / "roles" / path.name).read_bytes() == path.read_bytes()
