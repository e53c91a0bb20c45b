"""The benchmark: `python -m rolebook.bench --roles 1000` (needs the `bench` extra).

Generates a project of N roles from the sample roles of --root (see generate.py) in a temporary
folder, then measures, each as the median of --runs runs:

- in this process, CPU time per role: load + check; template → document model; each writer;
- the command line in a fresh process, wall time: `check`, a full build (no cache), a no-op
  rebuild, a rebuild after editing one role and after editing a template, with the CPU time and
  peak memory of the build's processes together;
- the peers on the same roles (see peers.py), CPU time per role, and how much faster rolebook is.

It prints Markdown tables, with the targets, ready for the README.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from ruamel.yaml import YAML

from rolebook.bench import imports, peers, spreadsheet
from rolebook.bench import pdf as pdf_bench
from rolebook.bench import search as search_bench
from rolebook.bench import serve as serve_bench
from rolebook.bench.generate import Generator
from rolebook.build import cache, jobs, pipeline, workers
from rolebook.load.files import ROLES_DIR, TEMPLATES_DIR
from rolebook.output.writers import WRITERS
from rolebook.render.templating import RecordedRoles, Renderer, handbook_context
from rolebook.util import parallel

MS, MIB = 1000, 1024 * 1024


def parser() -> argparse.ArgumentParser:
    """Returns the benchmark's argument parser: what to generate, then what to measure."""
    p = argparse.ArgumentParser(
        prog="python -m rolebook.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--roles", type=int, default=1000, help="how many roles (default 1000)")
    p.add_argument("--runs", type=int, default=3, help="runs of each measure (default 3)")
    p.add_argument(
        "--root",
        type=Path,
        default=Path("."),
        help="the project whose roles, settings and templates are varied (default .)",
    )
    p.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="generate into this folder and keep it (default: a temporary folder)",
    )
    _measure_options(p)
    return p


def _measure_options(p: argparse.ArgumentParser) -> None:
    """Adds the options that choose what is measured, and how."""
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=parallel.default_workers(),
        help="build processes (default: one per core)",
    )
    p.add_argument(
        "--no-peers",
        dest="peers",
        action="store_false",
        help="measure rolebook only, not pandoc and docxtpl",
    )
    _only_options(p)


def _only_options(p: argparse.ArgumentParser) -> None:
    """Adds the options that measure one thing only, instead of the whole benchmark."""
    p.add_argument(
        "--imports",
        type=int,
        default=0,
        metavar="N",
        help="measure only `import` of N generated .docx job descriptions (see imports.py)",
    )
    p.add_argument(
        "--pdf",
        action="store_true",
        help="measure `build --pdf` instead (LibreOffice; see rolebook/bench/pdf.py)",
    )
    p.add_argument(
        "--search",
        action="store_true",
        help="measure only the HTML search: index size, first result (see search.py)",
    )
    p.add_argument(
        "--scale",
        action="store_true",
        help="measure only the command line's figures, against the targets at 10,000 roles "
        "(use with --roles 10000; takes minutes)",
    )
    p.add_argument(
        "--serve",
        action="store_true",
        help="measure only the live preview: a save in `serve` until the page and the handbook",
    )
    p.add_argument(
        "--sheets",
        action="store_true",
        help="measure export and import of the catalogue workbook instead of the build",
    )


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rolebook-bench-") as tmp:
        work = args.keep or Path(tmp)
        if args.imports:
            print(imports.table(imports.run(args, work)))
            return 0
        if args.search:
            figures = search_bench.measure(args.root, args.roles, work, args.runs)
            print(search_bench.table(figures, args.roles))
            return 0
        bench = Bench(args, work)
        print(bench.heading(), flush=True)
        if args.pdf:
            pdf_figures = pdf_bench.figures(args.root, bench.root, args.roles, args.jobs)
            print(pdf_bench.table(pdf_figures, args.roles, args.jobs))
            return 0
        if args.sheets:
            print(spreadsheet.table(spreadsheet.measure(bench), args.roles))
            return 0
        if args.scale:
            print(table_at_scale(bench.at_scale()), flush=True)
            return 0
        if args.serve:
            bench.command("build")  # serve starts from a built project, as HR's does
            print(
                _markdown(
                    ("figure", "rolebook", "target", ""), serve_rows(serve_bench.figures(bench))
                )
            )
            return 0
        figures = bench.rolebook()
        print(table_of_rolebook(figures), flush=True)
        if args.peers:
            print(table_of_peers(figures, bench.peers()))
    return 0


