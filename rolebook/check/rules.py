"""Checks on roles that need more than one field or more than one file.

Each check takes the project and yields Diagnostics; `run` runs every check in CHECKS. A new check
is a new function in that list. Errors fail `check` and the build; warnings (a review date that
has passed, a requirement that may discriminate) fail only `check --strict`.

Reporting lines (reports_to, direct_reports, indirect_reports, promotion, rotation) name a role id
or one of the settings' external_positions. Between roles they must agree both ways: A lists B as
a direct report exactly when B lists A in reports_to. An indirect report B of A must not report to
A directly and must reach A by going up reports_to through at least one other position; a line
that passes a position outside the handbook cannot be followed and is taken as given. A role names
no role by its title and never itself, and no external position is a role or repeats another:
each of these would draw one position as two boxes in the org chart, or a line to nowhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import fields, is_dataclass
from functools import cache, lru_cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, TypeVar

from rolebook.check import compliance
from rolebook.check import translations as translation_rules
from rolebook.load.files import SETTINGS_FILE
from rolebook.load.reader import Reading
from rolebook.model.errors import WARNING, Diagnostic
from rolebook.model.scalars import closest
from rolebook.model.schema import GROUNDS, Role, Settings, filled

if TYPE_CHECKING:
    from rolebook.load.project import Project

PLACEHOLDER = "TODO"
REPORTING_FIELDS = (
    "reports_to",
    "dotted_lines",
    "direct_reports",
    "indirect_reports",
    "promotion",
    "rotation",
)
VERSION_FORMAT = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
# A check: check(project), or check(project, path, reading, role) for a one-role check.
Check = Callable[..., Iterator[Diagnostic]]
C = TypeVar("C", bound=Check)


def is_placeholder(text: str) -> bool:
    """Returns whether `text` is a placeholder left by `rolebook new` (it starts with TODO)."""
    return text.startswith(PLACEHOLDER)


def version_key(version: str) -> tuple[int, ...]:
    """Returns a MAJOR.MINOR version as numbers, so that 1.10 comes after 1.9."""
    return tuple(int(part) for part in version.split("."))


def one_role(check: C) -> C:
    """Marks `check` as one that looks at one role only; it is called as
    check(project, path, reading, role), in the process that read the role (see check_role)."""
    check.one_role = True  # type: ignore[attr-defined]  # a function takes any attribute
    return check


def _settings(project: Project) -> Settings:
    """Returns the project's settings: the checks run only on a project whose settings could be
    read (see load/project.py)."""
    assert project.settings is not None
    return project.settings


def _roles(project: Project) -> Iterator[tuple[str, Reading[Role], Role]]:
    """Yields (path, reading, role) for every role file that could be read."""
    for path, reading in project.readings.items():
        if reading.value is not None:
            yield path, reading, reading.value


@one_role
def file_name_matches_id(
    project: Project, path: str, reading: Reading, role: Role
) -> Iterator[Diagnostic]:
    """Yields an error if the role's file is not named <id>.yaml."""
    if PurePosixPath(path).stem != role.id:
        yield _diagnostic(
            reading,
            ("id",),
            f"the role id '{role.id}' does not match the "
            f"file name; rename the file to {role.id}.yaml or change the id "
            f"to '{PurePosixPath(path).stem}'",
        )


@one_role
def required_sections(
    project: Project, path: str, reading: Reading, role: Role
) -> Iterator[Diagnostic]:
    """Yields an error for each section the settings require that the role lacks or leaves
    empty."""
    for name in _settings(project).required_sections:
        if filled(getattr(role, name)) or (name,) in reading.suggested:
            continue
        if (name,) in reading.key_positions:
            message = f"required section '{name}' is empty; fill it in"
            yield _diagnostic(reading, (name,), message)
        else:
            message = (
                f"required section '{name}' is missing; add '{name}:' to the role "
                "(handbook.yaml requires it)"
            )
            yield _diagnostic(reading, (), message)


