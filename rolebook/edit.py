"""Writing role files for HR: `new` makes a role, `bump` records a new version.

Edits are spliced into the file's text at the positions its YAML nodes have, so everything they do
not touch (comments, key order, quoting, line breaks, line endings) stays byte for byte as it was,
and a file's diff shows exactly the lines that changed. Every edited text is read back against the
schema before it is written; a file is replaced in one rename, never left half-written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import tempfile
import types
import typing
from collections import Counter
from dataclasses import MISSING, dataclass, fields, is_dataclass
from pathlib import Path, PurePosixPath

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rolebook import project as project_module
from rolebook.checks import PLACEHOLDER, version_key
from rolebook.errors import CheckFailed, RolebookError
from rolebook.kinds import Choice, Kind, Pattern
from rolebook.project import ROLES_DIR, Project
from rolebook.reader import read
from rolebook.schema import Role

MODELINE = "# yaml-language-server: $schema=../schema/role.schema.json"
NEW_NOTE = {"zh-CN": "新建岗位。", "en": "New role."}
COPY_NOTE = {"zh-CN": "以 {base} 为基础新建。", "en": "Created from {base}."}


@dataclass
class Source:
    """A role file as text, with its composed YAML tree and how its text is written."""

    path: str
    text: str
    root: MappingNode
    role: Role
    newline: str = "\n"
    bom: bool = False


@dataclass(frozen=True)
class Splice:
    """Replace text[start:end] with `text`."""

    start: int
    end: int
    text: str


# -- Reading and writing files -----------------------------------------------------------------

def role_path(root: Path, role_id: str) -> str | None:
    """Returns roles/<id>.yaml (or .yml) if that file exists, else None."""
    for suffix in (".yaml", ".yml"):
        if (root / ROLES_DIR / f"{role_id}{suffix}").is_file():
            return f"{ROLES_DIR}/{role_id}{suffix}"
    return None


def load_source(root: Path, role_id: str) -> Source:
    """Returns the role file of `role_id`; raises if it is missing or has errors."""
    path = role_path(root, role_id)
    if path is None:
        ids = [PurePosixPath(p).stem for p in project_module.role_files(root)]
        close = difflib.get_close_matches(role_id, ids, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "the id is the file name without .yaml"
        raise RolebookError(f"there is no role '{role_id}': {ROLES_DIR}/{role_id}.yaml does "
                            f"not exist; {hint}")
    reading = project_module.read_file(root, path, Role)
    if reading.value is None or reading.diagnostics:
        raise CheckFailed(reading.diagnostics)
    raw = (root / path).read_bytes()
    text = raw.decode("utf-8-sig")
    return Source(path, text, YAML(typ="safe").compose(text), reading.value,
                  "\r\n" if "\r\n" in text else "\n", raw.startswith(b"\xef\xbb\xbf"))


def write_source(root: Path, source: Source, text: str) -> None:
    """Writes `text` as the file of `source`, after checking that it still reads as a role."""
    reading = read(source.path, text, Role)
    if reading.value is None or reading.diagnostics:
        raise RolebookError(f"could not edit {source.path} safely ("
                            f"{reading.diagnostics[0].message if reading.diagnostics else ''}); "
                            "the file is unchanged")
    write_file(root / source.path, ("\ufeff" if source.bom else "") + text)


def write_file(path: Path, text: str) -> None:
    """Replaces the file at `path` with `text` (UTF-8) in one rename."""
    try:
        fd, temp = tempfile.mkstemp(prefix=".rolebook-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(temp, path)
    except OSError as exc:
        raise RolebookError(f"cannot write {path}: {exc.strerror or exc}") from None


# -- Finding and changing nodes ----------------------------------------------------------------

def node_at(node: Node, *path) -> Node | None:
    """Returns the node at `path` (keys and indices) below `node`, or None."""
    for part in path:
        if isinstance(node, MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return None
        if node is None:
            return None
    return node


def apply(text: str, splices: list[Splice]) -> str:
    """Returns `text` with every splice made; splices must not overlap."""
    for s in sorted(splices, key=lambda s: s.start, reverse=True):
        text = text[:s.start] + s.text + text[s.end:]
    return text


def set_scalar(source: Source, value: str, *path) -> list[Splice]:
    """Returns the splice writing `value` at `path`, quoted as the old value was; [] if absent."""
    node = node_at(source.root, *path)
    if not isinstance(node, ScalarNode):
        return []
    start, end = node.start_mark.index, node.end_mark.index
    if value == "":
        while start and source.text[start - 1] == " ":
            start -= 1
        return [Splice(start, end, "")] if node.value else []
    text = scalar(value, node.style)
    if node.style in (">", "|"):
        text += source.newline
    return [Splice(start, end, text)]


def scalar(value: str, style: str | None = None) -> str:
    """Returns `value` written as a YAML scalar: in `style` quotes, plain if that reads back the
    same, else in double quotes."""
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style != '"' and _plain_is_safe(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def _plain_is_safe(value: str) -> bool:
    try:
        node = YAML(typ="safe").compose(f"k: {value}\n")
    except YAMLError:
        return False
    scalar_node = node.value[0][1] if isinstance(node, MappingNode) else None
    return isinstance(scalar_node, ScalarNode) and not scalar_node.style and \
        scalar_node.value == value and not _is_special(value)


def _is_special(value: str) -> bool:
    """Returns whether YAML would read plain `value` as something other than text."""
    return value == "" or value.lower() in ("null", "~", "true", "false", "yes", "no")


def entry_lines(values: dict[str, str], like: MappingNode, source: Source) -> list[str]:
    """Returns the lines of a new list entry laid out and quoted like the entry `like`."""
    line_start = source.text.rfind("\n", 0, like.start_mark.index) + 1
    prefix = source.text[line_start:like.start_mark.index]
    styles = {k.value: v.style for k, v in like.value if isinstance(v, ScalarNode)}
    order = [k.value for k, _ in like.value if k.value in values]
    order += [k for k in values if k not in order]
    return [(prefix if i == 0 else " " * len(prefix)) + f"{key}: "
            + scalar(values[key], styles.get(key) if styles.get(key) in ('"', "'") else None)
            for i, key in enumerate(order)]


def end_of_content(text: str, node: Node) -> int:
    """Returns where the line after the last text of `node` starts (trailing comments stay)."""
    last = node
    while isinstance(last, (MappingNode, SequenceNode)) and last.value:
        last = last.value[-1][1] if isinstance(last, MappingNode) else last.value[-1]
    i = last.end_mark.index
    while i and text[i - 1] in " \t\r\n":
        i -= 1
    newline = text.find("\n", i)
    return newline + 1 if newline != -1 else len(text)


def history_node(source: Source) -> SequenceNode:
    """Returns the revision_history list; raises if it is not a block list with entries."""
    node = node_at(source.root, "revision_history")
    if not isinstance(node, SequenceNode) or node.flow_style or not node.value:
        raise RolebookError(f"{source.path}: revision_history must be a list of entries "
                            "('- version: …' lines) with at least one entry; add one by hand")
    return node


# -- bump --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bump:
    """What `bump` did to a role file."""

    path: str
    old: str
    new: str
    date: dt.date
    effective_moved: dt.date | None
    status: str


def next_version(version: str, major: bool) -> str:
    """Returns the version after `version`: MINOR + 1, or MAJOR + 1 with MINOR 0."""
    number, minor = version_key(version)
    return f"{number + 1}.0" if major else f"{number}.{minor + 1}"


def bump(root: Path, role_id: str, note: str, major: bool = False,
         date: dt.date | None = None, author: str = "") -> Bump:
    """Raises the role's version and adds a revision-history entry for it; returns what it did."""
    source = load_source(root, role_id)
    role, date = source.role, date or dt.date.today()
    history = history_node(source)
    newest = role.revision_history[-1]
    if date < newest.date:
        raise RolebookError(f"--date {date} is before the newest revision of {source.path} "
                            f"({newest.date}); give a date on or after it")
    new = next_version(role.document_control.version, major)
    entry = {"version": new, "date": date.isoformat(), "author": author or newest.author,
             "changes": note}
    at = end_of_content(source.text, history)
    lines = entry_lines(entry, history.value[-1], source)
    splices = set_scalar(source, new, "document_control", "version") + [
        Splice(at, at, _newline_before(source, at) + source.newline.join(lines) + source.newline)]
    moved = date if date > role.document_control.effective_date else None
    if moved:
        splices += set_scalar(source, date.isoformat(), "document_control", "effective_date")
    write_source(root, source, apply(source.text, splices))
    return Bump(source.path, role.document_control.version, new, date, moved,
                role.document_control.status)


