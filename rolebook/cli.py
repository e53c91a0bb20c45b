"""The command line: parse arguments, run one command (rolebook/commands/), choose the exit code.

This is the one place that catches RolebookError. Exit codes: 0 success, 1 the user's files (or
the output folder) have a problem, 2 the command line is wrong, 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from types import ModuleType

from rolebook import __version__
from rolebook.commands.options import print_lines
from rolebook.model.errors import RolebookError

INTERRUPTED = 130  # the shells' exit status for a command stopped by Ctrl-C (SIGINT)
DEFAULT_COMMAND = "build"
# The options of rolebook itself; any other option before a command is one of build's.
OWN_OPTIONS = ("-h", "--help", "--version")

DESCRIPTION = """\
Validate job-description roles (roles/*.yaml) and render them as Word (.docx) and HTML
handbooks with document-control version headers.

`rolebook` alone is `rolebook build`, and so is `rolebook` with build's options only
(`rolebook --lang en -j 2`). Each command takes --root (the project folder, default .).

exit status: 0 success, 1 a problem in the roles, settings, templates or output folder,
2 a wrong command line.
"""

# Each command's module (under rolebook.commands) has SUMMARY, arguments(parser) and run(args).
# A command line naming one imports that one only: export's spreadsheet library and serve's
# server would cost a one-role rebuild a fifth of its time.
COMMANDS = {
    "build": "build",
    "check": "check",
    "schema": "schema",
    "new": "new",
    "bump": "bump",
    "serve": "serve",
    "diff": "diff",
    "import": "importing",
    "export": "export",
    "translate": "translate",
}


def command(name: str) -> ModuleType:
    """Returns the module of the command `name`."""
    return importlib.import_module(f"rolebook.commands.{COMMANDS[name]}")


def parser(only: str | None = None) -> argparse.ArgumentParser:
    """Returns the argument parser: one subcommand per entry of COMMANDS, or only the command
    `only` (what a command line naming it needs)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root",
        type=Path,
        default=Path("."),
        help="the handbook project folder, holding handbook.yaml (default: .)",
    )
    p = argparse.ArgumentParser(
        prog="rolebook",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,  # `--vers` is no option of rolebook's, so it is build's (and wrong)
    )
    p.add_argument("--version", action="version", version=f"rolebook {__version__}")
    sub = p.add_subparsers(dest="command", metavar="command")
    for name in [only] if only else COMMANDS:
        module = command(name)
        cmd = sub.add_parser(
            name, help=module.SUMMARY, description=module.SUMMARY, parents=[common]
        )
        module.arguments(cmd)
        cmd.set_defaults(run=module.run)
    return p


def main(argv: list[str] | None = None) -> int:
    """Runs one command (build if none is given) and returns its exit code."""
    try:
        args = parse(argv)
        return args.run(args)
    except RolebookError as exc:
        print_lines(exc.lines(), sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:  # Ctrl-C: publishing keeps the output whole, see output/publish.py
        print(
            "interrupted: the output folder holds the previous build or the new one, complete",
            file=sys.stderr,
        )
        return INTERRUPTED


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Returns the parsed command line; with no command, that of `build` (see with_command)."""
    argv = with_command(sys.argv[1:] if argv is None else argv)
    return parser(argv[0] if argv[0] in COMMANDS else None).parse_args(argv)


def with_command(argv: list[str]) -> list[str]:
    """Returns `argv` with `build` put first when it names no command: when it is empty or
    starts with an option that is not rolebook's own (`--lang en`, `-j 2`, `--no-cache`).

    Anything else is left to argparse, so that a misspelt command is refused (exit 2).
    """
    if not argv or (argv[0].startswith("-") and argv[0] not in OWN_OPTIONS):
        return [DEFAULT_COMMAND, *argv]
    return argv


if __name__ == "__main__":
    sys.exit(main())
