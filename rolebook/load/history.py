"""Earlier versions of role files, read from git.

`History` runs `git log` once for the roles folder and reads file contents through one
`git cat-file --batch` process, so looking back through every role costs a few processes, not a
few per role. A project outside a git repository simply has no history.

No text a user gives reaches git where git would read it as an option: the only such text,
`diff --against REV`, is resolved to a commit hash by `commit_named()`, which hands it to git
after `--end-of-options`; every other argument is rolebook's own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rolebook.load.files import ROLES_DIR, Refused, decode, read_bytes
from rolebook.load.reader import read
from rolebook.model.errors import CheckFailed, RolebookError
from rolebook.model.schema import Role


@dataclass(frozen=True)
class Earlier:
    """A role as it was in an earlier version: where it came from and what it held."""

    label: str
    role: Role


def git(root: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess:
    """Returns the finished `git -C root ARGS…`; its output is bytes. ARGS are rolebook's own:
    a revision the user names goes through `commit_named()` first."""
    return subprocess.run(
        ["git", "-C", str(root), *args], input=data, capture_output=True, check=False
    )


def may_be_repository(root: Path) -> bool:
    """Returns whether git could find a repository at `root`: git is installed, and `root` or a
    folder above it holds .git (or GIT_DIR names one). Outside one, no git process is started,
    which a build would otherwise start twice for nothing."""
    if not shutil.which("git"):
        return False
    if "GIT_DIR" in os.environ:
        return True
    here = root.absolute()
    return any((folder / ".git").exists() for folder in (here, *here.parents))


def head(root: Path) -> bytes:
    """Returns the commit the project's repository is at (as `git rev-parse HEAD` prints it),
    or b"" outside a repository or without git."""
    return git(root, "rev-parse", "HEAD").stdout if may_be_repository(root) else b""


class History:
    """The git history of one project's role files."""

    def __init__(self, root: Path):
        self.root = root
        found = may_be_repository(root) and git(root, "rev-parse", "--show-prefix").returncode == 0
        self.commits = self._log() if found else {}

    def _log(self) -> dict[str, list[tuple[str, str]]]:
        """Returns each role file's commits, newest first, as (hash, date)."""
        out = git(
            self.root,
            "log",
            "--format=%x00%H %cs",
            "--name-only",
            "--relative",
            "--no-renames",
            "--",
            ROLES_DIR,
        ).stdout.decode("utf-8", "replace")
        commits: dict[str, list[tuple[str, str]]] = {}
        for block in out.split("\0")[1:]:
            head, *paths = block.strip().splitlines()
            commit, date = head.split()
            for path in paths:
                commits.setdefault(path, []).append((commit, date))
        return commits

    def committed(self, path: str) -> Iterator[Earlier | None]:
        """Yields the role file at `path` as each commit that changed it left it, newest first
        (None where it is missing, not text or not a role); reads each only when asked for."""
        commits = self.commits.get(path, [])
        texts = self.show([commit for commit, _ in commits], path)
        for (commit, date), text in zip(commits, texts, strict=True):
            reading = read(path, text, Role) if text is not None else None
            role = reading.value if reading else None
            yield Earlier(f"git {commit[:7]}, {date}", role) if role else None

    def previous(self, path: str, version: str) -> Earlier | None:
        """Returns the newest committed version of the file at `path` whose version is not
        `version`, or None when git has none."""
        found = (
            e for e in self.committed(path) if e and e.role.document_control.version != version
        )
        return next(found, None)

    def recorded(self, path: str, version: str) -> Earlier | None:
        """Returns the file at `path` as it was committed when `version` was recorded (the
        oldest of the newest commits holding `version`); when the newest commit holds another
        version (`version` is not committed yet), that commit; None without history."""
        versions = self.committed(path)
        found = next(versions, None)
        if found is None or found.role.document_control.version != version:
            return found
        for earlier in versions:
            if earlier is None or earlier.role.document_control.version != version:
                break
            found = earlier
        return found

    def show(self, commits: list[str], path: str) -> list[str | None]:
        """Returns the text of `path` in each of `commits` (None where it is missing or not
        text)."""
        return [_text(blob) for blob in blobs(self.root, commits, path)]


