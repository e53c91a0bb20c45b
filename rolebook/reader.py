"""Reads a YAML file into a schema dataclass, collecting every problem with its line and column.

The file is *composed* (parsed into nodes that keep their positions) with the C parser and then
walked against the schema's type hints; YAML's own typing is never used, so a value is whatever
its text says. Nothing is evaluated: tags other than YAML's standard ones, anchors and aliases are
refused.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from dataclasses import dataclass, field
from functools import cache

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rolebook.errors import ERROR, Diagnostic
from rolebook.kinds import Kind, KindError

# The tags plain YAML resolves by itself; any other (!!python/…, !custom) is refused.
_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in
               ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
Path = tuple  # keys and indices from the document's root, e.g. ("duties", 3)


@dataclass
class Reading:
    """What reading one file gave: the value (None if unusable), positions and problems."""

    path: str
    lines: list[str]
    value: object = None
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    # Keys suggested for a misspelt key: not reported again as missing.
    suggested: set[Path] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def diagnostic(self, where: tuple[int, int], message: str, severity: str = ERROR
                   ) -> Diagnostic:
        """Returns a Diagnostic of this file at a 1-based (line, col), with its source line."""
        line, col = where
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return Diagnostic(self.path, line, col, message, severity, source)

    def report(self, where: tuple[int, int], message: str, severity: str = ERROR) -> None:
        """Records a problem at a 1-based (line, col)."""
        self.diagnostics.append(self.diagnostic(where, message, severity))

    def at(self, path: Path, key: bool = False) -> tuple[int, int]:
        """Returns where the value (or key) at `path` is, else where its nearest parent is."""
        table = self.key_positions if key else self.positions
        while path and path not in table:
            path = path[:-1]
        return table.get(path, self.positions.get((), (1, 1)))


def read(path: str, text: str, schema: type) -> Reading:
    """Returns the Reading of `text` (the file at `path`) against the dataclass `schema`."""
    reading = Reading(path, text.splitlines())
    node = _compose(reading, text)
    if node is None:
        if not reading.diagnostics:
            reading.report((1, 1), "the file is empty; it must hold a mapping of keys to values")
        return reading
    if not isinstance(node, MappingNode):
        reading.report(_where(node), "the file must hold a mapping of keys to values "
                       "('key: value' lines), not a list or a single text")
        return reading
    value = _Walker(reading).convert(node, schema, ())
    # Anchors are refused wherever they are, even under a value the walk did not enter.
    if "&" in text and _report_anchors(reading, text):
        value = INVALID
    reading.value = None if value is INVALID else value
    return reading


def _report_anchors(reading: Reading, text: str) -> int:
    """Reports each anchor (&name) in `text` and returns how many: roles write values out."""
    found = 0
    for event in YAML(typ="safe").parse(text):
        anchor = getattr(event, "anchor", None)
        if anchor and type(event).__name__ != "AliasEvent":
            found += 1
            reading.report(_where(event), f"anchors and aliases (&{anchor}, *{anchor}) are "
                           "not allowed in role files; write the value out in full")
    return found


def _compose(reading: Reading, text: str) -> Node | None:
    """Returns the root node of `text`, or None after reporting a YAML syntax error."""
    try:
        return YAML(typ="safe").compose(text)
    except MarkedYAMLError as exc:
        reading.report(*_syntax_error(exc, text))
    return None


def _syntax_error(exc: MarkedYAMLError, text: str) -> tuple[tuple[int, int], str]:
    """Returns the position and message for a YAML syntax error, with a hint for tabs."""
    mark = exc.problem_mark or exc.context_mark
    line = text.splitlines()[mark.line] if mark.line < len(text.splitlines()) else ""
    if "\t" in line[:len(line) - len(line.lstrip())]:
        return (mark.line + 1, mark.column + 1), ("a tab is used for indentation; YAML "
                                                  "indents with spaces only: replace it")
    message = f"YAML syntax error: {exc.problem}"
    if exc.context and exc.context_mark and exc.context_mark.line != mark.line:
        message += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
    elif exc.context:
        message += f" ({exc.context})"
    return (mark.line + 1, mark.column + 1), message


def _where(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


@cache
def _hints(schema: type) -> dict[str, object]:
    return typing.get_type_hints(schema, include_extras=True)


def _describe(hint) -> str:
    """Returns how a value of type `hint` is described in messages."""
    if typing.get_origin(hint) is typing.Annotated:
        return hint.__metadata__[0].what
    if typing.get_origin(hint) is list:
        return "a list"
    return "a mapping of keys to values"


class _Invalid:
    """The value of a node that could not be converted; its problem is already reported."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID = _Invalid()


