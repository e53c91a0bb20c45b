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

_STANDARD_TAG = "tag:yaml.org,2002:"
Path = tuple  # keys and indices from the document's root, e.g. ("duties", 3)


@dataclass
class Reading:
    """What reading one file gave: the value (None if unusable), positions and problems."""

    path: str
    lines: list[str]
    value: object = None
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
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
    reading.value = _Walker(reading).convert(node, schema, ())
    return reading


def _compose(reading: Reading, text: str) -> Node | None:
    """Returns the root node of `text`, or None after reporting a YAML syntax error."""
    try:
        return YAML(typ="safe").compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.problem, exc.context) if p)
        reading.report((mark.line + 1, mark.column + 1), f"YAML syntax error: {message}")
    return None


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


class _Walker:
    """Converts composed nodes to model values, reporting into one Reading."""

    def __init__(self, reading: Reading):
        self.reading = reading
        self.seen: set[int] = set()

    def convert(self, node: Node, hint, path: Path):
        """Returns the value of `node` as type `hint`, or None after reporting why it cannot be."""
        self.reading.positions[path] = _where(node)
        if not self._acceptable(node):
            return None
        origin = typing.get_origin(hint)
        if origin in (typing.Union, types.UnionType):
            hint = next(a for a in typing.get_args(hint) if a is not type(None))
            origin = typing.get_origin(hint)
        if origin is typing.Annotated:
            return self._scalar(node, hint.__metadata__[0], path)
        if origin is list:
            return self._sequence(node, typing.get_args(hint)[0], path)
        return self._mapping(node, hint, path)

    def _acceptable(self, node: Node) -> bool:
        """Returns False after reporting an alias or a non-standard tag."""
        if id(node) in self.seen:
            self.reading.report(_where(node), "anchors and aliases (& and *) are not allowed in "
                                "role files; write the value out in full")
            return False
        self.seen.add(id(node))
        if not node.tag.startswith(_STANDARD_TAG):
            self.reading.report(_where(node), f"YAML tag '{node.tag}' is not allowed; remove it")
            return False
        return True

    def _wrong_type(self, node: Node, hint, path: Path) -> None:
        got = {ScalarNode: "a text", SequenceNode: "a list"}.get(type(node), "a mapping")
        name = path[-1] if path and isinstance(path[-1], str) else "this value"
        self.reading.report(_where(node), f"'{name}' must be {_describe(hint)}, not {got}")

    def _is_null(self, node: Node) -> bool:
        return isinstance(node, ScalarNode) and node.tag.endswith(":null")

    def _scalar(self, node: Node, kind: Kind, path: Path):
        if self._is_null(node):
            return None
        if not isinstance(node, ScalarNode):
            return self._wrong_type(node, typing.Annotated[str, kind], path)
        try:
            return kind.parse(node.value.strip())
        except KindError as exc:
            self.reading.report(_where(node), str(exc))
            return None

    def _sequence(self, node: Node, item_hint, path: Path) -> list | None:
        if self._is_null(node):
            return []
        if not isinstance(node, SequenceNode):
            return self._wrong_type(node, list[item_hint], path)
        items = [self.convert(item, item_hint, path + (i,)) for i, item in enumerate(node.value)]
        return [item for item in items if item is not None and item != ""]

    def _mapping(self, node: Node, schema: type, path: Path):
        if self._is_null(node):
            return None
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
            self.reading.key_positions[path + (name,)] = _where(key)
            if name in given:
                first = self.reading.key_positions[path + (name,)]
                self.reading.report(_where(key), f"duplicate key '{name}'; delete one of the two")
                self.reading.key_positions[path + (name,)] = first
            elif name in names:
                given[name] = value
            else:
                self.reading.report(_where(key), _unknown_key(name, names, path))
        return given

    def _construct(self, node: MappingNode, schema: type, path: Path, values: dict):
        """Returns the dataclass built from `values`, reporting missing and inconsistent fields."""
        missing = False
        for f in dataclasses.fields(schema):
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if values.get(f.name) is None or values.get(f.name) == "":
                values.pop(f.name, None)
                if required:
                    missing = True
                    self._report_missing(node, path, f.name)
        if missing:
            return None
        obj = schema(**values)
        for name, message in getattr(obj, "problems", lambda: ())():
            self.reading.report(self.reading.at(path + (name,), key=True), message)
        return obj

    def _report_missing(self, node: MappingNode, path: Path, name: str) -> None:
        if path + (name,) in self.reading.key_positions:
            where = self.reading.positions.get(path + (name,), _where(node))
            self.reading.report(where, f"'{name}' is empty; give it a value")
        else:
            where = self.reading.at(path, key=True) if path else (1, 1)
            owner = f"'{path[-1]}'" if path and isinstance(path[-1], str) else "this entry"
            owner = owner if path else "the file"
            self.reading.report(where, f"missing required key '{name}' in {owner}")


def _unknown_key(name, names: list[str], path: Path) -> str:
    """Returns the message for an unknown key, with the nearest valid key as a hint."""
    where = f" in '{path[-1]}'" if path and isinstance(path[-1], str) else ""
    if not isinstance(name, str):
        return f"keys must be plain words{where}; valid keys: {', '.join(names)}"
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else f"valid keys: {', '.join(names)}"
    return f"unknown key '{name}'{where}; {hint}"
