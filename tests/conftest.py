"""Shared fixtures: a fresh copy of the sample project (also as a git repository), and running
the CLI on it."""

from __future__ import annotations

import gc
import shutil
from dataclasses import dataclass
from pathlib import Path

import clients
import pytest

from rolebook.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def collector_on():
    """Turns Python's cycle collector back on after each test: `build` turns it off for the
    rest of its process, which a command-line build ends with, and tests run it in theirs."""
    yield
    gc.enable()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Returns a copy of the sample handbook project (settings, roles, templates)."""
    root = tmp_path / "handbook"
    root.mkdir()
    shutil.copy(REPO / "handbook.yaml", root)
    shutil.copytree(REPO / "roles", root / "roles")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "library", root / "library")
    shutil.copy(REPO / "pay_bands.yaml", root)
    return root


@pytest.fixture
def translated(project: Path) -> Path:
    """Returns a copy of the sample project with its translations (translations/en/)."""
    shutil.copytree(REPO / "translations", project / "translations")
    return project


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """Returns a function running `rolebook ARGS…` in-process, giving its exit code and output."""

    def run(*args: str) -> Result:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Returns the output folder of one build of the sample project (shared, read-only)."""
    out = tmp_path_factory.mktemp("built") / "output"
    # No cache: the tests leave nothing in the repository, and each session renders afresh.
    assert main(["build", "--root", str(REPO), "--output", str(out), "--no-cache"]) == 0
    return out


def edit(path: Path, old: str, new: str) -> None:
    """Replaces the first `old` in the file at `path` with `new`; fails if it is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def handbook_numbers(roles) -> dict[str, tuple[int, int]]:
    """Returns each role's number in the handbook, (department, role): departments from 2 (1 is
    the org chart), in the order of their names, roles by document number."""
    ordered = sorted(roles, key=lambda r: (r.department, r.document_control.number))
    departments = list(dict.fromkeys(r.department for r in ordered))
    out: dict[str, tuple[int, int]] = {}
    seen: dict[str, int] = {}
    for role in ordered:
        seen[role.department] = seen.get(role.department, 0) + 1
        out[role.id] = (departments.index(role.department) + 2, seen[role.department])
    return out


@pytest.fixture(scope="session")
def browser():
    """Yields Debian's headless Chromium through Playwright, one for every browser test."""
    with clients.chromium() as running:
        yield running