class _Walker:
    """Converts composed nodes to model values, reporting into one Reading.

    A node that cannot be converted yields INVALID after its problem is reported once; the
    mapping or list holding it is then INVALID too, without further messages.
    """

    def __init__(self, reading: Reading):
        self.reading = reading
        self.seen: set[int] = set()

    def convert(self, node: Node, hint, path: Path):
        """Returns the value of `node` as type `hint`: None for an empty value, else INVALID."""
        self.reading.positions[path] = _where(node)
        if not self._acceptable(node):
            return INVALID
        origin = typing.get_origin(hint)
        if origin in (typing.Union, types.UnionType):
            hint = next(a for a in typing.get_args(hint) if a is not type(None))
            origin = typing.get_origin(hint)
        if _is_null(node):
            return [] if origin is list else None
        if origin is typing.Annotated:
            return self._scalar(node, hint.__metadata__[0], path)
        if origin is list:
            return self._sequence(node, typing.get_args(hint)[0], path)
        return self._mapping(node, hint, path)

    def _acceptable(self, node: Node) -> bool:
        """Returns False for an alias (reported with its anchor) or a non-plain tag (reported).

        An alias is the same node met a second time: it is never walked twice, so an alias
        bomb costs one walk of its distinct nodes.
        """
        if id(node) in self.seen:
            return False
        self.seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.reading.report(_where(node), f"YAML tag '{tag}' is not allowed; remove it")
            return False
        return True

    def _wrong_type(self, node: Node, hint, path: Path) -> _Invalid:
        got = {ScalarNode: "a text", SequenceNode: "a list"}.get(type(node), "a mapping")
        name = next((p for p in reversed(path) if isinstance(p, str)), "value")
        item = " item" if path and isinstance(path[-1], int) else ""
        self.reading.report(_where(node), f"each '{name}'{item} must be {_describe(hint)}, "
                            f"not {got}" if item else
                            f"'{name}' must be {_describe(hint)}, not {got}")
        return INVALID

    def _scalar(self, node: Node, kind: Kind, path: Path):
        if not isinstance(node, ScalarNode):
            return self._wrong_type(node, typing.Annotated[str, kind], path)
        try:
            return kind.parse(node.value.strip())
        except KindError as exc:
            self.reading.report(_where(node), str(exc))
            return INVALID

    def _sequence(self, node: Node, item_hint, path: Path):
        if not isinstance(node, SequenceNode):
            return self._wrong_type(node, list[item_hint], path)
        items = [self.convert(item, item_hint, path + (i,)) for i, item in enumerate(node.value)]
        if any(item is INVALID for item in items):
            return INVALID
        return [item for item in items if item is not None and item != ""]

    def _mapping(self, node: Node, schema: type, path: Path):
        if not isinstance(node, MappingNode):
            return self._wrong_type(node, schema, path)
        given = self._keys(node, schema, path)
        values = {k: self.convert(v, _hints(schema)[k], path + (k,)) for k, v in given.items()}
        return self._construct(node, schema, path, values)

    def _keys(self, node: MappingNode, schema: type, path: Path) -> dict[str, Node]:
        """Returns the known keys' value nodes; reports duplicate, unknown and non-text keys."""
        names = [f.name for f in dataclasses.fields(schema)]
        given: dict[str, Node] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else None
            if name in given:
                first = self.reading.key_positions[path + (name,)][0]
                self.reading.report(_where(key), f"duplicate key '{name}' (also on line "
                                    f"{first}); delete one of the two")
                continue
            self.reading.key_positions[path + (name,)] = _where(key)
            if name in names:
                given[name] = value
                continue
            close = _closest(name, names)
            if close:
                self.reading.suggested.add(path + (close,))
            self.reading.report(_where(key), _unknown_key(name, names, close, path))
        return given

    def _construct(self, node: MappingNode, schema: type, path: Path, values: dict):
        """Returns the dataclass built from `values`, reporting missing and inconsistent fields."""
        if any(v is INVALID for v in values.values()):
            return INVALID
        missing = False
        for f in dataclasses.fields(schema):
            if values.get(f.name) is None or values.get(f.name) == "":
                values.pop(f.name, None)
                if f.default is dataclasses.MISSING and \
                        f.default_factory is dataclasses.MISSING:
                    missing = True
                    self._report_missing(node, path, f.name)
        if missing:
            return INVALID
        obj = schema(**values)
        for name, message in getattr(obj, "problems", lambda: ())():
            self.reading.report(self.reading.at(path + (name,), key=True), message)
        return obj

    def _report_missing(self, node: MappingNode, path: Path, name: str) -> None:
        if path + (name,) in self.reading.suggested:
            return
        if path + (name,) in self.reading.key_positions:
            where = self.reading.positions.get(path + (name,), _where(node))
            self.reading.report(where, f"'{name}' is empty; give it a value")
            return
        owner = next((f"'{p}'" for p in reversed(path) if isinstance(p, str)), "the file")
        owner = f"this entry of {owner}" if path and isinstance(path[-1], int) else owner
        self.reading.report(_where(node), f"missing required key '{name}' in {owner}")


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag.endswith(":null")


def _closest(name, names: list[str]) -> str:
    """Returns the valid key nearest to a misspelt one, or "" if none is near."""
    if not isinstance(name, str):
        return ""
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return close[0] if close else ""


def _unknown_key(name, names: list[str], close: str, path: Path) -> str:
    """Returns the message for an unknown key, with the nearest valid key as a hint."""
    where = f" in '{path[-1]}'" if path and isinstance(path[-1], str) else ""
    if not isinstance(name, str):
        return f"keys must be plain words{where}; valid keys: {', '.join(names)}"
    hint = f"did you mean '{close}'?" if close else f"valid keys: {', '.join(names)}"
    return f"unknown key '{name}'{where}; {hint}"
