"""`new` and `bump`: the files they write, and that they leave everything else as it was."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from conftest import REPO, edit
from gitrepo import committed, git

from rolebook.commands.bump import next_version
from rolebook.commands.new import next_number

MANAGER = "roles/vip-department-manager.yaml"
SPECIALIST = "roles/vip-specialist.yaml"


def errors(result) -> list[str]:
    return [line for line in result.err.splitlines() if ": error: " in line]


def changed_lines(before: str, after: str) -> tuple[int, list[str]]:
    """Returns the number of hunks of the unified diff and its -/+ lines."""
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm=""))[2:]
    return (
        sum(line.startswith("@@") for line in diff),
        [line for line in diff if line[:1] in "-+"],
    )


# -- new ---------------------------------------------------------------------------------------


def test_new_writes_a_role_with_placeholders_that_check_reports(project, cli):
    result = cli("new", "vip-hostess", "--root", project, "--date", "2026-11-28")
    assert (result.code, result.out) == (
        0,
        "wrote roles/vip-hostess.yaml; replace every TODO in it, then run check\n",
    )
    text = (project / "roles" / "vip-hostess.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/role.schema.json\n")
    assert "\nid: vip-hostess\n" in text
    assert (
        '\n  number: VIP-JD-004\n  version: "1.0"\n  status: draft\n'
        "  effective_date: 2026-11-28\n" in text
    )
    check = cli("check", "--root", project)
    assert check.code == 1
    hostess = errors(check)
    assert len(hostess) == 21
    assert hostess[0] == (
        "roles/vip-hostess.yaml:7:7: error: 'title.zh' still holds the placeholder 'TODO: The "
        "title in Chinese, as used in the handbook, e.g. 贵宾部经理.'; replace it with the real "
        "text or delete it"
    )
    assert hostess[7] == (
        "roles/vip-hostess.yaml:27:13: error: 'author' of entry 1 of 'revision_history' still "
        "holds the placeholder 'TODO: who drafted it'; replace it with the real text or delete it"
    )


def test_a_new_role_with_its_placeholders_filled_passes_check(project, cli):
    cli("new", "vip-hostess", "--root", project, "--date", "2026-11-28")
    path = project / "roles" / "vip-hostess.yaml"
    # Its titles are its own; every other text names 总监, a position outside the handbook.
    text = re.sub(r'"TODO: The title in [^"]*"', "迎宾员", path.read_text(encoding="utf-8"))
    path.write_text(re.sub(r'"TODO: [^"]*"', "总监", text), encoding="utf-8")
    result = cli("check", "--root", project)
    assert (result.code, errors(result)) == (0, [])


def test_new_has_every_section_the_settings_require(project, cli):
    edit(project / "handbook.yaml", "  - qualifications\n", "  - qualifications\n  - principles\n")
    cli("new", "vip-hostess", "--root", project, "--date", "2026-11-28")
    text = (project / "roles" / "vip-hostess.yaml").read_text(encoding="utf-8")
    assert text.endswith(
        'principles:\n  - name: "TODO: The principle\'s name, e.g. 保密性原则."\n'
        '    rule: "TODO: What the principle requires."\n'
    )
    assert "\nworkflow:" not in text


def test_new_from_copies_a_role_as_a_fresh_draft(project, cli):
    result = cli(
        "new",
        "vip-senior-specialist",
        "--from",
        "vip-specialist",
        "--root",
        project,
        "--date",
        "2026-11-28",
    )
    assert result.code == 0
    base = (project / SPECIALIST).read_text(encoding="utf-8")
    copy = (project / "roles" / "vip-senior-specialist.yaml").read_text(encoding="utf-8")
    hunks, lines = changed_lines(base, copy)
    assert [line for line in lines if line.startswith("+")] == [
        "+id: vip-senior-specialist",
        '+  zh: "TODO: VIP专员"',
        '+  en: "TODO: VIP Specialist"',
        "+  number: VIP-JD-004",
        '+  version: "1.0"',
        "+  status: draft",
        "+  effective_date: 2026-11-28",
        "+  approved_by:",
        "+    date: 2026-11-28",
        "+    changes: 以 vip-specialist 为基础新建。",
        '+job_code: "TODO: SVC-P2-001"',
        "+  open: false",
    ]
    assert copy.count("  - version:") == 1
    assert "# 来源：篇二 及《阅读指南》" in copy
    assert [line.split(": error: ")[1] for line in errors(cli("check", "--root", project))] == [
        "'title.zh' still holds the placeholder 'TODO: VIP专员'; replace it with the real text "
        "or delete it",
        "'title.en' still holds the placeholder 'TODO: VIP Specialist'; replace it with the real "
        "text or delete it",
        "'job_code' still holds the placeholder 'TODO: SVC-P2-001'; replace it with the real "
        "text or delete it",
    ]


def test_new_refuses_an_existing_role(project, cli):
    result = cli("new", "vip-specialist", "--root", project)
    assert (result.code, result.err) == (
        1,
        "error: roles/vip-specialist.yaml already exists; choose another id or edit that file\n",
    )


def test_new_from_an_unknown_role_suggests_the_nearest(project, cli):
    result = cli("new", "vip-x", "--from", "vip-specialst", "--root", project)
    assert (result.code, result.err) == (
        1,
        "error: there is no role 'vip-specialst': roles/vip-specialst.yaml does not exist; "
        "did you mean 'vip-specialist'?\n",
    )
    assert not (project / "roles" / "vip-x.yaml").exists()


def test_new_with_a_wrong_id_is_a_command_line_error(project, cli, capsys):
    with pytest.raises(SystemExit) as exc:
        cli("new", "VIP_Hostess", "--root", project)
    assert exc.value.code == 2
    assert "argument role-id: 'VIP_Hostess' is not a valid role id" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("numbers", "like", "expected"),
    [
        (["VIP-JD-001", "VIP-JD-003", "VIP-JD-002"], "", "VIP-JD-004"),
        (["VIP-JD-009", "HR-7"], "HR-7", "HR-8"),
        (["A-09", "A-1"], "", "A-10"),
        (["HR-A", "B"], "", "TODO: document number"),
    ],
)
def test_next_number_continues_the_series(numbers, like, expected):
    assert next_number(numbers, like) == expected


# -- bump --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "major", "expected"),
    [("1.1", False, "1.2"), ("1.9", False, "1.10"), ("1.9", True, "2.0"), ("0.3", True, "1.0")],
)
def test_next_version(version, major, expected):
    assert next_version(version, major) == expected


def test_bump_changes_only_the_version_and_adds_one_entry(project, cli):
    before = (project / MANAGER).read_text(encoding="utf-8")
    result = cli(
        "bump",
        "vip-department-manager",
        "--note",
        "修订自身条件。",
        "--date",
        "2026-11-28",
        "--root",
        project,
    )
    assert (result.code, result.out) == (
        0,
        f"{MANAGER}: version 1.1 → 1.2, revision of 2026-11-28 added\n",
    )
    after = (project / MANAGER).read_text(encoding="utf-8")
    assert changed_lines(before, after) == (
        2,
        [
            '-  version: "1.1"',
            '+  version: "1.2"',
            '+  - version: "1.2"',
            "+    date: 2026-11-28",
            "+    author: 人力资源部",
            "+    changes: 修订自身条件。",
        ],
    )
    assert after.index("changes: 修订自身条件") < after.index("# 来源：篇三 直接下级")
    assert cli("check", "--root", project).code == 0


def test_bump_major_and_a_later_date_moves_the_effective_date(project, cli):
    result = cli(
        "bump",
        "vip-specialist",
        "--note",
        'Rewritten: duties, "scope" #2',
        "--major",
        "--date",
        "2027-03-01",
        "--author",
        "HR",
        "--root",
        project,
    )
    assert result.out.splitlines() == [
        f"{SPECIALIST}: version 1.1 → 2.0, revision of 2027-03-01 added",
        "effective_date set to 2027-03-01: a version cannot apply before it is written; change "
        "it if the new version applies later",
        "status is still 'approved': set it to draft or review until version 2.0 is approved",
    ]
    text = (project / SPECIALIST).read_text(encoding="utf-8")
    assert "\n  effective_date: 2027-03-01\n" in text
    assert text.count('    changes: "Rewritten: duties, \\"scope\\" #2"\n') == 1
    assert errors(cli("check", "--root", project)) == []


def test_bump_refuses_a_date_before_the_newest_revision(project, cli):
    before = (project / MANAGER).read_bytes()
    result = cli(
        "bump", "vip-department-manager", "--note", "x", "--date", "2026-01-01", "--root", project
    )
    assert (result.code, result.err) == (
        1,
        f"error: --date 2026-01-01 is before the newest revision of {MANAGER} (2026-11-27); "
        "give a date on or after it\n",
    )
    assert (project / MANAGER).read_bytes() == before


def test_bump_refuses_a_role_with_errors_and_shows_them(project, cli):
    edit(project / MANAGER, "status: draft", "status: drafted")
    before = (project / MANAGER).read_bytes()
    result = cli("bump", "vip-department-manager", "--note", "x", "--root", project)
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"{MANAGER}:14:11: error: 'drafted' is not one of draft, review, approved, retired; "
        "did you mean 'draft'?"
    )
    assert (project / MANAGER).read_bytes() == before


def test_bump_keeps_line_endings_and_byte_order_mark(project, cli):
    path = project / SPECIALIST
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    cli("bump", "vip-specialist", "--note", "CRLF", "--date", "2026-11-28", "--root", project)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# yaml-language-server")
    assert data.count(b"\n") == data.count(b"\r\n")
    assert b'\r\n  - version: "1.2"\r\n    date: 2026-11-28\r\n' in data


def test_bump_adds_to_a_history_at_the_end_of_a_file_without_a_final_newline(project, cli):
    text = (REPO / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
    start, end = text.index("revision_history:"), text.index("reporting:")
    path = project / "roles" / "minimal.yaml"
    path.write_text(text[:start] + text[end:] + text[start:end].rstrip("\n"), encoding="utf-8")
    result = cli("bump", "minimal", "--note", "末尾", "--date", "2026-01-01", "--root", project)
    assert result.code == 0
    assert path.read_text(encoding="utf-8").endswith(
        '    changes: 新建。\n  - version: "1.1"\n    date: 2026-01-01\n    author: 人力资源部\n'
        "    changes: 末尾\n"
    )


# -- bump with nothing changed -------------------------------------------------------------------


def bumped(cli, project: Path, note: str = "复审。"):
    """Returns the result of bumping the specialist, which must succeed."""
    result = cli(
        "bump", "vip-specialist", "--note", note, "--date", "2026-12-01", "--root", project
    )
    assert result.code == 0, result.err
    return result


def unchanged_warning(project: Path, version: str, new: str) -> str:
    """Returns bump's warning that nothing changed since `version`, recorded in HEAD."""
    commit = git(project, "log", "-1", "--format=%h %cs", "--abbrev=7").split()
    return (
        f"warning: {SPECIALIST}: nothing but document_control and revision_history has changed "
        f"since version {version} (git {commit[0]}, {commit[1]}); version {new} records no "
        "change to the role\n"
    )


