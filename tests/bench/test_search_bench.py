"""The search benchmark on a few generated roles: it writes the index and a page that searches
it, and prints every figure beside its target (no timing is asserted)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import REPO

pytestmark = pytest.mark.external  # Chromium (Playwright), a fresh process


def test_the_search_benchmark_prints_size_and_latency_beside_their_targets(tmp_path):
    argv = [sys.executable, "-m", "rolebook.bench", "--search", "--roles", "12", "--runs", "1"]
    run = subprocess.run(
        [*argv, "--root", str(REPO), "--keep", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "search over 12 roles, in Chromium from disk" in run.stdout
    size = r"[\d.]+ MiB \([\d.]+ MiB, [\d,]+ texts\)"
    assert re.search(
        rf"\| index, gzip-compressed \(raw\) \| {size} \| {size} \| ≤ 5 MB \| met \|", run.stdout
    )
    for row in ("first result, first query", "first result, later queries"):
        assert re.search(
            rf"\| {re.escape(row)}[^|]* \| \d+ ms.* \| \d+ ms.* \| ≤ 100 ms \|", run.stdout
        ), row
    index = (tmp_path / "html" / "search-index.js").read_text(encoding="utf-8")
    assert index.startswith("window.ROLEBOOK_SEARCH = ") and "-00012.html" in index
    # The worst case's index: as many texts as lines.
    worst = (tmp_path / "html-distinct" / "search-index.js").read_text(encoding="utf-8")
    assert len(worst) > len(index)
