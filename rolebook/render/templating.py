"""Renders the templates into Documents: the one place where Jinja runs.

Templates are code reviewed in the repository; YAML text is data. Jinja runs with autoescaping
(text from YAML is escaped, never markup) and StrictUndefined (a typo in a template fails the
build instead of printing nothing), and no YAML text is ever compiled as a template.
"""

from __future__ import annotations

import datetime as dt
import itertools
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path

import jinja2

from rolebook.load import history
from rolebook.load.project import Project
from rolebook.model import document
from rolebook.model.errors import LocatedError
from rolebook.model.schema import Role, Settings, filled
from rolebook.render import markup, orgchart

# The lifecycle in order: a handbook is as far along as its least advanced role.
_STATUS_ORDER = ("draft", "review", "approved")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def environment(templates: Path) -> jinja2.Environment:
    """Returns the Jinja environment for the templates folder."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["filled"] = filled
    return env


class Renderer:
    """Renders the handbook's templates with one language's labels."""

    def __init__(
        self, env: jinja2.Environment, settings: Settings, roles: list[Role], labels: dict[str, str]
    ):
        self.env, self.settings, self.labels = env, settings, labels
        loader = typing.cast(jinja2.FileSystemLoader, env.loader)  # as `environment` makes it
        self.templates = Path(loader.searchpath[0]).resolve()
        self.roles = {role.id: role for role in roles}
        env.filters["date"] = self.date
        self.base = {
            "settings": settings,
            "roles": self.roles,
            "L": labels,
            "lang": settings.language,
            "title_of": self.title_of,
            "other_title": self.other_title,
            "control_value": self.control_value,
            "handbook_status": handbook_status(roles),
            "org_chart_of": lambda ordered: orgchart.graph(ordered, self.title_of),
        }

    def render(self, template: str, **context) -> document.Document:
        """Returns the Document that `template` writes for `context`."""
        try:
            xml = self.env.get_template(template).render(self.base, **context)
        except jinja2.TemplateError as exc:
            raise template_error(exc, template, self.templates) from None
        try:
            return markup.parse(xml)
        except (ValueError, SyntaxError) as exc:
            raise LocatedError(
                f"templates/{template}", 1, f"the template wrote a malformed document: {exc}"
            ) from None

    def date(self, value: dt.date) -> str:
        """Returns `value` in the handbook language's date format."""
        return self.labels["date_format"].format(
            y=value.year, m=value.month, d=value.day, month=_MONTHS[value.month - 1]
        )

    def title_of(self, role: Role) -> str:
        """Returns the role's title in the handbook language."""
        return role.title.in_language(self.settings.language)

    def other_title(self, role: Role) -> str:
        """Returns the role's title in the other language, for the subtitle."""
        return role.title.beside(self.settings.language)

    def control_value(self, control, key: str) -> str:
        """Returns the printable value of a document-control row (never 'None')."""
        if key == "document_number":
            return control.number
        if key == "status":
            return self.labels[f"status_{control.status}"]
        value = getattr(control, key)
        if isinstance(value, dt.date):
            return self.date(value)
        return value or "—"


def handbook_status(roles: list[Role]) -> str:
    """Returns the handbook's status: approved only when every role in force is approved,
    else the least advanced status of a role (retired roles do not count)."""
    statuses = [
        r.document_control.status for r in roles if r.document_control.status in _STATUS_ORDER
    ]
    return min(statuses, key=_STATUS_ORDER.index, default="approved")


def template_error(exc: jinja2.TemplateError, template: str, templates: Path) -> LocatedError:
    """Returns the LocatedError for a template that is missing, or fails to compile or run."""
    if isinstance(exc, jinja2.TemplateNotFound):
        return LocatedError(
            f"templates/{exc.name}", None, "the template is missing; restore it from git"
        )
    if isinstance(exc, jinja2.TemplateSyntaxError):
        message = typing.cast(str, exc.message)  # Jinja's parser always says what is wrong
        located = LocatedError(f"templates/{exc.name or template}", exc.lineno, message)
    else:
        located = _runtime_error(exc, template, templates)
    return LocatedError(
        located.path, located.line, f"{located}; fix the template, or restore it from git"
    )


def _runtime_error(exc: jinja2.TemplateError, template: str, templates: Path) -> LocatedError:
    """Returns a LocatedError naming the template file and line where rendering failed.

    Jinja rewrites the traceback so that template frames carry the template's file name and
    line; the innermost such frame is where the error is.
    """
    where = (f"templates/{template}", 1)
    tb = exc.__traceback__
    while tb is not None:
        filename = Path(tb.tb_frame.f_code.co_filename)
        if filename.parent == templates:
            where = (f"templates/{filename.name}", tb.tb_lineno)
        tb = tb.tb_next
    return LocatedError(*where, str(exc.message or exc))


ALL_IDS = "*"  # the role id under which reading the list of all ids is recorded


class RecordedRoles(Mapping):
    """The roles by id as a role's page sees them, recording what the template reads of them.

    A role's page shows other roles: a reporting line links to a role by its title. What the
    page shows of other roles is exactly what its template read, so that is its dependency:
    `reads` holds (role id, field) for each field read through a looked-up role, (role id, "")
    for each id looked up (it may or may not be a role), and (ALL_IDS, "") once the template
    went through all ids. `value` tells what such a read gives now.
    """

    def __init__(self, roles: dict[str, Role]):
        self.roles = roles
        self.reads: set[tuple[str, str]] = set()

    def __getitem__(self, role_id: str) -> _RecordedRole:
        self.reads.add((role_id, ""))
        return _RecordedRole(self.roles[role_id], self.reads)

    def __contains__(self, role_id) -> bool:
        self.reads.add((role_id, ""))
        return role_id in self.roles

    def __iter__(self) -> Iterator[str]:
        self.reads.add((ALL_IDS, ""))
        return iter(self.roles)

    def __len__(self) -> int:
        self.reads.add((ALL_IDS, ""))
        return len(self.roles)

    @staticmethod
    def value(roles: dict[str, Role], role_id: str, field: str) -> str:
        """Returns the printable value of one read (role_id, field) over `roles` as they are."""
        if role_id == ALL_IDS:
            return " ".join(roles)
        if role_id not in roles:
            return "no such role"
        return repr(getattr(roles[role_id], field)) if field else "a role"


class _RecordedRole:
    """A role whose fields, when read, are recorded in `reads` as (role id, field)."""

    def __init__(self, role: Role, reads: set[tuple[str, str]]):
        self._role, self._reads = role, reads

    def __getattr__(self, field: str):
        value = getattr(self._role, field)  # what is not a field raises here, unrecorded
        self._reads.add((self._role.id, field))
        return value


def handbook_context(project: Project) -> dict:
    """Returns what the templates need of the whole handbook: roles ordered by department,
    and where each role stands."""
    departments = handbook_departments(project.roles)
    ordered = [role for _, members in departments for role in members]
    # Where each role stands: its department (1, 2…) and its place in it (0, 1…).
    positions = {
        role.id: (d, k)
        for d, (_, members) in enumerate(departments, start=1)
        for k, role in enumerate(members)
    }
    return {
        "ordered_roles": ordered,
        "departments": departments,
        "positions": positions,
        "changes": history.previous_versions(project),
    }


def handbook_departments(roles: list[Role]) -> list[tuple[str, list[Role]]]:
    """Returns the departments in the handbook's order, each with its roles in order."""
    ordered = sorted(roles, key=lambda r: (r.department, r.document_control.number))
    return [(d, list(rs)) for d, rs in itertools.groupby(ordered, lambda r: r.department)]
