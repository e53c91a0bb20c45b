"""The library: items written once in library/*.yaml (work principles, competencies, standard
qualifications, safety rules) that roles refer to by id.

`read` reads every library file (the load keeps them in the project); `resolved_roles` returns
the roles with each reference replaced by the item it names, as if written in the role, which is
what the build renders (the roles themselves keep their references, as their files do). A
role's cache key is its resolved value (build/jobs.py), so a change to an item rebuilds exactly
the roles that use it. Unknown and unused ids are the checks' (check/library.py).

`KINDS` says, for each kind of item, where the library holds it and where a role refers to
one: the checks and the resolution go through it, one piece of logic for every kind.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from rolebook.load.files import LIBRARY_DIR, scan_roles
from rolebook.load.reader import Reading
from rolebook.model.schema import (
    Competency,
    Library,
    LibraryCompetency,
    LibraryRef,
    LibraryText,
    Line,
    Principle,
    Qualifications,
    Role,
)

if TYPE_CHECKING:
    from rolebook.load.project import Project


class Kind(NamedTuple):
    """A kind of library item: the Library field that holds it, its name in messages, and the
    (path, id) of each reference a role makes to one."""

    field: str
    noun: str
    references: Callable[[Role], Iterator[tuple[tuple, str]]]


def _listed(section: str) -> Callable[[Role], Iterator[tuple[tuple, str]]]:
    """Returns the references of a role section listing `- ref: <id>` entries."""

    def references(role: Role) -> Iterator[tuple[tuple, str]]:
        for i, entry in enumerate(getattr(role, section)):
            if entry.ref:
                yield (section, i, "ref"), entry.ref

    return references


def _qualifications(role: Role) -> Iterator[tuple[tuple, str]]:
    """Returns the references among a role's qualification lines, of every part."""
    for part in QUALIFICATION_PARTS:
        for i, line in enumerate(getattr(role.qualifications, part)):
            if isinstance(line, LibraryRef):
                yield ("qualifications", part, i, "ref"), line.ref


def _precautions(role: Role) -> Iterator[tuple[tuple, str]]:
    """Returns the references among a role's precautions."""
    for i, line in enumerate(role.precautions):
        if isinstance(line, LibraryRef):
            yield ("precautions", i, "ref"), line.ref


KINDS = (
    Kind("principles", "principle", _listed("principles")),
    Kind("competencies", "competency", _listed("competencies")),
    Kind("qualifications", "standard qualification", _qualifications),
    Kind("safety_rules", "safety rule", _precautions),
)
QUALIFICATION_PARTS = tuple(f.name for f in dataclasses.fields(Qualifications))


def read(root: Path, read_file) -> list[Reading[Library]]:
    """Returns the Reading of each file of the project's library/ (none if it has no such
    folder), read by `read_file(root, path, schema, inside)`."""
    files = scan_roles(root, LIBRARY_DIR)
    return [read_file(root, path, Library, inside) for path, inside in files.items()]


def items(readings: list[Reading[Library]], kind: str) -> dict[str, Any]:
    """Returns the library's items of the Library field `kind` by id, the first file's where an
    id repeats."""
    found: dict[str, Any] = {}
    for reading in readings:
        for item in getattr(reading.value, kind) if reading.value else []:
            found.setdefault(item.id, item)
    return found


def found(project: Project) -> dict[str, dict[str, Any]]:
    """Returns the library's items by id, by kind (the Library field that holds them)."""
    return {kind.field: items(project.library, kind.field) for kind in KINDS}


def resolved_roles(project: Project) -> list[Role]:
    """Returns the project's roles as the documents print them: each reference to the library
    replaced by the item it names."""
    library = found(project)
    return [resolved(role, library) for role in project.roles]


def resolved(role: Role, found: dict[str, dict]) -> Role:
    """Returns `role` with each principle, competency, qualification line and precaution that
    refers to the library filled in from the library's item (kept as it is if the id is
    unknown: check reports it)."""
    if not any(next(kind.references(role), None) for kind in KINDS):
        return role
    principles, texts = found["principles"], found["qualifications"]
    parts = {p: _lines(getattr(role.qualifications, p), texts) for p in QUALIFICATION_PARTS}
    return dataclasses.replace(
        role,
        principles=[_principle(principles.get(p.ref), p) for p in role.principles],
        competencies=[_competency(found["competencies"].get(c.ref), c) for c in role.competencies],
        qualifications=Qualifications(**parts),
        precautions=_lines(role.precautions, found["safety_rules"]),
    )


def _lines(lines: list[Line], texts: dict[str, LibraryText]) -> list[Line]:
    """Returns `lines` with each reference replaced by the library's text it names (kept as it
    is if the id is unknown: check reports it)."""
    return [
        texts[line.ref].text if isinstance(line, LibraryRef) and line.ref in texts else line
        for line in lines
    ]


def _principle(item, principle: Principle) -> Principle:
    """Returns the library principle `item` as the role's, or `principle` if there is none."""
    return Principle(item.name, item.rule) if item else principle


def _competency(item: LibraryCompetency | None, competency: Competency) -> Competency:
    """Returns `competency` with the name of the library's `item` and the description of the
    level it requires (kept as it is without the item or the level: check reports it)."""
    level = next((lv for lv in item.levels if lv.level == competency.level), None) if item else None
    if item is None or level is None:
        return competency
    return dataclasses.replace(competency, name=item.name, description=level.description)