def median_of(runs: int, measure) -> float:
    """Returns the median of `runs` calls of `measure`."""
    return statistics.median(measure() for _ in range(runs))


class Bench:
    """One benchmark: the generated project and the measures taken on it."""

    def __init__(self, args, work: Path):
        self.args, self.work = args, work
        self.root = work / "project"
        shutil.rmtree(self.root, ignore_errors=True)
        self.generator = Generator(args.root, args.roles)
        self.generator.write_project(self.root)
        self.project = pipeline.check(self.root)
        self.edits = 0

    def heading(self) -> str:
        """Returns what was measured and where: roles, sizes, machine."""
        sizes = [p.stat().st_size for p in (self.root / ROLES_DIR).iterdir()]
        return (
            f"rolebook benchmark: {len(sizes)} roles ({min(sizes) / 1024:.1f}–"
            f"{max(sizes) / 1024:.1f} KB each, {sum(sizes) / MIB:.1f} MiB of YAML); median "
            f"of {self.args.runs} runs; build -j {self.args.jobs}\n"
            f"machine: {os.cpu_count()} cores, {cpu_model()}, Python "
            f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f} at start\n"
        )

    def rolebook(self) -> dict[str, float]:
        """Returns rolebook's figures: CPU seconds per role, wall seconds and bytes."""
        runs, n = self.args.runs, len(self.project.roles)
        figures = {"load+check": median_of(runs, self.load_and_check) / n}
        figures.update(self.per_role())
        figures["check"] = median_of(runs, lambda: self.command("check")["wall"])
        builds = [self.full_build() for _ in range(runs)]
        for key in ("wall", "cpu"):
            figures[f"build_{key}"] = statistics.median(b[key] for b in builds)
        watched = self.full_build(memory=True)  # one more, its memory sampled
        figures["build_rss"], figures["build_rss_single"] = watched["rss"], watched["rss_single"]
        figures["noop"] = median_of(runs, lambda: self.command("build")["wall"])
        figures["role_edited"] = median_of(runs, self.role_edited)
        figures["template_edited"] = median_of(runs, self.template_edited)
        figures.update(serve_bench.figures(self))
        return figures

    def at_scale(self) -> dict[str, float]:
        """Returns the command line's figures: wall seconds, and the build's peak memory."""
        runs = self.args.runs
        figures = {"check": median_of(runs, lambda: self.command("check")["wall"])}
        watched = self.full_build(memory=True)
        figures.update(build_wall=watched["wall"], build_cpu=watched["cpu"])
        figures.update(build_rss=watched["rss"], build_rss_single=watched["rss_single"])
        figures["noop"] = median_of(runs, lambda: self.command("build")["wall"])
        figures["role_edited"] = median_of(runs, self.role_edited)
        self.edits += 1  # one more, its memory sampled
        self.generator.write_role(self.root, (self.edits * 7919) % self.args.roles, self.edits)
        figures["edit_rss_single"] = self.command("build", memory=True)["rss_single"]
        return figures

    def load_and_check(self) -> float:
        started = time.process_time()
        pipeline.check(self.root)
        return time.process_time() - started

    def per_role(self) -> dict[str, float]:
        """Returns CPU seconds per role: rendering the role page's template into the document
        model, then each writer, as a build renders each role's page."""
        resources = workers.load_resources(self.root / TEMPLATES_DIR)
        settings = self.project.settings
        assert settings is not None  # pipeline.check raises without them
        renderer = Renderer(
            resources.env, settings, self.project.roles, resources.labels[settings.language]
        )
        writers = {name: cls(resources) for name, cls in WRITERS.items()}
        roles = {role.id: role for role in self.project.roles}
        shared = handbook_context(self.project)

        def render():
            started = time.process_time()
            docs = [
                renderer.render("role.xml.j2", **shared, role=role, roles=RecordedRoles(roles))
                for role in self.project.roles
            ]
            return time.process_time() - started, docs

        docs = render()[1]

        def write(name):
            writer, anchors = writers[name], frozenset(roles)
            started = time.process_time()
            for number, doc in enumerate(docs, start=1):
                if name == jobs.HANDBOOK.writer:  # a role's .docx is its handbook piece
                    writer.assemble([writer.piece(doc, number, anchors)])
                else:
                    writer.write(doc)
            return time.process_time() - started

        runs, n = self.args.runs, len(docs)
        figures = {"render": median_of(runs, lambda: render()[0]) / n}
        for name in WRITERS:
            figures[name] = median_of(runs, lambda name=name: write(name)) / n
        return figures

    def command(self, *args: str, memory: bool = False) -> dict[str, float]:
        """Runs `python -m rolebook.cli ARGS --root <project>`; returns its wall and CPU
        seconds (its worker processes included) and, with `memory`, the peak memory of its
        processes together (rss) and of the largest one (rss_single), in bytes.

        Memory is sampled only when asked: the sampling thread takes CPU time from the
        command it watches, on a machine with few cores enough to slow a short command down.
        """
        argv = [sys.executable, "-m", "rolebook.cli", *args, "--root", str(self.root)]
        if args[0] == "build":
            argv += ["-j", str(self.args.jobs)]
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        watch = MemoryWatch(proc.pid) if memory else None
        assert proc.stdout is not None  # stdout=PIPE
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        if watch is not None:
            watch.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{out.decode()}")
        return {
            "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime,
            "rss": watch.peak if watch else 0,
            "rss_single": watch.peak_single if watch else 0,
        }

    def full_build(self, memory: bool = False) -> dict[str, float]:
        shutil.rmtree(self.root / cache.FOLDER, ignore_errors=True)
        shutil.rmtree(self.root / "output", ignore_errors=True)
        return self.command("build", memory=memory)

    def role_edited(self) -> float:
        self.edits += 1
        self.generator.write_role(self.root, (self.edits * 7919) % self.args.roles, self.edits)
        return self.command("build")["wall"]

    def template_edited(self) -> float:
        self.edits += 1
        path = self.root / TEMPLATES_DIR / "_role.xml.j2"
        original = (self.args.root / TEMPLATES_DIR / "_role.xml.j2").read_text(encoding="utf-8")
        path.write_text(
            original.replace("</section>", f"<p>{self.edits}</p>\n</section>"), encoding="utf-8"
        )
        return self.command("build")["wall"]

    def peers(self) -> dict[str, float]:
        """Returns the peers' CPU seconds per role on the same roles."""
        labels = YAML(typ="safe").load(
            (self.root / TEMPLATES_DIR / "labels.yaml").read_text(encoding="utf-8")
        )
        assert self.project.settings is not None  # pipeline.check raises without them
        labels = labels[self.project.settings.language]
        titles = {role.id: role.title.zh for role in self.project.roles}
        folder = self.work / "pandoc"
        folder.mkdir(exist_ok=True)
        markdown = []
        for role in self.project.roles:
            markdown.append(folder / f"{role.id}.md")
            markdown[-1].write_text(peers.role_markdown(role, titles, labels), encoding="utf-8")
        runs, n = self.args.runs, len(markdown)
        figures = {
            fmt: median_of(runs, lambda fmt=fmt: peers.pandoc_batch(markdown, fmt, folder)) / n
            for fmt in ("docx", "html")
        }
        template = peers.docxtpl_template(
            (self.root / TEMPLATES_DIR / "reference.docx").read_bytes(), labels
        )
        contexts = [peers.docxtpl_context(role, titles, labels) for role in self.project.roles]
        figures["docxtpl"] = (
            median_of(
                runs,
                lambda: sum(peers.docxtpl_render(template, context)[1] for context in contexts),
            )
            / n
        )
        return figures


