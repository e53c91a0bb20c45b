"""The command line: help, summary line, exit codes, and the thin build.py entry point."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, edit
from readback import MANY, many_roles

from rolebook.build.cache import FOLDER as CACHE
from rolebook.cli import parse

SPECIALIST = "roles/vip-specialist.yaml"
MANAGER = "roles/vip-department-manager.yaml"
SUPERVISOR = "roles/vip-department-supervisor.yaml"


def test_check_on_the_sample_roles_passes_with_a_summary(cli):
    result = cli("check", "--root", REPO)
    assert result.code == 0
    assert result.out == "3 roles: 0 errors, 4 warnings\n"
    # The manager's personal requirements are transcribed from the source and stay visible.
    assert [
        line.split(": ")[1] for line in result.err.splitlines() if line.startswith("roles/")
    ] == ["warning"] * 4


def test_check_writes_nothing(project, cli):
    assert cli("check", "--root", project).code == 0
    assert not (project / "output").exists()


def test_removing_a_required_section_fails_check_with_its_position(project, cli):
    edit(project / "roles" / "vip-department-manager.yaml", "\nduties:", "\nduties_removed:")
    result = cli("check", "--root", project)
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        "roles/vip-department-manager.yaml:44:1: error: unknown key 'duties_removed'; "
        "did you mean 'duties'?"
    )


def test_check_fails_on_a_project_whose_roles_were_all_deleted(project, cli):
    for path in (project / "roles").glob("*.yaml"):
        path.unlink()
    result = cli("check", "--root", project)
    assert result.code == 1
    assert result.err == (
        "roles:1:1: error: no role files in the folder; a handbook needs at least one: put one "
        "<id>.yaml file per role in it (`new <id>` writes one), or restore those deleted by "
        "mistake\n"
    )
    assert result.out == "0 roles: 1 error, 0 warnings\n"


def test_new_writes_the_first_role_of_a_project_without_roles(project, cli):
    for path in (project / "roles").glob("*.yaml"):
        path.unlink()
    assert cli("new", "--root", project, "vip-hostess").code == 0
    assert [p.name for p in (project / "roles").iterdir()] == ["vip-hostess.yaml"]


@pytest.mark.external
def test_help_explains_both_commands():
    out = subprocess.run(
        [sys.executable, "build.py", "--help"], cwd=REPO, text=True, capture_output=True, check=True
    ).stdout
    assert re.search(r"\n +build +check every role, then write output/docx/ and output/html/", out)
    assert re.search(r"\n +check +check every role and print each problem as file:line:col", out)


def test_help_lists_the_commands(cli, capsys):
    with pytest.raises(SystemExit) as exc:
        cli("--help")
    assert exc.value.code == 0
    assert re.search(
        r"\n +serve +build, serve the handbook on 127\.0\.0\.1", capsys.readouterr().out
    )


# -- The default command: `rolebook` with build's options is `rolebook build` ------------------


@pytest.mark.parametrize(
    "argv, option, value",
    [
        ([], "command", "build"),
        (["--lang", "en"], "lang", "en"),
        (["-j", "2"], "jobs", 2),
        (["--jobs=3"], "jobs", 3),
        (["--no-cache"], "cache", False),
        (["--output", "site"], "output", Path("site")),
        (["--root", "handbook", "--lang", "en"], "root", Path("handbook")),
    ],
)
def test_builds_options_alone_are_build(argv, option, value):
    args = parse(argv)
    assert (args.command, getattr(args, option)) == ("build", value)


def test_the_default_command_builds_with_its_options(project, cli, monkeypatch):
    monkeypatch.chdir(project)  # --output site is relative to it
    result = cli("--lang", "en", "--no-cache", "-j", "1", "--root", project, "--output", "site")
    assert result.code == 0, result.err
    # Without a cache: the style sheet and the search script are the templates' own.
    assert result.out.startswith(
        "3 roles: 0 errors, 4 warnings; wrote 11 files to site "
        "(9 rendered, 2 copied from the cache or the templates) in "
    )
    index = (project / "site" / "html" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in index
    assert not (project / CACHE).exists()


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["bulid"],
            "rolebook: error: argument command: invalid choice: 'bulid' (choose from "
            "'build', 'check', 'schema', 'new', 'bump', 'serve', 'diff', 'import', 'export', "
            "'translate')",
        ),
        (
            ["--lang", "fr"],
            "rolebook build: error: argument --lang: invalid choice: 'fr' "
            "(choose from 'zh-CN', 'en', 'zh-CN+en')",
        ),
        (
            ["-j", "0"],
            "rolebook build: error: argument -j/--jobs: '0' is not a whole number of 1 or more",
        ),
        (["--no-cache", "--strict"], "rolebook: error: unrecognized arguments: --strict"),
        (["--vers"], "rolebook: error: unrecognized arguments: --vers"),
    ],
)
def test_a_wrong_command_line_exits_2_with_argparses_message(cli, capsys, argv, message):
    with pytest.raises(SystemExit) as exc:
        cli(*argv)
    assert exc.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == message


@pytest.mark.external
def test_build_py_takes_builds_options_alone(project):
    run = subprocess.run(
        [sys.executable, REPO / "build.py", "--lang", "en", "-j", "2", "--no-cache"],
        cwd=project,
        text=True,
        capture_output=True,
    )
    assert run.returncode == 0, run.stderr
    assert '<html lang="en">' in (project / "output/html/index.html").read_text(encoding="utf-8")


@pytest.mark.external
def test_build_py_runs_check_from_the_repository():
    run = subprocess.run(
        [sys.executable, "build.py", "check"], cwd=REPO, text=True, capture_output=True
    )
    assert (run.returncode, run.stdout) == (0, "3 roles: 0 errors, 4 warnings\n")


def test_bad_settings_are_reported_with_their_position(project, cli):
    edit(project / "handbook.yaml", "  - duties\n", "  - dutys\n")
    result = cli("check", "--root", project)
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        "handbook.yaml:15:5: error: 'dutys' is not one of department, summary, "
        "revision_history, reporting, duties, qualifications, competencies, workflow, principles, "
        "precautions; did you mean 'duties'?"
    )


@pytest.mark.external
def test_check_reports_the_same_in_one_process_and_in_several(project, cli):
    many_roles(project)  # enough role files for -j 3 to start worker processes
    edit(project / "roles" / "vip-specialist.yaml", "\nduties:", "\ndutys:")
    edit(
        project / "roles" / "vip-department-manager.yaml",
        "effective_date: 2026-12-01",
        "effective_date: 2026-02-30",
    )
    one = cli("check", "--root", project, "-j", "1")
    several = cli("check", "--root", project, "-j", "3")
    assert one.code == several.code == 1
    assert one.err == several.err and one.err.count("error:") == 2
    assert one.out == several.out == f"{3 + MANY} roles: 2 errors, 0 warnings\n"


# -- check FILE…: the named files' problems, checked with the whole project --------------------


def test_check_of_named_files_reports_theirs_with_the_whole_project(project, cli, monkeypatch):
    monkeypatch.chdir(project)
    edit(project / MANAGER, "number: VIP-JD-002", "number: VIP-JD-001")  # the specialist's
    duplicate = (
        f"{SPECIALIST}:11:3: error: document number 'VIP-JD-001' is used by both "
        f"{MANAGER}:12 and {SPECIALIST}:11; give each role a number of its own"
    )
    result = cli("check", SPECIALIST)
    assert (result.code, result.out) == (1, "1 role: 1 error, 0 warnings\n")
    assert result.err.splitlines()[0] == duplicate
    # The manager's number is the other half of the problem: it names the manager.
    result = cli("check", MANAGER)
    assert (result.code, result.out) == (1, "1 role: 1 error, 4 warnings\n")
    assert duplicate in result.err.splitlines()
    result = cli("check", SUPERVISOR)
    assert (result.code, result.out, result.err) == (0, "1 role: 0 errors, 0 warnings\n", "")


def test_check_of_named_files_leaves_out_the_others(project, cli, monkeypatch):
    monkeypatch.chdir(project.parent)  # names are relative to the current folder, as in a shell
    edit(project / SPECIALIST, "\nduties:", "\ndutys:")
    result = cli("check", "--root", "handbook", f"handbook/{SUPERVISOR}", project / MANAGER)
    assert (result.code, result.out) == (0, "2 roles: 0 errors, 4 warnings\n")
    assert "dutys" not in result.err
    result = cli("check", "--root", "handbook", "--format", "json", f"handbook/{SPECIALIST}")
    report = json.loads(result.out)
    assert (report["roles"], report["errors"], report["warnings"]) == (1, 1, 0)


def test_check_of_the_settings_reports_the_roles_problems_they_cause(project, cli, monkeypatch):
    monkeypatch.chdir(project)
    edit(project / "handbook.yaml", "  - 营运总监\n", "")
    edit(project / "handbook.yaml", "  - qualifications\n", "  - qualifications\n  - workflow\n")
    result = cli("check", "handbook.yaml")
    assert (result.code, result.out) == (1, "0 roles: 3 errors, 0 warnings\n")
    assert [line for line in result.err.splitlines() if "error" in line] == [
        f"{MANAGER}:2:1: error: required section 'workflow' is missing; add 'workflow:' to "
        "the role (handbook.yaml requires it)",
        f"{MANAGER}:40:7: error: '营运总监' in promotion is neither a role id in roles/ nor "
        "one of the external_positions in handbook.yaml; did you mean '总监'?",
        f"{SUPERVISOR}:2:1: error: required section 'workflow' is missing; add 'workflow:' to "
        "the role (handbook.yaml requires it)",
    ]


def test_settings_that_cannot_be_read_are_reported_with_any_named_file(project, cli, monkeypatch):
    monkeypatch.chdir(project)
    edit(project / "handbook.yaml", "  - duties\n", "  - dutys\n")
    result = cli("check", SUPERVISOR)
    assert result.code == 1
    assert result.err.splitlines()[0].startswith("handbook.yaml:15:5: error: 'dutys' is not one")


def test_a_role_file_linked_from_inside_the_project_can_be_named(project, cli, monkeypatch):
    monkeypatch.chdir(project)
    (project / "drafts").mkdir()
    (project / SPECIALIST).rename(project / "drafts/vip-specialist.yaml")
    (project / SPECIALIST).symlink_to(project / "drafts/vip-specialist.yaml")
    result = cli("check", SPECIALIST)
    assert (result.code, result.out, result.err) == (0, "1 role: 0 errors, 0 warnings\n", "")


# Names that are no role file of the project: each is refused with one line, exit 1.
NOT_CHECKABLE = {
    "roles/vip-specialst.yaml": (
        "error: roles/vip-specialst.yaml does not exist; did you mean roles/vip-specialist.yaml?"
    ),
    "notes.txt": "error: notes.txt does not exist; the role files are in roles/",
    "templates/style.css": (
        "error: templates/style.css is not a role file (roles/<id>.yaml) nor handbook.yaml; "
        "check only those, or name no file to check them all"
    ),
    "roles": (
        "error: roles is not a role file (roles/<id>.yaml) nor handbook.yaml; check only "
        "those, or name no file to check them all"
    ),
    "roles/.draft.yaml": (
        "error: roles/.draft.yaml is not a role file (roles/<id>.yaml) nor handbook.yaml; "
        "check only those, or name no file to check them all"
    ),
    "roles/\x1b[2Jclear.yaml\n": (
        "error: roles/\ufffd[2Jclear.yaml\ufffd does not exist; the role files are in roles/"
    ),
    "{outside}/roles/vip-specialist.yaml": (
        "error: {outside}/roles/vip-specialist.yaml is outside the project {project}; name its "
        "role files (roles/<id>.yaml) or handbook.yaml (--root says which project)"
    ),
}


@pytest.mark.parametrize("name", NOT_CHECKABLE)
def test_a_name_that_is_no_role_file_is_refused(project, cli, monkeypatch, tmp_path, name):
    monkeypatch.chdir(project)
    (project / "roles" / ".draft.yaml").write_text("id: draft\n", encoding="utf-8")
    outside = tmp_path / "outside"
    (outside / "roles").mkdir(parents=True)
    (outside / SPECIALIST).write_bytes((project / SPECIALIST).read_bytes())
    fill = {"outside": outside, "project": project}
    result = cli("check", SPECIALIST, name.format(**fill))
    assert (result.code, result.out) == (1, "")
    assert result.err == NOT_CHECKABLE[name].format(**fill) + "\n"


def test_build_quiet_prints_problems_only_and_verbose_lists_what_it_rendered(project, cli):
    quiet = cli("build", "-q", "-j", "1", "--root", project)
    assert (quiet.code, quiet.out) == (0, "")
    assert quiet.err.count(": warning: ") == 4  # the problems are still printed
    edit(project / SPECIALIST, "summary: ", "summary: 编辑 ")
    verbose = cli("build", "-v", "-j", "1", "--root", project)
    assert "rendered html/vip-specialist.html\n" in verbose.out
    assert "jobs rendered, in " in verbose.err  # a short build shows progress when asked
    assert verbose.out.splitlines()[-1].startswith("3 roles: 0 errors, 4 warnings; wrote ")
    with pytest.raises(SystemExit):
        parse(["build", "-q", "-v"])
