"""Earlier versions of role files, read from git.

`History` runs `git log` once for the roles folder and reads file contents through one
`git cat-file --batch` process, so looking back through every role costs a few processes, not a
few per role. A project outside a git repository simply has no history.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from rolebook.load.files import ROLES_DIR
from rolebook.load.reader import read
from rolebook.model.errors import CheckFailed, RolebookError
from rolebook.model.schema import Role


@dataclass(frozen=True)
class Earlier:
    """A role as it was in an earlier version: where it came from and what it held."""

    label: str
    role: Role


def git(root: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess:
    """Returns the finished `git -C root ARGS…`; its output is bytes."""
    return subprocess.run(
        ["git", "-C", str(root), *args], input=data, capture_output=True, check=False
    )


def head(root: Path) -> bytes:
    """Returns the commit the project's repository is at (as `git rev-parse HEAD` prints it),
    or b"" outside a repository or without git."""
    return git(root, "rev-parse", "HEAD").stdout if shutil.which("git") else b""


class History:
    """The git history of one project's role files."""

    def __init__(self, root: Path):
        self.root = root
        found = shutil.which("git") and git(root, "rev-parse", "--show-prefix").returncode == 0
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

    def previous(self, path: str, version: str) -> Earlier | None:
        """Returns the newest committed version of the file at `path` whose version is not
        `version`, or None when git has none."""
        commits = self.commits.get(path, [])
        texts = self.show([commit for commit, _ in commits], path)
        for (commit, date), text in zip(commits, texts, strict=True):
            reading = read(path, text, Role) if text is not None else None
            if reading and reading.value and reading.value.document_control.version != version:
                return Earlier(f"git {commit[:7]}, {date}", reading.value)
        return None

    def show(self, revs: list[str], path: str) -> list[str | None]:
        """Returns the text of `path` at each of `revs` (None where it is missing or not text)."""
        if not revs:
            return []
        request = "".join(f"{rev}:./{path}\n" for rev in revs).encode()
        out = git(self.root, "cat-file", "--batch", data=request).stdout
        return [_text(blob) for blob in _blobs(out, len(revs))]


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


def at_revision(root: Path, path: str, rev: str) -> Earlier:
    """Returns the role file at `path` as it was at the git revision `rev`."""
    if not shutil.which("git") or git(root, "rev-parse", "--git-dir").returncode:
        raise RolebookError(
            f"--against {rev}: {root} is not in a git repository; compare with a file instead"
        )
    result = git(root, "show", f"{rev}:./{path}")
    if result.returncode:
        problem = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1]
        raise RolebookError(f"--against {rev}: git has no {path} there ({problem})")
    text = _text(result.stdout)
    reading = read(path, text or "", Role)
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
        text = Path(against).read_bytes().decode("utf-8-sig", "replace")
        reading = read(against, text, Role)
        if reading.value is None:
            raise CheckFailed(reading.diagnostics)
        return Earlier(against, reading.value)
    if against:
        return at_revision(root, path, against)
    found = History(root).previous(path, role.document_control.version)
    if found is None:
        raise RolebookError(
            f"git history has no earlier version of {path}; compare with "
            "--against <git-rev> or --against <file>"
        )
    return found


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
