"""Gathers a handbook project: its settings and every role, read before anything is written.

`load` reads handbook.yaml and every role file (rolebook/load/files.py says how safely) and
returns a Project with every diagnostic of every file. The checks are not this module's: the
caller hands them in (rolebook/check/gather.py does), and the one-role checks run in the worker
process that read the role. `Project.raise_for_errors` turns errors into one CheckFailed.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from rolebook.load import library, translations
from rolebook.load.files import (
    PAY_FILE,
    ROLES_DIR,
    SETTINGS_FILE,
    Refused,
    contents,
    decode,
    scan_roles,
)
from rolebook.load.reader import Reading, compact, read
from rolebook.load.readings import Readings
from rolebook.model.errors import ERROR, CheckFailed, Diagnostic
from rolebook.model.scalars import ROLE_ID, KindError
from rolebook.model.schema import Library, PayBands, Role, Settings
from rolebook.model.translations import TranslationFile
from rolebook.util import collector, parallel
from rolebook.util.digest import digest


@dataclass
class Project:
    """Everything the build needs from the project folder, read and checked."""

    root: Path
    settings: Settings | None
    roles: list[Role] = field(default_factory=list)
    readings: dict[str, Reading[Role]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # The day date checks compare with (a review date in the past is overdue).
    today: dt.date = field(default_factory=dt.date.today)
    # Where each setting is in handbook.yaml, for checks that point at one (external_positions).
    settings_reading: Reading[Settings] | None = None
    # The translation files of each language (rolebook/load/translations.py), by name.
    translation_files: dict[str, translations.Files] = field(default_factory=dict)

    @property
    def translations(self) -> dict[str, dict[str, TranslationFile]]:
        """Returns the entries of each language's readable translation files, by file name."""
        return {
            language: {name: r.value for name, r in files.items() if r.value is not None}
            for language, files in self.translation_files.items()
        }

    # The files of library/, whose items the roles refer to (see load/library.py).
    library: list[Reading[Library]] = field(default_factory=list)
    # pay_bands.yaml, if the project has one; printed only where `show_pay` (build --with-pay).
    pay_bands: Reading[PayBands] | None = None
    show_pay: bool = False

    @property
    def errors(self) -> int:
        return sum(d.severity == ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors

    def sort_diagnostics(self) -> None:
        """Sorts the diagnostics as they are printed: the settings' first, then by file and
        place."""
        self.diagnostics.sort(key=lambda d: (d.path != SETTINGS_FILE, d.path, d.line, d.col))

    def raise_for_errors(self) -> None:
        """Raises CheckFailed with every diagnostic if any of them is an error."""
        if self.errors:
            raise CheckFailed(self.diagnostics)


T = TypeVar("T")  # the schema dataclass a file is read into

# The one-role checks' diagnostics of one role file: a list per check.
Found = list[list[Diagnostic]]


@dataclass(frozen=True)
class Checks:
    """The checks a load runs: `role` on each role as it is read (in the worker process that
    reads it; a module-level function, so that it can be sent there), then `project` on the
    whole project with what `role` found."""

    role: Callable[[Project, str, Reading[Role]], Found]
    project: Callable[[Project, dict[str, Found]], list[Diagnostic]]


def _no_role_checks(project: Project, path: str, reading: Reading[Role]) -> Found:
    return []


def _no_project_checks(project: Project, found: dict[str, Found]) -> list[Diagnostic]:
    return []


NO_CHECKS = Checks(_no_role_checks, _no_project_checks)


def load(
    root: Path,
    workers: int = 1,
    today: dt.date | None = None,
    readings: Readings | None = None,
    checks: Checks = NO_CHECKS,
    on_read: Callable[[int, int], None] | None = None,
) -> Project:
    """Returns the project at `root` with its settings, roles and all their diagnostics, checked
    as of `today` (the real date unless given); the role files are read by up to `workers`
    processes, or come from `readings` where they were read before as they are now; `checks`
    are run on them. `on_read(done, total)` is told how many role files are read so far."""
    # Reading makes millions of small objects that form no cycles and live as long as the
    # project: the collector would walk them all again and again (a third of the time it
    # takes to read), and the collections of the rest of the build would walk them too.
    with collector.paused(freeze=True):
        settings_reading = read_file(root, SETTINGS_FILE, Settings)
        project = Project(
            root,
            settings_reading.value,
            today=today or dt.date.today(),
            settings_reading=settings_reading,
        )
        project.diagnostics += settings_reading.diagnostics
        found = _read_roles(project, workers, readings, checks, on_read)
        _read_translations(project)
        # After the roles: a project folder that cannot be searched is reported at roles/.
        project.library = library.read(root, read_file)
        project.diagnostics += [d for reading in project.library for d in reading.diagnostics]
        if (root / PAY_FILE).exists():
            project.pay_bands = read_file(root, PAY_FILE, PayBands)
            project.diagnostics += project.pay_bands.diagnostics
        if not project.readings:
            project.diagnostics.append(_no_roles(root))
        if project.settings is not None:
            project.diagnostics += checks.project(project, found)
        project.sort_diagnostics()
    return project


def _read_translations(project: Project) -> None:
    """Reads the project's translation files into it, with their diagnostics."""
    try:
        project.translation_files = translations.load(project.root)
    except Refused as exc:
        raise exc.failed() from None
    for files in project.translation_files.values():
        for reading in files.values():
            project.diagnostics += reading.diagnostics


def _no_roles(root: Path) -> Diagnostic:
    """Returns the error of a project without role files: a handbook of no roles is a mistake
    (an emptied folder), never to be published over the last good one."""
    if not os.path.isdir(root / ROLES_DIR):  # unreachable folders were refused by the scan
        return Diagnostic(
            ROLES_DIR, 1, 1, "folder not found; create it and put one <id>.yaml file per role in it"
        )
    return Diagnostic(
        ROLES_DIR,
        1,
        1,
        "no role files in the folder; a handbook needs at least one: put one <id>.yaml file "
        "per role in it (`new <id>` writes one), or restore those deleted by mistake",
    )


def _read_roles(
    project: Project,
    workers: int,
    readings: Readings | None,
    checks: Checks,
    on_read: Callable[[int, int], None] | None = None,
) -> dict[str, Found]:
    """Reads every role file into `project`, each by one of up to `workers` processes or from
    `readings`; returns the one-role checks' diagnostics of each readable role, worked out
    where it was read.

    The files `readings` keeps as they are now are taken from there in this process: a worker
    would spend less making the objects than this process spends receiving them.
    """
    files = scan_roles(project.root)
    # The workers get the settings and the date, not the roles read so far: those would be
    # copied to them again with each batch of files.
    alone = Project(project.root, project.settings, today=project.today)
    context = digest(repr(project.settings), project.today.isoformat())
    done: dict[str, tuple[Reading[Role], Found | None]] = {}
    if readings is not None and readings.holds_any():
        done = _kept_roles(alone, checks, readings, context, files)
    if readings is not None:  # the workers read the files left afresh: no need to keep 60 MB
        readings.read_already.clear()
    todo = [file for file in files.items() if file[0] not in done]
    results = parallel.map_in_order(
        functools.partial(_read_and_check, alone, checks, readings, context),
        todo,
        workers,
        chunk=32,
    )
    if on_read is not None:
        results = _counted(results, len(done), len(files), on_read)
    done.update(zip([path for path, _ in todo], results, strict=True))
    if readings is not None:
        readings.keep_only(list(files))
    return _add_readings(project, [done[path] for path in files])


def _add_readings(
    project: Project, done: list[tuple[Reading[Role], Found | None]]
) -> dict[str, Found]:
    """Adds the role files' readings to `project`, in file order; returns the one-role checks'
    diagnostics of each readable role."""
    found: dict[str, Found] = {}
    for reading, checked in done:
        project.readings[reading.path] = reading
        project.diagnostics += reading.diagnostics
        if reading.value is not None:
            project.roles.append(reading.value)
            if checked is not None:  # None only when the settings could not be read
                found[reading.path] = checked
    return found


def _counted(
    results: Iterable, start: int, total: int, on_read: Callable[[int, int], None]
) -> Iterator:
    """Yields `results`, telling `on_read` how many of `total` are done after each."""
    on_read(start, total)
    for done, result in enumerate(results, start=start + 1):
        on_read(done, total)
        yield result


def _read_and_check(
    project: Project,
    checks: Checks,
    readings: Readings | None,
    context: str,
    file: tuple[str, bool],
) -> tuple[Reading[Role], Found | None]:
    """Returns the Reading of one role file of `project` and its one-role checks' diagnostics
    (see _checked), both kept in `readings` (if given) as worked out in `context`."""
    path, inside = file
    failed = _misnamed(path)
    if failed is not None:
        return failed, None
    try:
        data, text = contents(project.root, path, inside)
    except Refused as exc:
        return _refused(path, exc), None
    reading = read(path, text, Role)
    checked = _checked(project, checks, path, reading)
    if readings is not None and checked is not None:
        readings.keep(path, data, reading, checked, context)
    # A clean reading's positions, which only a message needs, would be most of what a worker
    # sends back and of the project's memory (a gigabyte at 10,000 roles).
    return compact(reading, text, Role), checked


def _kept_roles(
    project: Project, checks: Checks, readings: Readings, context: str, files: dict[str, bool]
) -> dict[str, tuple[Reading[Role], Found | None]]:
    """Returns the Reading, and its one-role checks' diagnostics, of each role file that
    `readings` keeps as it is now; checks kept in another `context` are worked out again."""
    kept: dict[str, tuple[Reading[Role], Found | None]] = {}
    for path, inside in files.items():
        if _misnamed(path) is not None:
            continue
        try:
            data, text = _contents(project.root, path, inside, readings.read_already)
        except Refused:
            continue
        found = readings.kept(path, data, text, context)
        if found is None:
            continue
        reading, checked = found
        if checked is None and project.settings is not None:
            checked = _checked(project, checks, path, reading)
            assert checked is not None  # a kept reading has a value, and the settings were read
            readings.keep(path, data, reading, checked, context)
        kept[path] = reading, checked
    return kept


def _contents(root: Path, path: str, inside: bool, read: dict[str, bytes]) -> tuple[bytes, str]:
    """Returns the bytes and the text of the file at `path`: those `read` already if it holds
    them (taken out of it), else read now (see files.contents)."""
    data = read.pop(path, None)
    return contents(root, path, inside) if data is None else (data, decode(data))


def _checked(project: Project, checks: Checks, path: str, reading: Reading[Role]) -> Found | None:
    """Returns the one-role checks' diagnostics (`checks.role`) of the role of
    `reading`; None if it could not be read, or the settings could not."""
    if reading.value is None or project.settings is None:
        return None
    return checks.role(project, path, reading)


def _misnamed(path: str) -> Reading | None:
    """Returns a failed Reading for a role file whose name is not a valid role id, else None."""
    name = Path(path)
    role_id = ROLE_ID
    try:
        role_id.parse(name.stem)
    except KindError as exc:
        suggestion = re.sub(r"[^a-z0-9]+", "-", name.stem.lower()).strip("-")
        if suggestion == name.stem:
            return _failed(path, f"the file name '{name.name}' cannot be a role id: {exc}")
        return _failed(
            path,
            f"the file name '{name.name}' is not {role_id.what}; rename the "
            f"file, e.g. to {suggestion or 'vip-specialist'}{name.suffix}, and give "
            "the role the same id",
        )
    return None


def read_file(root: Path, path: str, schema: type[T], inside: bool = False) -> Reading[T]:
    """Returns the Reading of the file at root/path; files that cannot be read become errors.
    `inside` as for read_bytes."""
    try:
        _, text = contents(root, path, inside)
    except Refused as exc:
        return _refused(path, exc)
    return read(path, text, schema)


def _refused(path: str, exc: Refused) -> Reading[Any]:
    return _failed(path, str(exc), exc.where, exc.lines)


def _failed(
    path: str, message: str, where: tuple[int, int] = (1, 1), lines: list[str] | None = None
) -> Reading[Any]:
    reading: Reading[Any] = Reading(path, lines or [])
    reading.report(where, message)
    return reading
