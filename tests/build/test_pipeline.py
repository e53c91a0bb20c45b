"""The build as a whole: what it writes, that it is reproducible, and that failures lose nothing."""

from __future__ import annotations

import os

import pytest
from conftest import edit
from readback import EXPECTED, snapshot

from rolebook.check import gather
from rolebook.load import library
from rolebook.output import publish
from rolebook.util import parallel


def test_build_writes_the_html_handbook_and_four_docx_and_its_marker(built):
    assert set(snapshot(built)) == EXPECTED | {publish.MARKER}
    assert (built / publish.MARKER).read_bytes() == publish.MARKER_TEXT


def test_two_builds_give_identical_bytes(project, cli):
    assert cli("build", "--root", project).code == 0
    first = snapshot(project / "output")
    assert cli("build", "--root", project, "--output", project / "again").code == 0
    assert snapshot(project / "again") == first


def test_a_failed_check_leaves_the_previous_output_untouched(project, cli):
    assert cli("build", "--root", project).code == 0
    before = snapshot(project / "output")
    stamps = {p: p.stat().st_mtime_ns for p in (project / "output").rglob("*")}
    edit(project / "roles" / "vip-specialist.yaml", "qualifications:", "qualification:")
    result = cli("build", "--root", project)
    assert result.code == 1
    assert snapshot(project / "output") == before
    assert {p: p.stat().st_mtime_ns for p in (project / "output").rglob("*")} == stamps


def test_a_rebuild_replaces_the_output_and_removes_stale_files(project, cli):
    assert cli("build", "--root", project).code == 0
    (project / "output" / "stale.txt").write_text("old")
    # The specialist is the one role no other role names in its reporting lines.
    os.remove(project / "roles" / "vip-specialist.yaml")
    assert cli("build", "--root", project).code == 0
    files = set(snapshot(project / "output"))
    assert "stale.txt" not in files
    assert "docx/vip-specialist.docx" not in files
    assert [p.name for p in project.iterdir() if p.name.startswith(".rolebook")] == []


@pytest.mark.parametrize("missing", ["reference.docx", "labels.yaml"])
def test_a_missing_template_file_is_a_clear_error(project, cli, missing):
    os.remove(project / "templates" / missing)
    result = cli("build", "--root", project)
    assert result.code == 1
    assert result.err == (
        f"templates/{missing}: error: cannot read it (No such file or "
        "directory); restore it from git\n"
    )


@pytest.mark.external
def test_a_parallel_build_writes_the_same_bytes_as_one_process(project, cli):
    assert cli("build", "--root", project, "-j", "1", "--no-cache").code == 0
    serial = snapshot(project / "output")
    result = cli(
        "build", "--root", project, "-j", "3", "--no-cache", "--output", project / "parallel"
    )
    assert result.code == 0
    assert snapshot(project / "parallel") == serial


@pytest.mark.parametrize("jobs", ["1", pytest.param("2", marks=pytest.mark.external)])
def test_a_template_error_in_a_worker_is_reported_like_any_other(project, cli, jobs):
    edit(project / "templates" / "_role.xml.j2", "{{ role.summary }}", "{{ role.summery }}")
    result = cli("build", "--root", project, "-j", jobs)
    assert result.code == 1
    assert result.err.startswith("templates/_role.xml.j2:")
    assert "'summery'" in result.err
    assert not (project / "output").exists()


@pytest.mark.parametrize("jobs", ["0", "two"])
def test_a_wrong_number_of_jobs_is_a_command_line_error(cli, capsys, jobs):
    with pytest.raises(SystemExit) as exc:
        cli("build", "-j", jobs)
    assert exc.value.code == 2
    assert f"'{jobs}' is not a whole number of 1 or more" in capsys.readouterr().err


@pytest.fixture(params=[False, True], ids=["in this process", "in a forked process"])
def checks_forked(request, monkeypatch):
    """Checks the whole project in a process forked meanwhile (as the build does for a
    project of over gather.FORK_ABOVE roles) or in the build's own; yields the names of the
    functions run in forked processes."""
    monkeypatch.setattr(gather, "FORK_ABOVE", 0 if request.param else 10**9)
    forked: list[str] = []

    def in_fork(target, *args):
        forked.append(target.__name__)
        return real(target, *args)

    real = parallel.in_fork
    monkeypatch.setattr(parallel, "in_fork", in_fork)
    yield forked


@pytest.mark.parametrize("unreadable", [False, True], ids=["", "and a file with a wrong key"])
def test_the_checks_say_the_same_wherever_they_run(project, cli, checks_forked, unreadable):
    edit(project / "roles" / "vip-specialist.yaml", "number: VIP-JD-001", "number: VIP-JD-002")
    if unreadable:  # the build stops once loaded, with the checks of the whole project too
        edit(project / "roles" / "vip-department-manager.yaml", "qualifications:", "qualification:")
    result = cli("check", "--root", project)
    assert result.code == 1 and "is used by both" in result.err
    built = cli("build", "--root", project)
    assert built.code == 1
    assert built.err == result.err + (
        "build failed: nothing was written; the previous output is unchanged\n"
    )
    assert not (project / "output").exists()
    forked = not unreadable and gather.FORK_ABOVE == 0  # errors once loaded: checked at once
    assert checks_forked == (["project_wide"] if forked else [])


def test_a_clean_project_builds_the_same_wherever_the_checks_run(
    project, cli, built, checks_forked
):
    result = cli("build", "--root", project)
    assert result.code == 0 and "4 warnings" in result.err + result.out
    assert checks_forked == (["project_wide"] if gather.FORK_ABOVE == 0 else [])
    assert snapshot(project / "output") == snapshot(built)


def test_what_fails_before_the_checks_are_done_fails_for_the_projects_errors(
    project, cli, checks_forked, monkeypatch
):
    """The build goes on while the checks run; whatever goes wrong meanwhile on a project with
    errors is reported as those errors, which are what is to be fixed."""

    def broken(loaded):
        raise KeyError("a reference check would have reported")

    monkeypatch.setattr(library, "resolved_roles", broken)
    edit(project / "roles" / "vip-specialist.yaml", "number: VIP-JD-001", "number: VIP-JD-002")
    result = cli("build", "--root", project)
    assert result.code == 1
    assert "error: document number 'VIP-JD-002' is used by both" in result.err
    edit(project / "roles" / "vip-specialist.yaml", "number: VIP-JD-002", "number: VIP-JD-001")
    with pytest.raises(KeyError):  # on a sound project, a fault is a fault
        cli("build", "--root", project)
