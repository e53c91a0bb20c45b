"""The build cache: output files of earlier builds, reused when nothing they depend on changed.

A job (one document rendered from a template, and the files its writers make of it) is looked
up by its key, the digest of everything it depends on that is known before rendering: rolebook's
own code and version, the settings, every file under templates/, and the job's role (or all
roles, for the handbook and the index). With each job the cache keeps what its template read of
*other* roles (see RecordedRoles in render/templating.py), each with the digest of the value
read, and the digests of the files it wrote. A job is reused only when its key matches and
every value it read is still the same; its files are read back and checked against their
digests, so a damaged cache entry is rebuilt, never published.

The cache is a folder of its own (.cache/rolebook/ in the project): deleting it costs one full
build and nothing else. Its index is JSON and the rest are copies of output files (the
readings of role files, kept beside them, are rolebook/load/readings.py's); nothing in it is
ever executed or unpickled.
"""

from __future__ import annotations

import functools
import hashlib
import os
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

FOLDER = ".cache/rolebook"
_INDEX = "index.json"  # the last build's report and output; written last
# The jobs' entries, in shards by the first hex digit of their key: a build that renders a few
# jobs rewrites a few shards, not the entries of every job (25 MB at 10,000 roles).
_SHARDS = "0123456789abcdef"
_FILES = "files"
PIECE = "piece:"  # a job's files under this prefix are pieces of an assembled file


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
        self.last_build: dict = self._load_build()
        self.new: dict[str, dict] = {}
        # What the build published, as folder_state gives it, if the publishing says so.
        self.published_state: dict[str, list[int]] | None = None

    @functools.cached_property
    def _on_disk(self) -> dict[str, dict[str, dict]]:
        """Each shard's entries as they are on disk (only the shards changed are saved), read
        when first asked for: a build with nothing to do needs only the last build's report."""
        known: dict[tuple, list] = {}  # the reads of all shards, each kept once
        return {shard: self._load_shard(shard, known) for shard in _SHARDS}

    @functools.cached_property
    def old(self) -> dict[str, dict]:
        """The previous build's entries, by key."""
        return {key: entry for jobs in self._on_disk.values() for key, entry in jobs.items()}

    def _load_build(self) -> dict:
        """Returns the last build's report, inputs and output; an unreadable one is none."""
        try:
            build = orjson.loads((self.folder / _INDEX).read_bytes())["build"]
        except (OSError, ValueError, TypeError, KeyError):
            return {}
        return build if isinstance(build, dict) else {}

    def _load_shard(self, shard: str, known: dict[tuple, list]) -> dict[str, dict]:
        """Returns the entries of a shard of the previous build's jobs, each job's reads as
        (role id, field, digest) lists, those `known` from other shards shared with them (the
        shards' tables repeat 70,000 values as 240,000 at 10,000 roles); an unreadable or
        damaged shard has none."""
        try:
            index = orjson.loads((self.folder / f"jobs-{shard}.json").read_bytes())
            reads = [known.setdefault(tuple(read), read) for read in index["reads"]]
            jobs = index["jobs"]
            for entry in jobs.values():
                entry["reads"] = [reads[i] for i in entry["reads"]]
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            return {}
        return jobs if isinstance(jobs, dict) else {}

    def up_to_date(self, inputs: str, output: Path) -> dict | None:
        """Returns the last build's report if it had the same `inputs` digest and `output`
        still holds exactly what it wrote, else None."""
        last = self.last_build
        try:
            if (
                last.get("inputs") == inputs
                and last.get("output") == str(output.absolute())
                and last.get("state") == folder_state(output)
            ):
                return last["report"]
        except (OSError, KeyError, AttributeError):
            pass
        return None

    def published(self, output: Path) -> dict[str, list[int]]:
        """Returns each file the last build published into `output`, with its size and
        modification time then (see folder_state); none if it published elsewhere."""
        last = self.last_build
        state = last.get("state") if last.get("output") == str(output.absolute()) else None
        return state if isinstance(state, dict) else {}

    def get(self, key: str, current: Callable[[str, str], str]) -> dict[str, bytes] | None:
        """Returns the files of job `key` if they are still valid, else None.

        `current(role_id, field)` gives the digest of a value as it is now.
        """
        # Every file is read: none is None.
        return typing.cast("dict[str, bytes] | None", self.get_unless_published(key, current))

    def get_unless_published(
        self,
        key: str,
        current: Callable[[str, str], str],
        as_published: Callable[[str], bool] | None = None,
    ) -> dict[str, bytes | None] | None:
        """Returns what `get` does, but the job's output files (not its pieces) are None,
        unread, if `as_published(path)` says of each that the output holds it as the last
        build published it (with this job's bytes: the entry is the last build's)."""
        # The index's JSON, unchecked: an entry missing or of the wrong shape raises below.
        entry: Any = self.old.get(key)
        try:
            if any(current(role_id, field) != value for role_id, field, value in entry["reads"]):
                return None
            pieces, outputs = entry["blobs"]
            files: dict[str, bytes | None] = {**unpacked(self._read(pieces))}
            if as_published is not None and all(map(as_published, entry["outputs"])):
                files.update(dict.fromkeys(entry["outputs"]))
            else:
                files.update(unpacked(self._read(outputs)))
        except (TypeError, KeyError, ValueError, OSError):
            return None
        self.new[key] = entry
        return files

    def _read(self, blob_digest: str) -> bytes:
        data = (self.folder / _FILES / blob_digest).read_bytes()
        if hashlib.sha256(data).hexdigest() != blob_digest:
            raise ValueError("damaged cache entry")
        return data

    def put(self, key: str, reads: list[tuple[str, str, str]], files: dict[str, bytes]) -> None:
        """Records job `key`: the values it read of other roles and the files it wrote, its
        pieces (under PIECE) and its output files each in one stored file: a job whose output
        files are still as published needs only its pieces read back."""
        pieces = {path: data for path, data in files.items() if path.startswith(PIECE)}
        outputs = {path: data for path, data in files.items() if path not in pieces}
        blobs = [self._write(packed(pieces)), self._write(packed(outputs))]
        self.new[key] = {"reads": reads, "blobs": blobs, "outputs": list(outputs)}

    def _write(self, blob: bytes) -> str:
        """Stores `blob` under its digest, which it returns."""
        blob_digest = hashlib.sha256(blob).hexdigest()
        # Written in place, not atomically: a file cut short by a crash fails its digest
        # check when read, and its job is rendered again.
        try:
            (self.folder / _FILES).mkdir(parents=True, exist_ok=True)
            path = self.folder / _FILES / blob_digest
            if not path.exists():
                path.write_bytes(blob)
        except OSError:
            pass
        return blob_digest

    def save(self, inputs: str, output: Path, report: dict) -> None:
        """Writes this build's index and deletes files no entry uses any more.

        `inputs` is the digest of the files the build read, `output` the folder it wrote and
        `report` what it printed: the next build with the same inputs and an untouched output
        folder reports the same without reading a role. The cache only ever saves time: if it
        cannot be written, the build goes on without it.
        """
        used = {blob for entry in self.new.values() for blob in entry["blobs"]}
        try:
            self._save_shards()
            build = {
                "inputs": inputs,
                "output": str(output.absolute()),
                "state": (
                    folder_state(output)
                    if self.published_state is None
                    else dict(sorted(self.published_state.items()))
                ),
                "report": report,
            }
            _write_whole(self.folder / _INDEX, orjson.dumps({"build": build}))
            for name in os.listdir(self.folder / _FILES):
                if name not in used:
                    os.unlink(self.folder / _FILES / name)
        except OSError:
            pass

    def _save_shards(self) -> None:
        """Writes each shard whose entries are not those on disk (an entry the build took
        from the cache is the very object loaded)."""
        for shard in _SHARDS:
            jobs = {key: entry for key, entry in self.new.items() if key[:1] == shard}
            disk = self._on_disk[shard]
            if jobs.keys() == disk.keys() and all(jobs[k] is disk[k] for k in jobs):
                continue
            data = orjson.dumps(_indexed(jobs))
            _write_whole(self.folder / f"jobs-{shard}.json", data)
            self._on_disk[shard] = jobs


