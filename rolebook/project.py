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

import contextlib
import datetime as dt
import functools
import gc
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rolebook import checks, parallel
from rolebook.cache import Readings, digest
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


def load(root: Path, workers: int = 1, today: dt.date | None = None,
         readings: Readings | None = None) -> Project:
    """Returns the project at `root` with its settings, roles and all their diagnostics, checked
    as of `today` (the real date unless given); the role files are read by up to `workers`
    processes, or come from `readings` where they were read before as they are now."""
    with _collector_paused():
        settings_reading = read_file(root, SETTINGS_FILE, Settings)
        project = Project(root, settings_reading.value, today=today or dt.date.today())
        project.diagnostics += settings_reading.diagnostics
        if not (root / ROLES_DIR).is_dir():
            project.diagnostics.append(Diagnostic(ROLES_DIR, 1, 1, "folder not found; create "
                                                  "it and put one <id>.yaml file per role in it"))
        found = _read_roles(project, workers, readings)
        if project.settings is not None:
            project.diagnostics += checks.run(project, found)
    project.diagnostics.sort(key=lambda d: (d.path != SETTINGS_FILE, d.path, d.line, d.col))
    return project


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Runs the block with Python's cycle collector paused (and the worker processes it starts).

    Reading allocates millions of small objects that form no cycles, and the collector would
    walk them all again and again as they pile up: a third of the time it takes to read.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_roles(project: Project, workers: int, readings: Readings | None
                ) -> dict[str, list[list[Diagnostic]]]:
    """Reads every role file into `project`, each by one of up to `workers` processes or from
    `readings`; returns the one-role checks' diagnostics of each readable role, worked out
    where it was read.

    The files `readings` keeps as they are now are taken from there in this process: a worker
    would spend less making the objects than this process spends receiving them.
    """
    files = _scan_roles(project.root)
    # The workers get the settings and the date, not the roles read so far: those would be
    # copied to them again with each batch of files.
    alone = Project(project.root, project.settings, today=project.today)
    context = digest(repr(project.settings), project.today.isoformat())
    any_kept = readings is not None and readings.holds_any()
    done = _kept_roles(alone, readings, context, files) if any_kept else {}
    todo = [file for file in files.items() if file[0] not in done]
    results = parallel.map_in_order(
        functools.partial(_read_and_check, alone, readings, context), todo, workers, chunk=32)
    done.update(zip([path for path, _ in todo], results, strict=True))
    found: dict[str, list[list[Diagnostic]]] = {}
    for path in files:
        reading, checked = done[path]
        project.readings[path] = reading
        project.diagnostics += reading.diagnostics
        if reading.value is not None:
            project.roles.append(reading.value)
            found[path] = checked
    if readings is not None:
        readings.keep_only(list(files))
    return found


def sources(root: Path) -> list[Path]:
    """Returns what the project is made of: a build must never write over these."""
    return [root / SETTINGS_FILE, root / ROLES_DIR, root / TEMPLATES_DIR]


def role_files(root: Path) -> list[str]:
    """Returns the role files' paths relative to `root`, sorted, as roles/<name>.yaml."""
    return list(_scan_roles(root))


def role_bytes(root: Path) -> list[tuple[str, bytes]]:
    """Returns each role file's path and bytes, read as `load` reads them; raises Refused."""
    return [(path, read_bytes(root, path, inside)) for path, inside in _scan_roles(root).items()]


def _scan_roles(root: Path) -> dict[str, bool]:
    """Returns the role files' paths relative to `root`, sorted, each with whether it is known
    to be inside the project: a file, not a link, in a roles folder inside the project.

    One scan of the folder tells that for all of them; only a link needs resolving.
    """
    folder = root / ROLES_DIR
    if not folder.is_dir():
        return {}
    inside = folder.resolve().is_relative_to(root.resolve())
    with os.scandir(folder) as entries:
        found = {entry.name: inside and not entry.is_symlink() for entry in entries
                 if entry.name.endswith((".yaml", ".yml")) and not entry.name.startswith(".")}
    return {f"{ROLES_DIR}/{name}": found[name] for name in sorted(found)}