@pytest.mark.external
def test_bump_with_nothing_changed_since_the_last_version_warns_and_bumps(project, cli):
    committed(project)
    edit(project / SPECIALIST, "status: approved", "status: review")  # document control only
    result = bumped(cli, project)
    assert result.err == unchanged_warning(project, "1.1", "1.2")
    assert result.out.startswith(f"{SPECIALIST}: version 1.1 → 1.2")


@pytest.mark.external
def test_bump_after_an_edit_does_not_warn(project, cli):
    committed(project)
    edit(project / SPECIALIST, "  - 其他服务内容", "  - 其他服务内容（含节假日）")
    assert bumped(cli, project).err == ""


@pytest.mark.external
def test_bump_counts_edits_committed_since_the_version_was_recorded(project, cli):
    committed(project)
    edit(project / SPECIALIST, "  - 其他服务内容", "  - 其他服务内容（含节假日）")
    bumped(cli, project)
    git(project, "commit", "-q", "-am", "Specialist 1.2")
    recorded = unchanged_warning(project, "1.2", "1.3")
    edit(project / SPECIALIST, "（含节假日）", "（含节假日及夜班）")
    git(project, "commit", "-q", "-am", "Specialist: a duty reworded, no new version")
    assert bumped(cli, project).err == ""  # changed since 1.2, though not since the last commit
    git(project, "reset", "-q", "--hard", "HEAD~1")
    assert bumped(cli, project).err == recorded


def test_bump_outside_git_does_not_warn(project, cli):
    assert bumped(cli, project).err == ""


def test_bump_edits_the_file_a_role_links_to_and_keeps_the_link(project, cli):
    # A role kept elsewhere in the project and linked into roles/ must stay a link.
    (project / "shared").mkdir()
    (project / "roles" / "vip-specialist.yaml").rename(project / "shared" / "specialist.yaml")
    (project / "roles" / "vip-specialist.yaml").symlink_to("../shared/specialist.yaml")
    result = cli(
        "bump", "vip-specialist", "--note", "改版。", "--date", "2027-01-05", "--root", project
    )
    assert result.code == 0
    assert (project / "roles" / "vip-specialist.yaml").is_symlink()
    assert 'version: "1.2"' in (project / "shared" / "specialist.yaml").read_text(encoding="utf-8")