def _write_whole(path: Path, data: bytes) -> None:
    """Replaces the file `path` with `data`, whole or not at all."""
    tmp = path.with_name(f"{path.name}.new")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _indexed(jobs: dict[str, dict]) -> dict:
    """Returns the index's jobs, each job's reads numbered in a table of them: the pages of a
    department read the same values of the same roles, and 10,000 roles' jobs make 350,000
    reads of 70,000 values."""
    numbers: dict[tuple[str, str, str], int] = {}
    indexed = {
        key: {
            "blobs": entry["blobs"],
            "outputs": entry["outputs"],
            "reads": [numbers.setdefault((r, f, v), len(numbers)) for r, f, v in entry["reads"]],
        }
        for key, entry in sorted(jobs.items())
    }
    return {"reads": list(numbers), "jobs": indexed}


def packed(files: dict[str, bytes]) -> bytes:
    """Returns a job's files as one: a line of JSON listing each path and length, then the
    files' bytes one after the other."""
    listing = orjson.dumps([[path, len(data)] for path, data in files.items()])
    return listing + b"\n" + b"".join(files.values())


def unpacked(blob: bytes) -> dict[str, bytes]:
    """Returns the files that `packed` put into `blob`; raises ValueError if it does not
    hold them."""
    listing, _, data = blob.partition(b"\n")
    files, start = {}, 0
    for path, length in orjson.loads(listing):
        files[str(path)] = data[start : start + int(length)]
        start += int(length)
    if start != len(data):
        raise ValueError("damaged cache entry")
    return files
