"""Rendering: every output file of a checked project, in memory, as jobs.

A job is one template rendered into one document, which one or more writers turn into files
and pieces of assembled files (the handbook, the search index: see writers/base.py). The jobs
run in worker processes, and their files are kept in the build cache (rolebook/cache.py), so
that a rebuild renders only the jobs whose inputs changed. Nothing here writes the output:
rolebook/pipeline.py publishes what this returns.
"""

from __future__ import annotations

import functools
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
import jinja2
from lxml import etree
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from rolebook import cache as cache_module
from rolebook import compare, history, parallel
from rolebook.errors import LocatedError
from rolebook.project import TEMPLATES_DIR, Project
from rolebook.reader import syntax_error
from rolebook.render import RecordedRoles, Renderer, environment, handbook_status, template_error
from rolebook.schema import Role
from rolebook.writers import WRITERS, Resources

STATIC_FILES = {"html/style.css": "style.css", "html/search.js": "search.js"}
ROLE_FORMATS = ("docx", "html")  # the writers that write one file per role
PIECE = "piece:"  # a job's files under this prefix are pieces of an assembled file


@dataclass(frozen=True)
class Assembled:
    """A file made of many documents by a writer that writes it in pieces (see
    writers/base.py): the piece of its own template, if any, then the pieces of the jobs
    that write one, in the order of their numbers."""

    path: str
    writer: str
    template: str | None = None


HANDBOOK = Assembled("docx/handbook.docx", "docx", "handbook.xml.j2")
SEARCH_INDEX = Assembled("html/search-index.js", "search")
ASSEMBLED = (HANDBOOK, SEARCH_INDEX)


@dataclass(frozen=True)
class Job:
    """One document rendered from a template, the output files its writers make of it, and
    the pieces of assembled files it writes, numbered `number` (0 for an assembled file's own
    template; then each department's title page and its roles, in the handbook's order).

    An output file whose writer also writes a piece of this job is that piece alone,
    assembled: a role's .docx is its section of the handbook.
    """

    template: str
    outputs: tuple[tuple[str, str], ...]  # (path under output/, writer name)
    role: Role | None = None  # the role of a role's own page; None for the whole handbook's
    pieces: tuple[Assembled, ...] = ()
    number: int = 0
    department: int = 0  # the department (1, 2…) of a department's title page


@dataclass
class Rendered:
    """Every output file's bytes, keyed by path under output/, and which were rendered anew;
    and the pieces of the assembled files, by path and number."""

    files: dict[str, bytes] = field(default_factory=dict)
    fresh: list[str] = field(default_factory=list)
    pieces: dict[str, dict[int, bytes]] = field(default_factory=dict)
    fresh_pieces: set[str] = field(default_factory=set)

    def add(self, job: Job, files: dict[str, bytes], fresh: bool) -> None:
        """Adds the files and pieces of a job, rendered anew or not."""
        for path, data in files.items():
            if path.startswith(PIECE):
                self.pieces.setdefault(path.removeprefix(PIECE), {})[job.number] = data
                if fresh:
                    self.fresh_pieces.add(path.removeprefix(PIECE))
            else:
                self.files[path] = data
                if fresh:
                    self.fresh.append(path)


def plan(project: Project) -> list[Job]:
    """Returns every job of the handbook, the longest first, so that workers finish together."""
    jobs = [Job(a.template, (), pieces=(a,)) for a in ASSEMBLED if a.template]
    jobs.append(Job("index.xml.j2", (("html/index.html", "html"),)))
    number = itertools.count(1)
    for department, (_, members) in enumerate(handbook_departments(project.roles), start=1):
        jobs.append(Job("handbook_department.xml.j2", (), None, (HANDBOOK,), next(number),
                        department))
        for role in members:
            outputs = tuple((f"{fmt}/{role.id}.{fmt}", fmt) for fmt in ROLE_FORMATS)
            jobs.append(Job("role.xml.j2", outputs, role, ASSEMBLED, next(number)))
    return jobs


def render_all(project: Project, workers: int = 1,
               cache: cache_module.Cache | None = None) -> Rendered:
    """Returns every output file's bytes: from the cache where still valid, else rendered."""
    templates = project.root / TEMPLATES_DIR
    rendered = Rendered({path: _read(templates / source)
                         for path, source in STATIC_FILES.items()})
    runner = _Runner(project, handbook_context(project))  # reports a broken template from here
    keys = _job_keys(project, runner.shared) if cache is not None else None
    read_now = _current_reads(project)
    todo = []
    for job in plan(project):
        files = cache.get(keys(job), read_now) if cache is not None else None
        if files is None:
            todo.append(job)
        else:
            rendered.add(job, files, fresh=False)
    for job, files, reads in _run(runner, todo, workers):
        rendered.add(job, files, fresh=True)
        if cache is not None:
            cache.put(keys(job), [(i, f, read_now(i, f)) for i, f in reads], files)
    for assembled in ASSEMBLED:
        pieces = rendered.pieces.get(assembled.path, {})
        writer = runner.writers[assembled.writer]
        rendered.files[assembled.path] = writer.assemble([pieces[n] for n in sorted(pieces)])
        if assembled.path in rendered.fresh_pieces:
            rendered.fresh.append(assembled.path)
    changes = compare.pages(project, runner.resources.env, runner.renderer.labels,
                            runner.shared["changes"])
    rendered.files.update(changes)
    rendered.fresh += changes
    return rendered


