"""The live preview, measured as HR lives it: `serve` running on the generated project, a role
saved, and how long until the browser gets the new page and until handbook.docx is new.

`serve` runs in a fresh process (`python -m rolebook.cli serve --port 0`); once it serves, each
run saves one role (a new summary, as an HR edit) and then polls, every 5 ms: the role's page
over HTTP until it shows the new summary, and the handbook's file in output/ until it is
replaced. The times are from the end of the save.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from rolebook.build import cache

POLL = 0.005  # seconds between two polls
TIMEOUT = 120.0  # seconds for serve to start (it builds first) or for a save to show


def figures(bench) -> dict[str, float]:
    """Returns the median seconds, over the bench's runs, from a save to the page served
    (serve_page) and to handbook.docx replaced in output/ (serve_docx)."""
    argv = [sys.executable, "-m", "rolebook.cli", "serve", "--root", str(bench.root)]
    argv += ["--port", "0"]
    server = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = _started(server)
        runs = [_one_save(bench, base) for _ in range(bench.args.runs)]
    finally:
        server.terminate()
        server.wait()
    return {
        "serve_page": statistics.median(page for page, _ in runs),
        "serve_docx": statistics.median(docx for _, docx in runs),
    }


def _started(server: subprocess.Popen) -> str:
    """Returns the base URL once `server` says it serves."""
    assert server.stdout is not None  # stdout=PIPE
    for line in server.stdout:
        found = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
        if found:
            return found.group(1)
    raise RuntimeError("serve stopped before serving")


def _one_save(bench, base: str) -> tuple[float, float]:
    """Saves one role; returns the seconds until its page is served and handbook.docx is new."""
    bench.edits += 1
    i = (bench.edits * 7919) % bench.args.roles
    handbook = bench.root / "output" / "docx" / "handbook.docx"
    index = bench.root / cache.FOLDER / "index.json"  # saved last: then serve is idle again
    before, index_before = _identity(handbook), _identity(index)
    path = bench.generator.write_role(bench.root, i, bench.edits)
    saved = time.perf_counter()
    url = f"{base}html/{path.stem}.html"
    mark = f"第{bench.edits}次修订".encode()
    page = _until(lambda: mark in _get(url), saved)
    docx = _until(lambda: _identity(handbook) != before, saved)
    _until(lambda: _identity(index) != index_before, saved)
    return page, docx


def _until(condition, since: float) -> float:
    """Returns the seconds from `since` until `condition()` holds, polling every POLL s."""
    while not condition():
        if time.perf_counter() - since > TIMEOUT:
            raise RuntimeError("serve did not show the save")
        time.sleep(POLL)
    return time.perf_counter() - since


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        return response.read()


def _identity(path: Path) -> tuple[int, int]:
    """Returns the file's inode and modification time: publishing replaces the file."""
    try:
        info = os.stat(path)
    except OSError:
        return (0, 0)
    return info.st_ino, info.st_mtime_ns