class MemoryWatch:
    """Samples the memory of a process and its children every 10 ms, in a thread."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.peak_single = pid, 0, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def watch(self) -> None:
        import psutil

        try:
            main = psutil.Process(self.pid)
            while not self.done.is_set():
                sizes = [p.memory_info().rss for p in (main, *main.children(recursive=True))]
                self.peak = max(self.peak, sum(sizes))
                self.peak_single = max(self.peak_single, *sizes)
                self.done.wait(0.01)
        except psutil.Error:  # the process ended between two samples
            pass

    def stop(self) -> None:
        self.done.set()
        self.thread.join()


def cpu_model() -> str:
    """Returns the CPU's model name from /proc/cpuinfo, else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _check(value: float, limit: float) -> str:
    return "met" if value <= limit else f"**not met** ({value / limit:.1f}× the target)"


def table_of_rolebook(f: dict[str, float]) -> str:
    """Returns rolebook's figures as a Markdown table with the targets."""
    docx_role, html_role = f["render"] + f["docx"], f["render"] + f["html"]
    rows = [
        ("load + check, per role (CPU)", f"{f['load+check'] * MS:.2f} ms", "", ""),
        ("`check`, all roles (wall)", f"{f['check']:.2f} s", "≤ 1.5 s", _check(f["check"], 1.5)),
        ("template → document model, per role (CPU)", f"{f['render'] * MS:.2f} ms", "", ""),
        ("HTML per role (CPU: model + HTML writer)", f"{html_role * MS:.2f} ms", "", ""),
        (
            "DOCX per role (CPU: model + Word writer)",
            f"{docx_role * MS:.2f} ms",
            "≤ 10 ms",
            _check(docx_role, 0.010),
        ),
        (
            "full build: per-role docx + html, handbook.docx (wall)",
            f"{f['build_wall']:.2f} s (CPU {f['build_cpu']:.1f} s)",
            "≤ 8 s",
            _check(f["build_wall"], 8),
        ),
        ("no-op rebuild (wall)", f"{f['noop']:.2f} s", "≤ 0.5 s", _check(f["noop"], 0.5)),
        (
            "rebuild, one role edited (wall)",
            f"{f['role_edited']:.2f} s",
            "≤ 1 s",
            _check(f["role_edited"], 1),
        ),
        ("rebuild, a template edited (wall)", f"{f['template_edited']:.2f} s", "", ""),
        *serve_rows(f),
        (
            "peak RSS of the build, all processes (largest one)",
            f"{f['build_rss'] / MIB:.0f} MiB ({f['build_rss_single'] / MIB:.0f} MiB)",
            "≤ 400 MiB",
            _check(f["build_rss"] / MIB, 400),
        ),
    ]
    return _markdown(("figure", "rolebook", "target", ""), rows)


