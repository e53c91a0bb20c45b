"""The search benchmark: `python -m rolebook.bench --search --roles 10000` (Chromium and
Playwright, as the browser tests use them).

Generates --roles roles (see generate.py), renders each role's page into the document model and
writes its piece of the search index, as a build does, and assembles html/search-index.js,
without the rest of a build. Then, in Debian's headless Chromium opened on a role's page from
disk (file://, as a reader may open the handbook), it measures:

- the index's size, raw and gzip-compressed (what a web server would send);
- how long the page takes to load with the index (the script parsed, before any query);
- how long focusing the search box takes (it joins the texts once, in lower case);
- the first result: from a query typed (an input event) to its results on the screen (the
  next frame painted), for the first query of the page and the median of the queries after it.

The generated roles vary three sample roles, so they share many lines; the index stores each
distinct text once, so it says how many texts it holds; and the benchmark measures again the
same index with every line made a text of its own: a handbook whose roles share no line.
"""

from __future__ import annotations

import gzip
import json
import shutil
import statistics
import time
from pathlib import Path

from rolebook.bench.generate import Generator
from rolebook.build import jobs, pipeline, workers
from rolebook.load.files import TEMPLATES_DIR
from rolebook.output.writers.html import HtmlWriter
from rolebook.output.writers.search import SearchWriter
from rolebook.render.templating import RecordedRoles, Renderer, handbook_context

MIB = 1024 * 1024
TARGET_SIZE, TARGET_MS = 5 * MIB, 100
# The reader focuses the search box (which prepares the texts): ms.
FOCUS = """() => {
  const t0 = performance.now();
  document.getElementById("search-input").focus();
  return performance.now() - t0;
}"""
# A query types into the page's search box and waits for the next frame painted after the
# results are in the list: [ms to the results in the list, ms to the frame].
QUERY = """async (q) => {
  const input = document.getElementById("search-input");
  input.focus();
  input.value = "";
  input.dispatchEvent(new Event("input"));
  const t0 = performance.now();
  input.value = q;
  input.dispatchEvent(new Event("input"));
  const listed = performance.now() - t0;
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  const hits = document.querySelectorAll("#search-results a.hit").length;
  return [listed, performance.now() - t0, hits];
}"""


def write_site(samples: Path, n: int, folder: Path) -> dict[str, float]:
    """Generates `n` roles under `folder`/project and writes `folder`/html: the search index of
    all, one role's page, search.js; returns the seconds each step took and the index's make."""
    root = folder / "project"
    shutil.rmtree(root, ignore_errors=True)
    started = time.perf_counter()
    Generator(samples, n).write_project(root)
    project = pipeline.check(root)
    checked = time.perf_counter()
    resources = workers.load_resources(root / TEMPLATES_DIR)
    settings = project.settings
    assert settings is not None  # pipeline.check raises without them
    labels = resources.labels[settings.language]
    renderer = Renderer(resources.env, settings, project.roles, labels)
    shared, roles = handbook_context(project), {role.id: role for role in project.roles}
    writer, pieces = SearchWriter(resources), []
    for number, role in enumerate(project.roles, start=1):
        doc = renderer.render("role.xml.j2", **shared, role=role, roles=RecordedRoles(roles))
        pieces.append(writer.piece(doc, number, frozenset(roles)))
        if number == 1:
            first = HtmlWriter(resources).write(doc)
    html = folder / "html"
    html.mkdir(parents=True, exist_ok=True)
    (html / "search-index.js").write_bytes(writer.assemble(pieces))
    (html / "role.html").write_bytes(first)
    for name in ("search.js", "style.css"):
        shutil.copy(root / TEMPLATES_DIR / name, html / name)
    return {"generate+check": checked - started, "index": time.perf_counter() - checked}


def measure(samples: Path, n: int, folder: Path, runs: int) -> dict:
    """Returns the figures of the search over `n` generated roles (see the module's doc): of
    their index ("shared"), and of the same index with no line shared by two roles ("distinct")."""
    figures: dict = write_site(samples, n, folder)
    html, worst = folder / "html", folder / "html-distinct"
    worst.mkdir(exist_ok=True)
    for name in ("role.html", "search.js", "style.css"):
        shutil.copy(html / name, worst / name)
    index = jobs.SEARCH_INDEX.path.split("/")[-1]
    (worst / index).write_bytes(distinct((html / index).read_bytes()))
    for key, folder_ in (("shared", html), ("distinct", worst)):
        data = (folder_ / index).read_bytes()
        figures[key] = {"raw": len(data), "gzip": len(gzip.compress(data, 9))}
        figures[key].update(browser(folder_ / "role.html", max(runs, 5)))
    return figures