def unique_role_ids(project: Project) -> Iterator[Diagnostic]:
    """Yields an error for each role that reuses another role's id, naming both files."""
    return _unique(
        project, ("id",), lambda role: role.id, "role id", "each role needs an id of its own"
    )


def unique_document_numbers(project: Project) -> Iterator[Diagnostic]:
    """Yields an error for each role that reuses another role's document number."""
    return _unique(
        project,
        ("document_control", "number"),
        lambda role: role.document_control.number,
        "document number",
        "give each role a number of its own",
    )


def _unique(project: Project, path: tuple, value, what: str, fix: str) -> Iterator[Diagnostic]:
    """Yields an error at each file whose `value(role)` an earlier file already has, naming
    every file that has it (the copy and the original alike); an empty value is no value."""
    holders: dict[str, list[Reading]] = {}
    for _, reading, role in _roles(project):
        if (key := value(role)) and not is_placeholder(key):
            holders.setdefault(key, []).append(reading)
    # Only a shared value's files are placed: a reading's positions are worked out when asked.
    places = {
        key: [f"{r.path}:{r.at(path)[0]}" for r in found]
        for key, found in holders.items()
        if len(found) > 1
    }
    seen: set[str] = set()
    for _, reading, role in _roles(project):
        key = value(role)
        if key in places and key in seen:
            where = _listed(places[key])
            yield _diagnostic(reading, path, f"{what} '{key}' is used by {where}; {fix}")
        seen.add(key)


def _listed(names: list[str]) -> str:
    """Returns "both A and B", or "A, B and C": the files that share a value."""
    if len(names) == 2:
        return f"both {names[0]} and {names[1]}"
    return f"{', '.join(names[:-1])} and {names[-1]}"


@one_role
def placeholders(project: Project, path: str, reading: Reading, role: Role) -> Iterator[Diagnostic]:
    """Yields an error for each text still holding a TODO placeholder from `rolebook new`."""
    # A text starts with TODO only if the file says TODO, or writes it with an escape (\x54ODO):
    # most files do neither, and their every text need not be looked at.
    if not any(PLACEHOLDER in line or "\\" in line for line in reading.lines):
        return
    for where, text in _texts(role, ()):
        if is_placeholder(text):
            yield reading.diagnostic(
                reading.at(where),
                f"{_field_name(where)} still holds "
                f"the placeholder '{text}'; replace it with the real "
                "text or delete it",
            )


def _texts(value, path: tuple) -> list[tuple[tuple, str]]:
    """Returns (path, text) for every text in a model value, depth first in file order."""
    found: list[tuple[tuple, str]] = []
    _collect_texts(value, path, found)
    return found


def _collect_texts(value, path: tuple, found: list) -> None:
    # Appends to one list rather than yielding through a generator per level, and takes a text
    # without a call of its own: this walks every value of every role.
    if isinstance(value, str):
        found.append((path, value))
        return
    parts = (
        enumerate(value)
        if isinstance(value, list)
        else (
            (name, getattr(value, name))
            # A class is hashable, but mypy does not take one for Hashable (python/mypy#11470).
            for name in _field_names(type(value))  # type: ignore[arg-type]
        )
    )
    for key, part in parts:
        if isinstance(part, str):
            found.append((path + (key,), part))
        else:
            _collect_texts(part, path + (key,), found)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    """Returns the names of the fields of a dataclass; () for any other type (a date, None)."""
    return tuple(f.name for f in fields(cls)) if is_dataclass(cls) else ()


def _field_name(path: tuple) -> str:
    """Returns how messages name the field at `path`: 'summary', item 2 of 'duties',
    'author' of entry 1 of 'revision_history'."""
    ints = [i for i, part in enumerate(path) if isinstance(part, int)]
    if not ints:
        return "'" + ".".join(path) + "'"
    head, n, tail = path[: ints[-1]], path[ints[-1]], path[ints[-1] + 1 :]
    if not tail:
        return f"item {n + 1} of {_field_name(head)}"
    return f"'{'.'.join(tail)}' of entry {n + 1} of {_field_name(head)}"


