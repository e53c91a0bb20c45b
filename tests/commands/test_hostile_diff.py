"""`diff`'s hostile command lines: revisions that look like options of git, and reports aimed at
the project's inputs or at existing files.

Each case of REVISIONS and REPORTS makes `diff` exit 1 and print nothing to standard output; its
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
NOT_AN_INPUT = "; a report never replaces a project input: choose a file elsewhere"


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
SELF = ["vip-specialist", "--against", "{p}/" + SPECIALIST]  # a comparison that works
REPORTS: dict[str, tuple[Setup, list[str], str]] = {
    "onto-settings": (
        lambda p: None,
        [*SELF, "--html", "{p}/handbook.yaml"],
        "error: --html {p}/handbook.yaml: {p}/handbook.yaml is the project's handbook.yaml"
        + NOT_AN_INPUT,
    ),
    "onto-a-role-with-force": (
        lambda p: None,
        [*SELF, "--force", "--html", "{p}/" + SPECIALIST],
        f"error: --html {{p}}/{SPECIALIST}: {{p}}/{SPECIALIST} is inside the project's roles/"
        + NOT_AN_INPUT,
    ),
    "into-roles": (
        lambda p: None,
        [*SELF, "--html", "{p}/roles/redline.html"],
        "error: --html {p}/roles/redline.html: {p}/roles/redline.html is inside the project's "
        "roles/" + NOT_AN_INPUT,
    ),
    "into-templates": (
        lambda p: None,
        [*SELF, "--html", "{p}/templates/page.html.j2", "--force"],
        "error: --html {p}/templates/page.html.j2: {p}/templates/page.html.j2 is inside the "
        "project's templates/" + NOT_AN_INPUT,
    ),
    "into-git": (
        lambda p: (p / ".git").mkdir(),
        [*SELF, "--html", "{p}/.git/config"],
        "error: --html {p}/.git/config: {p}/.git/config is inside a .git folder" + NOT_AN_INPUT,
    ),
    "into-roles-by-dotdot": (
        lambda p: None,
        [*SELF, "--html", "{p}/output/../roles/redline.html"],
        "error: --html {p}/output/../roles/redline.html: {p}/roles/redline.html is inside the "
        "project's roles/" + NOT_AN_INPUT,
    ),
    "into-roles-by-a-link": (
        lambda p: (p / "drafts").symlink_to(p / "roles"),
        [*SELF, "--html", "{p}/drafts/redline.html"],
        "error: --html {p}/drafts/redline.html: {p}/roles/redline.html is inside the project's "
        "roles/" + NOT_AN_INPUT,
    ),
    "onto-settings-by-a-link": (
        lambda p: (p / "redline.html").symlink_to(p / "handbook.yaml"),
        [*SELF, "--force", "--html", "{p}/redline.html"],
        "error: --html {p}/redline.html: {p}/handbook.yaml is the project's handbook.yaml"
        + NOT_AN_INPUT,
    ),
    "existing-file": (
        lambda p: (p / "redline.html").write_text("kept"),
        [*SELF, "--html", "{p}/redline.html"],
        "error: --html {p}/redline.html: the file exists; add --force to replace it, or choose "
        "another file",
    ),
    "existing-link-to-nothing": (
        lambda p: (p / "redline.html").symlink_to(p / "gone.html"),
        [*SELF, "--html", "{p}/redline.html"],
        "error: --html {p}/redline.html: the file exists; add --force to replace it, or choose "
        "another file",
    ),
    "a-folder": (
        lambda p: (p / "output").mkdir(),
        [*SELF, "--force", "--html", "{p}/output"],
        "error: --html {p}/output: {p}/output is a folder; name the file to write",
    ),
    "a-loop-of-links": (
        lambda p: (p / "redline.html").symlink_to(p / "redline.html"),
        [*SELF, "--html", "{p}/redline.html"],
        "error: --html {p}/redline.html: its links cannot be followed (a loop, or a folder "
        "that cannot be read); name another file",
    ),
}
# Files given to --against are read as carefully as the project's own role files.
AGAINST_FILES: dict[str, tuple[Setup, list[str], str]] = {
    "against-huge-file": (
        lambda p: (p / "big.yaml").write_bytes(b"a" * 1_200_000),
        ["vip-specialist", "--against", "{p}/big.yaml"],
        "error: --against {p}/big.yaml: the file is 1.2 MB, more than the 1 MB a role or "
        "settings file may have: check that it is the right file",
    ),
    "against-utf16-file": (
        lambda p: (p / "old.yaml").write_bytes("id: x\n".encode("utf-16")),
        ["vip-specialist", "--against", "{p}/old.yaml"],
        "error: --against {p}/old.yaml: the file is UTF-16 text, not UTF-8; save it as UTF-8 in "
        "your editor (Save As, Encoding: UTF-8)",
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


@pytest.mark.parametrize("case", sorted(REPORTS))
def test_a_report_never_replaces_a_project_input_or_an_existing_file(project, cli, case):
    refused(cli, project.resolve(), REPORTS[case])


def test_a_report_in_another_repository_s_git_folder_is_refused(project, cli, tmp_path):
    target = tmp_path / "other" / ".git" / "description"
    target.parent.mkdir(parents=True)
    result = cli("diff", "--root", project, *SELF[:2], project / SPECIALIST, "--html", target)
    assert result.err == f"error: --html {target}: {target} is inside a .git folder{NOT_AN_INPUT}\n"


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


def test_a_forced_report_replaces_an_existing_one(project, cli):
    report = project / "redline.html"
    report.write_text("old report", encoding="utf-8")
    result = cli("diff", "--root", project, *SELF[:2], project / SPECIALIST, "--html", report)
    assert result.code == 1
    forced = cli(
        "diff", "--root", project, *SELF[:2], project / SPECIALIST, "--html", report, "--force"
    )
    assert (forced.code, forced.out.splitlines()[-1]) == (0, f"wrote {report}")
    assert "<p>两个版本内容相同。</p>" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", sorted(AGAINST_FILES))
def test_a_file_to_compare_with_is_read_as_carefully_as_a_role(project, cli, case):
    refused(cli, project.resolve(), AGAINST_FILES[case])
