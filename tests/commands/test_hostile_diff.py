"""`diff`'s hostile command lines: revisions that look like options of git.

Each case of REVISIONS makes `diff` exit 1 and print nothing to standard output; its
first line of errors is exactly the case's (`{p}` stands for the project, `{head}` for its
commit), and every file, folder and link of the project (its .git too) stays as it was.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from gitrepo import committed, git

from rolebook.load import history

SPECIALIST = "roles/vip-specialist.yaml"
NO_COMMIT = (
    "error: --against {rev}: no such file, and git has no commit of that name; give a file, or "
    "a commit, branch or tag (HEAD, HEAD~2, v1.0)"
)


def state(folder: Path) -> dict[str, object]:
    """Returns every file, folder and link under `folder`, .git included: a file's bytes and
    permissions, a folder's permissions, a link's target."""
    found: dict[str, object] = {}
    for top, folders, names in os.walk(folder):
        for name in folders + names:
            path = Path(top, name)
            mode = stat.S_IMODE(path.lstat().st_mode)
            if path.is_symlink():
                found[str(path)] = ("link", os.readlink(path))
            else:
                found[str(path)] = (path.read_bytes() if path.is_file() else "folder", mode)
    return found


def copy_of_specialist(project: Path) -> None:
    """Adds roles/vip-copy.yaml, a copy of the specialist that no commit holds."""
    text = (project / SPECIALIST).read_text(encoding="utf-8")
    text = text.replace("id: vip-specialist", "id: vip-copy").replace("VIP-JD-003", "VIP-JD-009")
    (project / "roles" / "vip-copy.yaml").write_text(text, encoding="utf-8")


Setup = Callable[[Path], object]
# name: (setup, arguments of diff after --root, expected first line of errors)
REVISIONS: dict[str, tuple[Setup, list[str], str]] = {
    # git show REV:./PATH read this as --output=<project>/x:./roles/vip-specialist.yaml
    "option-output": (
        lambda p: (p / "x:.").joinpath("roles").mkdir(parents=True),
        ["vip-specialist", "--against=--output={p}/x"],
        NO_COMMIT.format(rev="--output={p}/x"),
    ),
    "option-textconv": (
        lambda p: None,
        ["vip-specialist", "--against=--textconv"],
        NO_COMMIT.format(rev="--textconv"),
    ),
    "option-short": (
        lambda p: None,
        ["vip-specialist", "--against=-p"],
        NO_COMMIT.format(rev="-p"),
    ),
    "option-git-dir": (
        lambda p: None,
        ["vip-specialist", "--against=--git-dir=/"],
        NO_COMMIT.format(rev="--git-dir=/"),
    ),
    "unknown": (lambda p: None, ["vip-specialist", "--against", "v9"], NO_COMMIT.format(rev="v9")),
    "a-tree-not-a-commit": (
        lambda p: None,
        ["vip-specialist", "--against", "HEAD:roles"],
        NO_COMMIT.format(rev="HEAD:roles"),
    ),
    "role-not-in-that-commit": (
        copy_of_specialist,
        ["vip-copy", "--against", "HEAD"],
        "error: --against HEAD: git has no roles/vip-copy.yaml in that commit ({head}); choose a "
        "later one or compare with a file",
    ),
}


def refused(cli, project: Path, case: tuple[Setup, list[str], str], head: str = "") -> None:
    """Runs `diff` with the case's arguments and asserts that it refuses with the case's
    message, leaving every file of the project as it was."""
    setup, args, expected = case
    setup(project)
    before = state(project)
    fill = {"p": str(project), "head": head}
    result = cli("diff", "--root", project, *(a.format(**fill) for a in args))
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines()[0] == expected.format(**fill)
    assert "Traceback" not in result.err
    assert state(project) == before


@pytest.mark.external
@pytest.mark.parametrize("case", sorted(REVISIONS))
def test_a_revision_is_never_an_option_of_git(project, cli, case):
    committed(project)
    head = git(project, "rev-parse", "--short=7", "HEAD").strip()
    refused(cli, project.resolve(), REVISIONS[case], head)


@pytest.mark.external
def test_a_user_s_revision_reaches_git_only_after_end_of_options(project, cli, monkeypatch):
    committed(project)
    calls: list[tuple[tuple[str, ...], bytes | None]] = []
    real = history.git

    def recorded(root, *args, data=None):
        calls.append((args, data))
        return real(root, *args, data=data)

    monkeypatch.setattr(history, "git", recorded)
    for rev in ("HEAD~0", "--output=HEAD~0"):
        calls.clear()
        cli("diff", "vip-specialist", f"--against={rev}", "--root", project)
        given = [(args, i) for args, _ in calls for i, arg in enumerate(args) if rev in arg]
        assert len(given) == 1  # rev-parse --verify, once
        assert all("--end-of-options" in args[:i] for args, i in given)
        assert all(rev.encode() not in (data or b"") for _, data in calls)
