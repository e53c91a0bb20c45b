"""One fixture per kind of mistake in a role file: the exact message, exit 1, nothing written.

Each tests/fixtures/errors/<case>.expected holds what `check` must print for the role file
<case>.yaml: the one-line message (or, for a file with several problems, one line each). The few
files too big to keep in git are made by GENERATED instead. A build of each case must fail the
same way and leave the previous output exactly as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from readback import snapshot

from rolebook.load.files import MAX_FILE_BYTES

FIXTURES = Path(__file__).parent.parent / "fixtures" / "errors"
MINIMAL = Path(__file__).parent.parent / "fixtures" / "minimal.yaml"


def huge_file() -> bytes:
    """Returns a 50 MB role: a valid start, then one duty after another."""
    head = MINIMAL.read_text(encoding="utf-8").replace("id: minimal", "id: huge-file").encode()
    duty = "  - 又一项职责。\n".encode()
    return head + duty * ((50_000_000 - len(head)) // len(duty))


GENERATED = {"huge-file": huge_file}
CASES = sorted(p.stem for p in FIXTURES.glob("*.expected"))


def add_fixture(project: Path, case: str) -> None:
    target = project / "roles" / f"{case}.yaml"
    if case in GENERATED:
        target.write_bytes(GENERATED[case]())
    else:
        shutil.copy(FIXTURES / f"{case}.yaml", target)


def expected(case: str) -> list[str]:
    return (FIXTURES / f"{case}.expected").read_text(encoding="utf-8").splitlines()


def test_there_is_a_fixture_for_every_kind_of_mistake():
    assert len(CASES) >= 55
    assert all((FIXTURES / f"{c}.yaml").exists() or c in GENERATED for c in CASES)
    assert len(huge_file()) > 49 * MAX_FILE_BYTES


@pytest.mark.parametrize("case", CASES)
def test_check_prints_the_exact_message_and_exits_1(project, cli, case):
    add_fixture(project, case)
    result = cli("check", "--root", project)
    # The sample manager role's four compliance warnings are printed too; only errors count.
    problems = [line for line in result.err.splitlines() if ": error: " in line]
    errors = len(expected(case))
    assert result.code == 1
    assert problems == expected(case)
    assert result.out.strip() == f"4 roles: {errors} error{'s' * (errors > 1)}, 4 warnings"
    assert "Traceback" not in result.err


@pytest.mark.parametrize("case", CASES)
def test_a_build_with_the_mistake_leaves_the_previous_output_as_it_was(project, cli, built, case):
    shutil.copytree(built, project / "output")
    before = snapshot(project / "output")
    add_fixture(project, case)
    result = cli("build", "--root", project)
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if ": error: " in line]
    assert errors[0] == expected(case)[0]
    assert "build failed: nothing was written" in result.err
    assert snapshot(project / "output") == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".rolebook")] == []


def test_a_message_shows_the_source_line_and_a_caret(project, cli):
    add_fixture(project, "unknown-key")
    lines = cli("check", "--root", project).err.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("roles/unknown-key.yaml"))
    assert lines[first + 1 : first + 3] == ["    dutys:", "    ^"]


def test_invisible_characters_are_shown_as_a_mark_and_never_sent_to_the_terminal(project, cli):
    add_fixture(project, "control-escape")
    lines = cli("check", "--root", project).err.splitlines()
    assert lines[1:3] == [
        "    summary: \N{REPLACEMENT CHARACTER}[1m用于测试的岗位。",
        "             ^",
    ]


def test_problems_of_all_files_are_reported_together(project, cli):
    for case in ("unknown-key", "bad-date", "tab-indent"):
        add_fixture(project, case)
    result = cli("check", "--root", project)
    files = [line.split(":")[0] for line in result.err.splitlines() if ": error: " in line]
    assert files == ["roles/bad-date.yaml", "roles/tab-indent.yaml", "roles/unknown-key.yaml"]
    assert result.out.strip() == "6 roles: 3 errors, 4 warnings"


def test_a_file_name_windows_cannot_have_is_refused(project, cli):
    # Made here: a file called con.yaml cannot even be checked out on Windows.
    text = MINIMAL.read_text(encoding="utf-8").replace("id: minimal", "id: con")
    (project / "roles" / "con.yaml").write_text(text, encoding="utf-8")
    result = cli("check", "--root", project)
    assert result.code == 1
    assert [line for line in result.err.splitlines() if ": error: " in line] == [
        "roles/con.yaml:1:1: error: the file name 'con.yaml' cannot be a role id: 'con' cannot "
        "be a file name on Windows; choose another, like vip-department-manager"
    ]