def table_at_scale(f: dict[str, float]) -> str:
    """Returns the command line's figures as a Markdown table, with the targets at 10,000
    roles (issue 15)."""
    rows = [
        (
            "full build (wall)",
            f"{f['build_wall']:.1f} s (CPU {f['build_cpu']:.0f} s)",
            "≤ 80 s",
            _check(f["build_wall"], 80),
        ),
        (
            "peak RSS of any process of the full build (all together)",
            f"{f['build_rss_single'] / MIB:.0f} MiB ({f['build_rss'] / MIB:.0f} MiB)",
            "≤ 1024 MiB",
            _check(f["build_rss_single"] / MIB, 1024),
        ),
        (
            "rebuild, one role edited (wall; its largest process)",
            f"{f['role_edited']:.2f} s ({f['edit_rss_single'] / MIB:.0f} MiB)",
            "≤ 5 s",
            _check(f["role_edited"], 5),
        ),
        ("`check` (wall)", f"{f['check']:.2f} s", "≤ 8 s", _check(f["check"], 8)),
        ("no-op rebuild (wall)", f"{f['noop']:.2f} s", "≤ 1.5 s", _check(f["noop"], 1.5)),
    ]
    return _markdown(("figure", "rolebook", "target", ""), rows)


def serve_rows(f: dict[str, float]) -> list[tuple[str, ...]]:
    """Returns the rows of the live preview's figures, with their targets."""
    return [
        (
            "`serve`: save → page served (wall)",
            f"{f['serve_page'] * MS:.0f} ms",
            "≤ 300 ms",
            _check(f["serve_page"], 0.3),
        ),
        (
            "`serve`: save → handbook.docx updated (wall)",
            f"{f['serve_docx']:.2f} s",
            "≤ 1 s",
            _check(f["serve_docx"], 1),
        ),
    ]


def table_of_peers(f: dict[str, float], p: dict[str, float]) -> str:
    """Returns the peers' figures and rolebook's speed-up as a Markdown table."""
    docx_role, html_role = f["render"] + f["docx"], f["render"] + f["html"]
    rows = [
        (
            f"pandoc {peers.pandoc_version()} md → docx, one `pandoc lua` process",
            f"{p['docx'] * MS:.2f} ms",
            f"{p['docx'] / docx_role:.1f}×",
            "≥ 5×",
            _check(5, p["docx"] / docx_role),
        ),
        (
            f"pandoc {peers.pandoc_version()} md → html, one `pandoc lua` process",
            f"{p['html'] * MS:.2f} ms",
            f"{p['html'] / html_role:.1f}×",
            "",
            "",
        ),
        (
            "docxtpl, autoescape on",
            f"{p['docxtpl'] * MS:.2f} ms",
            f"{p['docxtpl'] / docx_role:.1f}×",
            "≥ 2×",
            _check(2, p["docxtpl"] / docx_role),
        ),
    ]
    return _markdown(("peer, per role (CPU)", "time", "rolebook faster by", "target", ""), rows)


def _markdown(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
