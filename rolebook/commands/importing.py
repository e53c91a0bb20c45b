"""`import`: turn job descriptions in Word, text, Markdown or HTML files into draft role files.

Every file is read and mapped (rolebook/load/importers/) and every role file's text made and
checked before anything is written: a file that cannot be imported stops the whole import with
one line saying why, and nothing is written. Each role gets an id from its title, the next free
document number, version 1.0, status draft and a revision "imported from FILE"; an existing role
file is replaced only with --force, which keeps the old one as <id>.yaml.bak. The report says,
file by file, what went where, what did not, and what `check` still needs.

A workbook (.xlsx) given to `import` is the spreadsheet round trip's: it is handed to
rolebook.commands.workbook.apply_workbook.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
from dataclasses import dataclass, field
from pathlib import Path

from rolebook.check import gather, rules
from rolebook.commands.new import next_number
from rolebook.commands.options import date_argument
from rolebook.load.files import ROLES_DIR
from rolebook.load.importers import emit, links, naming
from rolebook.load.importers.blocks import Unreadable
from rolebook.load.importers.shape import TODO, Imported
from rolebook.load.importers.source import read_source, roles_of
from rolebook.load.project import Project
from rolebook.load.reader import Reading, read
from rolebook.model.errors import ERROR, Diagnostic, RolebookError
from rolebook.model.schema import Role
from rolebook.output import publish

SUMMARY = "import job descriptions from .docx, .txt, .md or .html files as draft role files"
NOTE = {"zh-CN": "导入自 {file}。", "en": "Imported from {file}."}
WORKBOOK = "rolebook.commands.workbook"
SHOWN_UNMAPPED = 3  # unmapped entries quoted in the report; the file holds them all


def arguments(p: argparse.ArgumentParser) -> None:
    """Adds the options of `import`."""
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help=".docx, .txt, .md, .html")
    p.add_argument(
        "--into",
        type=Path,
        default=None,
        metavar="FOLDER",
        help="where to write the role files (default: <root>/roles)",
    )
    p.add_argument(
        "--department",
        default="",
        help="the department of the roles whose source names none",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace role files that exist, keeping each old one as <id>.yaml.bak",
    )
    p.add_argument(
        "--date",
        type=date_argument,
        metavar="YYYY-MM-DD",
        help="effective date and date of the revision (default: today)",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="report what would be imported, and write nothing",
    )


@dataclass
class Planned:
    """One role file to write: where, its text, what it came from and what check says."""

    path: Path
    shown: str  # the path as the report shows it
    found: Imported
    source: str
    text: str = ""
    number: str = ""
    replaces: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)


def run(args: argparse.Namespace) -> int:
    """Imports the files, or applies a workbook's edits; prints what was done."""
    workbooks = [f for f in args.files if f.suffix.lower() == ".xlsx"]
    if workbooks:
        return apply_workbooks(args, workbooks)
    planned = plan(args)
    if not args.dry_run:
        write(planned)
    for line in report(planned, args.dry_run):
        print(line)
    return 0


def apply_workbooks(args: argparse.Namespace, workbooks: list[Path]) -> int:
    """Hands each workbook to the spreadsheet round trip (rolebook/commands/workbook.py)."""
    if len(workbooks) != len(args.files):
        raise RolebookError(
            "import a workbook (.xlsx) on its own: its edits are applied apart from documents"
        )
    try:
        workbook = importlib.import_module(WORKBOOK)
    except ModuleNotFoundError as exc:
        if exc.name != WORKBOOK:
            raise
        raise RolebookError("importing .xlsx needs the spreadsheet support") from None
    return max(workbook.apply_workbook(args, path) for path in workbooks)


def plan(args: argparse.Namespace) -> list[Planned]:
    """Returns every role file to write, its text made and checked; raises RolebookError for a
    file that cannot be imported or a role file that exists (without --force)."""
    project = gather.with_settings(args.root)
    into = args.into if args.into is not None else args.root / ROLES_DIR
    sources = [(path, _roles(path)) for path in args.files]
    planned = _place(project, into, sources, args.force)
    _link(project, planned)
    date = args.date or dt.date.today()
    numbers = _numbers(project, planned)
    for item, number in zip(planned, numbers, strict=True):
        _department(item.found, args.department)
        item.number = number
        item.text = _text(project, item, date)
    _check(project, planned)
    return planned


