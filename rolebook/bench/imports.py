"""The import benchmark: `python -m rolebook.bench --imports 1000`.

Generates N distinct roles (generate.py), writes each as a Word job description in one of the
layouts HR uses (wordjd.LAYOUTS, in turn: the table form of a 岗位说明书, a section per table
row, numbered headings, English with bullets), then measures in this process, as the median of
--runs runs, the CPU time per .docx of:

- reading and mapping: the Word file read with python-docx, cut into sections and shaped into
  a role mapping (rolebook.load.importers.source.roles_of);
- the whole `rolebook import` of the N files, in a fresh process (its start included): that,
  and the ids, numbers, reporting lines, the role files' text, the check of the project as it
  will be, writing the files and the report.

The documents name positions by their titles, as Word documents do; the import makes them the
ids of the roles imported with them.

It also counts how many of the generated duties come back word for word.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rolebook.bench.generate import Generator
from rolebook.bench.wordjd import LAYOUTS, document, role_parts
from rolebook.load.files import ROLES_DIR
from rolebook.load.importers import sections
from rolebook.load.importers.source import roles_of

MS = 1000
TARGET = 0.020  # seconds of CPU per .docx


def run(args, work: Path) -> dict[str, float]:
    """Writes the job descriptions under `work`, imports them; returns the figures."""
    generator = Generator(args.root, args.imports)
    sources = work / "sources"
    shutil.rmtree(sources, ignore_errors=True)
    sources.mkdir(parents=True)
    roles = [generator.role(i) for i in range(args.imports)]
    titles = {role["id"]: role["title"]["zh"] for role in roles}
    for role in roles:
        role["reporting"] = {
            key: [titles.get(name, name) for name in names]
            for key, names in role["reporting"].items()
        }
    paths = []
    for i, role in enumerate(roles):
        paths.append(sources / f"{role['id']}.docx")
        paths[-1].write_bytes(document(role_parts(role, LAYOUTS[i % len(LAYOUTS)])))
    project = work / "import-project"
    figures = {"read_map": statistics.median(_read_map(paths) for _ in range(args.runs))}
    figures["command"] = statistics.median(
        _command(generator, project, paths) for _ in range(args.runs)
    )
    figures["duties_found"], figures["duties"] = _duties_found(roles, paths)
    figures["files"] = len(paths)
    figures["bytes"] = sum(p.stat().st_size for p in paths)
    return figures


def _read_map(paths: list[Path]) -> float:
    """Returns the CPU seconds per file of reading and mapping every file."""
    data = [(p.name, p.read_bytes()) for p in paths]
    started = time.process_time()
    for name, content in data:
        roles_of(name, content)
    return (time.process_time() - started) / len(paths)


def _command(generator: Generator, project: Path, paths: list[Path]) -> float:
    """Returns the CPU seconds per file of `rolebook import` of every file into a new project,
    run as a user runs it, in a process of its own."""
    shutil.rmtree(project, ignore_errors=True)
    (project / ROLES_DIR).mkdir(parents=True)
    generator.write_settings(project)
    argv = [sys.executable, "-m", "rolebook.cli", "import", *map(str, paths)]
    argv += ["--root", str(project), "--date", "2026-11-30"]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None  # stderr=PIPE
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"rolebook import failed:\n{err.decode()}")
    return (usage.ru_utime + usage.ru_stime) / len(paths)


def _duties_found(roles: list[dict], paths: list[Path]) -> tuple[int, int]:
    """Returns how many generated duties the import gives back word for word, and how many
    there are."""
    found = total = 0
    for role, path in zip(roles, paths, strict=True):
        duties = [
            d for r in roles_of(path.name, path.read_bytes()) for d in r.values.get("duties", [])
        ]
        wanted = [sections.tidy(d) for d in role.get("duties", [])]
        total += len(wanted)
        found += sum(a == b for a, b in zip(wanted, duties, strict=False))
    return found, total


def table(f: dict[str, float]) -> str:
    """Returns the figures as a Markdown table with the target."""
    met = "met" if f["command"] <= TARGET else f"**not met** ({f['command'] / TARGET:.1f}×)"
    return "\n".join(
        [
            f"import: {f['files']:.0f} generated .docx job descriptions "
            f"({f['bytes'] / f['files'] / 1024:.0f} KB each), layouts {', '.join(LAYOUTS)}",
            "",
            "| figure | rolebook | target |  |",
            "|---|---|---|---|",
            f"| read + map, per .docx (CPU) | {f['read_map'] * MS:.2f} ms |  |  |",
            f"| `import` of all of them, per .docx (CPU) | {f['command'] * MS:.2f} ms | ≤ 20 ms "
            f"| {met} |",
            f"| duties given back word for word | {f['duties_found']:.0f} of {f['duties']:.0f} |"
            "  |  |",
            "",
        ]
    )
