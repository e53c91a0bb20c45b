"""The reading cache: role files' readings kept from earlier runs, so that a load reads again
only the files that changed.

It lives in the project's cache folder (.cache/rolebook/readings/), beside the build's output
cache (rolebook/build/cache.py); deleting it costs one full read and nothing else. Entries are
JSON, checked against their digests; nothing in them is ever executed or unpickled.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import orjson

from rolebook.load.reader import Reading, restored, saved
from rolebook.model.errors import ERROR, WARNING, Diagnostic
from rolebook.model.schema import Role
from rolebook.util.digest import digest, tool_digest

FOLDER = "readings"  # under the project's cache folder


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

    `read_already` holds the bytes of role files that the build read already (for the digest
    of its inputs): the load takes those, as they were then, rather than read them again.
    """

    def __init__(
        self, folder: Path, write: bool = True, read_already: dict[str, bytes] | None = None
    ):
        self.folder = folder / FOLDER
        self.write = write
        self.tool = tool_digest()
        self.read_already = read_already or {}

    def __getstate__(self) -> dict:
        """Returns what a worker process is sent of the readings (with each batch of files
        it reads): not the bytes read already, 60 MB at 10,000 roles."""
        return {**self.__dict__, "read_already": {}}

    def holds_any(self) -> bool:
        """Returns whether there is any entry (before the first build, there is none to look
        for)."""
        return self.folder.is_dir()

    def kept(
        self, path: str, data: bytes, text: str, context: str
    ) -> tuple[Reading[Role], list[list[Diagnostic]] | None] | None:
        """Returns the Reading of the role file at `path` holding `data` (decoded: `text`), and
        its checks' diagnostics if they were kept in `context`; None if the file has no sound
        entry of these bytes."""
        try:
            check, body = self._entry(path).read_bytes().split(b"\n", 1)
            if check.decode("ascii") != hashlib.sha256(body).hexdigest():
                return None
            entry = orjson.loads(body)
            if entry["key"] != self._key(data):
                return None
            reading = restored(path, text, entry["reading"], Role)
            checked = entry["checked"]
            if checked["context"] != context:
                return reading, None
            return reading, _diagnostics(path, checked["diagnostics"])
        except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return None

    def keep(
        self,
        path: str,
        data: bytes,
        reading: Reading[Role],
        checked: list[list[Diagnostic]],
        context: str,
    ) -> None:
        """Keeps the Reading of the role file at `path` holding `data`, if it is clean, with its
        checks' diagnostics worked out in `context` (with `write`; if the entry can be written:
        the cache only ever saves time)."""
        if not self.write or reading.diagnostics or reading.value is None:
            return
        body = orjson.dumps(
            {
                "key": self._key(data),
                "reading": saved(reading, Role),
                "checked": {
                    "context": context,
                    "diagnostics": [
                        [[d.line, d.col, d.message, d.severity, d.source_line] for d in found]
                        for found in checked
                    ],
                },
            },
        )
        # Written in place: a file cut short by a crash fails its digest and is read again.
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._entry(path).write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
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
    if not all(
        type(d.line) is type(d.col) is int
        and d.severity in (ERROR, WARNING)
        and type(d.message) is type(d.source_line) is str
        for check in found
        for d in check
    ):
        raise ValueError("not diagnostics")
    return found
