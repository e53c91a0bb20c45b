"""Job postings (`build --postings`): what a posting shows of an open role, and its checks.

A posting is a subset of the role: the summary, the duties and the qualifications, without the
personal requirements the compliance rules flag (rolebook/check/compliance.py). What it shows is
public: a requirement the rules flag anywhere else in it is an error, not a warning, and an
acknowledgement does not excuse it. An open role's posting needs a place, and the handbook an
equal-opportunity statement.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rolebook.check import compliance, rules
from rolebook.load import library
from rolebook.model.errors import Diagnostic
from rolebook.model.schema import Qualifications, Role

if TYPE_CHECKING:
    from rolebook.load.project import Project


def posting_role(role: Role) -> Role:
    """Returns what a posting shows of `role`: the role without the personal requirements the
    compliance rules flag."""
    personal = [
        line
        for line in role.qualifications.personal
        if not isinstance(line, str) or not compliance.findings(line)
    ]
    return dataclasses.replace(
        role, qualifications=dataclasses.replace(role.qualifications, personal=personal)
    )


def _posted_texts(role: Role) -> Iterator[tuple[tuple, str]]:
    """Yields (path, text) of every text a posting of `role` shows from the role itself."""
    yield ("summary",), role.summary
    for i, duty in enumerate(role.duties):
        yield ("duties", i), duty
    shown = posting_role(role).qualifications
    for f in dataclasses.fields(Qualifications):
        lines = getattr(role.qualifications, f.name)
        for i, line in enumerate(lines):
            if isinstance(line, str) and line in getattr(shown, f.name):
                yield ("qualifications", f.name, i), line


def postings_comply(project: Project) -> Iterator[Diagnostic]:
    """Yields an error for each requirement the compliance rules flag in the text of an open
    role's posting, for an open role without a place, and for open roles without the
    handbook's equal-opportunity statement."""
    statement = rules._settings(project).equal_opportunity
    shelf = library.found(project)
    for _, reading, role in rules._roles(project):
        if not role.posting.open:
            continue
        # A line the role takes from the library is published as the library has it.
        for path, text in _posted_texts(library.resolved(role, shelf)):
            for rule, clauses in compliance.findings(text):
                quoted = "', '".join(clauses)
                yield reading.diagnostic(
                    rules._locate(reading, path, clauses[0]),
                    f"the job posting would publish a requirement on {rule.topic} ('{quoted}'): "
                    f"{rule.reason}; reword the line, or close the posting",
                )
        # Placed only when there is something to say: a reading's positions are worked out
        # when asked.
        if not role.posting.location:
            yield reading.diagnostic(
                reading.at(("posting", "open")),
                "an open role's posting needs its place: fill in posting.location",
            )
        if not statement:
            yield reading.diagnostic(
                reading.at(("posting", "open")),
                "an open role's posting ends with the equal-opportunity statement: fill in "
                "equal_opportunity in handbook.yaml",
            )


# Before unmapped_text, whose warnings close the list.
rules.CHECKS[-1:-1] = [postings_comply]
