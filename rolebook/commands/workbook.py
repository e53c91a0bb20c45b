"""`import` of a workbook: apply the edits made in an exported catalogue (.xlsx) to the roles.

`import` (rolebook/commands/importing.py) hands each .xlsx it is given to `apply_workbook`.

Each role of the workbook is compared with its file. A role that differs becomes edits to its
file, made by the round-trip editor (rolebook/load/splice.py): a changed cell is a value set in
place, an added row an added item, a removed row a removed item; the comments, order and layout
of the rest of the file stay. A new row in the sheet roles becomes a new file. A role that was
changed in its file since the export and in the workbook too is a conflict: the whole workbook
is refused, naming the role. Every change is reported the way `diff` reports it; `--dry-run`
stops there. All or nothing: the files are written only when every edited file reads back as
exactly what the workbook holds and the whole project then passes `check`.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from rolebook.check import gather
from rolebook.commands.diff import terminal
from rolebook.commands.new import MODELINE
from rolebook.commands.options import print_lines
from rolebook.load import project as projects
from rolebook.load.files import ROLES_DIR
from rolebook.load.project import Project
from rolebook.load.reader import Reading, read
from rolebook.load.splice import apply, checked_text, edits, load_source, role_lines
from rolebook.model.changes import compare
from rolebook.model.errors import CheckFailed, RolebookError
from rolebook.model.schema import Role
from rolebook.output import publish
from rolebook.output.catalogue import xlsx
from rolebook.output.catalogue.json import fingerprint
from rolebook.output.catalogue.sheets import roles_from
from rolebook.output.catalogue.table import Cells
from rolebook.util import parallel

# What to do with a role of the workbook (or, else, why it conflicts with its file).
EDIT, KEPT, SAME, CONFLICT = "edit", "kept", "same", "conflict"


class Refused(RolebookError):
    """A workbook that is not applied: each reason, then a line saying that nothing was written."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(reasons[-1])

    def lines(self) -> list[str]:
        return self.reasons


def apply_workbook(args: argparse.Namespace, path: Path) -> int:
    """Applies the edits of the workbook at `path` to the roles of the project at args.root
    (writing nothing with args.dry_run), printing each change; returns the exit code."""
    plan = planned(args.root, path)
    print_lines(report(plan))
    if getattr(args, "dry_run", False) or not plan.edits:
        print("dry run: nothing written" if plan.edits else "nothing to write")
        return 0
    write(args.root, plan.edits)
    print(f"wrote {', '.join(edit.path for edit in plan.edits)}")
    return 0


# -- What the workbook changes -------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """A role file to write: its path, the role it held (None: a new file), the role it is to
    hold, its new text and the reading of that text."""

    path: str
    old: Role | None
    new: Role
    text: str
    reading: Reading[Role]


@dataclass
class Plan:
    """What importing a workbook does: the files to write, the roles whose files changed since
    the export (and not in the workbook: kept as the files are), how many roles are the same,
    and how many the workbook leaves out (left alone)."""

    edits: list[Edit]
    kept: list[str]
    unchanged: int
    left_out: int


def planned(root: Path, path: Path) -> Plan:
    """Returns what applying the workbook at `path` to the project at `root` does, each edited
    file read back and the resulting project checked; raises RolebookError if the workbook
    cannot be read, conflicts with the files, or would leave the project failing `check`."""
    tables, exported = xlsx.read(_workbook_bytes(path), path.name)
    wanted = roles_from(tables, Cells(path.name))
    project = _project(root)
    plan = _sorted_out(project, wanted, exported, path.name)
    _check(project, plan.edits)
    return plan


def _sorted_out(
    project: Project, wanted: dict[str, tuple[Role, int]], exported: dict, name: str
) -> Plan:
    """Returns the plan for the roles of the workbook `name` (`wanted`, each with its row):
    each edited, kept as its file is, or the same; raises Refused naming every conflict."""
    current = {r.value.id: (p, r.value) for p, r in project.readings.items() if r.value}
    plan = Plan([], [], 0, len(set(current) - set(wanted)))
    conflicts = []
    for role_id, (new, row) in wanted.items():
        file, old = current.get(role_id, (f"{ROLES_DIR}/{role_id}.yaml", None))
        state, why = _state(file, old, new, exported.get(role_id), row)
        if state == EDIT:
            plan.edits.append(_edit(project.root, file, old, new))
        elif state == KEPT:
            plan.kept.append(role_id)
        elif state == SAME:
            plan.unchanged += 1
        else:
            conflicts.append(why)
    if conflicts:
        count = f"{len(conflicts)} conflict{'s' * (len(conflicts) != 1)}"
        raise Refused([*conflicts, f"{name}: {count} with the role files; nothing written"])
    return plan


def _workbook_bytes(path: Path) -> bytes:
    """Returns the bytes of the workbook at `path`; raises RolebookError if it cannot be read."""
    try:
        if path.stat().st_size > xlsx.MAX_BYTES:
            raise RolebookError(f"{path}: larger than {xlsx.MAX_BYTES // 1_000_000} MB")
        return path.read_bytes()
    except FileNotFoundError:
        raise RolebookError(f"{path}: no such file") from None
    except OSError as exc:
        raise RolebookError(f"cannot read {path}: {exc.strerror}") from None


def _project(root: Path) -> Project:
    """Returns the project at `root`, read but not checked; raises CheckFailed if a file cannot
    be read, as its role could not be compared with the workbook."""
    project = projects.load(root, parallel.default_workers())
    if project.settings is None or project.errors:
        raise CheckFailed(project.diagnostics)
    return project


def _state(
    file: str, old: Role | None, new: Role, exported: tuple[str, str] | None, row: int
) -> tuple[str, str]:
    """Returns what to do with the role `new` of the workbook (row `row` of the sheet roles),
    whose file `file` holds `old` (None: no file) and which was `exported` (version and
    fingerprint; None: not exported): EDIT, KEPT or SAME, or CONFLICT and why."""
    if old is None:
        return (EDIT, "") if exported is None else (CONFLICT, _gone(new, file, row))
    if old == new:
        return SAME, ""
    if exported is None:  # a workbook without the export's record: the versions tell
        if old.document_control.version == new.document_control.version:
            return EDIT, ""
        return CONFLICT, _another_version(old, new, file, row)
    if fingerprint(old) == exported[1]:
        return EDIT, ""
    if fingerprint(new) == exported[1]:
        return KEPT, ""
    return CONFLICT, (
        f"{file}: error: {new.id} was changed in the workbook and in this file since the "
        f"export (version {exported[0]} then, {old.document_control.version} now); export "
        "again and redo this role's edits in the new workbook"
    )


def _gone(new: Role, file: str, row: int) -> str:
    return (
        f"{file}: error: the file of {new.id} was deleted or renamed since the export; export "
        f"again, or delete row {row} of the sheet roles and the role's rows in the other sheets"
    )


def _another_version(old: Role, new: Role, file: str, row: int) -> str:
    return (
        f"{file}: error: {new.id} is at version {old.document_control.version} here, "
        f"{new.document_control.version} in the workbook (roles, row {row}): the file was "
        "changed after the export; export again and redo this role's edits"
    )


def _edit(root: Path, file: str, old: Role | None, new: Role) -> Edit:
    """Returns the edit making `file` hold `new`: the file's text edited in place, or a new
    file's text; raises RolebookError if it does not read back as exactly `new`."""
    if old is None:
        text = "\n".join([MODELINE, *role_lines(new)]) + "\n"
        return Edit(file, None, new, text, _read_back(file, text, new))
    source = load_source(root, new.id)
    text = checked_text(source, apply(source.text, edits(source, new)))
    return Edit(file, old, new, text, _read_back(file, text.removeprefix("\ufeff"), new))


