"""The library: items written once in library/*.yaml (work principles) that roles refer to by id.

`read` reads every library file (the load keeps them in the project); `resolved_roles` returns
the roles with each reference replaced by the item it names, as if written in the role, which is
what the build renders (the roles themselves keep their references, as their files do). A
role's cache key is its resolved value (build/jobs.py), so a change to an item rebuilds exactly
the roles that use it. Unknown and unused ids are the checks' (check/library.py).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from rolebook.load.files import LIBRARY_DIR, scan_roles
from rolebook.load.reader import Reading
from rolebook.model.schema import Library, Principle, Role

if TYPE_CHECKING:
    from rolebook.load.project import Project


def read(root: Path, read_file) -> list[Reading[Library]]:
    """Returns the Reading of each file of the project's library/ (none if it has no such
    folder), read by `read_file(root, path, schema, inside)`."""
    files = scan_roles(root, LIBRARY_DIR)
    return [read_file(root, path, Library, inside) for path, inside in files.items()]


def principles(readings: list[Reading[Library]]) -> dict[str, Principle]:
    """Returns the library's principles by id, the first file's where an id repeats."""
    found: dict[str, Principle] = {}
    for reading in readings:
        for item in reading.value.principles if reading.value else []:
            found.setdefault(item.id, Principle(item.name, item.rule))
    return found


def resolved_roles(project: Project) -> list[Role]:
    """Returns the project's roles as the documents print them: each reference to the library
    replaced by the item it names."""
    items = principles(project.library)
    return [resolved(role, items) for role in project.roles]


def resolved(role: Role, items: dict[str, Principle]) -> Role:
    """Returns `role` with each principle that refers to the library replaced by the library's
    (kept as it is if the id is unknown: check reports it)."""
    if not any(p.ref for p in role.principles):
        return role
    return dataclasses.replace(
        role, principles=[items.get(p.ref, p) if p.ref else p for p in role.principles]
    )
