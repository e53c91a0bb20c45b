"""The build: gather and check everything, render every output in memory, then publish.

Nothing is written until every role has been read and checked and every output rendered; then
rolebook/publish.py, the only module that writes files, swaps the new output in.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from rolebook import compare, history, publish
from rolebook import project as project_module
from rolebook.errors import LocatedError
from rolebook.project import TEMPLATES_DIR, Project
from rolebook.render import Renderer, environment
from rolebook.writers import WRITERS, Resources

STATIC_FILES = {"html/style.css": "style.css", "html/search.js": "search.js"}
ROLE_FORMATS = ("docx", "html")  # the writers that write one file per role


@dataclass(frozen=True)
class Target:
    """One output file: which template renders it, with what, and which writer writes it."""

    path: str
    writer: str
    template: str
    context: tuple = ()


def check(root: Path) -> Project:
    """Returns the loaded project; raises CheckFailed if any file has an error."""
    project = project_module.load(root)
    project.raise_for_errors()
    return project


def build(root: Path, output: Path, lang: str | None = None) -> tuple[Project, dict[str, bytes]]:
    """Checks the project, renders every target (in `lang`, if given, instead of the
    handbook's language) and replaces `output` with the result."""
    project = check(root)
    if lang:
        project.settings = dataclasses.replace(project.settings, language=lang)
    files = render_all(project)
    publish.replace_folder(output, files)
    return project, files


def plan(project: Project) -> list[Target]:
    """Returns every output file of the handbook, in a fixed order."""
    targets = []
    for role in project.roles:
        for fmt in ROLE_FORMATS:
            targets.append(Target(f"{fmt}/{role.id}.{fmt}", fmt, "role.xml.j2", (("role", role),)))
    targets.append(Target("docx/handbook.docx", "docx", "handbook.xml.j2"))
    targets.append(Target("html/index.html", "html", "index.xml.j2"))
    targets.append(Target("html/search-index.js", "search", "search.xml.j2"))
    return targets


def render_all(project: Project) -> dict[str, bytes]:
    """Returns every output file's bytes, keyed by its path under output/."""
    templates = project.root / TEMPLATES_DIR
    resources = load_resources(templates)
    renderer = Renderer(resources.env, project.settings, project.roles,
                        resources.labels[project.settings.language])
    writers = {name: cls(resources) for name, cls in WRITERS.items()}
    shared = handbook_context(project)
    files = {}
    for target in plan(project):
        doc = renderer.render(target.template, **shared, **dict(target.context))
        files[target.path] = writers[target.writer].write(doc)
    for path, source in STATIC_FILES.items():
        files[path] = _read(templates / source)
    files.update(compare.pages(project, resources.env, renderer.labels, shared["changes"]))
    return files


def handbook_context(project: Project) -> dict:
    """Returns what the handbook and index templates need: roles ordered by department."""
    ordered = sorted(project.roles, key=lambda r: (r.department, r.document_control.number))
    departments = [(d, list(rs)) for d, rs in itertools.groupby(ordered, lambda r: r.department)]
    return {"ordered_roles": ordered, "departments": departments,
            "changes": history.previous_versions(project)}


def load_resources(templates: Path) -> Resources:
    """Returns the writers' resources read from the templates folder."""
    labels = YAML(typ="safe").load(_read(templates / "labels.yaml"))
    reference = _read(templates / "reference.docx")
    return Resources(environment(templates), labels, reference)


def _read(path: Path) -> bytes:
    """Returns the bytes of a file under templates/; a missing one is the user's error."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LocatedError(f"{TEMPLATES_DIR}/{path.name}", None,
                           f"cannot read it ({exc.strerror}); restore it from git") from None
