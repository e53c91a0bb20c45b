"""A project kept in memory between builds, for `serve`: a save rebuilds only what it changed.

A Session keeps what a fresh process would read back from the cache folder: the role files'
readings (with their checks' findings) and every job's files, the handbook's pieces among
them. The writers' templates stay compiled in the process (render/templating.py). A rebuild
reads the role files' bytes again, takes the readings of those unchanged from memory, renders
the jobs whose inputs changed, and tells `on_pages` the new files as soon as the jobs are done,
before the handbook and the search index are put together and output/ is published.

The disk cache is still written, so that a `build` after `serve` finds it up to date.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from rolebook.build import cache as cache_module
from rolebook.build import pipeline
from rolebook.load.project import Found
from rolebook.load.reader import Reading
from rolebook.load.readings import Readings
from rolebook.model.schema import Role


class MemoryReadings(Readings):
    """The cache folder's readings, kept in memory once read or made."""

    def __init__(self, folder: Path):
        super().__init__(folder)
        # role file → (its bytes, reading, context of the checks, the checks' findings)
        self.memory: dict[str, tuple[bytes, Reading[Role], str, Found]] = {}

    def holds_any(self) -> bool:
        """Returns whether any reading is kept, in memory or on disk."""
        return bool(self.memory) or super().holds_any()

    def kept(
        self, path: str, data: bytes, text: str, context: str
    ) -> tuple[Reading[Role], Found | None] | None:
        """Returns what Readings.kept does, from memory where the file's bytes are the same."""
        entry = self.memory.get(path)
        if entry is not None and entry[0] == data:
            return entry[1], entry[3] if entry[2] == context else None
        found = super().kept(path, data, text, context)
        if found is not None and found[1] is not None:
            self.memory[path] = (data, found[0], context, found[1])
        return found

    def keep(self, path: str, data: bytes, reading: Reading[Role], checked: Found, context: str):
        """Keeps the reading on disk, as Readings.keep does, and in memory."""
        super().keep(path, data, reading, checked, context)
        if not reading.diagnostics and reading.value is not None:
            self.memory[path] = (data, reading, context, checked)

    def keep_only(self, paths: list[str]) -> None:
        """Forgets the readings of files other than `paths`, in memory and on disk."""
        super().keep_only(paths)
        for path in set(self.memory) - set(paths):
            del self.memory[path]


class MemoryCache(cache_module.Cache):
    """The build cache, its jobs' files kept in memory from one build to the next."""

    def __init__(self, folder: Path):
        super().__init__(folder)
        self.memory: dict[str, dict[str, bytes]] = {}

    def get(self, key: str, current: Callable[[str, str], str]) -> dict[str, bytes] | None:
        """Returns what Cache.get does, from memory once the job's files were read or made."""
        entry = self.old.get(key)
        if key not in self.memory or entry is None:
            files = super().get(key, current)
            if files is not None:
                self.memory[key] = files
            return files
        if any(current(role_id, field) != value for role_id, field, value in entry["reads"]):
            return None
        self.new[key] = entry
        return self.memory[key]

    def put(self, key: str, reads: list[tuple[str, str, str]], files: dict[str, bytes]) -> None:
        """Records job `key` as Cache.put does, and keeps its files in memory."""
        super().put(key, reads, files)
        self.memory[key] = files

    def next_build(self) -> None:
        """Makes this build's entries the previous build's, and forgets the files of the rest."""
        self.old, self.new = self.new, {}
        self.memory = {key: files for key, files in self.memory.items() if key in self.old}


class Session:
    """The project at `root`, built into `output` again and again by `build`."""

    def __init__(self, root: Path, output: Path, workers: int | None = None):
        self.root, self.workers = root, workers
        self.output = pipeline.check_output(root, output)
        self.cache = MemoryCache(root / cache_module.FOLDER)
        self.readings = MemoryReadings(self.cache.folder)

    def build(self, on_pages: Callable[[dict[str, bytes]], None] | None = None) -> pipeline.Report:
        """Builds the project as `build` would, with what memory holds; `on_pages(files)` is
        given the output's files once the jobs are rendered (the pages, the roles' .docx),
        before the handbook and the search index are added to them and output/ is published."""
        inputs = ""

        def handed(files: dict[str, bytes]) -> None:
            nonlocal inputs
            if on_pages is not None:
                on_pages(files)
            # Once the pages are served: a save since the files were read starts another build.
            inputs = pipeline.input_digest(self.root)

        try:
            report = pipeline.build_with(
                self.root, self.output, self.cache, self.readings, self.workers, handed
            )
        except BaseException:
            self.cache.new = {}  # a failed build's entries are partial: the last good ones stay
            raise
        if inputs:
            self.cache.save(inputs, self.output, dataclasses.asdict(report))
        self.cache.next_build()
        return report