# -- Reporting lines -----------------------------------------------------------------------------


def known_references(project: Project) -> Iterator[Diagnostic]:
    """Yields an error for each reporting entry naming neither a role nor an external position,
    or naming a role by its title (the org chart would draw that role twice)."""
    ids = {PurePosixPath(path).stem for path in project.readings} | {
        role.id for _, _, role in _roles(project)
    }
    externals = set(_settings(project).external_positions)
    titles, hints = _titles(project), _hints(project)
    for _, reading, role in _roles(project):
        for key, i, name in _references(role):
            if name in ids or is_placeholder(name) or _is_itself(role, name):
                continue  # a role naming itself is no_reporting_to_itself's
            if (titled := titles.get(position_key(name))) is not None:
                message = (
                    f"'{name}' in {key} is the title of the role '{titled[0]}' ({titled[1]}); "
                    f"write its id '{titled[0]}' instead"
                )
            elif name in externals:
                continue
            else:
                message = _unknown(name, key, hints, role.id)
            yield reading.diagnostic(reading.at(("reporting", key, i)), message)


@lru_cache(maxsize=1 << 16)  # the same titles and names, again for each role that names them
def position_key(name: str) -> str:
    """Returns what tells positions apart: their name without case, spaces or full-width forms
    ("ＶＩＰ Lead", "vip lead" and "VIPLead" are one position; "总 经理" is "总经理")."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def _titles(project: Project) -> dict[str, tuple[str, str]]:
    """Returns each role title's (role id, file) by its position_key, the first role's if two
    roles share a title."""
    found: dict[str, tuple[str, str]] = {}
    for path, _, role in _roles(project):
        for title in (role.title.zh, role.title.en):
            found.setdefault(position_key(title), (role.id, path))
    return found


def _is_itself(role: Role, name: str) -> bool:
    """Returns whether a reporting entry names `role` itself, by its id or one of its titles."""
    return name == role.id or position_key(name) in {
        position_key(role.title.zh),
        position_key(role.title.en),
    }


def _references(role: Role) -> Iterator[tuple[str, int, str]]:
    """Yields (field, index, name) for every entry of the role's reporting lines."""
    for key in REPORTING_FIELDS:
        for i, name in enumerate(getattr(role.reporting, key)):
            yield key, i, name


def _hints(project: Project) -> dict[str, tuple[str, str]]:
    """Returns what an unknown name may have meant, with the role it leads to ("" for an
    external position): ids, externals, and titles to their ids."""
    hints = {name: (f"'{name}'", "") for name in _settings(project).external_positions}
    for _, _, role in _roles(project):
        suggestion = (f"'{role.id}' ({role.title.zh})", role.id)
        hints.update({role.title.zh: suggestion, role.title.en: suggestion, role.id: suggestion})
    return hints


def _unknown(name: str, key: str, hints: dict[str, tuple[str, str]], own_id: str) -> str:
    """Returns the message for a name in `key` of the role `own_id` that is neither a role nor an
    external position; the hint never leads back to the role itself."""
    message = (
        f"'{name}' in {key} is neither a role id in roles/ nor one of the "
        "external_positions in handbook.yaml"
    )
    others = [hint for hint, (_, role_id) in hints.items() if role_id != own_id]
    close = closest(name, others)
    if close:
        return f"{message}; did you mean {hints[close][0]}?"
    return f"{message}; write a role id or add '{name}' to external_positions"


# What a role naming itself in each reporting field should do instead.
_NOT_ITSELF = {
    "reports_to": "a role cannot report to itself: write the role or position it reports to",
    "dotted_lines": "a role cannot have a dotted line to itself: delete this entry",
    "direct_reports": "a role cannot be its own direct report: delete this entry",
    "indirect_reports": "a role cannot be its own indirect report: delete this entry",
    "promotion": "a role cannot be promoted to itself: delete this entry",
    "rotation": "a role cannot rotate to itself: delete this entry",
}