def _newline_before(source: Source, at: int) -> str:
    """Returns a line break when `at` is the end of a file that does not end with one."""
    return source.newline if at and not source.text[:at].endswith("\n") else ""


# -- new ---------------------------------------------------------------------------------------

def next_number(numbers: list[str], like: str = "") -> str:
    """Returns the next free number in the series of `like` (else the most used series), e.g.
    VIP-JD-004 after VIP-JD-003, or a placeholder when no number ends in digits."""
    series: dict[str, list[str]] = {}
    for number in numbers:
        match = re.fullmatch(r"(.*?)([0-9]+)", number)
        if match:
            series.setdefault(match.group(1), []).append(match.group(2))
    own = re.fullmatch(r"(.*?)([0-9]+)", like)
    prefix = own.group(1) if own else next(iter(Counter(
        {p: len(v) for p, v in sorted(series.items())}).most_common(1)), ("", 0))[0]
    if prefix not in series:
        return f"{PLACEHOLDER}: document number"
    digits = series[prefix]
    width = max(len(d) for d in digits)
    return f"{prefix}{max(int(d) for d in digits) + 1:0{width}d}"


def new_role(root: Path, role_id: str, base: str = "", date: dt.date | None = None) -> str:
    """Writes roles/<role_id>.yaml, from scratch or copied from the role `base`; returns its
    path."""
    existing = role_path(root, role_id)
    if existing:
        raise RolebookError(f"{existing} already exists; choose another id or edit that file")
    project = settings_project(root)
    date = date or dt.date.today()
    numbers = [r.document_control.number for r in project.roles]
    if base:
        source = load_source(root, base)
        number = next_number(numbers, source.role.document_control.number)
        text = copied(source, role_id, number, date, project.settings.language)
    else:
        text = scaffold(project, role_id, next_number(numbers), date)
    path = f"{ROLES_DIR}/{role_id}.yaml"
    (root / ROLES_DIR).mkdir(exist_ok=True)
    write_source(root, Source(path, text, None, None), text)
    return path


