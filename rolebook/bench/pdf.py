"""The PDF benchmark: `python -m rolebook.bench --pdf` (LibreOffice on PATH).

On the sample project and on the generated project of --roles roles, wall seconds of
`build --pdf` from scratch (handbook.pdf and every role's PDF) and after one role is edited;
beside them the simple way, LibreOffice converting each role's own .docx, measured on --sample
roles in one soffice run and extrapolated to all of them (said so in the table).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rolebook.build import cache, pdf
from rolebook.load.files import INPUT_FILES, INPUT_FOLDERS

SAMPLE = 50  # roles converted the simple way, to extrapolate from


def build(root: Path, jobs: int, fresh: bool) -> tuple[float, float]:
    """Returns the wall seconds of `build --pdf` of `root` in a fresh process, and the CPU
    seconds (user and system) of it and its children (workers, LibreOffice); `fresh` first
    deletes the cache and the output."""
    if fresh:
        shutil.rmtree(root / cache.FOLDER, ignore_errors=True)
        shutil.rmtree(root / "output", ignore_errors=True)
    argv = [sys.executable, "-m", "rolebook.cli", "build", "--root", str(root), "-j", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([*argv, "--pdf"], capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"build --pdf failed:\n{proc.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, sum(getattr(after, f) - getattr(before, f) for f in ("ru_utime", "ru_stime"))


def simple_way(root: Path, jobs: int, sample: int = SAMPLE) -> tuple[float, int]:
    """Returns the wall seconds LibreOffice takes converting `sample` roles' own .docx (one
    soffice per worker, warm for its share, as `build --pdf` runs it), and how many it did."""
    docx = sorted((root / "output" / "docx").glob("*.docx"))
    roles = [p for p in docx if p.name != "handbook.docx"][:sample]
    documents = [p.read_bytes() for p in roles]
    started = time.perf_counter()
    pdf.convert(documents, jobs)
    return time.perf_counter() - started, len(roles)


def figures(sample_root: Path, generated: Path, roles: int, jobs: int) -> dict[str, float]:
    """Returns the PDF figures, in seconds, of the sample and the generated project: wall
    time, and CPU time (as "<name>_cpu"), with the load average before the full build."""
    with tempfile.TemporaryDirectory(prefix="rolebook-bench-pdf-") as tmp:
        out = {"sample": build(sample_copy(sample_root, Path(tmp)), jobs, fresh=True)[0]}
    out["load"] = os.getloadavg()[0]
    out["full"], out["full_cpu"] = build(generated, jobs, fresh=True)
    edit_one_role(generated)
    out["one_role"], out["one_role_cpu"] = build(generated, jobs, fresh=False)
    seconds, done = simple_way(generated, jobs)
    out["simple"] = seconds / done * roles
    return out


def edit_one_role(root: Path) -> None:
    """Adds a duty to the first role of `root`, indented as the role's duties are."""
    one = sorted((root / "roles").glob("*.yaml"))[0]
    text = one.read_text(encoding="utf-8")
    after = text.split("duties:\n", 1)[1]
    indent = after[: len(after) - len(after.lstrip(" "))]
    duty = f"duties:\n{indent}- 基准测试新增的职责。\n"
    one.write_text(text.replace("duties:\n", duty, 1), "utf-8")


def sample_copy(root: Path, folder: Path) -> Path:
    """Returns a copy of the sample project's inputs in folder/sample."""
    dest = folder / "sample"
    dest.mkdir()
    for name in INPUT_FILES:
        if (root / name).is_file():
            shutil.copy(root / name, dest)
    for name in INPUT_FOLDERS:
        if (root / name).is_dir():
            shutil.copytree(root / name, dest / name)
    return dest


def table(f: dict[str, float], roles: int, jobs: int) -> str:
    """Returns the PDF figures as a Markdown table with their targets."""
    met = lambda v, t: "met" if v <= t else f"**not met** ({v / t:.1f}× the target)"  # noqa: E731
    return "\n".join(
        [
            f"| PDF figure (build -j {jobs}; load average {f['load']:.1f} before) | wall "
            "| CPU, all processes | target |  |",
            "|---|---|---|---|---|",
            f"| PDFs of the sample (3 roles), from scratch | {f['sample']:.1f} s |  |  |  |",
            f"| {roles} roles: handbook.pdf + every role's PDF | {f['full']:.1f} s "
            f"| {f['full_cpu']:.1f} s | ≤ 120 s | {met(f['full'], 120)} |",
            f"| one role edited | {f['one_role']:.1f} s | {f['one_role_cpu']:.1f} s | ≤ 10 s "
            f"| {met(f['one_role'], 10)} |",
            f"| the simple way: each role's .docx converted alone (LibreOffice only, "
            f"{SAMPLE} roles measured, extrapolated to {roles}) | {f['simple']:.1f} s | | | "
            f"{f['simple'] / f['full']:.1f}× rolebook's |",
        ]
    )
