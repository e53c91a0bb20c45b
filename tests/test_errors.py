"""One fixture per kind of mistake in a role file: the exact message, exit 1, nothing written.

Each tests/fixtures/errors/<case>.yaml is a small role with one mistake; <case>.expected holds the
first line `check` must print for it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "errors"
CASES = sorted(p.stem for p in FIXTURES.glob("*.yaml"))


def add_fixture(project: Path, case: str) -> None:
    shutil.copy(FIXTURES / f"{case}.yaml", project / "roles" / f"{case}.yaml")


def test_there_is_a_fixture_for_every_kind_of_mistake():
    assert len(CASES) >= 20
    assert all((FIXTURES / f"{c}.expected").exists() for c in CASES)


@pytest.mark.parametrize("case", CASES)
def test_check_prints_the_exact_message_and_exits_1(project, cli, case):
    add_fixture(project, case)
    result = cli("check", "--root", project)
    expected = (FIXTURES / f"{case}.expected").read_text(encoding="utf-8").strip()
    problems = [line for line in result.err.splitlines() if ": error: " in line]
    assert result.code == 1
    assert problems == [expected]
    assert result.out.strip() == "4 roles: 1 error, 4 warnings"
    assert "Traceback" not in result.err


@pytest.mark.parametrize("case", ["unknown-key", "yaml-syntax", "missing-section"])
def test_build_with_a_mistake_writes_nothing(project, cli, case):
    add_fixture(project, case)
    result = cli("build", "--root", project)
    assert result.code == 1
    assert "build failed: nothing was written" in result.err
    assert not (project / "output").exists()
    assert [p.name for p in project.iterdir() if p.name.startswith(".rolebook")] == []


def test_a_message_shows_the_source_line_and_a_caret(project, cli):
    add_fixture(project, "unknown-key")
    lines = cli("check", "--root", project).err.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("roles/unknown-key.yaml"))
    assert lines[first + 1:first + 3] == ["    dutys:", "    ^"]


def test_problems_of_all_files_are_reported_together(project, cli):
    for case in ("unknown-key", "bad-date", "tab-indent"):
        add_fixture(project, case)
    result = cli("check", "--root", project)
    files = [line.split(":")[0] for line in result.err.splitlines() if ": error: " in line]
    assert files == ["roles/bad-date.yaml", "roles/tab-indent.yaml", "roles/unknown-key.yaml"]
    assert result.out.strip() == "6 roles: 3 errors, 4 warnings"