@one_role
def no_reporting_to_itself(
    project: Project, path: str, reading: Reading, role: Role
) -> Iterator[Diagnostic]:
    """Yields an error for each reporting entry that names the role itself, by id or title; the
    other reporting checks leave such entries to this one."""
    for key, i, name in _references(role):
        if _is_itself(role, name):
            yield reading.diagnostic(
                reading.at(("reporting", key, i)),
                f"'{name}' in {key} is this role itself; {_NOT_ITSELF[key]}",
            )


def external_positions_are_outside(project: Project) -> Iterator[Diagnostic]:
    """Yields an error for each external position that is a role of the handbook (its id or
    title) or repeats an earlier one, however spelt: the org chart would draw it twice."""
    reading = project.settings_reading or Reading(SETTINGS_FILE, [])
    positions = _settings(project).external_positions
    roles = _roles_by_name(project)
    first: dict[str, int] = {}
    for i, name in enumerate(positions):
        key = position_key(name)
        if key in roles:
            problem, instead = roles[key]
        elif key in first:
            line = reading.at(("external_positions", first[key]))[0]
            earlier = positions[first[key]]
            problem, instead = f"repeats '{earlier}' (line {line})", earlier
        else:
            first[key] = i
            continue
        where = reading.at(("external_positions", i))
        yield reading.diagnostic(where, _outside(name, problem, instead))


def _roles_by_name(project: Project) -> dict[str, tuple[str, str]]:
    """Returns, by position_key of each role's id and titles, what that name is and what a
    reporting line writes instead ("" where it is the id already)."""
    found = {
        key: (f"is the title of the role '{role_id}' ({path})", role_id)
        for key, (role_id, path) in _titles(project).items()
    }
    for path, _, role in _roles(project):
        found[role.id] = (
            f"is the id of the role in {path}, not a position outside the handbook",
            "",
        )
    return found


def _outside(name: str, problem: str, instead: str) -> str:
    """Returns the message for an external position `name` that `problem` says is wrong, and
    that reporting lines should write as `instead` (nothing to write if empty)."""
    if not instead:
        return f"'{name}' in external_positions {problem}; delete it here"
    return (
        f"'{name}' in external_positions {problem}, and the org chart would draw it twice; "
        f"delete it here, and write '{instead}' wherever a reporting line names it"
    )


def _by_id(project: Project) -> dict[str, tuple[str, Role]]:
    """Returns each role id's (file, role), the first file where an id repeats."""
    found: dict[str, tuple[str, Role]] = {}
    for path, _, role in _roles(project):
        found.setdefault(role.id, (path, role))
    return found


def reporting_agrees_both_ways(project: Project) -> Iterator[Diagnostic]:
    """Yields an error where a direct report and its reports_to do not name each other."""
    roles = _by_id(project)
    pairs = (("direct_reports", "reports_to"), ("reports_to", "direct_reports"))
    for _, reading, role in _roles(project):
        for key, other_key in pairs:
            for i, name in enumerate(getattr(role.reporting, key)):
                if name == role.id:
                    continue  # no_reporting_to_itself's
                if name in roles and role.id not in getattr(roles[name][1].reporting, other_key):
                    yield reading.diagnostic(
                        reading.at(("reporting", key, i)),
                        (
                            f"{key} names '{name}', but {roles[name][0]} does not name "
                            f"'{role.id}' in {other_key}; add it there or remove it here"
                        ),
                    )


