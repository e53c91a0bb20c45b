"""`check`: check every role and print each problem as file:line:col, in a chosen format.

`check FILE…` (as pre-commit and editors call it) still reads and checks the whole project,
since reporting lines and document numbers span files, but reports only the problems of the
named files: those in them, and those of other files that name them (a document number used
twice is reported at the second file, naming the first).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from pathlib import Path

from rolebook.check import formats, gather
from rolebook.commands.options import date_argument, jobs_argument, print_lines, summary_line
from rolebook.load.files import ROLES_DIR, SETTINGS_FILE, scan_roles
from rolebook.load.project import Project
from rolebook.model.errors import Diagnostic, RolebookError
from rolebook.model.scalars import INVISIBLE, closest
from rolebook.util import parallel

SUMMARY = "check every role and print each problem as file:line:col"
# What a file name given on the command line may not put on the terminal as it is.
_UNPRINTABLE = re.compile(f"{INVISIBLE.pattern[:-1]}\r\n]")


def arguments(p: argparse.ArgumentParser) -> None:
    """Adds the options of `check`."""
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="report only the problems of these role files (or handbook.yaml), checked with "
        "the whole project, as pre-commit and editors ask (default: every file)",
    )
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
    """Checks every role and prints the diagnostics and a summary line in the chosen format;
    with FILEs, only theirs."""
    named = named_files(args.root, args.files) if args.files else None
    project = gather.load(args.root, args.jobs or parallel.default_workers(), args.today)
    if named is not None:
        project = only(project, named)
    strict_failure = args.strict and project.warnings
    line = summary(project) + ("; --strict: warnings fail the check" if strict_failure else "")
    out, err = formats.FORMATS[args.format](project, line)
    print_lines(err, sys.stderr)
    print_lines(out, sys.stdout)
    return 1 if project.errors or strict_failure else 0


def summary(project: Project) -> str:
    """Returns the summary line, e.g. `3 roles: 0 errors, 0 warnings`."""
    return summary_line(len(project.readings), project.errors, project.warnings)


def named_files(root: Path, names: list[str]) -> set[str]:
    """Returns the project's paths (roles/<id>.yaml, handbook.yaml) of the files named on the
    command line; raises RolebookError for the first name that is neither."""
    known = [*scan_roles(root), SETTINGS_FILE]
    found = set()
    for name in names:
        path = project_path(root, name)
        if path not in known:
            raise RolebookError(_not_checkable(root, name, path, known))
        found.add(path)
    return found


def project_path(root: Path, name: str) -> str | None:
    """Returns the file `name` (relative to the current folder, as shells and pre-commit give
    it) relative to the project `root`, e.g. roles/x.yaml; None if it lies outside.

    Folders are resolved, the file itself is not: a role file may be a link.
    """
    given = Path(name).absolute()
    try:
        return given.parent.resolve().joinpath(given.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def _not_checkable(root: Path, name: str, path: str | None, known: list[str]) -> str:
    """Returns why `check` cannot check the file `name` (at `path` in the project) and what to
    name instead."""
    shown = _UNPRINTABLE.sub("\ufffd", name)
    if path is None:
        return (
            f"{shown} is outside the project {root.resolve()}; name its role files "
            f"({ROLES_DIR}/<id>.yaml) or {SETTINGS_FILE} (--root says which project)"
        )
    if not Path(name).exists() and not Path(name).is_symlink():
        close = closest(path, known)
        hint = f"did you mean {close}?" if close else f"the role files are in {ROLES_DIR}/"
        return f"{shown} does not exist; {hint}"
    return (
        f"{shown} is not a role file ({ROLES_DIR}/<id>.yaml) nor {SETTINGS_FILE}; check "
        "only those, or name no file to check them all"
    )


def only(project: Project, paths: set[str]) -> Project:
    """Returns `project` with the readings of the files `paths` only, and only their problems:
    those in them and those naming them; also those of handbook.yaml when it could not be read,
    since then no role was checked."""
    if project.settings is None:
        paths = paths | {SETTINGS_FILE}
    # A path as a whole word: not the end of a longer one, nor the start of roles/x.yaml.bak.
    alternatives = "|".join(map(re.escape, sorted(paths)))
    names = re.compile(rf"(?<![\w/.-])(?:{alternatives})(?![\w/-]|\.\w)")
    return dataclasses.replace(
        project,
        readings={p: r for p, r in project.readings.items() if p in paths},
        diagnostics=[d for d in project.diagnostics if _concerns(d, paths, names)],
    )


def _concerns(diagnostic: Diagnostic, paths: set[str], names: re.Pattern) -> bool:
    """Returns whether `diagnostic` is in one of the files `paths` or names one of them."""
    return diagnostic.path in paths or names.search(diagnostic.message) is not None
