"""Gathers a handbook project: its settings and every role, read and checked before anything is
written.

A project is a folder with handbook.yaml, roles/*.yaml and templates/. `load` reads all of it and
returns a Project with every diagnostic of every file; `Project.raise_for_errors` turns errors
into one CheckFailed.

Reading is defensive, because role files come from anywhere: a file must be a regular file inside
the project (a link leading out of it is refused), at most MAX_FILE_BYTES long (checked before it
is read) and UTF-8 text (a UTF-8 byte-order mark is fine; UTF-16 and GBK are recognised and
reported). Names starting with a dot (editors' temporary files) are not roles.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from rolebook import checks, parallel
from rolebook.errors import ERROR, CheckFailed, Diagnostic
from rolebook.kinds import KindError, RoleId
from rolebook.reader import Reading, position, read, split_lines
from rolebook.schema import Role, Settings

SETTINGS_FILE = "handbook.yaml"
ROLES_DIR = "roles"
TEMPLATES_DIR = "templates"
# A role file is a few kilobytes; anything near this size is not a role, and is refused before
# it is read or parsed.
MAX_FILE_BYTES = 1_000_000
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass
class Project:
    """Everything the build needs from the project folder, read and checked."""

    root: Path
    settings: Settings | None
    roles: list[Role] = field(default_factory=list)
    readings: dict[str, Reading] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # The day date checks compare with (a review date in the past is overdue).
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def errors(self) -> int:
        return sum(d.severity == ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors

    def raise_for_errors(self) -> None:
        """Raises CheckFailed with every diagnostic if any of them is an error."""
        if self.errors:
            raise CheckFailed(self.diagnostics)


def load(root: Path, workers: int = 1, today: dt.date | None = None) -> Project:
    """Returns the project at `root` with its settings, roles and all their diagnostics, checked
    as of `today` (the real date unless given); the role files are read by up to `workers`
    processes."""
    settings_reading = read_file(root, SETTINGS_FILE, Settings)
    project = Project(root, settings_reading.value, today=today or dt.date.today())
    project.diagnostics += settings_reading.diagnostics
    if not (root / ROLES_DIR).is_dir():
        project.diagnostics.append(Diagnostic(ROLES_DIR, 1, 1, "folder not found; create it "
                                              "and put one <id>.yaml file per role in it"))
    paths = role_files(root)
    readings = parallel.map_in_order(functools.partial(read_role, root), paths, workers,
                                     chunk=32)
    for path, reading in zip(paths, readings, strict=True):
        project.readings[path] = reading
        project.diagnostics += reading.diagnostics
        if reading.value is not None:
            project.roles.append(reading.value)
    if project.settings is not None:
        project.diagnostics += checks.run(project)
    project.diagnostics.sort(key=lambda d: (d.path != SETTINGS_FILE, d.path, d.line, d.col))
    return project


def sources(root: Path) -> list[Path]:
    """Returns what the project is made of: a build must never write over these."""
    return [root / SETTINGS_FILE, root / ROLES_DIR, root / TEMPLATES_DIR]


def role_files(root: Path) -> list[str]:
    """Returns the role files' paths relative to `root`, sorted, as roles/<name>.yaml."""
    folder = root / ROLES_DIR
    if not folder.is_dir():
        return []
    names = sorted(p.name for p in folder.iterdir()
                   if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))
    return [f"{ROLES_DIR}/{name}" for name in names]


def read_role(root: Path, path: str) -> Reading:
    """Returns the Reading of the role file at root/path, refused if its name is no role id."""
    return _misnamed(path) or read_file(root, path, Role)


def _misnamed(path: str) -> Reading | None:
    """Returns a failed Reading for a role file whose name is not a valid role id, else None."""
    name = Path(path)
    role_id = RoleId.__metadata__[0]
    try:
        role_id.parse(name.stem)
    except KindError as exc:
        suggestion = re.sub(r"[^a-z0-9]+", "-", name.stem.lower()).strip("-")
        if suggestion == name.stem:
            return _failed(path, f"the file name '{name.name}' cannot be a role id: {exc}")
        return _failed(path, f"the file name '{name.name}' is not {role_id.what}; rename the "
                       f"file, e.g. to {suggestion or 'vip-specialist'}{name.suffix}, and give "
                       "the role the same id")
    return None