def indirect_reports_are_below(project: Project) -> Iterator[Diagnostic]:
    """Yields an error for an indirect report that reports directly or not at all to the role."""
    roles = _by_id(project)
    for _, reading, role in _roles(project):
        for i, name in enumerate(role.reporting.indirect_reports):
            if name not in roles or name == role.id:
                continue
            where = reading.at(("reporting", "indirect_reports", i))
            above, open_ended = _above(name, roles)
            if role.id in roles[name][1].reporting.reports_to:
                yield reading.diagnostic(
                    where,
                    f"'{name}' reports to this role directly "
                    f"({roles[name][0]}); move it to direct_reports",
                )
            elif role.id not in above and not open_ended:
                yield reading.diagnostic(
                    where,
                    f"'{name}' is an indirect report, but no line "
                    f"of reports_to leads from {roles[name][0]} up to "
                    "this role; correct the reporting lines or remove it",
                )


def _above(role_id: str, roles: dict[str, tuple[str, Role]]) -> tuple[set[str], bool]:
    """Returns the roles above `role_id` by reports_to, and whether a line leaves the handbook."""
    above: set[str] = set()
    open_ended = False
    todo = [role_id]
    while todo:
        for name in roles[todo.pop()][1].reporting.reports_to:
            if name not in roles:
                open_ended = True
            elif name not in above:
                above.add(name)
                todo.append(name)
    return above, open_ended


def no_reporting_cycles(project: Project) -> Iterator[Diagnostic]:
    """Yields one error per cycle of reports_to between roles, naming the cycle."""
    roles = _by_id(project)
    readings = {role.id: reading for _, reading, role in _roles(project)}
    for cycle in _cycles(
        {
            # A role reporting to itself is no_reporting_to_itself's, not a cycle.
            rid: [n for n in role.reporting.reports_to if n in roles and n != rid]
            for rid, (_, role) in roles.items()
        }
    ):
        index = roles[cycle[0]][1].reporting.reports_to.index(cycle[1])
        reading = readings[cycle[0]]
        yield reading.diagnostic(
            reading.at(("reporting", "reports_to", index)),
            (
                f"reporting lines go round in a cycle: {' → '.join(cycle)}; one of these roles "
                "must report to someone outside it"
            ),
        )


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Returns each cycle of `graph` once, as a path from its smallest node back to it."""
    found: dict[tuple, list[str]] = {}

    def visit(node: str, stack: list[str]) -> None:
        for nxt in graph.get(node, []):
            if nxt in stack:
                loop = stack[stack.index(nxt) :]
                start = loop.index(min(loop))
                loop = loop[start:] + loop[:start]
                found.setdefault(tuple(loop), loop + [loop[0]])
            elif nxt not in done:
                visit(nxt, stack + [nxt])
        done.add(node)

    done: set[str] = set()
    for node in sorted(graph):
        if node not in done:
            visit(node, [node])
    return [found[key] for key in sorted(found)]


# -- Document control ----------------------------------------------------------------------------


@one_role
def version_format(
    project: Project, path: str, reading: Reading, role: Role
) -> Iterator[Diagnostic]:
    """Yields an error for each version with a leading zero (1.01 would read as 1.1)."""
    paths = [("document_control", "version")] + [
        ("revision_history", i, "version") for i in range(len(role.revision_history))
    ]
    for where in paths:
        version = _get(role, where)
        if not VERSION_FORMAT.fullmatch(version):
            yield reading.diagnostic(
                reading.at(where),
                (
                    f"version '{version}' has a leading zero; write MAJOR.MINOR as whole numbers "
                    "without leading zeros, like 1.2 or 2.0"
                ),
            )


def _get(value, path: tuple):
    """Returns the part of a model value at `path`."""
    for part in path:
        value = value[part] if isinstance(part, int) else getattr(value, part)
    return value


@one_role
def newest_revision_is_the_version(
    project: Project, path: str, reading: Reading, role: Role
) -> Iterator[Diagnostic]:
    """Yields an error if the newest revision-history entry is not the document's version."""
    if not role.revision_history:
        return
    version, newest = role.document_control.version, role.revision_history[-1].version
    if version != newest:
        yield reading.diagnostic(
            reading.at(("document_control", "version")),
            (
                f"version {version} is not the newest entry of revision_history ({newest}); "
                f"add a revision for {version} at the end of revision_history or correct the "
                "version"
            ),
        )


