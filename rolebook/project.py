"""Gathers a handbook project: its settings and every role, read and checked before anything is
written.

A project is a folder with handbook.yaml, roles/*.yaml and templates/. `load` reads all of it and
returns a Project with every diagnostic of every file; `Project.raise_for_errors` turns errors
into one CheckFailed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from rolebook import checks, parallel
from rolebook.errors import ERROR, CheckFailed, Diagnostic
from rolebook.reader import Reading, read
from rolebook.schema import Role, Settings

SETTINGS_FILE = "handbook.yaml"
ROLES_DIR = "roles"
TEMPLATES_DIR = "templates"


@dataclass
class Project:
    """Everything the build needs from the project folder, read and checked."""

    root: Path
    settings: Settings | None
    roles: list[Role] = field(default_factory=list)
    readings: dict[str, Reading] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

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


def load(root: Path, workers: int = 1) -> Project:
    """Returns the project at `root` with its settings, roles and all their diagnostics; the
    role files are read by up to `workers` processes."""
    settings_reading = read_file(root, SETTINGS_FILE, Settings)
    project = Project(root, settings_reading.value)
    project.diagnostics += settings_reading.diagnostics
    paths = role_files(root)
    readings = parallel.map_in_order(functools.partial(read_file, root, schema=Role), paths,
                                     workers, chunk=32)
    for path, reading in zip(paths, readings, strict=True):
        project.readings[path] = reading
        project.diagnostics += reading.diagnostics
        if reading.value is not None:
            project.roles.append(reading.value)
    if project.settings is not None:
        project.diagnostics += checks.run(project)
    project.diagnostics.sort(key=lambda d: (d.path != SETTINGS_FILE, d.path, d.line, d.col))
    return project


def role_files(root: Path) -> list[str]:
    """Returns the role files' paths relative to `root`, sorted, as roles/<name>.yaml."""
    folder = root / ROLES_DIR
    if not folder.is_dir():
        return []
    names = sorted(p.name for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    return [f"{ROLES_DIR}/{name}" for name in names]


def read_file(root: Path, path: str, schema: type) -> Reading:
    """Returns the Reading of the file at root/path; unreadable files become diagnostics."""
    try:
        data = (root / path).read_bytes()
    except FileNotFoundError:
        return _failed(path, f"file not found; create {path}")
    except OSError as exc:
        return _failed(path, f"cannot read the file: {exc.strerror}; check its permissions")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return _failed(path, "the file is not UTF-8 text; save it as UTF-8 in your editor",
                       (line, col))
    return read(path, text, schema)


def _failed(path: str, message: str, where: tuple[int, int] = (1, 1)) -> Reading:
    reading = Reading(path, [])
    reading.report(where, message)
    return reading
