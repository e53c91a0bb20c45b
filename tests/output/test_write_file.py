"""The files `new`, `bump` and `diff --html` write (through publish.write_file): a changed file
keeps its permissions, owner and group, a new one gets the umask's, as root and as an ordinary
user, and a failed write leaves no temporary file behind."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from faults import rolebook

from rolebook.model.errors import RolebookError
from rolebook.output import publish

SPECIALIST = "roles/vip-specialist.yaml"


@contextmanager
def umask(mask: int) -> Iterator[None]:
    """Runs the block with the process's umask set to `mask`."""
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def write_all_three(cli, project: Path, report: Path, *force: str) -> None:
    """Runs new, bump and diff --html on the project, each of which must succeed."""
    runs = [
        ("new", "vip-hostess"),
        ("bump", "vip-specialist", "--note", "调整交易日工作时间。", "--date", "2026-12-01"),
        ("diff", "vip-specialist", "--against", project / SPECIALIST, "--html", report, *force),
    ]
    for args in runs:
        result = cli(*args, "--root", project)
        assert result.code == 0, result.err


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002], ids=oct)
def test_a_new_file_gets_the_permissions_the_umask_gives(project, cli, tmp_path, mask):
    with umask(mask):
        write_all_three(cli, project, tmp_path / "redline.html")
    expected = 0o666 & ~mask
    assert mode(project / "roles/vip-hostess.yaml") == expected
    assert mode(tmp_path / "redline.html") == expected


@pytest.mark.parametrize("mask", [0o022, 0o077], ids=oct)
def test_a_changed_file_keeps_its_permissions(project, cli, tmp_path, mask):
    (project / SPECIALIST).chmod(0o644)
    (tmp_path / "redline.html").write_text("old report", encoding="utf-8")
    (tmp_path / "redline.html").chmod(0o664)
    with umask(mask):
        write_all_three(cli, project, tmp_path / "redline.html", "--force")
    assert "1.2" in (project / SPECIALIST).read_text(encoding="utf-8")
    assert mode(project / SPECIALIST) == 0o644
    assert mode(tmp_path / "redline.html") == 0o664


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another owner")
def test_a_role_bumped_by_root_keeps_its_owner_and_group(project, cli):
    role = project / SPECIALIST
    os.chown(role, 65534, 65534)  # nobody, nogroup
    role.chmod(0o640)
    assert cli("bump", "vip-specialist", "--note", "复审。", "--root", project).code == 0
    info = role.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (65534, 65534, 0o640)


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """Returns a folder that every user may enter (pytest's own are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="rolebook-shared-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def as_ordinary_user(command: list[str], folder: Path) -> list[str]:
    """Returns `command` run as the user nobody when this is root, with `folder` given to nobody;
    an ordinary user runs it as it is."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): cannot become another user")
    subprocess.run(["chown", "-R", "nobody:nogroup", str(folder)], check=True)
    return [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", *command]


@pytest.mark.external
def test_an_ordinary_user_s_files_keep_their_permissions_under_umask_077(project, shared_folder):
    root = shutil.copytree(project, shared_folder / "handbook")
    (root / SPECIALIST).chmod(0o644)
    commands = [
        ["new", "vip-hostess"],
        ["bump", "vip-specialist", "--note", "复审。"],
        ["diff", "vip-specialist", "--against", root / SPECIALIST, "--html", root / "r.html"],
    ]
    for args in commands:
        run = subprocess.run(
            as_ordinary_user(rolebook(*args, "--root", root), shared_folder),
            capture_output=True,
            text=True,
            umask=0o077,
            env={**os.environ, "HOME": str(root)},
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
    assert mode(root / SPECIALIST) == 0o644
    assert (mode(root / "roles/vip-hostess.yaml"), mode(root / "r.html")) == (0o600, 0o600)


def test_a_failed_write_leaves_no_temporary_file(tmp_path):
    (tmp_path / "taken" / "inside").mkdir(parents=True)  # a folder no rename can replace
    with pytest.raises(RolebookError, match=f"^{re.escape(f'cannot write {tmp_path}/taken: ')}"):
        publish.write_file(tmp_path / "taken", b"data")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
