"""The build cache: output files of earlier builds, reused when nothing they depend on changed.

A job (one document rendered from a template, and the files its writers make of it) is looked
up by its key, the digest of everything it depends on that is known before rendering: rolebook's
own code and version, the settings, every file under templates/, and the job's role (or all
roles, for the handbook and the index). With each job the cache keeps what its template read of
*other* roles (see render.RecordedRoles), each with the digest of the value read, and the digests
of the files it wrote. A job is reused only when its key matches and every value it read is
still the same; its files are read back and checked against their digests, so a damaged cache
entry is rebuilt, never published.

The cache is a folder of its own (.cache/rolebook/ in the project): deleting it costs one full
build and nothing else. Its index is JSON and the rest are copies of output files, and the
readings of role files as JSON (see Readings); nothing in it is ever executed or unpickled.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import rolebook
from rolebook.errors import ERROR, WARNING, Diagnostic
from rolebook.reader import Reading, restored, saved
from rolebook.schema import Role

FOLDER = ".cache/rolebook"
_INDEX = "index.json"
_FILES = "files"
_READINGS = "readings"


def digest(*parts: str | bytes) -> str:
    """Returns the SHA-256 hex digest of `parts`, each length-prefixed so none can run into the
    next."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(b"%d:" % len(data))
        h.update(data)
    return h.hexdigest()


def tool_digest() -> str:
    """Returns the digest of rolebook's version and source code: a new rolebook rebuilds all."""
    return digest(rolebook.__version__, _source_digest())


@functools.cache
def _source_digest() -> str:
    """Returns the digest of rolebook's source code, read once: the code this process runs."""
    package = Path(rolebook.__file__).parent
    sources = sorted(package.rglob("*.py"))
    return digest(*(part for p in sources for part in (p.relative_to(package).as_posix(),
                                                       p.read_bytes())))


