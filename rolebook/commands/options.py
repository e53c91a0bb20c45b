"""What the commands share: their common options, the summary line and printing lines."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TextIO

from rolebook.model.scalars import ROLE_ID, DateKind, KindError

# The languages of a build: those templates/labels.yaml has labels for, and both (中英文对照).
LANGUAGES = ("zh-CN", "en", "zh-CN+en")


def output_argument(p: argparse.ArgumentParser) -> None:
    """Adds --output, the folder the handbook is written to."""
    p.add_argument(
        "--output",
        type=Path,
        default=None,
        help="where to write the handbook (default: <root>/output)",
    )


def jobs_argument(p: argparse.ArgumentParser) -> None:
    """Adds -j/--jobs, the number of worker processes."""
    p.add_argument(
        "-j",
        "--jobs",
        type=positive,
        default=None,
        metavar="N",
        help="read and render with N processes (default: one per core)",
    )


def positive(text: str) -> int:
    """Returns a whole number of 1 or more given on the command line."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return int(text)


def date_argument(text: str) -> dt.date:
    """Returns the date an option gives as YYYY-MM-DD; argparse reports a wrong one (exit 2)."""
    try:
        return DateKind().parse(text)
    except KindError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def role_id_argument(text: str) -> str:
    """Returns a valid role id given on the command line; argparse reports a wrong one."""
    try:
        return ROLE_ID.parse(text)
    except KindError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def summary_line(roles: int, errors: int, warnings: int) -> str:
    """Returns `N roles: N errors, N warnings`, each word in the singular for one."""
    return (
        f"{roles} role{'s' * (roles != 1)}: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
    )


def print_lines(lines: list[str], stream: TextIO | None = None) -> None:
    """Prints each of `lines` to `stream` (standard output unless given)."""
    for line in lines:
        print(line, file=stream or sys.stdout)
