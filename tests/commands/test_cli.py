"""The command line: help, summary line, exit codes, and the thin build.py entry point."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import REPO, edit


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


def test_a_wrong_command_exits_2(cli):
    with pytest.raises(SystemExit) as exc:
        cli("bulid")
    assert exc.value.code == 2


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
        "revision_history, reporting, duties, qualifications, workflow, principles, precautions; "
        "did you mean 'duties'?"
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
