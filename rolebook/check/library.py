"""Checks of the library (library/*.yaml): every reference a role makes names an item of its
kind, every item is used, no id is given twice, and a competency's required level is one it
defines. The kinds of item and where roles refer to them are load/library.KINDS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rolebook.check import compliance, rules
from rolebook.load.library import KINDS, Kind, items
from rolebook.model.errors import WARNING, Diagnostic
from rolebook.model.scalars import closest

if TYPE_CHECKING:
    from rolebook.load.project import Project


def _ids(project: Project, kind: Kind) -> dict[str, tuple]:
    """Returns the id of each library item of `kind` with the (reading, index) of its first
    entry."""
    found: dict[str, tuple] = {}
    for reading in project.library:
        for i, item in enumerate(getattr(reading.value, kind.field) if reading.value else []):
            found.setdefault(item.id, (reading, i))
    return found


def references_are_known(project: Project) -> Iterator[Diagnostic]:
    """Yields an error for each reference to an item the library does not hold."""
    for kind in KINDS:
        ids = list(_ids(project, kind))
        for _, reading, role in rules._roles(project):
            for path, ref in kind.references(role):
                if ref not in ids:
                    message = f"'{ref}' is not the id of a {kind.noun} in library/"
                    close = closest(ref, ids)
                    hint = (
                        f"did you mean '{close}'?" if close else "add it there or write it out here"
                    )
                    yield reading.diagnostic(reading.at(path), f"{message}; {hint}")


def levels_are_defined(project: Project) -> Iterator[Diagnostic]:
    """Yields an error for each competency a role requires at a level the library's competency
    does not define, naming the levels it does."""
    competencies = items(project.library, "competencies")
    for _, reading, role in rules._roles(project):
        for i, required in enumerate(role.competencies):
            if required.ref not in competencies:
                continue  # references_are_known reports it
            known = [lv.level for lv in competencies[required.ref].levels]
            if required.level not in known:
                yield reading.diagnostic(
                    reading.at(("competencies", i, "level")),
                    f"the competency '{required.ref}' has no level {required.level}; "
                    f"its levels are {', '.join(known)}",
                )


def items_are_used(project: Project) -> Iterator[Diagnostic]:
    """Yields a warning for each library item no role refers to, and an error for an id that
    an earlier item of its kind already has."""
    if not project.roles:
        return  # no role read: that is the error, not the items it would use
    for kind in KINDS:
        used = {ref for _, _, role in rules._roles(project) for _, ref in kind.references(role)}
        first = _ids(project, kind)
        for reading in project.library:
            for i, item in enumerate(getattr(reading.value, kind.field) if reading.value else []):
                where = reading.at((kind.field, i, "id"))
                if first[item.id] != (reading, i):
                    other, j = first[item.id]
                    line = other.at((kind.field, j, "id"))[0]
                    message = (
                        f"{kind.noun} id '{item.id}' is given twice (first at {other.path}:{line})"
                    )
                    yield reading.diagnostic(where, f"{message}; give each item an id of its own")
                elif item.id not in used:
                    message = f"no role refers to the {kind.noun} '{item.id}'; use it or delete it"
                    yield reading.diagnostic(where, message, WARNING)


def shared_requirements_that_may_discriminate(project: Project) -> Iterator[Diagnostic]:
    """Yields a warning for each standard qualification that matches a rule of
    rolebook.compliance, at the library's text: every role naming it prints it, and none can
    acknowledge it for the others."""
    for reading in project.library:
        for i, item in enumerate(reading.value.qualifications if reading.value else []):
            for rule, clauses in compliance.findings(item.text):
                quoted = "', '".join(clauses)
                yield reading.diagnostic(
                    rules._locate(reading, ("qualifications", i, "text"), clauses[0]),
                    f"requirement on {rule.topic} ('{quoted}'): {rule.reason}; reword this "
                    "standard qualification, or write the line out in the roles that keep it",
                    WARNING,
                )


# Before unmapped_text, whose warnings close the list.
rules.CHECKS[-1:-1] = [
    references_are_known,
    levels_are_defined,
    items_are_used,
    shared_requirements_that_may_discriminate,
]