def settings_project(root: Path) -> Project:
    """Returns the loaded project; raises if the settings themselves cannot be read."""
    project = project_module.load(root)
    if project.settings is None:
        raise CheckFailed([d for d in project.diagnostics
                           if d.path == project_module.SETTINGS_FILE])
    return project


def copied(source: Source, role_id: str, number: str, date: dt.date, language: str) -> str:
    """Returns the text of `source` as a new role: new id and number, version 1.0, a draft with
    a fresh revision history, and its titles marked TODO until they are renamed."""
    role = source.role
    history = history_node(source)
    entry = {"version": "1.0", "date": date.isoformat(), "author": role.revision_history[-1].author,
             "changes": COPY_NOTE[language].format(base=role.id)}
    lines = entry_lines(entry, history.value[0], source)
    start = history.value[0].start_mark.index
    first = lines[0][start - source.text.rfind("\n", 0, start) - 1:]
    splices = [
        *set_scalar(source, role_id, "id"),
        *set_scalar(source, f"{PLACEHOLDER}: {role.title.zh}", "title", "zh"),
        *set_scalar(source, f"{PLACEHOLDER}: {role.title.en}", "title", "en"),
        *set_scalar(source, number, "document_control", "number"),
        *set_scalar(source, "1.0", "document_control", "version"),
        *set_scalar(source, "draft", "document_control", "status"),
        *set_scalar(source, date.isoformat(), "document_control", "effective_date"),
        *set_scalar(source, "", "document_control", "approved_by"),
        Splice(start, end_of_content(source.text, history),
               source.newline.join([first, *lines[1:]]) + source.newline),
    ]
    return apply(source.text, splices)