@one_role
def revisions_in_order(
    project: Project, path: str, reading: Reading, role: Role
) -> Iterator[Diagnostic]:
    """Yields an error for revisions whose version or date goes backwards, or is too late."""
    effective = role.document_control.effective_date
    history = role.revision_history
    for i, rev in enumerate(history):
        if (
            i
            and _valid(rev.version, history[i - 1].version)
            and version_key(rev.version) <= version_key(history[i - 1].version)
        ):
            yield reading.diagnostic(
                reading.at(("revision_history", i, "version")),
                (
                    f"revision {rev.version} comes after revision {history[i - 1].version}; "
                    "list revisions oldest first, each with a higher version"
                ),
            )
        if i and rev.date < history[i - 1].date:
            yield reading.diagnostic(
                reading.at(("revision_history", i, "date")),
                (
                    f"revision date {rev.date} is before the revision above it "
                    f"({history[i - 1].date}); list revisions oldest first"
                ),
            )
        if rev.date > effective:
            yield reading.diagnostic(
                reading.at(("revision_history", i, "date")),
                (
                    f"revision date {rev.date} is after the effective date {effective}; "
                    "correct the date, or set effective_date to when this version applies"
                ),
            )


def _valid(*versions: str) -> bool:
    return all(VERSION_FORMAT.fullmatch(v) for v in versions)


@one_role
def approved_has_approver(
    project: Project, path: str, reading: Reading, role: Role
) -> Iterator[Diagnostic]:
    """Yields an error if the role is approved but does not say who approved it."""
    control = role.document_control
    if control.status == "approved" and not control.approved_by:
        yield reading.diagnostic(
            reading.at(("document_control", "status")),
            (
                "status is 'approved' but approved_by is empty; fill in who approved it, or set "
                "the status to draft or review"
            ),
        )


@one_role
def review_not_overdue(
    project: Project, path: str, reading: Reading, role: Role
) -> Iterator[Diagnostic]:
    """Yields a warning if the role's next review date has passed."""
    due = role.document_control.next_review
    if due is not None and due < project.today:
        yield reading.diagnostic(
            reading.at(("document_control", "next_review")),
            (
                f"the review due on {due} is overdue (today is {project.today}); review the role "
                "and set the next next_review date"
            ),
            WARNING,
        )


# -- Compliance ----------------------------------------------------------------------------------


@one_role
def requirements_that_may_discriminate(
    project: Project, path: str, reading: Reading, role: Role
) -> Iterator[Diagnostic]:
    """Yields a warning for each qualification line that matches a rule of rolebook.compliance,
    unless the role acknowledges it, and one for each acknowledgement that matches nothing."""
    used: set[int] = set()
    for where, text in _texts(role.qualifications, ("qualifications",)):
        for rule, clauses in compliance.findings(text):
            acks = [
                i
                for i, a in enumerate(role.acknowledged_warnings)
                if a.rule == rule.name and a.text in text
            ]
            used.update(acks)
            if not acks:
                yield _compliance_warning(reading, where, rule, clauses)
    for i, ack in enumerate(role.acknowledged_warnings):
        if i not in used and ack.rule in GROUNDS:  # a promotion's is the grid's (check/grid.py)
            yield reading.diagnostic(
                reading.at(("acknowledged_warnings", i)),
                (
                    f"nothing to acknowledge: no qualification line contains '{ack.text}' with "
                    f"a requirement on {_topic(ack.rule)}; delete this entry"
                ),
                WARNING,
            )


def _compliance_warning(
    reading: Reading, path: tuple, rule: compliance.Rule, clauses: list[str]
) -> Diagnostic:
    quoted = "', '".join(clauses)
    return reading.diagnostic(
        _locate(reading, path, clauses[0]),
        (
            f"requirement on {rule.topic} ('{quoted}'): {rule.reason}; reword the line, or "
            f"acknowledge it under acknowledged_warnings with rule '{rule.name}' and the reason"
        ),
        WARNING,
    )