def _read_and_check(project: Project, readings: Readings | None, context: str,
                    file: tuple[str, bool]) -> tuple[Reading, list[list[Diagnostic]] | None]:
    """Returns the Reading of one role file of `project` and its one-role checks' diagnostics
    (see _checked), both kept in `readings` (if given) as worked out in `context`."""
    path, inside = file
    failed = _misnamed(path)
    if failed is not None:
        return failed, None
    try:
        data, text = _contents(project.root, path, inside)
    except Refused as exc:
        return _refused(path, exc), None
    reading = read(path, text, Role)
    checked = _checked(project, path, reading)
    if readings is not None and checked is not None:
        readings.keep(path, data, reading, checked, context)
    return reading, checked


def _kept_roles(project: Project, readings: Readings, context: str, files: dict[str, bool]
                ) -> dict[str, tuple[Reading, list[list[Diagnostic]] | None]]:
    """Returns the Reading, and its one-role checks' diagnostics, of each role file that
    `readings` keeps as it is now; checks kept in another `context` are worked out again."""
    kept = {}
    for path, inside in files.items():
        if _misnamed(path) is not None:
            continue
        try:
            data, text = _contents(project.root, path, inside)
        except Refused:
            continue
        found = readings.kept(path, data, text, context)
        if found is None:
            continue
        reading, checked = found
        if checked is None and project.settings is not None:
            checked = _checked(project, path, reading)
            readings.keep(path, data, reading, checked, context)
        kept[path] = reading, checked
    return kept


def _checked(project: Project, path: str, reading: Reading) -> list[list[Diagnostic]] | None:
    """Returns the one-role checks' diagnostics (see checks.check_role) of the role of
    `reading`; None if it could not be read, or the settings could not."""
    if reading.value is None or project.settings is None:
        return None
    return checks.check_role(project, path, reading)


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


def read_file(root: Path, path: str, schema: type, inside: bool = False) -> Reading:
    """Returns the Reading of the file at root/path; files that cannot be read become errors.
    `inside` as for read_bytes."""
    try:
        _, text = _contents(root, path, inside)
    except Refused as exc:
        return _refused(path, exc)
    return read(path, text, schema)


def _contents(root: Path, path: str, inside: bool) -> tuple[bytes, str]:
    """Returns the bytes and the text of root/path (see read_bytes and decode)."""
    data = read_bytes(root, path, inside)
    return data, decode(data)


def read_bytes(root: Path, path: str, inside: bool = False) -> bytes:
    """Returns the bytes of root/path, a regular file of the project of at most MAX_FILE_BYTES.

    `inside`: the caller knows that the path is no link and leads to a place inside the
    project, so it need not be resolved.
    """
    full = root / path
    real = None if inside else full.resolve()
    if real is not None and not real.is_relative_to(root.resolve()):
        raise Refused(f"the file is a link to {real}, outside the project; rolebook reads only "
                       "the project's files: copy the file here instead of linking to it")
    try:
        with open(full, "rb", opener=_open_no_wait) as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise Refused(f"this is {_kind(info.st_mode)}, not a file; move it away or "
                               "rename it")
            # All the file holds and a byte more, to see it end; a file that grows meanwhile is
            # read on, up to the limit. (Not MAX_FILE_BYTES at once: that buffer costs more than
            # the read.)
            data = file.read(min(info.st_size, MAX_FILE_BYTES) + 1)
            if len(data) > info.st_size:
                data += file.read(MAX_FILE_BYTES + 1 - len(data))
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


def _refused(path: str, exc: Refused) -> Reading:
    return _failed(path, str(exc), exc.where, exc.lines)


def _failed(path: str, message: str, where: tuple[int, int] = (1, 1),
            lines: list[str] | None = None) -> Reading:
    reading = Reading(path, lines or [])
    reading.report(where, message)
    return reading
