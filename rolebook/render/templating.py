"""Renders the templates into Documents: the one place where Jinja runs.

Templates are code reviewed in the repository; YAML text is data. Jinja runs with autoescaping
(text from YAML is escaped, never markup) and StrictUndefined (a typo in a template fails the
build instead of printing nothing), and no YAML text is ever compiled as a template.

Whatever goes wrong in a template is a LocatedError naming the template file and line where it
went wrong: an included or imported one's own (templates/_role.xml.j2:81, not the role.xml.j2
that imports it), also when a writer renders its own frame, and also when a template writes a
malformed document (a render traced line by line finds the template line that wrote it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path

import jinja2
import jinja2.ext
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup

from rolebook.load import history, library
from rolebook.load.files import TEMPLATES_DIR
from rolebook.load.history import Earlier
from rolebook.load.project import Project
from rolebook.model import document
from rolebook.model.errors import LocatedError, RolebookError
from rolebook.model.schema import Role, Settings, filled
from rolebook.render import language, markup, orgchart

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


class CompiledTemplates(jinja2.BytecodeCache):
    """Keeps the templates this process compiled, by name and source: a process that builds
    again (serve, the tests) compiles each template once, and again only when its text changed
    (Jinja checks each entry against a checksum of the source)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fills `bucket` with the template's compiled code, if this process has it."""
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keeps the compiled code of `bucket`."""
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = CompiledTemplates()


def environment(templates: Path) -> jinja2.Environment:
    """Returns the Jinja environment for the templates folder."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        bytecode_cache=_COMPILED,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.template_class = LocatedTemplate
    env.filters["filled"] = filled
    return env


def _folder(env: jinja2.Environment) -> Path:
    """Returns the templates folder that `env` loads from, resolved."""
    loader = typing.cast(jinja2.FileSystemLoader, env.loader)  # as `environment` makes it
    return Path(loader.searchpath[0]).resolve()


class LocatedTemplate(jinja2.Template):
    """A template whose every failure while rendering is a LocatedError at the template file and
    line where it happened, whoever renders it (the renderer, or a writer its frame)."""

    def render(self, *args, **kwargs) -> str:
        """Returns the rendered text; raises LocatedError for whatever the template's code
        raises."""
        try:
            return super().render(*args, **kwargs)
        except RolebookError:
            raise
        except Exception as exc:  # a filter, a test or an attribute the template used failed
            raise template_error(exc, self.name or "", _folder(self.environment)) from None


class Renderer:
    """Renders the handbook's templates with one language's labels."""

    def __init__(
        self, env: jinja2.Environment, settings: Settings, roles: list[Role], labels: dict[str, str]
    ):
        self.env, self.settings, self.labels = env, settings, labels
        self.templates = _folder(env)
        self.roles = {role.id: role for role in roles}
        env.filters["date"] = self.date
        env.filters["named"] = lambda value: language.name(value, settings.language)
        self.base = {
            "settings": settings,
            "roles": self.roles,
            "L": labels,
            "lang": settings.language,
            "title_of": self.title_of,
            "other_title": self.other_title,
            "halves": language.halves,
            "control_value": self.control_value,
            "handbook_status": handbook_status(roles),
            "org_charts_of": lambda ordered: orgchart.charts(ordered, settings, self.title_of),
        }

    def render(self, template: str, **context) -> document.Document:
        """Returns the Document that `template` writes for `context`."""
        try:
            xml = self.env.get_template(template).render(self.base, **context)
        except jinja2.TemplateError as exc:  # missing, or does not compile
            raise template_error(exc, template, self.templates) from None
        try:
            return markup.parse(xml)
        except (ValueError, SyntaxError) as exc:
            raise self.malformed(template, context, exc) from None

    def malformed(self, template: str, context: dict, exc: Exception) -> LocatedError:
        """Returns the LocatedError for a document that `template` wrote malformed, at the
        template line that wrote the output line where `exc` found the fault."""
        pieces: list[tuple[str, int, str]] = []

        def trace(name: str, line: int, text: str) -> Markup:
            pieces.append((f"{TEMPLATES_DIR}/{name}", line, text))
            return Markup(text)

        # Compiled anew (no bytecode cache): the traced code differs from the cached one.
        traced = self.env.overlay(extensions=[_TracedText], cache_size=0, bytecode_cache=None)
        traced.globals = {**self.env.globals, _TRACE: trace}
        xml = traced.get_template(template).render(self.base, **context)
        placed = _placed(xml, pieces)
        line, col, message = _fault(exc)
        path, at = _writer_at(xml, placed, line, col) or (f"{TEMPLATES_DIR}/{template}", None)
        message = _LINE.sub(lambda m: _line_in(path, _writer_at(xml, placed, int(m[1]))), message)
        return LocatedError(
            path,
            at,
            f"the template wrote a malformed document: {message}; fix the template, or restore "
            "it from git",
        )

    def date(self, value: dt.date) -> str:
        """Returns `value` in the handbook language's date format."""
        return self.labels["date_format"].format(
            y=value.year, m=value.month, d=value.day, month=_MONTHS[value.month - 1]
        )

    def title_of(self, role: Role) -> str:
        """Returns the role's title in the handbook language (both in a bilingual one)."""
        return language.title(role.title, self.settings.language)

    def other_title(self, role: Role) -> str:
        """Returns the role's title in the other language, for the subtitle; none in a
        bilingual handbook, whose title has both."""
        if "+" in self.settings.language:
            return ""
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


