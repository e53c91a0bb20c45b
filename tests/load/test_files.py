"""Reading the project's files: links that lead round in a loop and folders that cannot be listed
are one line each, never a traceback (the build's side of it is in the hostile corpus)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from faults import rolebook, unprivileged

from rolebook.load.files import Refused, read_bytes, scan_roles, sources
from rolebook.model.errors import CheckFailed

LOOP = (
    "the file is a link that leads round in a loop (roles/a.yaml → roles/b.yaml → "
    "roles/a.yaml); delete the link, or point it at a real file"
)


def looped(project: Path) -> None:
    (project / "roles" / "a.yaml").symlink_to("b.yaml")
    (project / "roles" / "b.yaml").symlink_to("a.yaml")


@pytest.mark.parametrize("inside", [False, True])
def test_a_loop_of_role_links_is_refused_naming_each_link(project, inside):
    # inside=True opens the link without resolving it first, as Python 3.13's resolve() lets a
    # loop through: the error then comes from open().
    looped(project)
    with pytest.raises(Refused) as refused:
        read_bytes(project, "roles/a.yaml", inside)
    assert str(refused.value) == LOOP


def test_a_roles_folder_linked_to_itself_stops_check_with_one_line(project, cli):
    (project / "roles").rename(project / "kept")
    (project / "roles").symlink_to("roles")
    with pytest.raises(CheckFailed):
        scan_roles(project)
    with pytest.raises(CheckFailed):
        sources(project)
    result = cli("check", "--root", project)
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines() == [
        "roles:1:1: error: the folder is a link that leads round in a loop (roles → roles); "
        "delete the link, or point it at a real folder"
    ]


def test_check_reports_each_role_of_a_loop(project, cli):
    looped(project)
    result = cli("check", "--root", project)
    errors = [line for line in result.err.splitlines() if ": error: " in line]
    assert result.code == 1
    assert errors == [
        f"roles/a.yaml:1:1: error: {LOOP}",
        "roles/b.yaml:1:1: error: the file is a link that leads round in a loop (roles/b.yaml → "
        "roles/a.yaml → roles/b.yaml); delete the link, or point it at a real file",
    ]


@pytest.mark.external
def test_a_roles_folder_that_cannot_be_listed_stops_check_with_one_line_for_a_user(project):
    (project / "roles").chmod(0)
    run = subprocess.run(
        unprivileged(rolebook("check", "--root", project)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        "roles:1:1: error: cannot read the folder: Permission denied; check its permissions "
        "(whoever runs rolebook must be able to list it)"
    ]


@pytest.mark.external
def test_a_project_folder_that_cannot_be_searched_stops_check_with_one_line_for_a_user(project):
    # Its names can be listed, but nothing in it reached: Path.is_dir() raises there.
    project.chmod(0o644)
    try:
        run = subprocess.run(
            unprivileged(rolebook("check", "--root", project)),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        project.chmod(0o755)
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        "roles:1:1: error: cannot reach the folder: Permission denied; check the permissions of "
        "the project folder (whoever runs rolebook must be able to open it)"
    ]