def _roles(path: Path) -> list[Imported]:
    """Returns the roles a source file holds; raises RolebookError if it cannot be imported."""
    try:
        return roles_of(path.name, read_source(path))
    except Unreadable as exc:
        raise RolebookError(f"{path}: cannot import: {exc}") from None


def _place(
    project: Project, into: Path, sources: list[tuple[Path, list[Imported]]], force: bool
) -> list[Planned]:
    """Returns the roles with their ids and paths; refuses files that exist, without --force."""
    planned: list[Planned] = []
    existing: list[str] = []
    for path, found in sources:
        for role in found:
            title = role.title
            wanted = naming.role_id(_given(title["zh"]), _given(title["en"]), path.stem)
            role_id = naming.unique(wanted, {p.path.stem for p in planned})
            target = into / f"{role_id}.yaml"
            shown = _shown(project.root, target)
            planned.append(Planned(target, shown, role, path.as_posix(), replaces=target.exists()))
            existing += [shown] if target.exists() else []
    if existing and not force:
        one = len(existing) == 1
        raise RolebookError(
            f"{', '.join(existing)} already exist{'s' * one}; import with --force to replace "
            f"{'it' if one else 'them'} (the old file is kept as <id>.yaml.bak)"
        )
    return planned


def _given(text: str) -> str:
    return "" if text.startswith(TODO) else text


def _shown(root: Path, path: Path) -> str:
    """Returns `path` relative to the project where it is inside it, as check shows paths."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _link(project: Project, planned: list[Planned]) -> None:
    """Resolves the reporting lines of the imported roles against every known title."""
    titles = {}
    for role in project.roles:
        titles.update({role.title.zh: role.id, role.title.en: role.id})
    for item in planned:
        titles.update({t: item.path.stem for t in item.found.title.values() if _given(t)})
    ids = [item.path.stem for item in planned]
    links.link([item.found for item in planned], ids, titles)


def _numbers(project: Project, planned: list[Planned]) -> list[str]:
    """Returns a document number for each role: a replaced role keeps its own, the others get
    the next free ones of the handbook's series."""
    own = {role.id: role.document_control.number for role in project.roles}
    numbers = list(own.values())
    found = []
    for item in planned:
        number = own.get(item.path.stem) if item.replaces else None
        found.append(number or next_number(numbers))
        numbers.append(found[-1])
    return found


def _department(found: Imported, given: str) -> None:
    """Fills in the department where the source names none: --department, else the one the
    Chinese title names (贵宾部经理 → 贵宾部)."""
    if found.values.get("department"):
        return
    department = given or links.department_of_title(found.title["zh"])
    if department:
        found.values["department"] = department
        how = "--department" if given else "the title"
        found.notes.append(f"department: {department}, from {how}")


def _text(project: Project, item: Planned, date: dt.date) -> str:
    """Returns the role file's text: the imported sections under a draft's document control."""
    assert project.settings is not None  # gather.with_settings raises without them
    values = item.found.values
    author = values.get("document_control", {}).get("drafted_by") or f"{TODO}: who drafted it"
    head = {
        "id": item.path.stem,
        "document_control": {
            "number": item.number,
            "version": "1.0",
            "status": "draft",
            "effective_date": date.isoformat(),
        },
        "revision_history": [
            {
                "version": "1.0",
                "date": date.isoformat(),
                "author": author,
                "changes": NOTE[project.settings.language].format(file=item.source),
            }
        ],
    }
    return emit.role_text(item.found, head, item.source)


def _check(project: Project, planned: list[Planned]) -> None:
    """Reads each new text back against the schema, then runs every check on the project as it
    will be; keeps each file's findings for the report."""
    readings: dict[str, Reading[Role]] = dict(project.readings)
    for item in planned:
        reading = read(item.shown, item.text, Role)
        if reading.value is None or any(d.severity == ERROR for d in reading.diagnostics):
            problem = reading.diagnostics[0].message if reading.diagnostics else "unreadable"
            raise RolebookError(f"{item.source}: could not make a valid role file ({problem})")
        readings[item.shown] = reading
    roles = [r.value for r in readings.values() if r.value is not None]
    after = Project(
        project.root,
        project.settings,
        roles,
        readings,
        today=project.today,
        library=project.library,
    )
    found = rules.run(after)
    for item in planned:
        item.diagnostics = [d for d in found if d.path == item.shown]


