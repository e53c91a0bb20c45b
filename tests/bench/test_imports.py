"""The import benchmark: its Word job descriptions, in every layout, import back, and a run with
a few files prints its figures (no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO

from rolebook.bench.generate import Generator
from rolebook.bench.wordjd import LAYOUTS, document, role_parts
from rolebook.load.importers.source import roles_of


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_layout_imports_back_to_the_role(layout):
    role = Generator(REPO, 3).role(1)  # a generated department manager
    data = document(role_parts(role, layout))
    assert data == document(role_parts(role, layout))  # the same parts, the same bytes
    (found,) = roles_of(f"{layout}.docx", data)
    title = role["title"]["en" if layout == "bullets" else "zh"]
    assert title in found.title.values()
    assert found.values["duties"] == role["duties"]
    if layout != "rows":  # that layout leaves the department's qualifications out
        assert found.values["qualifications"]["skills"] == role["qualifications"]["skills"]


@pytest.mark.external
def test_the_import_benchmark_prints_its_figures(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "rolebook.bench", "--imports", "4", "--runs", "1", "--root", REPO],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert "| `import` of all of them, per .docx (CPU) |" in run.stdout
    assert "| duties given back word for word | " in run.stdout
