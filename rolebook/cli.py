"""The command line: parse arguments, call one function per command, print, choose the exit code.

This is the one place that catches RolebookError. Exit codes: 0 success, 1 the user's files (or
the output folder) have a problem, 2 the command line is wrong.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rolebook import __version__, cache, jsonschema, parallel, pipeline
from rolebook.errors import CheckFailed, RolebookError
from rolebook.project import Project
from rolebook.project import load as load_project

DESCRIPTION = """\
Validate job-description roles (roles/*.yaml) and render them as Word (.docx) and HTML
handbooks with document-control version headers.

`rolebook` alone is `rolebook build`. Each command takes --root (the project folder, default .).

exit status: 0 success, 1 a problem in the roles, settings, templates or output folder,
2 a wrong command line.
"""


def parser() -> argparse.ArgumentParser:
    """Returns the argument parser: one subcommand per entry of COMMANDS."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path("."),
                        help="the handbook project folder, holding handbook.yaml (default: .)")
    p = argparse.ArgumentParser(prog="rolebook", description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"rolebook {__version__}")
    sub = p.add_subparsers(dest="command", metavar="command")
    for name, (run, summary, add_arguments) in COMMANDS.items():
        cmd = sub.add_parser(name, help=summary, description=summary, parents=[common])
        add_arguments(cmd)
        cmd.set_defaults(run=run)
    return p


def main(argv: list[str] | None = None) -> int:
    """Runs one command (build if none is given) and returns its exit code."""
    args = parser().parse_args(argv)
    if args.command is None:
        args = parser().parse_args(["build", *(argv if argv is not None else sys.argv[1:])])
    try:
        return args.run(args)
    except CheckFailed as exc:
        _print_lines(exc.lines(), sys.stderr)
        return exc.exit_code
    except RolebookError as exc:
        _print_lines(exc.lines(), sys.stderr)
        return exc.exit_code


def _build_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output", type=Path, default=None,
                   help="where to write the handbook (default: <root>/output)")
    _jobs_argument(p)
    p.add_argument("--no-cache", dest="cache", action="store_false",
                   help=f"render everything, ignoring and keeping {cache.FOLDER}/ as it is")


def _jobs_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("-j", "--jobs", type=_positive, default=None, metavar="N",
                   help="read and render with N processes (default: one per core)")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return int(text)


def _no_arguments(p: argparse.ArgumentParser) -> None:
    pass


def run_check(args) -> int:
    """Checks every role and prints the diagnostics and a summary line."""
    project = load_project(args.root, args.jobs or parallel.default_workers())
    _print_lines([d.format() for d in project.diagnostics], sys.stderr)
    print(summary(project))
    return 1 if project.errors else 0


def run_build(args) -> int:
    """Builds the handbook and prints what was written."""
    started = time.perf_counter()
    output = args.output or args.root / "output"
    try:
        report = pipeline.build(args.root, output, args.jobs, args.cache)
    except CheckFailed as exc:
        _print_lines(exc.lines(), sys.stderr)
        print("build failed: nothing was written; the previous output is unchanged",
              file=sys.stderr)
        return exc.exit_code
    _print_lines(report.diagnostics, sys.stderr)
    seconds = time.perf_counter() - started
    done = f"{output} is up to date" if report.up_to_date else (
        f"wrote {report.files} files to {output} ({len(report.rendered)} rendered, the rest "
        "from the cache)")
    print(f"{summary_line(report.roles, 0, report.warnings)}; {done} in {seconds:.2f} s")
    return 0


def summary(project: Project) -> str:
    """Returns the summary line, e.g. `3 roles: 0 errors, 0 warnings`."""
    return summary_line(len(project.readings), project.errors, project.warnings)


def summary_line(roles: int, errors: int, warnings: int) -> str:
    """Returns `N roles: N errors, N warnings`, each word in the singular for one."""
    return (f"{roles} role{'s' * (roles != 1)}: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}")


def _print_lines(lines: list[str], stream) -> None:
    for line in lines:
        print(line, file=stream)


def run_schema(args) -> int:
    """Writes the JSON Schema files of the role and settings schema."""
    for path, schema in jsonschema.FILES.items():
        target = args.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(jsonschema.text(schema), encoding="utf-8")
        print(f"wrote {target}")
    return 0


# name: (function, one-line summary for --help, function adding the command's own options)
COMMANDS = {
    "build": (run_build, "check every role, then write output/docx/ and output/html/",
              _build_arguments),
    "check": (run_check, "check every role and print each problem as file:line:col",
              _jobs_argument),
    "schema": (run_schema, "write the JSON Schema files under schema/", _no_arguments),
}

if __name__ == "__main__":
    sys.exit(main())
