"""`diff`: show what changed in a role since its previous version (or another), and write a
redline page of it."""

from __future__ import annotations

import argparse
from pathlib import Path

from rolebook.commands.options import print_lines, role_id_argument
from rolebook.load import history
from rolebook.load.splice import load_source
from rolebook.model.changes import Change, compare

SUMMARY = "show what changed in a role since its previous version (or another)"


def arguments(p: argparse.ArgumentParser) -> None:
    """Adds the options of `diff`."""
    p.add_argument(
        "role_id",
        type=role_id_argument,
        metavar="role-id",
        help="the role to compare, e.g. vip-department-manager",
    )
    p.add_argument(
        "--against",
        metavar="GIT-REV|FILE",
        help="what to compare the role file with: a git revision (HEAD, HEAD~2, a "
        "tag) or another file (default: its previous version in git history)",
    )
    p.add_argument(
        "--html",
        type=Path,
        metavar="FILE",
        help="also write the comparison as an HTML redline to FILE (never a file in roles/, "
        "templates/ or .git, nor handbook.yaml)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="with --html: replace FILE if it exists",
    )


def run(args: argparse.Namespace) -> int:
    """Prints the field-level changes between two versions of a role (and writes a redline)."""
    if args.html:
        from rolebook.build import redline  # Word, Jinja and lxml: only this option needs them

        redline.check_target(args.root, args.html, args.force)  # before anything is printed
    source = load_source(args.root, args.role_id)
    old = history.earlier(args.root, source.path, source.role, args.against)
    changes = compare(old.role, source.role)
    print(
        f"{args.role_id}: version {old.role.document_control.version} ({old.label}) → "
        f"{source.role.document_control.version} ({source.path})"
    )
    print_lines(terminal(changes))
    print(f"{len(changes)} change{'s' * (len(changes) != 1)}")
    if args.html:
        redline.write(args.root, old, source.role, changes, args.html)
        print(f"wrote {args.html}")
    return 0


def terminal(changes: list[Change]) -> list[str]:
    """Returns the changes as lines for the terminal: kind, field and item, then the text, with
    [-deleted-] and {+inserted+} words marked in a changed text."""
    lines = []
    for c in changes:
        where = f" {c.where}" if c.where else ""
        lines.append(f"{c.kind:<9} {c.field}{where}: {_terminal_text(c)}")
    return lines


def _terminal_text(c: Change) -> str:
    if c.segments:
        marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
        return "".join(marks[op].format(text) for op, text in c.segments)
    if c.kind == "changed" or (c.kind == "moved" and not c.where):
        return f"{c.old or '(empty)'} → {c.new or '(empty)'}"
    return c.new or c.old