def template_error(exc: Exception, template: str, templates: Path) -> LocatedError:
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


def _runtime_error(exc: Exception, template: str, templates: Path) -> LocatedError:
    """Returns a LocatedError naming the template file and line where rendering failed.

    Jinja rewrites the traceback so that template frames carry the template's file name and
    line; the innermost such frame is where the error is. The file names are as the loader made
    them (relative, with --root .), so they are resolved before they are compared.
    """
    where: tuple[str, int | None] = (f"{TEMPLATES_DIR}/{template}", None)
    tb = exc.__traceback__
    while tb is not None:
        path = Path(tb.tb_frame.f_code.co_filename).resolve()
        if path.is_relative_to(templates):
            where = (f"{TEMPLATES_DIR}/{path.relative_to(templates).as_posix()}", tb.tb_lineno)
        tb = tb.tb_next
    if isinstance(exc, jinja2.TemplateError):
        return LocatedError(*where, str(exc.message or exc))
    return LocatedError(*where, f"{exc} ({type(exc).__name__})")


# -- Malformed documents: which template line wrote the faulty output line --------------------

_TRACE = "_rolebook_trace"  # the global a traced template prints its own text through
# "line N" in a parser's message; a trailing ", line N, column M" repeats where it failed.
_LINE = re.compile(r"\bline (\d+)")
_WHERE_SUFFIX = re.compile(r", line \d+, column \d+$")


class _TracedText(jinja2.ext.Extension):
    """Makes a template print each piece of its own text through _TRACE(name, line, text), so
    that a render records, in output order, the template line that wrote each piece."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        """Yields the template's tokens, each piece of text replaced by {{ _TRACE(…) }}."""
        for token in stream:
            if token.type != "data":
                yield token
                continue
            call: list[tuple[str, typing.Any]] = [("name", _TRACE), ("lparen", "(")]
            call += [("string", stream.name or "")]
            call += [("comma", ","), ("integer", token.lineno), ("comma", ",")]
            call += [("string", token.value), ("rparen", ")")]
            for kind, value in [("variable_begin", "{{"), *call, ("variable_end", "}}")]:
                yield Token(token.lineno, kind, value)


def _placed(xml: str, pieces: list[tuple[str, int, str]]) -> list[tuple[int, int, str, int]]:
    """Returns (start, end, template, line) of each piece of template text holding markup,
    where it is in `xml`, in order.

    Only pieces holding < or > are placed: text from the roles arrives escaped and can hold
    neither, so each such piece is found in the output exactly where it was printed.
    """
    placed: list[tuple[int, int, str, int]] = []
    at = 0
    for name, line, text in pieces:
        found = xml.find(text, at) if "<" in text or ">" in text else -1
        if found >= 0:
            at = found + len(text)
            placed.append((found, at, name, line))
    return placed


