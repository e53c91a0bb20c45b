"""Jobs: the plan of a build's output, and the cache key of each part of it.

A job is one template rendered into one document, which one or more writers turn into files
and pieces of assembled files (the handbook, the search index: see output/writers/base.py).
`plan` lists the jobs of a project; `job_keys` gives each the digest of everything it depends
on, so that the build cache (rolebook/build/cache.py) can tell which jobs must run again.
"""

from __future__ import annotations

import functools
import itertools
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import orjson

from rolebook.check import postings
from rolebook.load.files import TEMPLATES_DIR
from rolebook.load.project import Project
from rolebook.model.schema import Role
from rolebook.render.templating import RecordedRoles, handbook_departments, handbook_status
from rolebook.util.digest import digest, folder_digest, tool_digest

ROLE_FORMATS = ("docx", "html")  # the writers that write one file per role


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


def plan(project: Project) -> list[Job]:
    """Returns every job of the handbook, the longest first, so that workers finish together."""
    jobs = [Job(a.template, (), pieces=(a,)) for a in ASSEMBLED if a.template]
    jobs.append(Job("index.xml.j2", (("html/index.html", "html"),)))
    number = itertools.count(1)
    for department, (_, members) in enumerate(
        handbook_departments(project.roles, project.settings), start=1
    ):
        jobs.append(
            Job("handbook_department.xml.j2", (), None, (HANDBOOK,), next(number), department)
        )
        for role in members:
            outputs = tuple((f"{fmt}/{role.id}.{fmt}", fmt) for fmt in ROLE_FORMATS)
            jobs.append(Job("role.xml.j2", outputs, role, ASSEMBLED, next(number)))
    if project.settings is not None and project.settings.postings:
        jobs += [posting_job(role) for role in project.roles if role.posting.open]
    return jobs


def posting_job(role: Role) -> Job:
    """Returns the job of an open role's posting: output/postings/<id>.html and .txt."""
    outputs = ((f"postings/{role.id}.html", "html"), (f"postings/{role.id}.txt", "text"))
    return Job("posting.xml.j2", outputs, postings.posting_role(role))


def job_keys(project: Project, shared: dict) -> Callable[[Job], str]:
    """Returns a function giving a job's cache key: the digest of all it depends on, but for
    what its template reads of other roles through `roles`.

    Every HTML page carries the navigation and a role's page links to its neighbours, so a
    role's page also depends on every role's id, department, number and titles (the `site`).
    The templates of the whole handbook (its front matter, the index) see every role, through
    `ordered_roles` and `departments` too: they depend on the site, the changes pages, and on
    the fields their templates read, which are recorded as a role page's are.
    """
    common = digest(
        tool_digest(),
        repr(project.settings),
        folder_digest(project.root / TEMPLATES_DIR),
        handbook_status(project.roles),
        repr(project.pay_bands.value) if project.show_pay and project.pay_bands else "",
    )
    roles = {role.id: role_digest(role) for role in project.roles}
    changes = repr(sorted(shared["changes"].items()))
    site = digest(
        *(
            repr((r.id, r.department, r.family, r.level, r.document_control.number, r.title))
            for r in shared["ordered_roles"]
        )
    )

    def key(job: Job) -> str:
        made = repr((job.template, job.outputs, job.pieces, job.number, job.department))
        if job.role is None:
            return digest(common, made, site, changes)
        return digest(
            common, made, site, roles[job.role.id], repr(job.role.id in shared["changes"])
        )

    return key


# The fields of every role that the `site` digest, part of every job's key, holds whole ("":
# whether the id is a role's); a read of one of them cannot change while the key stays the same.
SITE_FIELDS = frozenset(("", "id", "department", "family", "level", "title"))


def reads_to_record(project: Project, shared: dict) -> Callable[[list[tuple[str, str]]], list]:
    """Returns a function giving the reads of other roles (role id, field) that a job's cache
    entry must record: all but those its key holds already (SITE_FIELDS of the handbook's
    roles). The index and each department's title page read the id and title of all 10,000
    roles: recorded, they made 300,000 reads to check on each build, for nothing."""
    in_site = {r.id for r in shared["ordered_roles"]}

    def to_record(reads: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(i, f) for i, f in reads if not (f in SITE_FIELDS and i in in_site)]

    return to_record


# Each role's digest, by the role object's identity: a process that builds again and again
# (serve) keeps the roles of unchanged files, and their digests with them.
_role_digests: dict[int, tuple[weakref.ref, str]] = {}


def role_digest(role: Role) -> str:
    """Returns the digest of everything `role` holds (worked out once per role object)."""
    known = _role_digests.get(id(role))
    if known is not None and known[0]() is role:
        return known[1]
    found = digest(orjson.dumps(role, default=repr))
    key = id(role)
    _role_digests[key] = (weakref.ref(role, lambda _: _role_digests.pop(key, None)), found)
    return found


def current_reads(project: Project) -> Callable[[str, str], str]:
    """Returns a function giving the digest of one read of other roles, as the roles are now."""
    roles = {role.id: role for role in project.roles}

    @functools.cache
    def read_now(role_id: str, field_name: str) -> str:
        return digest(RecordedRoles.value(roles, role_id, field_name))

    return read_now
