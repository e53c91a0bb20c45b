"""`check`: check every role and print each problem as file:line:col, in a chosen format."""

from __future__ import annotations

import argparse
import sys

from rolebook.check import formats, gather
from rolebook.commands.options import date_argument, jobs_argument, print_lines, summary_line
from rolebook.load.project import Project
from rolebook.util import parallel

SUMMARY = "check every role and print each problem as file:line:col"


def arguments(p: argparse.ArgumentParser) -> None:
    """Adds the options of `check`."""
    jobs_argument(p)
    p.add_argument(
        "--strict", action="store_true", help="fail (exit 1) on warnings as well as on errors"
    )
    p.add_argument(
        "--format",
        choices=list(formats.FORMATS),
        default="text",
        help="text for people (default), json for programs, github for GitHub Actions annotations",
    )
    p.add_argument(
        "--today",
        type=date_argument,
        metavar="YYYY-MM-DD",
        help="check dates as of this day instead of today, e.g. to see which "
        "reviews fall due by then",
    )


def run(args: argparse.Namespace) -> int:
    """Checks every role and prints the diagnostics and a summary line in the chosen format."""
    project = gather.load(args.root, args.jobs or parallel.default_workers(), args.today)
    strict_failure = args.strict and project.warnings
    line = summary(project) + ("; --strict: warnings fail the check" if strict_failure else "")
    out, err = formats.FORMATS[args.format](project, line)
    print_lines(err, sys.stderr)
    print_lines(out, sys.stdout)
    return 1 if project.errors or strict_failure else 0


def summary(project: Project) -> str:
    """Returns the summary line, e.g. `3 roles: 0 errors, 0 warnings`."""
    return summary_line(len(project.readings), project.errors, project.warnings)
