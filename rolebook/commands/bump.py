"""`bump`: raise a role's version and add a revision-history entry, editing the file in place."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

from rolebook.check.rules import version_key
from rolebook.commands.options import date_argument, role_id_argument
from rolebook.load.files import real_path
from rolebook.load.history import Earlier, History
from rolebook.load.splice import (
    Source,
    Splice,
    apply,
    checked_text,
    end_of_content,
    entry_lines,
    history_node,
    load_source,
    set_scalar,
)
from rolebook.model.changes import compare
from rolebook.model.errors import RolebookError
from rolebook.output import publish

SUMMARY = "raise a role's version and add a revision-history entry"
# What a bump itself edits: a change here alone is no change to the role.
BOOKKEEPING = ("document_control", "revision_history")


def arguments(p: argparse.ArgumentParser) -> None:
    """Adds the options of `bump`."""
    p.add_argument(
        "role_id",
        type=role_id_argument,
        metavar="role-id",
        help="the role to bump, e.g. vip-specialist",
    )
    p.add_argument(
        "--note", required=True, help="what changed and why; becomes the revision-history entry"
    )
    p.add_argument(
        "--major",
        action="store_true",
        help="a major revision: 1.4 becomes 2.0 (default: 1.4 becomes 1.5)",
    )
    p.add_argument(
        "--date",
        type=date_argument,
        metavar="YYYY-MM-DD",
        help="date of the revision (default: today)",
    )
    p.add_argument(
        "--author",
        default="",
        help="who made the revision (default: the author of the previous one)",
    )


def run(args: argparse.Namespace) -> int:
    """Raises a role's version, adds the revision entry and prints what changed; warns when
    the role itself has not changed since its current version was recorded."""
    unchanged = unchanged_since(args.root, load_source(args.root, args.role_id))
    done = bump(args.root, args.role_id, args.note, args.major, args.date, args.author)
    print(f"{done.path}: version {done.old} → {done.new}, revision of {done.date} added")
    if done.effective_moved:
        print(
            f"effective_date set to {done.effective_moved}: a version cannot apply before it "
            "is written; change it if the new version applies later"
        )
    if done.status == "approved":
        print(
            f"status is still 'approved': set it to draft or review until version {done.new} "
            "is approved"
        )
    if unchanged:
        print(
            f"warning: {done.path}: nothing but document_control and revision_history has "
            f"changed since version {unchanged.role.document_control.version} "
            f"({unchanged.label}); version {done.new} records no change to the role",
            file=sys.stderr,
        )
    return 0


# -- bump --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bump:
    """What `bump` did to a role file."""

    path: str
    old: str
    new: str
    date: dt.date
    effective_moved: dt.date | None
    status: str


def next_version(version: str, major: bool) -> str:
    """Returns the version after `version`: MINOR + 1, or MAJOR + 1 with MINOR 0."""
    number, minor = version_key(version)
    return f"{number + 1}.0" if major else f"{number}.{minor + 1}"


def bump(
    root: Path,
    role_id: str,
    note: str,
    major: bool = False,
    date: dt.date | None = None,
    author: str = "",
) -> Bump:
    """Raises the role's version and adds a revision-history entry for it; returns what it did."""
    source = load_source(root, role_id)
    role, date = source.role, date or dt.date.today()
    history = history_node(source)
    newest = role.revision_history[-1]
    if date < newest.date:
        raise RolebookError(
            f"--date {date} is before the newest revision of {source.path} "
            f"({newest.date}); give a date on or after it"
        )
    new = next_version(role.document_control.version, major)
    entry = {"version": new, "date": date.isoformat(), "author": author or newest.author}
    splices = set_scalar(source, new, "document_control", "version")
    splices.append(_revision(source, history, {**entry, "changes": note}))
    moved = date if date > role.document_control.effective_date else None
    if moved:
        splices += set_scalar(source, date.isoformat(), "document_control", "effective_date")
    # A role linked from roles/ to a file elsewhere in the project stays a link: its file is
    # edited (a link out of the project was refused when the role was read).
    publish.write_file(
        real_path(root, source.path), checked_text(source, apply(source.text, splices)).encode()
    )
    return Bump(
        source.path, role.document_control.version, new, date, moved, role.document_control.status
    )


def _revision(source: Source, history, entry: dict[str, str]) -> Splice:
    """Returns the splice that adds `entry` at the end of the revision history `history`,
    written like its last entry."""
    at = end_of_content(source.text, history)
    lines = entry_lines(entry, history.value[-1], source)
    return Splice(at, at, _newline_before(source, at) + source.newline.join(lines) + source.newline)


def unchanged_since(root: Path, source: Source) -> Earlier | None:
    """Returns the committed role that `source` still equals apart from BOOKKEEPING, as it was
    when its current version was recorded (see History.recorded); None if the role changed
    since, or git has no committed version of it."""
    version = source.role.document_control.version
    recorded = History(root).recorded(source.path, version)
    if recorded is None:
        return None
    changes = compare(recorded.role, source.role)
    return None if any(c.path[0] not in BOOKKEEPING for c in changes) else recorded


def _newline_before(source: Source, at: int) -> str:
    """Returns a line break when `at` is the end of a file that does not end with one."""
    return source.newline if at and not source.text[:at].endswith("\n") else ""