def _read_back(file: str, text: str, new: Role) -> Reading[Role]:
    """Returns the Reading of the new `text` of `file`; raises RolebookError unless it holds
    `new`."""
    reading = read(file, text, Role)
    if reading.diagnostics or reading.value != new:
        raise RolebookError(
            f"{file}: could not write the workbook's version of the role into the file "
            "exactly; nothing written (edit this role in its file)"
        )
    return reading


def _check(project: Project, edited: list[Edit]) -> None:
    """Raises Refused with every error `check` would report on `project` with the `edited`
    files: the files are written only if the result passes."""
    readings = {**project.readings, **{edit.path: edit.reading for edit in edited}}
    after = Project(project.root, project.settings, today=project.today, library=project.library)
    for path in sorted(readings):
        after.readings[path] = readings[path]
        after.roles.append(readings[path].value)  # type: ignore[arg-type]  # all were read
    after.diagnostics = gather.EVERY_CHECK.project(after, {})
    if after.errors:
        after.diagnostics.sort(key=lambda d: (d.path, d.line, d.col))
        raise Refused(
            [
                *(d.format() for d in after.diagnostics if d.severity == "error"),
                f"the workbook's changes would leave {after.errors} error"
                f"{'s' * (after.errors != 1)} (lines as the files would be); nothing written",
            ]
        )


# -- Reporting and writing -------------------------------------------------------------------------


def report(plan: Plan) -> list[str]:
    """Returns what the workbook changes, role by role, as `diff` shows it, and a summary."""
    lines, count = [], 0
    for edit in plan.edits:
        version = edit.new.document_control.version
        if edit.old is None:
            lines.append(f"{edit.new.id}: new role → {edit.path}, version {version}")
            continue
        was = edit.old.document_control.version
        changes = compare(edit.old, edit.new)
        count += len(changes)
        lines.append(
            f"{edit.new.id}: {edit.path}, version "
            + (f"{was} → {version}" if was != version else version)
        )
        lines += terminal(changes)
    lines += [
        f"{role_id}: changed in its file since the export, not in the workbook: kept"
        for role_id in plan.kept
    ]
    return [*lines, _summary(plan, count)]


def _summary(plan: Plan, changes: int) -> str:
    new = sum(edit.old is None for edit in plan.edits)
    parts = [
        f"{len(plan.edits) - new} role{'s' * (len(plan.edits) - new != 1)} changed "
        f"({changes} change{'s' * (changes != 1)})",
        f"{new} new",
        f"{plan.unchanged} unchanged",
    ]
    if plan.kept:
        parts.append(f"{len(plan.kept)} kept as their files are")
    if plan.left_out:
        parts.append(f"{plan.left_out} not in the workbook (left alone)")
    return ", ".join(parts)


def write(root: Path, edited: list[Edit]) -> None:
    """Writes every edited file, each in one rename; if one cannot be written, puts back those
    written before it, so that the roles are as they were."""
    try:
        before = [(root / e.path).read_bytes() if e.old is not None else None for e in edited]
    except OSError as exc:
        raise RolebookError(
            f"cannot read {exc.filename}: {exc.strerror}; nothing written"
        ) from None
    for number, edit in enumerate(edited):
        try:
            publish.write_file(root / edit.path, edit.text.encode("utf-8"))
        except RolebookError:
            _put_back(root, edited[:number], before[:number])
            raise


def _put_back(root: Path, edited: list[Edit], before: list[bytes | None]) -> None:
    """Gives the files of `edited` their bytes `before` again (removes those that were new)."""
    for edit, content in zip(edited, before, strict=True):
        if content is None:
            (root / edit.path).unlink(missing_ok=True)
        else:
            publish.write_file(root / edit.path, content)
