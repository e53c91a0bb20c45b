"""Checks of the library (library/*.yaml): every reference a role makes names an item, every item
is used, and no id is given twice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rolebook.check import rules
from rolebook.model.errors import WARNING, Diagnostic
from rolebook.model.scalars import closest

if TYPE_CHECKING:
    from rolebook.load.project import Project


def _ids(project: Project) -> dict[str, tuple]:
    """Returns each library principle's id with the (reading, index) of its first entry."""
    found: dict[str, tuple] = {}
    for reading in project.library:
        for i, item in enumerate(reading.value.principles if reading.value else []):
            found.setdefault(item.id, (reading, i))
    return found


def references_are_known(project: Project) -> Iterator[Diagnostic]:
    """Yields an error for each reference to a principle the library does not hold."""
    ids = list(_ids(project))
    for _, reading, role in rules._roles(project):
        for i, principle in enumerate(role.principles):
            if principle.ref and principle.ref not in ids:
                message = f"'{principle.ref}' is not the id of a principle in library/"
                close = closest(principle.ref, ids)
                hint = f"did you mean '{close}'?" if close else "add it there or write it out here"
                yield reading.diagnostic(reading.at(("principles", i, "ref")), f"{message}; {hint}")


def items_are_used(project: Project) -> Iterator[Diagnostic]:
    """Yields a warning for each library item no role refers to, and an error for an id that
    an earlier item already has."""
    used = {p.ref for _, _, role in rules._roles(project) for p in role.principles}
    if not project.roles:
        return  # no role read: that is the error, not the items it would use
    first = _ids(project)
    for reading in project.library:
        for i, item in enumerate(reading.value.principles if reading.value else []):
            where = reading.at(("principles", i, "id"))
            if first[item.id] != (reading, i):
                other, j = first[item.id]
                line = other.at(("principles", j, "id"))[0]
                message = f"principle id '{item.id}' is given twice (first at {other.path}:{line})"
                yield reading.diagnostic(where, f"{message}; give each item an id of its own")
            elif item.id not in used:
                message = f"no role refers to the principle '{item.id}'; use it or delete it"
                yield reading.diagnostic(where, message, WARNING)


# Before unmapped_text, whose warnings close the list.
rules.CHECKS[-1:-1] = [references_are_known, items_are_used]
