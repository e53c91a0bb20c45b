"""Checks on roles that need more than one field or more than one file.

Each check takes the project and yields Diagnostics; `run` runs every check in CHECKS. A new check
is a new function in that list.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from rolebook.errors import Diagnostic
from rolebook.render import filled

if TYPE_CHECKING:
    from rolebook.project import Project


def file_name_matches_id(project: Project) -> Iterator[Diagnostic]:
    """Yields an error for each role whose file is not named <id>.yaml."""
    for path, reading in project.readings.items():
        role = reading.value
        if role is not None and PurePosixPath(path).stem != role.id:
            yield _diagnostic(reading, ("id",), f"the role id '{role.id}' does not match the "
                              f"file name; rename the file to {role.id}.yaml or change the id "
                              f"to '{PurePosixPath(path).stem}'")


def required_sections(project: Project) -> Iterator[Diagnostic]:
    """Yields an error for each section the settings require that a role lacks or leaves empty."""
    for reading in project.readings.values():
        if reading.value is None:
            continue
        for name in project.settings.required_sections:
            if filled(getattr(reading.value, name)) or (name,) in reading.suggested:
                continue
            if (name,) in reading.key_positions:
                message = f"required section '{name}' is empty; fill it in"
                yield _diagnostic(reading, (name,), message)
            else:
                message = (f"required section '{name}' is missing; add '{name}:' to the role "
                           "(handbook.yaml requires it)")
                yield _diagnostic(reading, (), message)


def unique_document_numbers(project: Project) -> Iterator[Diagnostic]:
    """Yields an error for each role that reuses another role's document number."""
    first: dict[str, str] = {}
    for path, reading in project.readings.items():
        if reading.value is None:
            continue
        number = reading.value.document_control.number
        if number in first:
            yield _diagnostic(reading, ("document_control", "number"), f"document number "
                              f"'{number}' is already used by {first[number]}; give it its own")
        first.setdefault(number, path)


def _diagnostic(reading, path: tuple, message: str) -> Diagnostic:
    """Returns an error at the key found at `path` in `reading` (the file's start for ())."""
    return reading.diagnostic(reading.at(path, key=bool(path)), message)


CHECKS = [file_name_matches_id, required_sections, unique_document_numbers]


def run(project: Project) -> list[Diagnostic]:
    """Returns the diagnostics of every check in CHECKS."""
    return [d for check in CHECKS for d in check(project)]
