"""The build: gather and check everything, render every output in memory, then publish.

Nothing is written until every role has been read and checked and every output rendered; then
rolebook/publish.py, the only module that writes files, swaps the new output in.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
import jinja2
from lxml import etree
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from rolebook import compare, history, publish
from rolebook import project as project_module
from rolebook.errors import LocatedError
from rolebook.project import TEMPLATES_DIR, Project
from rolebook.reader import syntax_error
from rolebook.render import Renderer, environment, template_error
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


def build(root: Path, output: Path, lang: str | None = None,
          on_wait: Callable[[], None] | None = None) -> tuple[Project, dict[str, bytes]]:
    """Checks the project, renders every target and replaces `output` with the result.

    `lang`, if given, replaces the handbook's language; `on_wait` is called if another build
    is publishing to the same place and this one waits.
    """
    project = check(root)
    if lang:
        project.settings = dataclasses.replace(project.settings, language=lang)
    files = render_all(project)
    publish.replace_folder(output, files, project_module.sources(root), on_wait)
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
    language = project.settings.language
    if language not in resources.labels:
        raise LocatedError(f"{TEMPLATES_DIR}/labels.yaml", None, f"no labels for the language "
                           f"'{language}' of handbook.yaml; add a '{language}:' section")
    renderer = Renderer(resources.env, project.settings, project.roles, resources.labels[language])
    try:
        writers = {name: cls(resources) for name, cls in WRITERS.items()}
    except jinja2.TemplateError as exc:  # a writer's own template, such as page.html.j2
        raise template_error(exc, getattr(exc, "name", None) or "", templates) from None
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
    labels = _labels(templates / "labels.yaml")
    reference = _word_document(templates / "reference.docx")
    return Resources(environment(templates), labels, reference)


def _labels(path: Path) -> dict:
    """Returns labels.yaml: a mapping of each language to its labels."""
    name = f"{TEMPLATES_DIR}/{path.name}"
    try:
        labels = YAML(typ="safe").load(_read(path))
    except MarkedYAMLError as exc:
        (line, _), message = syntax_error(exc, [])
        raise LocatedError(name, line, message) from None
    except YAMLError:
        raise LocatedError(name, None, "is not YAML text; restore it from git") from None
    if not isinstance(labels, dict) or not all(isinstance(v, dict) for v in labels.values()):
        raise LocatedError(name, None, "must map each language (zh-CN:, en:) to its labels; "
                           "restore it from git")
    return labels


def _word_document(path: Path) -> bytes:
    """Returns the bytes of a .docx file that every part of can be read, else LocatedError."""
    data = _read(path)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for name in package.namelist():
                part = package.read(name)  # checks the part's checksum
                if name.endswith((".xml", ".rels")):
                    etree.fromstring(part, _XML)
        docx.Document(io.BytesIO(data))
    # A damaged package fails in many ways (zipfile, zlib, lxml, python-docx): all mean the same.
    except Exception:  # noqa: BLE001
        raise LocatedError(f"{TEMPLATES_DIR}/{path.name}", None, "is not a readable Word "
                           "document; restore it from git, or open it in Word and save it "
                           "again as .docx") from None
    return data


_XML = etree.XMLParser(resolve_entities=False, no_network=True)


def _read(path: Path) -> bytes:
    """Returns the bytes of a file under templates/; a missing one is the user's error."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LocatedError(f"{TEMPLATES_DIR}/{path.name}", None,
                           f"cannot read it ({exc.strerror}); restore it from git") from None