def scaffold(project: Project, role_id: str, number: str, date: dt.date) -> str:
    """Returns a new role's text: every required field and section, each empty value a TODO
    placeholder that `check` reports until it is filled in."""
    values = {
        ("id",): role_id, ("document_control", "number"): number,
        ("document_control", "version"): "1.0", ("document_control", "status"): "draft",
        ("document_control", "effective_date"): date.isoformat(),
        ("document_control", "approved_by"): "",
        ("revision_history",): [{"version": "1.0", "date": date.isoformat(),
                                 "author": f"{PLACEHOLDER}: who drafted it",
                                 "changes": NEW_NOTE[project.settings.language]}],
    }
    lines = [MODELINE, f"# New role: replace every {PLACEHOLDER} with the text, then run "
             "`python build.py check`. See schema/role.schema.json for every field."]
    for f in fields(Role):
        wanted = f.name in project.settings.required_sections if f.metadata.get("section") \
            else _required(f)
        if wanted:
            lines.append(f"# {f.metadata['doc']}")
            lines += _yaml(f.name, _value(_hints(Role)[f.name], f.metadata["doc"], (f.name,),
                                          values))
    return "\n".join(lines) + "\n"


def _required(f) -> bool:
    return f.default is MISSING and f.default_factory is MISSING


def _value(hint, doc: str, path: tuple, values: dict):
    if path in values:
        return values[path]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return None
    if typing.get_origin(hint) is list:
        item = _value(typing.get_args(hint)[0], doc, path + (0,), values)
        return [] if item is None else [item]
    if is_dataclass(hint):
        found = {f.name: _value(_hints(hint)[f.name], f.metadata["doc"], path + (f.name,),
                                values) for f in fields(hint)}
        return {k: v for k, v in found.items() if v is not None}
    kind = hint.__metadata__[0]
    if isinstance(kind, Choice):
        return kind.choices[0]
    return f"{PLACEHOLDER}: {doc}" if type(kind) in (Kind, Pattern) else None


def _hints(owner: type) -> dict:
    return typing.get_type_hints(owner, include_extras=True)


def _yaml(key: str, value, indent: int = 0) -> list[str]:
    """Returns the block YAML lines of `key: value`, lists indented under their key."""
    pad = " " * indent
    if isinstance(value, dict):
        return [f"{pad}{key}:"] + [line for k, v in value.items()
                                   for line in _yaml(k, v, indent + 2)]
    if isinstance(value, list):
        return [f"{pad}{key}:"] + [line for item in value for line in _item(item, indent + 2)]
    if value == "":
        return [f"{pad}{key}:"]
    return [f"{pad}{key}: {scalar(value, chr(34) if key == 'version' else None)}"]


def _item(item, indent: int) -> list[str]:
    """Returns the lines of one list item, `- ` before its first line."""
    pad = " " * indent
    if not isinstance(item, dict):
        return [f"{pad}- {scalar(item)}"]
    lines = [line for k, v in item.items() for line in _yaml(k, v, indent + 2)]
    return [f"{pad}- {lines[0].lstrip()}"] + lines[1:]