def _job_keys(project: Project, shared: dict):
    """Returns a function giving a job's cache key: the digest of all it depends on, but for
    what its template reads of other roles through `roles`.

    Every HTML page carries the navigation and a role's page links to its neighbours, so a
    role's page also depends on every role's id, department, number and titles (the `site`).
    The templates of the whole handbook (its front matter, the index) see every role, through
    `ordered_roles` and `departments` too: they depend on the site, the changes pages, and on
    the fields their templates read, which are recorded as a role page's are.
    """
    common = cache_module.digest(cache_module.tool_digest(), repr(project.settings),
                                 cache_module.folder_digest(project.root / TEMPLATES_DIR),
                                 handbook_status(project.roles))
    roles = {role.id: cache_module.digest(repr(role)) for role in project.roles}
    changes = repr(sorted(shared["changes"].items()))
    site = cache_module.digest(*(repr((r.id, r.department, r.document_control.number, r.title))
                                 for r in shared["ordered_roles"]))

    def key(job: Job) -> str:
        made = repr((job.template, job.outputs, job.pieces, job.number, job.department))
        if job.role is None:
            return cache_module.digest(common, made, site, changes)
        return cache_module.digest(common, made, site, roles[job.role.id],
                                   repr(job.role.id in shared["changes"]))
    return key


def _current_reads(project: Project):
    """Returns a function giving the digest of one read of other roles, as the roles are now."""
    roles = {role.id: role for role in project.roles}

    @functools.cache
    def read_now(role_id: str, field_name: str) -> str:
        return cache_module.digest(RecordedRoles.value(roles, role_id, field_name))
    return read_now


class _Runner:
    """Renders jobs of one project with the context `shared` by every template; one per
    process that renders."""

    def __init__(self, project: Project, shared: dict):
        templates = project.root / TEMPLATES_DIR
        self.resources = load_resources(templates)
        language = project.settings.language
        if language not in self.resources.labels:
            raise LocatedError(f"{TEMPLATES_DIR}/labels.yaml", None, f"no labels for the "
                               f"language '{language}' of handbook.yaml; add a '{language}:' "
                               "section")
        self.roles = {role.id: role for role in project.roles}
        self.anchors = frozenset(self.roles)  # a link to a role goes to its section
        self.renderer = Renderer(self.resources.env, project.settings, project.roles,
                                 self.resources.labels[language])
        try:
            self.writers = {name: cls(self.resources) for name, cls in WRITERS.items()}
        except jinja2.TemplateError as exc:  # a writer's own template, such as page.html.j2
            raise template_error(exc, getattr(exc, "name", None) or "", templates) from None
        self.shared = shared

    def run(self, job: Job) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
        """Returns the job's files (its pieces under PIECE) and what its templates read of
        other roles."""
        roles = RecordedRoles(self.roles)
        context = {**self.shared, "roles": roles, **({"role": job.role} if job.role else
                                                     self.recorded_lists(roles))}
        if job.department:
            context["department"] = job.department
        doc = self.renderer.render(job.template, **context)
        anchors = self.anchors.union(s.anchor for s in doc.sections)
        pieces = {a.writer: self.writers[a.writer].piece(doc, job.number, anchors)
                  for a in job.pieces}
        files = {PIECE + a.path: pieces[a.writer] for a in job.pieces}
        for path, name in job.outputs:
            writer = self.writers[name]
            files[path] = writer.assemble([pieces[name]]) if name in pieces \
                else writer.write(doc)
        return files, sorted(roles.reads)

    def recorded_lists(self, roles: RecordedRoles) -> dict:
        """Returns the handbook's lists of roles with each role read through `roles`."""
        return {"ordered_roles": [roles[r.id] for r in self.shared["ordered_roles"]],
                "departments": [(d, [roles[r.id] for r in members])
                                for d, members in self.shared["departments"]]}


_runner: _Runner | None = None  # the jobs' renderer in this process


def _start_runner(runner: _Runner | None) -> None:
    global _runner
    _runner = runner


def _run_job(job: Job):
    return _runner.run(job)


def _run(runner: _Runner, jobs: list[Job], workers: int) -> Iterator[tuple[Job, dict, list]]:
    """Yields each job with its files and reads, rendered by up to `workers` processes."""
    try:
        results = parallel.map_in_order(_run_job, jobs, workers, initializer=_start_runner,
                                        initargs=(runner,))
        for job, (files, reads) in zip(jobs, results, strict=True):
            yield job, files, reads
    finally:
        _start_runner(None)


def handbook_context(project: Project) -> dict:
    """Returns what the templates need of the whole handbook: roles ordered by department,
    and where each role stands."""
    departments = handbook_departments(project.roles)
    ordered = [role for _, members in departments for role in members]
    # Where each role stands: its department (1, 2…) and its place in it (0, 1…).
    positions = {role.id: (d, k) for d, (_, members) in enumerate(departments, start=1)
                 for k, role in enumerate(members)}
    return {"ordered_roles": ordered, "departments": departments, "positions": positions,
            "changes": history.previous_versions(project)}


def handbook_departments(roles: list[Role]) -> list[tuple[str, list[Role]]]:
    """Returns the departments in the handbook's order, each with its roles in order."""
    ordered = sorted(roles, key=lambda r: (r.department, r.document_control.number))
    return [(d, list(rs)) for d, rs in itertools.groupby(ordered, lambda r: r.department)]


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
