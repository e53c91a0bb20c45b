"""`export`: write the whole catalogue as one workbook (.xlsx), CSV table or JSON document."""

from __future__ import annotations

import argparse
from pathlib import Path

from rolebook.build import redline
from rolebook.check import gather
from rolebook.commands.options import jobs_argument
from rolebook.model.errors import RolebookError
from rolebook.output import publish
from rolebook.output.catalogue import FORMATS, Catalogue
from rolebook.util import parallel

SUMMARY = "write the whole catalogue as a workbook (.xlsx), a CSV table or JSON"
DEFAULT_NAME = "catalogue"


def arguments(p: argparse.ArgumentParser) -> None:
    """Adds the options of `export`."""
    p.add_argument(
        "--format",
        choices=list(FORMATS),
        help="xlsx for review and bulk edits (import reads it back), csv, or json for other "
        "systems (default: the extension of --output, else xlsx)",
    )
    p.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help=f"the file to write (default: <root>/{DEFAULT_NAME}.xlsx, .csv or .json)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace FILE even if rolebook did not write it, or it was edited since",
    )
    jobs_argument(p)


def run(args: argparse.Namespace) -> int:
    """Checks the roles and writes the catalogue in the chosen format."""
    name = args.format or _format_of(args.output)
    output = args.output or args.root / f"{DEFAULT_NAME}{FORMATS[name].SUFFIX}"
    project = gather.load(args.root, args.jobs or parallel.default_workers())
    project.raise_for_errors()
    assert project.settings is not None  # no errors: the settings were read
    catalogue = Catalogue(project.settings, sorted(project.roles, key=lambda role: role.id))
    content = FORMATS[name].write(catalogue)
    refuse_to_replace(args.root, output, name, args.force)
    publish.write_file(output, content)
    print(f"wrote {output}: {len(catalogue.roles)} roles")
    return 0


def _format_of(output: Path | None) -> str:
    """Returns the format the extension of `output` names (xlsx without one)."""
    if output is None:
        return "xlsx"
    found = next((name for name, f in FORMATS.items() if output.suffix.lower() == f.SUFFIX), None)
    if found is None:
        raise RolebookError(
            f"cannot tell the format of {output} from its extension; name the file .xlsx, "
            ".csv or .json, or give --format"
        )
    return found


def refuse_to_replace(root: Path, output: Path, name: str, force: bool) -> None:
    """Raises RolebookError if `output` is one of the project's own files, has not the
    extension of the format `name`, or is a file that this format did not write (or that was
    edited since) and not `force`."""
    _outside_the_project(root, output)
    if output.suffix.lower() != FORMATS[name].SUFFIX:
        raise RolebookError(
            f"--output {output} does not end in {FORMATS[name].SUFFIX}, the extension of "
            f"--format {name}; name the file so that programs open it right"
        )
    if output.is_dir():
        raise RolebookError(f"{output} is a folder; give a file name after --output")
    if force or not output.exists():
        return
    try:
        own = FORMATS[name].is_own(output.read_bytes())
    except OSError as exc:
        raise RolebookError(f"cannot read {output}: {exc.strerror}") from None
    if not own:
        raise RolebookError(
            f"{output} exists and is not a catalogue that export wrote (or it was edited "
            "since): nothing written; choose another --output, or add --force to replace it"
        )


def _outside_the_project(root: Path, output: Path) -> None:
    """Raises RolebookError if `output` is, or lies inside, a project input (handbook.yaml,
    roles/, templates/, a .git folder), after following links and `..`, as for a report."""
    where = redline.resolved("--output", output)
    held = redline.input_holding(root, where)
    if held:
        raise RolebookError(
            f"--output {output}: {where} is {held}; the catalogue never replaces a project "
            "input: choose a file elsewhere"
        )
