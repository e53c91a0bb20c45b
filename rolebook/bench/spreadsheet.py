"""The benchmark's spreadsheet figures (`python -m rolebook.bench --sheets`): the catalogue of the
generated roles exported, and an edited workbook imported back.

- export: `rolebook export` in a fresh process, wall and CPU time (its worker processes
  included), to .xlsx (and to .csv and .json);
- import: a copy of the exported workbook with CHANGES changes made as HR makes them (duties
  reworded, added and deleted, in as many roles), saved by openpyxl, then `rolebook import` of it
  in a fresh process, wall and CPU time, the edited role files written; the roles are put back
  between runs;
- in this process, CPU time: the catalogue written as .xlsx bytes, and the workbook read back
  into roles (what openpyxl costs, apart from loading and checking the project).

Each figure is the median of --runs runs.
"""

from __future__ import annotations

import gc
import io
import shutil
import statistics
import time

from openpyxl import load_workbook

from rolebook.check import gather
from rolebook.load.files import ROLES_DIR
from rolebook.output.catalogue import Catalogue, xlsx
from rolebook.output.catalogue.sheets import roles_from
from rolebook.output.catalogue.table import Cells

CHANGES = 50
EXPORT_TARGET, IMPORT_TARGET = 3.0, 5.0  # seconds, for 1,000 roles (issue 13)


def measure(bench) -> dict[str, float]:
    """Returns the spreadsheet figures of `bench`'s generated project: seconds, and bytes."""
    runs, work = bench.args.runs, bench.work
    figures: dict[str, float] = {}
    for suffix in ("xlsx", "csv", "json"):
        out = str(work / f"catalogue.{suffix}")
        timed = [bench.command("export", "--output", out, "--force") for _ in range(runs)]
        figures[f"export_{suffix}"] = statistics.median(t["wall"] for t in timed)
        figures[f"export_{suffix}_cpu"] = statistics.median(t["cpu"] for t in timed)
    exported = (work / "catalogue.xlsx").read_bytes()
    figures["size"] = len(exported)
    figures["write_cpu"], figures["read_cpu"] = _in_process(bench, exported, runs)
    edited = work / "edited.xlsx"
    content, figures["files"] = edited_workbook(exported, bench.project.roles)
    edited.write_bytes(content)
    timed = [_import(bench, edited) for _ in range(runs)]
    figures["import"] = statistics.median(t["wall"] for t in timed)
    figures["import_cpu"] = statistics.median(t["cpu"] for t in timed)
    return figures


def _in_process(bench, exported: bytes, runs: int) -> tuple[float, float]:
    """Returns the CPU seconds of writing the catalogue as .xlsx and of reading it back."""
    project = gather.load(bench.root)
    assert project.settings is not None  # the generated project passes check
    catalogue = Catalogue(project.settings, sorted(project.roles, key=lambda role: role.id))

    def write() -> float:
        started = time.process_time()
        xlsx.write(catalogue)
        return time.process_time() - started

    def read() -> float:
        started = time.process_time()
        tables, _ = xlsx.read(exported, "catalogue.xlsx")
        roles_from(tables, Cells("catalogue.xlsx"))
        return time.process_time() - started

    # The benchmark's own objects (its project, this catalogue) are left out of the collector's
    # passes, as in the command, whose process holds little else while it reads.
    gc.collect()
    gc.freeze()
    try:
        return (
            statistics.median(write() for _ in range(runs)),
            statistics.median(read() for _ in range(runs)),
        )
    finally:
        gc.unfreeze()


def _import(bench, edited) -> dict[str, float]:
    """Returns the wall and CPU seconds of `rolebook import` of `edited`, the roles put back
    after."""
    roles = bench.root / ROLES_DIR
    kept = bench.work / "roles-before-import"
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(roles, kept)
    try:
        return bench.command("import", str(edited))
    finally:
        shutil.rmtree(roles)
        shutil.copytree(kept, roles)


def edited_workbook(content: bytes, roles: list) -> tuple[bytes, int]:
    """Returns the workbook `content` with CHANGES changes in as many roles (fewer where there
    are fewer roles), as HR makes them in a spreadsheet: two fifths of them a duty reworded, then
    a duty added, then a duty deleted; and how many roles it changes."""
    book = load_workbook(io.BytesIO(content))
    duties = book["duties"]
    where = {
        (row[0].value, row[1].value): number
        for number, row in enumerate(duties.iter_rows(min_row=2), 2)
    }
    ids = sorted(role.id for role in roles)
    chosen = [ids[i * len(ids) // CHANGES] for i in range(CHANGES)]
    chosen = list(dict.fromkeys(chosen)) + [""] * (CHANGES - len(set(chosen)))  # "": no change
    reworded, added = chosen[: CHANGES * 2 // 5], chosen[CHANGES * 2 // 5 : CHANGES * 7 // 10]
    for role_id in filter(None, reworded):
        cell = duties.cell(where[role_id, 1], 3)
        cell.value = f"{cell.value}（已修订）"
    for number, role_id in enumerate(filter(None, added), 1):
        duties.append([role_id, 1.5, f"新增职责{number}：协助部门经理处理客户投诉。"])
    for role_id in sorted(filter(None, chosen[CHANGES * 7 // 10 :]), key=lambda r: -where[r, 2]):
        duties.delete_rows(where[role_id, 2])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), len(set(filter(None, chosen)))


def table(f: dict[str, float], roles: int) -> str:
    """Returns the spreadsheet figures as a Markdown table with the targets."""
    rows = [
        (
            f"export of {roles:,} roles to .xlsx (wall, `rolebook export`)",
            f"{f['export_xlsx']:.2f} s (CPU {f['export_xlsx_cpu']:.2f} s; "
            f"{f['size'] / 1e6:.1f} MB)",
            f"≤ {EXPORT_TARGET:.0f} s",
            _met(f["export_xlsx"], EXPORT_TARGET),
        ),
        ("… to .csv, to .json (wall)", f"{f['export_csv']:.2f} s, {f['export_json']:.2f} s"),
        ("catalogue → .xlsx bytes, in process (CPU)", f"{f['write_cpu']:.2f} s"),
        (
            f".xlsx import of {roles:,} roles with {f['files']:.0f} changes (wall, `rolebook "
            f"import`, {f['files']:.0f} files written)",
            f"{f['import']:.2f} s (CPU {f['import_cpu']:.2f} s)",
            f"≤ {IMPORT_TARGET:.0f} s",
            _met(f["import"], IMPORT_TARGET),
        ),
        (".xlsx → roles, in process (CPU)", f"{f['read_cpu']:.2f} s"),
    ]
    lines = ["| figure | rolebook | target |  |", "|---|---|---|---|"]
    lines += ["| " + " | ".join((*row, "", "")[:4]) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _met(value: float, limit: float) -> str:
    return "met" if value <= limit else f"**not met** ({value / limit:.1f}× the target)"
