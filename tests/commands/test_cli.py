"""The command line: help, summary line, exit codes, and the thin build.py entry point."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, edit

from rolebook.build.cache import FOLDER as CACHE
from rolebook.cli import parse


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
    assert result.out.startswith("3 roles: 0 errors, 4 warnings; wrote 11 files to site ")
    index = (project / "site" / "html" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in index
    assert not (project / CACHE).exists()


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["bulid"],
            "rolebook: error: argument command: invalid choice: 'bulid' (choose from "
            "'build', 'check', 'schema', 'new', 'bump', 'serve', 'diff')",
        ),
        (
            ["--lang", "fr"],
            "rolebook build: error: argument --lang: invalid choice: 'fr' "
            "(choose from 'zh-CN', 'en')",
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
        "revision_history, reporting, duties, qualifications, workflow, principles, precautions"
    )


@pytest.mark.external
def test_check_reports_the_same_in_one_process_and_in_several(project, cli):
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
    assert one.out == several.out == "3 roles: 2 errors, 0 warnings\n"