def _fault(exc: Exception) -> tuple[int, int, str]:
    """Returns the output line and column where the parser found the fault (column 0 if it
    names only the line, line 0 if neither), and what it says is wrong."""
    if isinstance(exc, SyntaxError) and exc.lineno:
        line, col = getattr(exc, "position", (exc.lineno, 0))  # lxml's, with a 1-based column
        return line, col, _WHERE_SUFFIX.sub("", exc.msg)
    found = re.match(r"line (\d+): (.*)", str(exc))
    return (int(found[1]), 0, found[2]) if found else (0, 0, str(exc))


def _writer_at(
    xml: str, placed: list[tuple[int, int, str, int]], line: int, col: int = 0
) -> tuple[str, int] | None:
    """Returns the template and line that wrote the output character a parser's (line, col)
    points just after, or without a column the line's first markup; the nearest template text
    before it if a role's text is there; None if there is none."""
    offset = _offset(xml, line, col)
    writer = None
    for start, end, name, first in placed:
        if start > offset:
            break
        writer = (name, first + xml.count("\n", start, min(offset, end - 1)))
    return writer


def _offset(xml: str, line: int, col: int) -> int:
    """Returns the offset in `xml` of the character before 1-based (line, col), or without a
    column of the line's first <; -1 for a line that is not there."""
    if line < 1:
        return -1
    begin = 0
    for _ in range(line - 1):
        begin = xml.find("\n", begin) + 1
        if begin == 0:
            return -1
    if col:
        return begin + col - 2
    end = xml.find("\n", begin)
    first = xml.find("<", begin, len(xml) if end < 0 else end)
    return first if first >= 0 else begin


def _line_in(path: str, where: tuple[str, int] | None) -> str:
    """Returns how a message names a template line: "line 7", with its file if not `path`."""
    if where is None:
        return "an unknown line"
    return f"line {where[1]}" if where[0] == path else f"line {where[1]} of {where[0]}"


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
    departments = handbook_departments(project.roles, project.settings)
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
        "changes": _resolved(project, history.previous_versions(project)),
    }


def _resolved(project: Project, earlier: dict[str, Earlier]) -> dict[str, Earlier]:
    """Returns the earlier versions with their references to the library resolved, as the
    current roles are, so that a redline shows what changed in print (by today's library)."""
    items = library.found(project)
    return {
        role_id: dataclasses.replace(e, role=library.resolved(e.role, items))
        for role_id, e in earlier.items()
    }


def handbook_departments(
    roles: list[Role], settings: Settings | None = None
) -> list[tuple[str, list[Role]]]:
    """Returns the handbook's groups in order, each its name and its roles in order: the
    departments, or the job families where the settings' job_architecture groups by family."""
    if settings is not None and settings.job_architecture.group_by == "family":
        return _families(roles, settings)
    if settings is not None and settings.organisations:
        return _organisations(roles, settings)
    ordered = sorted(roles, key=lambda r: (r.department, r.document_control.number))
    return [(d, list(rs)) for d, rs in itertools.groupby(ordered, lambda r: r.department)]


def _organisations(roles: list[Role], settings: Settings) -> list[tuple[str, list[Role]]]:
    """Returns the departments of each organisation, the organisations in the settings' order
    (roles in none last), each named "organisation · department"."""
    orgs = {
        o.id: (i, language.name(o.name, settings.language))
        for i, o in enumerate(settings.organisations)
    }
    place = {r.id: orgs.get(r.organisation, (len(orgs), "")) for r in roles}

    def group(role: Role) -> tuple:
        return place[role.id][0], role.department, place[role.id][1]

    ordered = sorted(roles, key=lambda r: (group(r), r.document_control.number))
    return [
        (language.joined(list(filter(None, (org, department))), " · "), list(rs))
        for (_, department, org), rs in itertools.groupby(ordered, group)
    ]


def _families(roles: list[Role], settings: Settings) -> list[tuple[str, list[Role]]]:
    """Returns the job families in the grid's order, then any family the grid lacks (check
    reports them) by id, each with its roles from the highest grade down."""
    grid = settings.job_architecture
    known = {
        f.id: (i, language.name(f.name, settings.language)) for i, f in enumerate(grid.families)
    }
    place = {r.id: known.get(r.family, (len(known), r.family or "—")) for r in roles}
    ordered = sorted(
        roles,
        key=lambda r: (place[r.id], -(grid.grade(r.level) or 0), r.document_control.number),
    )
    return [(name, list(rs)) for (_, name), rs in itertools.groupby(ordered, lambda r: place[r.id])]
