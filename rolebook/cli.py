"""The command line: parse arguments, call one function per command, print, choose the exit code.

This is the one place that catches RolebookError. Exit codes: 0 success, 1 the user's files (or
the output folder) have a problem, 2 the command line is wrong.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rolebook import (
    __version__,
    cache,
    compare,
    edit,
    history,
    jsonschema,
    parallel,
    report,
)
from rolebook.errors import CheckFailed, RolebookError
from rolebook.kinds import DateKind, KindError, RoleId
from rolebook.project import TEMPLATES_DIR, Project
from rolebook.project import load as load_project

LANGUAGES = ("zh-CN", "en")  # the languages templates/labels.yaml has labels for
INTERRUPTED = 130  # the shells' exit status for a command stopped by Ctrl-C (SIGINT)

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
    try:
        args = parse(argv)
        return args.run(args)
    except CheckFailed as exc:
        _print_lines(exc.lines(), sys.stderr)
        return exc.exit_code
    except RolebookError as exc:
        _print_lines(exc.lines(), sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:  # Ctrl-C: publishing keeps the output whole, see publish.py
        print("interrupted: the output folder holds the previous build or the new one, "
              "complete", file=sys.stderr)
        return INTERRUPTED


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Returns the parsed command line; with no command, that of `build`."""
    args = parser().parse_args(argv)
    if args.command is None:
        args = parser().parse_args(["build", *(argv if argv is not None else sys.argv[1:])])
    return args


def _output_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output", type=Path, default=None,
                   help="where to write the handbook (default: <root>/output)")


def _jobs_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("-j", "--jobs", type=_positive, default=None, metavar="N",
                   help="read and render with N processes (default: one per core)")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return int(text)


def _build_arguments(p: argparse.ArgumentParser) -> None:
    _output_arguments(p)
    p.add_argument("--lang", choices=LANGUAGES, default=None,
                   help="language of labels and dates (default: the handbook's `language`)")
    _jobs_argument(p)
    p.add_argument("--no-cache", dest="cache", action="store_false",
                   help=f"render everything, ignoring and keeping {cache.FOLDER}/ as it is")


def _no_arguments(p: argparse.ArgumentParser) -> None:
    pass


def date_argument(text: str):
    """Returns the date an option gives as YYYY-MM-DD; argparse reports a wrong one (exit 2)."""
    try:
        return DateKind().parse(text)
    except KindError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def role_id_argument(text: str) -> str:
    """Returns a valid role id given on the command line; argparse reports a wrong one."""
    try:
        return RoleId.__metadata__[0].parse(text)
    except KindError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _check_arguments(p: argparse.ArgumentParser) -> None:
    _jobs_argument(p)
    p.add_argument("--strict", action="store_true",
                   help="fail (exit 1) on warnings as well as on errors")
    p.add_argument("--format", choices=list(report.FORMATS), default="text",
                   help="text for people (default), json for programs, github for GitHub "
                        "Actions annotations")
    p.add_argument("--today", type=date_argument, metavar="YYYY-MM-DD",
                   help="check dates as of this day instead of today, e.g. to see which "
                        "reviews fall due by then")


def run_check(args) -> int:
    """Checks every role and prints the diagnostics and a summary line in the chosen format."""
    project = load_project(args.root, args.jobs or parallel.default_workers(), args.today)
    strict_failure = args.strict and project.warnings
    line = summary(project) + ("; --strict: warnings fail the check" if strict_failure else "")
    out, err = report.FORMATS[args.format](project, line)
    _print_lines(err, sys.stderr)
    _print_lines(out, sys.stdout)
    return 1 if project.errors or strict_failure else 0


def run_build(args) -> int:
    """Builds the handbook and prints what was written."""
    from rolebook import pipeline  # Word, Jinja and lxml, once something is to be rendered

    started = time.perf_counter()
    output = args.output or args.root / "output"
    try:
        built = pipeline.build(args.root, output, args.lang, _say_waiting, args.jobs,
                               args.cache)
    except CheckFailed as exc:
        _print_lines(exc.lines(), sys.stderr)
        print("build failed: nothing was written; the previous output is unchanged",
              file=sys.stderr)
        return exc.exit_code
    _print_lines(built.diagnostics, sys.stderr)
    seconds = time.perf_counter() - started
    done = f"{output} is up to date" if built.up_to_date else (
        f"wrote {built.files} files to {output} ({len(built.rendered)} rendered, the rest "
        "from the cache)")
    print(f"{summary_line(built.roles, 0, built.warnings)}; {done} in {seconds:.2f} s")
    return 0


def _say_waiting() -> None:
    print("waiting for another build to finish…", file=sys.stderr, flush=True)


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