class Refused(Exception):
    """A file that is not read; the message says why and what to do, at a (line, col)."""

    def __init__(self, message: str, where: tuple[int, int] = (1, 1), lines: list | None = None):
        super().__init__(message)
        self.where, self.lines = where, lines or []


def read_file(root: Path, path: str, schema: type) -> Reading:
    """Returns the Reading of the file at root/path; files that cannot be read become errors."""
    try:
        text = decode(read_bytes(root, path))
    except Refused as exc:
        return _failed(path, str(exc), exc.where, exc.lines)
    return read(path, text, schema)


def read_bytes(root: Path, path: str) -> bytes:
    """Returns the bytes of root/path, a regular file of the project of at most MAX_FILE_BYTES."""
    full = root / path
    real = full.resolve()
    if not real.is_relative_to(root.resolve()):
        raise Refused(f"the file is a link to {real}, outside the project; rolebook reads only "
                       "the project's files: copy the file here instead of linking to it")
    try:
        with open(full, "rb", opener=_open_no_wait) as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise Refused(f"this is {_kind(info.st_mode)}, not a file; move it away or "
                               "rename it")
            data = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        hint = f"the link leads to {real}, which does not exist" if full.is_symlink() else \
            f"create {path}"
        raise Refused(f"file not found; {hint}") from None
    except IsADirectoryError:
        raise Refused("this is a folder, not a file; move it away or rename it") from None
    except OSError as exc:
        raise Refused(f"cannot read the file: {exc.strerror}; check its permissions") from None
    if len(data) > MAX_FILE_BYTES:
        raise Refused(f"the file is {max(info.st_size, len(data)) / 1e6:.1f} MB, more than the "
                       f"{MAX_FILE_BYTES // 1_000_000} MB a role or settings file may have: "
                       "check that it is the right file")
    return data


def _open_no_wait(path, flags: int) -> int:
    """Opens without blocking: a named pipe put where a file should be must not hang the build."""
    return os.open(path, flags | os.O_NONBLOCK)


def _kind(mode: int) -> str:
    return "a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else \
        "a device"


def decode(data: bytes) -> str:
    """Returns the text of UTF-8 `data` (with or without a byte-order mark), else raises Refused.

    The message says which encoding the file seems to be in and where its first non-UTF-8 byte
    is, with that line shown as well as it can be.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise Refused("the file is UTF-16 text, not UTF-8; save it as UTF-8 in your editor "
                       "(Save As, Encoding: UTF-8)")
    body = data.removeprefix(UTF8_BOM)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        shown = body.decode("utf-8", errors="replace")
        start = len(body[:exc.start].decode("utf-8"))
        guess = " (it looks like GBK, the Chinese Windows encoding)" if _is_gbk(body) else ""
        raise Refused(f"the file is not UTF-8 text{guess}; save it as UTF-8 in your editor "
                       "(Save As, Encoding: UTF-8)", position(shown, start),
                       split_lines(shown)) from None


def _looks_utf16(data: bytes) -> bool:
    """Returns whether `data` without a byte-order mark is UTF-16: zero bytes in every other
    place, as ASCII letters have in UTF-16."""
    sample = data[:4096]
    return any(sample[i::2].count(0) > len(sample) // 8 for i in (0, 1))


def _is_gbk(data: bytes) -> bool:
    """Returns whether `data` reads as Chinese in GBK (as GB2312, its common core: a stray
    Latin-1 letter often happens to be a valid GBK pair, but rarely a GB2312 one)."""
    try:
        data.decode("gb2312")
    except UnicodeDecodeError:
        return False
    return True


def _failed(path: str, message: str, where: tuple[int, int] = (1, 1),
            lines: list[str] | None = None) -> Reading:
    reading = Reading(path, lines or [])
    reading.report(where, message)
    return reading