def write(planned: list[Planned]) -> None:
    """Writes the role files; an existing one is first copied to <id>.yaml.bak."""
    for item in planned:
        item.path.parent.mkdir(parents=True, exist_ok=True)
        if item.replaces:
            backup = item.path.with_name(item.path.name + ".bak")
            publish.write_file(backup, item.path.read_bytes())
        publish.write_file(item.path, item.text.encode("utf-8"))


def report(planned: list[Planned], dry_run: bool = False) -> list[str]:
    """Returns the report: per source file, each role with where its sections came from, what
    stayed unmapped, what was inferred, and what check still needs."""
    lines: list[str] = []
    for source in dict.fromkeys(item.source for item in planned):
        items = [item for item in planned if item.source == source]
        lines.append(f"{source}: {len(items)} role{'s' * (len(items) != 1)}")
        for item in items:
            lines += _role_report(item)
    total = len(planned)
    if dry_run:
        lines.append(f"--dry-run: {total} role file{'s' * (total != 1)} not written")
    else:
        lines.append(
            f"imported {total} role{'s' * (total != 1)}, status draft; fill in each TODO, move "
            "or delete the unmapped text, then run check"
        )
    return lines


def _role_report(item: Planned) -> list[str]:
    """Returns the report on one role file."""
    found, values = item.found, item.found.values
    title = next((t for t in (values["title"]["zh"], values["title"]["en"]) if _given(t)), "?")
    kept = f"; the old file is kept as {item.shown}.bak" if item.replaces else ""
    lines = [f"  {item.shown}: {title}, {item.number}, draft{kept}"]
    for key in ("title", "department", "summary", "document_control", *SECTIONS):
        if key in found.sources:
            lines.append(f"    {key:<17} {_count(values[key])}from {found.sources[key]}")
    if found.unmapped:
        n = len(found.unmapped)
        lines.append(f"    {'unmapped':<17} {n} entr{'y' if n == 1 else 'ies'} kept as text:")
        lines += [
            f"      {where}: {_short(text)}" for text, where in found.unmapped[:SHOWN_UNMAPPED]
        ]
        lines += [f"      … and {n - SHOWN_UNMAPPED} more"] if n > SHOWN_UNMAPPED else []
    lines += [f"    read: {note}" for note in found.notes]
    return lines + _check_report(item)


SECTIONS = ("reporting", "duties", "qualifications", "workflow", "principles", "precautions")


def _count(value) -> str:
    """Returns how many items a section holds, e.g. `13 items, `; nothing for a single text."""
    if isinstance(value, list) and value and isinstance(value[0], dict) and "steps" in value[0]:
        steps, entries = sum(len(entry["steps"]) for entry in value), len(value)
        ending = "y" if entries == 1 else "ies"
        return f"{steps} step{'s' * (steps != 1)} in {entries} entr{ending}, "
    if isinstance(value, list):
        return f"{len(value)} item{'s' * (len(value) != 1)}, "
    if isinstance(value, dict) and all(isinstance(v, list) for v in value.values()):
        return ", ".join(f"{k} {len(v)}" for k, v in value.items()) + "; "
    return ""


def _check_report(item: Planned) -> list[str]:
    """Returns what check still needs of the file: its errors and warnings, the unmapped
    entries' warnings counted, not repeated."""
    unmapped = [d for d in item.diagnostics if d.message.startswith("unmapped text from")]
    others = [d for d in item.diagnostics if d not in unmapped]
    errors = sum(d.severity == ERROR for d in item.diagnostics)
    warnings = len(item.diagnostics) - errors
    if not item.diagnostics:
        return ["    check: nothing to fix"]
    lines = [
        f"    check still needs: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
    ]
    lines += [f"      {d.line}:{d.col}: {d.severity}: {d.message}" for d in others]
    if unmapped:
        lines.append(f"      and a warning for each of the {len(unmapped)} unmapped entries")
    return lines


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
