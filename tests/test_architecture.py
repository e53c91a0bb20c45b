"""The layout's rules, read from the source: imports point one way, only commands print or exit,
writers touch no file, the model knows no YAML nor output format, every module says what it owns.

Imports are read with `ast` from every module, those inside functions too (the lazy imports that
keep `check` fast are imports all the same).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "rolebook"

# What each part of rolebook may import besides itself: commands → build → render / check / load
# → model, and output → model; util serves all and knows none. The benchmark and the command
# line sit on top.
BELOW = {
    "util": set(),
    "model": {"util"},
    "load": {"model", "util"},
    "check": {"load", "model", "util"},
    "render": {"load", "model", "util"},
    "output": {"model", "util"},
    "build": {"check", "render", "load", "output", "model", "util"},
    "commands": {"build", "check", "render", "load", "output", "model", "util"},
    "cli": {"commands", "model"},
    "bench": {"build", "check", "render", "load", "output", "model", "util"},
}
# Modules that talk to the terminal and choose exit codes.
TALKERS = {"cli", "commands", "bench"}
# A worker process whose build is already gone ends itself there: it is not the library
# ending the user's command.
WORKER_EXIT = ("util/parallel.py", "os._exit")
# Third-party and standard modules the model must not know: YAML and the output formats.
FOREIGN_TO_MODEL = {"ruamel", "yaml", "jinja2", "markupsafe", "docx", "lxml", "markdown", "html"}
# Calls that read or write files, which writers leave to the build and to publishing.
FILE_CALLS = {
    "open",
    "read_bytes",
    "read_text",
    "write_bytes",
    "write_text",
    "mkdir",
    "unlink",
    "rmtree",
    "mkstemp",
    "scandir",
    "listdir",
    "iterdir",
}


def modules() -> list[Path]:
    """Returns every module of rolebook."""
    return sorted(PACKAGE.rglob("*.py"))


def part_of(path: Path) -> str:
    """Returns the part (subpackage, or cli) that the module at `path` belongs to."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported(path: Path) -> list[tuple[int, str]]:
    """Returns each module that `path` imports, absolute, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            found += [
                (node.lineno, name)
                for name in (names if node.module == "rolebook" else [node.module])
            ]
    return found


def rolebook_part(module: str) -> str | None:
    """Returns the part of rolebook that an imported module name is in, None outside it and for
    the package itself (its version)."""
    parts = module.split(".")
    if parts[0] != "rolebook" or len(parts) == 1 or parts[1] == "__version__":
        return None
    return parts[1]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_imports_point_one_way(path: Path):
    part = part_of(path)
    if part == "__init__":
        return
    wrong = [
        f"line {line}: {module}"
        for line, module in imported(path)
        if (other := rolebook_part(module)) not in (None, part) and other not in BELOW[part]
    ]
    assert not wrong, f"{part} may import only {sorted(BELOW[part])}: {wrong}"


def test_the_import_rule_catches_an_import_that_runs_the_wrong_way(tmp_path):
    # The rule above must be able to fail: a model module importing the build is caught.
    bad = tmp_path / "bad.py"
    bad.write_text("from rolebook.build import pipeline\nimport rolebook.load.files\n")
    found = [rolebook_part(m) for _, m in imported(bad)]
    assert found == ["build", "load"]
    assert not {"build", "load"} <= BELOW["model"]


def test_every_part_of_the_package_is_in_the_rules():
    parts = {part_of(p) for p in modules()} - {"__init__"}
    assert parts == set(BELOW)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_only_commands_print_or_exit(path: Path):
    if part_of(path) in TALKERS:
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    names = {ast.unparse(call.func) for call in calls}
    if path.relative_to(PACKAGE).as_posix() == WORKER_EXIT[0]:
        names.discard(WORKER_EXIT[1])
    assert not names & {"print", "sys.exit", "exit", "quit", "os._exit"}, names


def test_the_model_knows_neither_yaml_nor_an_output_format():
    for path in (PACKAGE / "model").rglob("*.py"):
        tops = {module.split(".")[0] for _, module in imported(path)}
        assert not tops & FOREIGN_TO_MODEL, (path.name, tops & FOREIGN_TO_MODEL)


def test_writers_touch_no_file():
    for path in (PACKAGE / "output" / "writers").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        called = {
            node.func.attr if isinstance(node.func, ast.Attribute) else ast.unparse(node.func)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
        }
        assert not called & FILE_CALLS, (path.name, called & FILE_CALLS)
        assert not {m for _, m in imported(path)} & {"os", "shutil", "tempfile", "pathlib"}


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_module_starts_with_a_docstring_saying_what_it_owns(path: Path):
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring and len(docstring) > 20, path


def test_no_function_is_over_40_lines():
    # Short functions that say what they do (python-docx's anchor): a longer one hides a step.
    long = [
        f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1})"
        for path in modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or 0) - node.lineno + 1 > 40
    ]
    assert not long, long
