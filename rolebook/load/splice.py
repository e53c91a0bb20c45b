"""Edits a role file's text at the positions of its YAML nodes (the engine of `new`, `bump` and
`import` of a workbook).

Edits are spliced into the file's text at the positions its YAML nodes have, so everything they do
not touch (comments, key order, quoting, line breaks, line endings) stays byte for byte as it was,
and a file's diff shows exactly the lines that changed. Every edited text is read back against the
schema (`checked_text`) before the command writes it. `edits` makes a file hold another version
of its role, item by item; `role_lines` writes a new role file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import MISSING, dataclass, fields, is_dataclass
from pathlib import Path, PurePosixPath

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rolebook.load import files
from rolebook.load.files import ROLES_DIR
from rolebook.load.project import read_file
from rolebook.load.reader import read
from rolebook.model.errors import CheckFailed, RolebookError
from rolebook.model.scalars import Version, Window, closest
from rolebook.model.schema import Role, SwitchKind, filled


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
    """Returns `text` with every splice made; splices must not overlap. Insertions at one place
    keep the order of `splices`, before the text of a splice that starts there."""
    inserted: dict[int, str] = {}
    for s in splices:
        if s.start == s.end:
            inserted[s.start] = inserted.get(s.start, "") + s.text
    merged = [s for s in splices if s.start != s.end]
    merged += [Splice(at, at, insert) for at, insert in inserted.items()]
    for s in sorted(merged, key=lambda s: (s.start, s.end), reverse=True):
        text = text[: s.start] + s.text + text[s.end :]
    return text


def set_switch(source: Source, value: bool, *path) -> list[Splice]:
    """Returns the splice writing the switch `value` at `path` as true or false (plain, as the
    JSON Schema's boolean wants it); [] if absent."""
    node = node_at(source.root, *path)
    if not isinstance(node, ScalarNode):
        return []
    return [Splice(node.start_mark.index, node.end_mark.index, "true" if value else "false")]


def set_scalar(source: Source, value: str, *path) -> list[Splice]:
    """Returns the splice writing `value` at `path`, quoted as the old value was; [] if absent."""
    node = node_at(source.root, *path)
    if not isinstance(node, ScalarNode):
        return []
    start, end = node.start_mark.index, node.end_mark.index
    block = node.style in (">", "|")  # its text ends with the line break after its last line
    if value == "":
        while start and source.text[start - 1] == " ":
            start -= 1
        return [Splice(start, end, source.newline if block else "")] if node.value else []
    if block:
        return [Splice(start, end, _block_scalar(source, node, value))]
    text = scalar(value, node.style)
    if start == end:  # an empty value: `key:` then the value, after a space
        text = " " + text
    return [Splice(start, end, text)]


def _block_scalar(source: Source, node: ScalarNode, value: str) -> str:
    """Returns `value` written as the block scalar `node` (`>-` and its lines) was: with its
    header and indentation if it is one line, else quoted on the key's line."""
    text, start = source.text, node.start_mark.index
    header_end = text.find("\n", start)
    first = text[header_end + 1 : text.find("\n", header_end + 1)]
    indent = first[: len(first) - len(first.lstrip(" "))]
    if "\n" in value or not indent or value != value.strip():
        return scalar(value) + source.newline
    return text[start:header_end].rstrip("\r") + source.newline + indent + value + source.newline


# A plain scalar YAML reads back as this very text: it starts with a Chinese character (so it is
# no number, date, boolean, null or indicator), has no ": " or " #" (a key or a comment), no tab
# and does not end in a colon or a space.
SAFE_PLAIN = re.compile(r"[\u3400-\u9fff](?:(?!: | #)[^\t\n])*(?<![: ])")
# Keys whose values are written in double quotes, as the hand-made roles write versions ("1.10").
QUOTED_KEYS = {"version"}


def _as_given(mapping: dict, key: str) -> list:
    return list(mapping)


def block_lines(
    key: str,
    value: object,
    indent: int = 0,
    order: Callable[[dict, str], list] = _as_given,
    text: Callable[[object], str] = str,
) -> list[str]:
    """Returns the block YAML lines of `key: value` as role files are written: mappings and
    lists indented under their key, keys in `order(mapping, key)`, each scalar `text(value)`
    written by `scalar`, an empty value as `key:` alone."""
    pad = " " * indent
    if isinstance(value, dict):
        nested = (block_lines(k, value[k], indent + 2, order, text) for k in order(value, key))
        return [f"{pad}{key}:", *(line for lines in nested for line in lines)]
    if isinstance(value, list):
        items = (_block_item(key, item, indent + 2, order, text) for item in value)
        return [f"{pad}{key}:", *(line for lines in items for line in lines)]
    if value is None or value == "":
        return [f"{pad}{key}:"]
    return [f"{pad}{key}: {scalar(text(value), chr(34) if key in QUOTED_KEYS else None)}"]


def _block_item(key: str, item: object, indent: int, order, text) -> list[str]:
    """Returns the lines of one item of the list under `key`, `- ` before its first line."""
    if not isinstance(item, dict):
        return [f"{' ' * indent}- {scalar(text(item))}"]
    lines = [
        line for k in order(item, key) for line in block_lines(k, item[k], indent + 2, order, text)
    ]
    return [f"{' ' * indent}- {lines[0].lstrip()}", *lines[1:]]


def scalar(value: str, style: str | None = None) -> str:
    """Returns `value` written as a YAML scalar: in `style` quotes, plain if that reads back the
    same, else in double quotes."""
    if style == "'" and "\n" not in value:  # in single quotes a line break reads as a space
        return "'" + value.replace("'", "''") + "'"
    if style is None and SAFE_PLAIN.fullmatch(value):  # most Chinese text: no parser needed
        return value
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


# -- Making a file hold another version of its role (`import` of a workbook) --------------------

# Kinds whose text another YAML reader (YAML 1.1) would take for a number or a time: written in
# double quotes, as the sample roles write them.
_QUOTED_KINDS = (typing.get_args(Version)[1], typing.get_args(Window)[1])


def edits(source: Source, new: Role) -> list[Splice]:
    """Returns the splices that make the file of `source` hold `new` instead of its role.

    Changed values are set in place (quoted as they were), list items are added and removed at
    their places, a missing key is added after the keys that come before it in the schema, laid
    out like its neighbours; comments, order and layout of everything else stay. Raises
    RolebookError where the file's layout cannot take an edit.
    """
    return list(_edits(source, source.role, new, Role, ()))


def role_lines(role: Role) -> list[str]:
    """Returns the YAML lines of a new role file holding `role`: its filled fields in the
    schema's order, lists as blocks, versions and time windows quoted."""
    return _mapping_lines(role, Role, 0)


def _edits(source: Source, old, new, hint, path: tuple) -> Iterator[Splice]:
    """Yields the splices that turn the value `old` at `path` (of type `hint`) into `new`."""
    if old == new:
        return
    node = node_at(source.root, *path)
    if not path and source.root.flow_style:  # a file that is one {flow} mapping, e.g. JSON
        yield from _rewrite_file(source, new)
    elif node is None:
        yield from _insert_key(source, path, new, hint)
    elif _is_mapping(hint) and isinstance(node, MappingNode) and not node.flow_style:
        cls = _bare(hint)
        for f in fields(cls):
            yield from _edits(
                source,
                getattr(old, f.name),
                getattr(new, f.name),
                _hints(cls)[f.name],
                path + (f.name,),
            )
    elif _is_list(hint) and isinstance(node, SequenceNode) and not node.flow_style:
        yield from _list_edits(source, node, old, new, _item_hint(hint), path)
    elif isinstance(new, bool):
        yield from set_switch(source, new, *path)
    elif isinstance(node, ScalarNode) and not (_is_list(hint) or _is_mapping(hint)):
        yield from set_scalar(source, _text(new), *path)
    else:  # an empty value, or a [flow] or {flow} collection: written anew as a block
        yield from _rewrite(source, path, new, hint)


def _list_edits(source: Source, node: SequenceNode, old: list, new: list, hint, path: tuple):
    """Yields the splices that turn the block list `node` (holding `old`) into `new`: items
    that differ in place are edited, the others added or removed."""
    if len(node.value) != len(old):  # the file has empty items, which the reading dropped
        yield _replace_items(source, node, 0, len(node.value), new, hint)
        return
    matcher = difflib.SequenceMatcher(None, list(map(repr, old)), list(map(repr, new)), False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1)
        for k in range(paired):
            yield from _edits(source, old[i1 + k], new[j1 + k], hint, path + (i1 + k,))
        if i2 - i1 != j2 - j1:
            yield _replace_items(source, node, i1 + paired, i2, new[j1 + paired : j2], hint)


def _replace_items(
    source: Source, node: SequenceNode, i1: int, i2: int, items: list, hint
) -> Splice:
    """Returns the splice putting `items` in place of the items i1..i2 (none: an insertion) of
    the block list `node`, laid out like the item beside them."""
    text, entries = source.text, node.value
    beside = entries[min(i1, len(entries) - 1)]
    prefix = text[_line_start(text, beside) : beside.start_mark.index]
    lines = [
        line for item in items for line in _item_lines(item, hint, prefix, _like(entries, item))
    ]
    if i1 < i2:
        start, end = _line_start(text, entries[i1]), end_of_content(text, entries[i2 - 1])
    else:
        start = end = end_of_content(text, entries[i1 - 1]) if i1 else _line_start(text, entries[0])
    return Splice(start, end, _block(source, start, lines))


def _like(entries: list[Node], item) -> Node:
    """Returns the entry of `entries` to lay `item` out like: the first with the same keys
    filled (a workflow entry with a time, like another with a time), else the last."""
    if is_dataclass(item):
        keys = {f.name for f in fields(item) if filled(getattr(item, f.name))}
        for entry in entries:
            if isinstance(entry, MappingNode) and {k.value for k, _ in entry.value} == keys:
                return entry
    return entries[-1]


def _insert_key(source: Source, path: tuple, value, hint) -> Iterator[Splice]:
    """Yields the splice adding the key path[-1] with `value` to the mapping at path[:-1],
    after the keys that come before it in the schema."""
    if not filled(value):
        return
    parent = node_at(source.root, *path[:-1])
    owner = _owner(path)
    if not isinstance(parent, MappingNode) or not parent.value:
        raise _cannot_edit(source, path)
    present = {k.value: v for k, v in parent.value}
    names = [f.name for f in fields(owner)]
    before = [present[n] for n in names[: names.index(path[-1])] if n in present]
    first_key, first_value = parent.value[0]
    at = _line_start(source.text, first_key)
    if before or source.text[at : first_key.start_mark.index].strip():
        # After the key before it; a list entry's first key (after "- ") keeps its place.
        at = end_of_content(source.text, before[-1] if before else first_value)
    lines = _value_lines(path[-1], value, hint, first_key.start_mark.column)
    yield Splice(at, at, _block(source, at, lines))


def _rewrite(source: Source, path: tuple, value, hint) -> Iterator[Splice]:
    """Yields the splices writing `value` anew, as a block, where the file has an empty value or
    a [flow] or {flow} collection at `path`."""
    parent = node_at(source.root, *path[:-1])
    if isinstance(parent, SequenceNode) and not parent.flow_style:
        yield _rewrite_item(source, parent.value[path[-1]], value, hint)
        return
    if not isinstance(parent, MappingNode) or parent.flow_style:
        raise _cannot_edit(source, path)
    key, node = next((k, v) for k, v in parent.value if k.value == path[-1])
    indent = key.start_mark.column
    lines = _value_lines(path[-1], value, hint, indent)
    yield Splice(key.end_mark.index, node.end_mark.index, lines[0][indent + len(path[-1]) :])
    if len(lines) > 1:
        newline = source.text.find("\n", node.end_mark.index)
        at = newline + 1 if newline != -1 else len(source.text)
        yield Splice(at, at, _block(source, at, lines[1:]))


def _rewrite_item(source: Source, node: Node, value, hint) -> Splice:
    """Returns the splice writing the list item `node` (a {flow} mapping after "- ") anew as a
    block."""
    prefix = source.text[_line_start(source.text, node) : node.start_mark.index]
    if prefix.strip() != "-":
        raise _cannot_edit(source, ())
    lines = _item_lines(value, hint, prefix)
    text = source.newline.join(lines)[len(prefix) :]
    return Splice(node.start_mark.index, node.end_mark.index, text)


def _rewrite_file(source: Source, new: Role) -> Iterator[Splice]:
    """Yields the splice writing the role anew, as blocks, in place of a file's {flow} mapping
    (comments before it stay)."""
    root = source.root
    if root.start_mark.column != 0:
        raise _cannot_edit(source, ())
    lines = role_lines(new)
    yield Splice(root.start_mark.index, root.end_mark.index, source.newline.join(lines))


def _cannot_edit(source: Source, path: tuple) -> RolebookError:
    where = ".".join(str(p) for p in path) or "the role"
    return RolebookError(
        f"{source.path}: cannot edit '{where}' in place: the file writes it in a way the "
        "editor does not change (a {flow} mapping or a list in brackets); write it as "
        "'key: value' lines and '- ' items, then import again"
    )


def _block(source: Source, at: int, lines: list[str]) -> str:
    """Returns `lines` as the text to insert at `at`: each ending in the file's line break,
    after one where `at` is the end of a file that does not end with one."""
    if not lines:
        return ""
    before = source.newline if at == len(source.text) and not source.text.endswith("\n") else ""
    return before + source.newline.join(lines) + source.newline


def _line_start(text: str, node: Node) -> int:
    return text.rfind("\n", 0, node.start_mark.index) + 1


def _value_lines(key: str, value, hint, indent: int) -> list[str]:
    """Returns the lines of `key: value` at `indent`: a mapping or a list as a block below it."""
    pad = " " * indent
    if _is_mapping(hint):
        return [f"{pad}{key}:", *_mapping_lines(value, _bare(hint), indent + 2)]
    if _is_list(hint):
        if not value:
            return [f"{pad}{key}: []"]
        prefix = " " * (indent + 2) + "- "
        items = [line for item in value for line in _item_lines(item, _item_hint(hint), prefix)]
        return [f"{pad}{key}:", *items]
    text = _text(value)
    return [f"{pad}{key}:" + (f" {_quoted(text, hint)}" if text else "")]


def _mapping_lines(
    value, cls: type, indent: int, like: Node | None = None, entry: bool = False
) -> list[str]:
    """Returns the lines of the filled fields of the dataclass `value`, in the order of the
    mapping `like`, then the schema's (in a list `entry`, texts before lists), quoted as the
    values of `like` are."""
    names = [f.name for f in fields(cls)]
    if entry:  # texts before lists: a workflow entry's time before its steps
        names.sort(key=lambda n: _is_list(_hints(cls)[n]))
    styles: dict[str, str | None] = {}
    if isinstance(like, MappingNode):
        styles = {k.value: getattr(v, "style", None) for k, v in like.value}
        names = [k for k in styles if k in names] + [n for n in names if n not in styles]
    lines = []
    for name in names:
        field_value, hint = getattr(value, name), _hints(cls)[name]
        if not filled(field_value) and not _required(cls, name):
            continue
        if name in styles and styles[name] in ('"', "'"):
            lines.append(" " * indent + f"{name}: {scalar(_text(field_value), styles[name])}")
        else:
            lines += _value_lines(name, field_value, hint, indent)
    return lines


def _item_lines(item, hint, prefix: str, like: Node | None = None) -> list[str]:
    """Returns the lines of one list item after `prefix` ("  - "), like the item `like`."""
    if is_dataclass(item):  # a mapping where a text may stand too (a Line's `ref: <id>`)
        hint = type(item)
    if _is_mapping(hint):
        lines = _mapping_lines(item, _bare(hint), len(prefix), like, entry=True)
        return [prefix + lines[0].lstrip(), *lines[1:]]
    style = like.style if isinstance(like, ScalarNode) and like.style in ('"', "'") else None
    return [prefix + _quoted(_text(item), hint, style)]


def _quoted(text: str, hint, style: str | None = None) -> str:
    """Returns `text` as a YAML scalar: in `style` quotes if given, in double quotes for a
    version or a time window, else plain where that reads back the same."""
    kind = getattr(_bare(hint), "__metadata__", (None,))[0]
    if isinstance(kind, SwitchKind):  # true or false, plain: a boolean to YAML and its schema
        return text
    return scalar(text, style or ('"' if kind in _QUOTED_KINDS else None))


def _text(value) -> str:
    """Returns a model value as the text a role file writes: dates as YYYY-MM-DD, a switch as
    true or false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _owner(path: tuple) -> type:
    """Returns the dataclass whose field path[-1] is: the type at path[:-1] below Role."""
    hint: object = Role
    for part in path[:-1]:
        hint = _item_hint(hint) if isinstance(part, int) else _hints(_bare(hint))[part]
    return _bare(hint)


@functools.cache
def _hints(cls: type) -> dict[str, object]:
    return typing.get_type_hints(cls, include_extras=True)


def _bare(hint):
    """Returns `hint` without None (`X | None` is X)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return next(a for a in typing.get_args(hint) if a is not type(None))
    return hint


def _required(cls: type, name: str) -> bool:
    f = next(f for f in fields(cls) if f.name == name)
    return f.default is MISSING and f.default_factory is MISSING


def _is_mapping(hint) -> bool:
    return is_dataclass(_bare(hint))


def _is_list(hint) -> bool:
    return typing.get_origin(_bare(hint)) is list


def _item_hint(hint):
    return typing.get_args(_bare(hint))[0]