def blobs(root: Path, commits: list[str], path: str) -> list[bytes | None]:
    """Returns the contents of `path` in each of `commits` (hashes; None where it is missing),
    all read by one `git cat-file --batch`."""
    if not commits:
        return []
    request = "".join(f"{commit}:./{path}\n" for commit in commits).encode()
    return _blobs(git(root, "cat-file", "--batch", data=request).stdout, len(commits))


def _blobs(out: bytes, count: int) -> list[bytes | None]:
    """Returns the contents `git cat-file --batch` printed, in order; None for a missing one."""
    blobs: list[bytes | None] = []
    at = 0
    for _ in range(count):
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if header[-1] == b"missing":
            blobs.append(None)
            at = end + 1
            continue
        size = int(header[2])
        blobs.append(out[end + 1 : end + 1 + size])
        at = end + 1 + size + 1
    return blobs


def _text(blob: bytes | None) -> str | None:
    try:
        return None if blob is None else blob.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def commit_named(root: Path, rev: str) -> str:
    """Returns the hash of the commit the user's `rev` names (a hash, branch, tag, HEAD~2…).

    `rev` reaches git only after --end-of-options, so `--output=FILE` or any other text that
    looks like an option is a revision that does not exist, never an option.
    """
    if not may_be_repository(root) or git(root, "rev-parse", "--git-dir").returncode:
        raise RolebookError(
            f"--against {rev}: {root} is not in a git repository; compare with a file instead"
        )
    found = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if found.returncode:
        raise RolebookError(
            f"--against {rev}: no such file, and git has no commit of that name; give a file, "
            "or a commit, branch or tag (HEAD, HEAD~2, v1.0)"
        )
    return found.stdout.decode("ascii").strip()


def at_revision(root: Path, path: str, rev: str) -> Earlier:
    """Returns the role file at `path` as it was at the git revision `rev`."""
    found = commit_named(root, rev)
    [blob] = blobs(root, [found], path)
    if blob is None:
        raise RolebookError(
            f"--against {rev}: git has no {path} in that commit ({found[:7]}); choose a later "
            "one or compare with a file"
        )
    reading = read(path, _text(blob) or "", Role)
    if reading.value is None:
        raise RolebookError(
            f"--against {rev}: {path} there is not a readable role "
            f"({reading.diagnostics[0].message})"
        )
    return Earlier(f"git {rev}", reading.value)


def earlier(root: Path, path: str, role: Role, against: str | None) -> Earlier:
    """Returns what to compare the role at `path` with: the file or git revision `against`, or
    else the previous version in git history."""
    if against and Path(against).is_file():
        return _from_file(against)
    if against:
        return at_revision(root, path, against)
    found = History(root).previous(path, role.document_control.version)
    if found is None:
        raise RolebookError(
            f"git history has no earlier version of {path}; compare with "
            "--against <git-rev> or --against <file>"
        )
    return found


def _from_file(against: str) -> Earlier:
    """Returns the role in the file `against`, read as carefully as a role file of the project
    (a regular file, not too large, UTF-8) though it may lie anywhere."""
    file = Path(against)
    try:
        text = decode(read_bytes(file.parent, file.name, inside=True))
    except Refused as exc:
        raise RolebookError(f"--against {against}: {exc}") from None
    reading = read(against, text, Role)
    if reading.value is None:
        raise CheckFailed(reading.diagnostics)
    return Earlier(against, reading.value)


def previous_versions(project) -> dict[str, Earlier]:
    """Returns, for each role with one in git history, its previous version."""
    history = History(project.root)
    found = {}
    for path, reading in project.readings.items():
        role = reading.value
        earlier_version = history.previous(path, role.document_control.version) if role else None
        if earlier_version:
            found[role.id] = earlier_version
    return found
