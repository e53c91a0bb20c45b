"""Edits a role file's text at the positions of its YAML nodes (the engine of `new` and `bump`).

Edits are spliced into the file's text at the positions its YAML nodes have, so everything they do
not touch (comments, key order, quoting, line breaks, line endings) stays byte for byte as it was,
and a file's diff shows exactly the lines that changed. Every edited text is read back against the
schema (`checked_text`) before the command writes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rolebook.load import files
from rolebook.load.files import ROLES_DIR
from rolebook.load.project import read_file
from rolebook.load.reader import read
from rolebook.model.errors import CheckFailed, RolebookError
from rolebook.model.scalars import closest
from rolebook.model.schema import Role


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


# -- Reading files and checking edits -------------------------------------------------------------


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
        ids = [PurePosixPath(p).stem for p in files.role_files(root)]
        close = closest(role_id, ids)
        hint = f"did you mean '{close}'?" if close else "the id is the file name without .yaml"
        raise RolebookError(
            f"there is no role '{role_id}': {ROLES_DIR}/{role_id}.yaml does not exist; {hint}"
        )
    reading = read_file(root, path, Role)
    if reading.value is None or reading.diagnostics:
        raise CheckFailed(reading.diagnostics)
    raw = (root / path).read_bytes()
    text = raw.decode("utf-8-sig")
    return Source(
        path,
        text,
        YAML(typ="safe").compose(text),
        reading.value,
        "\r\n" if "\r\n" in text else "\n",
        raw.startswith(b"\xef\xbb\xbf"),
    )


def checked_text(source: Source, text: str) -> str:
    """Returns `text` as the file of `source` is to be written (with its byte-order mark, if it
    had one), after checking that it still reads as a role; raises RolebookError if not."""
    reading = read(source.path, text, Role)
    if reading.value is None or reading.diagnostics:
        raise RolebookError(
            f"could not edit {source.path} safely ("
            f"{reading.diagnostics[0].message if reading.diagnostics else ''}); "
            "the file is unchanged"
        )
    return ("\ufeff" if source.bom else "") + text


# -- Finding and changing nodes ----------------------------------------------------------------


def node_at(node: Node | None, *path) -> Node | None:
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
        text = text[: s.start] + s.text + text[s.end :]
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
    return (
        isinstance(scalar_node, ScalarNode)
        and not scalar_node.style
        and scalar_node.value == value
        and not _is_special(value)
    )


def _is_special(value: str) -> bool:
    """Returns whether YAML would read plain `value` as something other than text."""
    return value == "" or value.lower() in ("null", "~", "true", "false", "yes", "no")


def entry_lines(values: dict[str, str], like: MappingNode, source: Source) -> list[str]:
    """Returns the lines of a new list entry laid out and quoted like the entry `like`."""
    line_start = source.text.rfind("\n", 0, like.start_mark.index) + 1
    prefix = source.text[line_start : like.start_mark.index]
    styles = {k.value: v.style for k, v in like.value if isinstance(v, ScalarNode)}
    order = [k.value for k, _ in like.value if k.value in values]
    order += [k for k in values if k not in order]
    return [
        (prefix if i == 0 else " " * len(prefix))
        + f"{key}: "
        + scalar(values[key], styles.get(key) if styles.get(key) in ('"', "'") else None)
        for i, key in enumerate(order)
    ]


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
        raise RolebookError(
            f"{source.path}: revision_history must be a list of entries "
            "('- version: …' lines) with at least one entry; add one by hand"
        )
    return node