def _topic(name: str) -> str:
    return next(rule.topic for rule in compliance.RULES if rule.name == name)


def _locate(reading: Reading, path: tuple, words: str) -> tuple[int, int]:
    """Returns where `words` first appear in the source at or after the value at `path`."""
    line, col = reading.at(path)
    for number in range(line, len(reading.lines) + 1):
        found = reading.lines[number - 1].find(words, col - 1 if number == line else 0)
        if found != -1:
            return number, found + 1
    return line, col


def _diagnostic(reading, path: tuple, message: str) -> Diagnostic:
    """Returns an error at the key found at `path` in `reading` (the file's start for ())."""
    return reading.diagnostic(reading.at(path, key=bool(path)), message)


CHECKS: list[Check] = [
    file_name_matches_id,
    required_sections,
    unique_role_ids,
    unique_document_numbers,
    placeholders,
    known_references,
    no_reporting_to_itself,
    external_positions_are_outside,
    reporting_agrees_both_ways,
    indirect_reports_are_below,
    no_reporting_cycles,
    version_format,
    newest_revision_is_the_version,
    revisions_in_order,
    approved_has_approver,
    review_not_overdue,
    requirements_that_may_discriminate,
]


def check_role(project: Project, path: str, reading: Reading[Role]) -> list[list[Diagnostic]]:
    """Returns the diagnostics of each one-role check of CHECKS, in order, for the readable role
    of `reading` (the file at `path`)."""
    return [
        list(check(project, path, reading, reading.value))
        for check in CHECKS
        if getattr(check, "one_role", False)
    ]


def run(
    project: Project, found: dict[str, list[list[Diagnostic]]] | None = None
) -> list[Diagnostic]:
    """Returns the diagnostics of every check in CHECKS, check by check, and each check's role
    by role in file order.

    `found` holds the check_role results of the roles whose one-role checks already ran where
    they were read; those of the others are worked out here.
    """
    return merged(project, found or {}, project_wide(project))


def project_wide(project: Project) -> list[list[Diagnostic]]:
    """Returns the diagnostics of each check of CHECKS that looks at the whole project, in
    order."""
    return [list(check(project)) for check in CHECKS if not getattr(check, "one_role", False)]


def merged(
    project: Project, found: dict[str, list[list[Diagnostic]]], wide: list[list[Diagnostic]]
) -> list[Diagnostic]:
    """Returns the diagnostics of every check in CHECKS, as `run` lists them, from `found`
    (see run) and `wide`, what project_wide gave."""
    per_role = [
        found[path] if path in found else check_role(project, path, reading)
        for path, reading, _ in _roles(project)
    ]
    diagnostics: list[Diagnostic] = []
    done = 0  # how many one-role checks are listed so far
    whole = iter(wide)
    for check in CHECKS:
        if getattr(check, "one_role", False):
            diagnostics += [d for results in per_role for d in results[done]]
            done += 1
        else:
            diagnostics += next(whole)
    return diagnostics


@one_role
def unmapped_text(
    project: Project, path: str, reading: Reading, role: Role
) -> Iterator[Diagnostic]:
    """Yields a warning for each entry of `unmapped`: text of an imported document that is in
    no section yet."""
    for i, entry in enumerate(role.unmapped):
        text = entry.text if len(entry.text) <= 30 else entry.text[:29] + "…"
        yield reading.diagnostic(
            reading.at(("unmapped", i)),
            (
                f"unmapped text from {entry.source}: '{text}'; move it into the section it "
                "belongs to, or delete this entry"
            ),
            WARNING,
        )


# Registered apart from the list above, so that checks added to that list merge cleanly with
# this one; it runs last, and its warnings close the list.
CHECKS.append(unmapped_text)
# The translation files' checks, registered here for the same reason.
CHECKS.append(translation_rules.check)