def _new_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("role_id", type=role_id_argument, metavar="role-id",
                   help="the new role's id, e.g. vip-hostess; the file is roles/<role-id>.yaml")
    p.add_argument("--from", dest="base", type=role_id_argument, metavar="ROLE-ID",
                   help="copy this role instead of starting from placeholders")
    p.add_argument("--date", type=date_argument, metavar="YYYY-MM-DD",
                   help="effective date and date of the first revision (default: today)")


def run_new(args) -> int:
    """Writes a new role file and says what to do next."""
    path = edit.new_role(args.root, args.role_id, args.base or "", args.date)
    print(f"wrote {path}; replace every TODO in it, then run check")
    return 0


def _bump_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("role_id", type=role_id_argument, metavar="role-id",
                   help="the role to bump, e.g. vip-specialist")
    p.add_argument("--note", required=True,
                   help="what changed and why; becomes the revision-history entry")
    p.add_argument("--major", action="store_true",
                   help="a major revision: 1.4 becomes 2.0 (default: 1.4 becomes 1.5)")
    p.add_argument("--date", type=date_argument, metavar="YYYY-MM-DD",
                   help="date of the revision (default: today)")
    p.add_argument("--author", default="",
                   help="who made the revision (default: the author of the previous one)")


def run_bump(args) -> int:
    """Raises a role's version, adds the revision entry and prints what changed."""
    done = edit.bump(args.root, args.role_id, args.note, args.major, args.date, args.author)
    print(f"{done.path}: version {done.old} → {done.new}, revision of {done.date} added")
    if done.effective_moved:
        print(f"effective_date set to {done.effective_moved}: a version cannot apply before it "
              "is written; change it if the new version applies later")
    if done.status == "approved":
        print(f"status is still 'approved': set it to draft or review until version {done.new} "
              "is approved")
    return 0


def _diff_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("role_id", type=role_id_argument, metavar="role-id",
                   help="the role to compare, e.g. vip-department-manager")
    p.add_argument("--against", metavar="GIT-REV|FILE",
                   help="what to compare the role file with: a git revision (HEAD, HEAD~2, a "
                        "tag) or another file (default: its previous version in git history)")
    p.add_argument("--html", type=Path, metavar="FILE",
                   help="also write the comparison as an HTML redline to FILE")


def run_diff(args) -> int:
    """Prints the field-level changes between two versions of a role (and writes a redline)."""
    source = edit.load_source(args.root, args.role_id)
    old = history.earlier(args.root, source.path, source.role, args.against)
    changes = compare.compare(old.role, source.role)
    print(f"{args.role_id}: version {old.role.document_control.version} ({old.label}) → "
          f"{source.role.document_control.version} ({source.path})")
    _print_lines(compare.terminal(changes), sys.stdout)
    print(f"{len(changes)} change{'s' * (len(changes) != 1)}")
    if args.html:
        from rolebook import rendering  # Word, Jinja and lxml: only this option needs them

        project = edit.settings_project(args.root)
        resources = rendering.load_resources(args.root / TEMPLATES_DIR)
        labels = resources.labels[project.settings.language]
        page = compare.redline(resources.env, labels, changes,
                               compare.heading(project, old, source.role, None))
        edit.write_file(args.html, page.decode("utf-8"))
        print(f"wrote {args.html}")
    return 0


def _serve_arguments(p: argparse.ArgumentParser) -> None:
    _output_arguments(p)
    p.add_argument("--port", type=int, default=8000,
                   help="the port on 127.0.0.1 to serve on (default: 8000; 0 picks a free one)")


def run_serve(args) -> int:
    """Builds, serves the HTML handbook and rebuilds on every save until Ctrl-C."""
    from rolebook import serve  # only this command needs the file watcher

    return serve.serve(args.root, args.output or args.root / "output", args.port, summary_line)


# name: (function, one-line summary for --help, function adding the command's own options)
COMMANDS = {
    "build": (run_build, "check every role, then write output/docx/ and output/html/",
              _build_arguments),
    "check": (run_check, "check every role and print each problem as file:line:col",
              _check_arguments),
    "schema": (run_schema, "write the JSON Schema files under schema/", _no_arguments),
    "new": (run_new, "write a new role file, with placeholders or copied from another role",
            _new_arguments),
    "bump": (run_bump, "raise a role's version and add a revision-history entry",
             _bump_arguments),
    "serve": (run_serve, "build, serve the HTML on 127.0.0.1 and rebuild on every save",
              _serve_arguments),
    "diff": (run_diff, "show what changed in a role since its previous version (or another)",
             _diff_arguments),
}

if __name__ == "__main__":
    sys.exit(main())