def distinct(script: bytes) -> bytes:
    """Returns the search index `script` with every line of every role a text of its own (the
    role's number inserted in its middle): the index of a handbook whose roles share no line."""
    prefix, data = script.split(b"= ", 1)
    index = json.loads(data.rstrip(b";\n"))
    texts, own = index["texts"], []
    for r, role in enumerate(index["roles"]):
        lines = role[3]
        for k in range(2, len(lines), 3):
            text = texts[lines[k]]
            own.append(f"{text[: len(text) // 2]}{r}{text[len(text) // 2 :]}")
            lines[k] = len(own) - 1
    index["texts"] = own
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    return prefix + b"= " + text.encode() + b";\n"


def browser(page_path: Path, queries: int) -> dict:
    """Returns the page's load time, the suggested word and the latency of queries (ms)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = chromium.new_page()
            started = time.perf_counter()
            page.goto(page_path.as_uri(), wait_until="load")
            loaded = time.perf_counter() - started
            focus = page.evaluate(FOCUS)
            info = page.evaluate(
                "() => ({suggest: window.ROLEBOOK_SEARCH.suggest, "
                "texts: window.ROLEBOOK_SEARCH.texts.length})"
            )
            words = [info["suggest"], "交易", "客户投诉", "保密原则", "专员", "汇报", "specialist"]
            timed = [page.evaluate(QUERY, words[k % len(words)]) for k in range(queries + 1)]
        finally:
            chromium.close()
    return {
        "load": loaded,
        "focus": focus,
        "suggest": info["suggest"],
        "texts": info["texts"],
        "first_query": timed[0][1],
        "warm": statistics.median(t[1] for t in timed[1:]),
        "warm_listed": statistics.median(t[0] for t in timed[1:]),
        "slowest": max(t[1] for t in timed),
        "hits": timed[0][2],
    }


def table(f: dict, n: int) -> str:
    """Returns the search figures as a Markdown table with the targets."""
    lines = [
        f"search over {n:,} roles, in Chromium from disk; beside it, the same index with no line"
        " shared by two roles (the worst case)",
        "",
        "| figure | generated roles | no line shared | target | |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {' | '.join(row)} |" for row in _rows(f["shared"], f["distinct"])]
    lines.append(
        f"| generate + check; render and index every role | {f['generate+check']:.0f} s;"
        f" {f['index']:.0f} s | | | |"
    )
    return "\n".join(lines)


def check(value: float, limit: float) -> str:
    """Returns "met", or how far from its target a figure is."""
    return "met" if value <= limit else f"**not met** ({value / limit:.1f}× the target)"


def _rows(a: dict, b: dict) -> list[tuple[str, ...]]:
    """Returns the table's rows: figure, its result on `a` and on `b`, target, met (on a)."""
    return [
        (
            "index, gzip-compressed (raw)",
            _size(a),
            _size(b),
            "≤ 5 MB",
            check(a["gzip"], TARGET_SIZE),
        ),
        (
            "page load with the index (file://)",
            *(f"{f['load'] * 1000:.0f} ms" for f in (a, b)),
            "",
            "",
        ),
        ("search box focused: texts joined", *(f"{f['focus']:.0f} ms" for f in (a, b)), "", ""),
        (
            f"first result, first query ('{a['suggest']}', {a['hits']} lines shown)",
            *(f"{f['first_query']:.0f} ms" for f in (a, b)),
            "≤ 100 ms",
            check(a["first_query"], TARGET_MS),
        ),
        (
            "first result, later queries: median (slowest)",
            _later(a),
            _later(b),
            "≤ 100 ms",
            check(a["warm"], TARGET_MS),
        ),
    ]


def _size(f: dict) -> str:
    return f"{f['gzip'] / MIB:.2f} MiB ({f['raw'] / MIB:.1f} MiB, {f['texts']:,} texts)"


def _later(f: dict) -> str:
    return f"{f['warm']:.0f} ms ({f['slowest']:.0f} ms)"