def folder_digest(folder: Path) -> str:
    """Returns the digest of every file's name and bytes under `folder`."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return digest(*(part for p in files for part in (p.relative_to(folder).as_posix(),
                                                     p.read_bytes())))


def folder_state(folder: Path) -> dict[str, list[int]]:
    """Returns each file under `folder` with its size and modification time, in nanoseconds."""
    state: dict[str, list[int]] = {}
    stack = [("", str(folder))] if folder.is_dir() else []
    while stack:
        prefix, path = stack.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((f"{prefix}{entry.name}/", entry.path))
                elif entry.is_file():
                    info = entry.stat()
                    state[prefix + entry.name] = [info.st_size, info.st_mtime_ns]
    return dict(sorted(state.items()))


class Cache:
    """The cache folder of one build: the previous build's entries, and this build's."""

    def __init__(self, folder: Path):
        self.folder = folder
        index = self._load_index()
        self.old: dict[str, dict] = index.get("jobs", {})
        self.last_build: dict = index.get("build", {})
        self.new: dict[str, dict] = {}

    def _load_index(self) -> dict:
        """Returns the previous build's index; an unreadable or damaged one is an empty cache."""
        try:
            index = json.loads((self.folder / _INDEX).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return index if isinstance(index, dict) else {}

    def up_to_date(self, inputs: str, output: Path) -> dict | None:
        """Returns the last build's report if it had the same `inputs` digest and `output`
        still holds exactly what it wrote, else None."""
        last = self.last_build
        try:
            if last.get("inputs") == inputs and last.get("output") == str(output.absolute()) \
                    and last.get("state") == folder_state(output):
                return last["report"]
        except (OSError, KeyError, AttributeError):
            pass
        return None

    def get(self, key: str, current: Callable[[str, str], str]) -> dict[str, bytes] | None:
        """Returns the files of job `key` if they are still valid, else None.

        `current(role_id, field)` gives the digest of a value as it is now.
        """
        entry = self.old.get(key)
        try:
            if any(current(role_id, field) != value for role_id, field, value in entry["reads"]):
                return None
            files = {path: self._read(file_digest) for path, file_digest in
                     entry["files"].items()}
        except (TypeError, KeyError, ValueError, OSError):
            return None
        self.new[key] = entry
        return files

    def _read(self, file_digest: str) -> bytes:
        data = (self.folder / _FILES / file_digest).read_bytes()
        if hashlib.sha256(data).hexdigest() != file_digest:
            raise ValueError("damaged cache entry")
        return data

    def put(self, key: str, reads: list[tuple[str, str, str]], files: dict[str, bytes]) -> None:
        """Records job `key`: the values it read of other roles and the files it wrote."""
        digests = {path: hashlib.sha256(data).hexdigest() for path, data in files.items()}
        self.new[key] = {"reads": reads, "files": digests}
        # Written in place, not atomically: a file cut short by a crash fails its digest
        # check when read, and its job is rendered again.
        try:
            (self.folder / _FILES).mkdir(parents=True, exist_ok=True)
            for path, data in files.items():
                blob = self.folder / _FILES / digests[path]
                if not blob.exists():
                    blob.write_bytes(data)
        except OSError:
            pass

    def save(self, inputs: str, output: Path, report: dict) -> None:
        """Writes this build's index and deletes files no entry uses any more.

        `inputs` is the digest of the files the build read, `output` the folder it wrote and
        `report` what it printed: the next build with the same inputs and an untouched output
        folder reports the same without reading a role. The cache only ever saves time: if it
        cannot be written, the build goes on without it.
        """
        used = {d for entry in self.new.values() for d in entry["files"].values()}
        tmp = self.folder / f"{_INDEX}.new"
        try:
            build = {"inputs": inputs, "output": str(output.absolute()),
                     "state": folder_state(output), "report": report}
            tmp.write_bytes(json.dumps({"build": build, "jobs": self.new}, sort_keys=True)
                            .encode())
            os.replace(tmp, self.folder / _INDEX)  # the index is replaced whole, or not at all
            for path in (self.folder / _FILES).iterdir():
                if path.name not in used:
                    path.unlink()
        except OSError:
            pass


class Readings:
    """The readings of role files kept in the cache folder, with the diagnostics of their
    one-role checks, so that a build reads again only the files that changed.

    Each role file has one entry, named after it and keyed by the digest of rolebook itself and
    of the file's bytes; only a reading without diagnostics is kept (one with problems is read,
    and reported, again). The checks' diagnostics are kept with the `context` they were worked
    out in (the digest of all they read besides the role) and used only in the same context.
    An entry is JSON (reader.saved) under a line with the digest of the rest: a damaged or
    foreign entry fails that check, its key or the checks of reader.restored, and the file is
    read again. With `write` off the entries are used, but none is written or deleted.
    """

    def __init__(self, folder: Path, write: bool = True):
        self.folder = folder / _READINGS
        self.write = write
        self.tool = tool_digest()

    def holds_any(self) -> bool:
        """Returns whether there is any entry (before the first build, there is none to look
        for)."""
        return self.folder.is_dir()

    def kept(self, path: str, data: bytes, text: str, context: str
             ) -> tuple[Reading, list[list[Diagnostic]] | None] | None:
        """Returns the Reading of the role file at `path` holding `data` (decoded: `text`), and
        its checks' diagnostics if they were kept in `context`; None if the file has no sound
        entry of these bytes."""
        try:
            check, body = self._entry(path).read_bytes().split(b"\n", 1)
            if check.decode("ascii") != hashlib.sha256(body).hexdigest():
                return None
            entry = json.loads(body)
            if entry["key"] != self._key(data):
                return None
            reading = restored(path, text, entry["reading"], Role)
            checked = entry["checked"]
            if checked["context"] != context:
                return reading, None
            return reading, _diagnostics(path, checked["diagnostics"])
        except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return None

    def keep(self, path: str, data: bytes, reading: Reading, checked: list[list[Diagnostic]],
             context: str) -> None:
        """Keeps the Reading of the role file at `path` holding `data`, if it is clean, with its
        checks' diagnostics worked out in `context` (with `write`; if the entry can be written:
        the cache only ever saves time)."""
        if not self.write or reading.diagnostics or reading.value is None:
            return
        body = json.dumps({"key": self._key(data), "reading": saved(reading, Role),
                           "checked": {"context": context, "diagnostics": [
                               [[d.line, d.col, d.message, d.severity, d.source_line]
                                for d in found] for found in checked]}},
                          ensure_ascii=False, separators=(",", ":")).encode()
        # Written in place: a file cut short by a crash fails its digest and is read again.
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._entry(path).write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n"
                                          + body)
        except OSError:
            pass

    def keep_only(self, paths: list[str]) -> None:
        """Deletes the entries of files other than `paths` (with `write`): roles deleted or
        renamed."""
        if not self.write:
            return
        names = {self._entry(path).name for path in paths}
        try:
            for entry in os.scandir(self.folder):
                if entry.name not in names:
                    os.unlink(entry.path)
        except OSError:
            pass

    def _key(self, data: bytes) -> str:
        return digest(self.tool, data)

    def _entry(self, path: str) -> Path:
        """Returns the entry of the role file at `path` (roles/<id>.yaml: a file name rolebook
        accepts only if it is a role id)."""
        return self.folder / (path.rpartition("/")[2] + ".json")


def _diagnostics(path: str, data: list) -> list[list[Diagnostic]]:
    """Returns the diagnostics of the file at `path` that Readings.keep wrote as `data`."""
    found = [[Diagnostic(path, *d) for d in check] for check in data]
    if not all(type(d.line) is type(d.col) is int and d.severity in (ERROR, WARNING)
               and type(d.message) is type(d.source_line) is str
               for check in found for d in check):
        raise ValueError("not diagnostics")
    return found
