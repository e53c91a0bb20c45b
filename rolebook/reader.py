"""Reads a YAML file into a schema dataclass, collecting every problem with its line and column.

The file is parsed with the C parser into events, composed here into nodes that keep their
positions, and walked against the schema's type hints; YAML's own typing is never used, so a value
is whatever its text says. Nothing is evaluated: tags other than YAML's standard ones, anchors and
aliases are refused. Limits that keep hostile files harmless: invisible characters are reported
before parsing, and nesting deeper than MAX_DEPTH is refused while composing.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from functools import cache

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingStartEvent,
    ScalarEvent,
)

from rolebook.errors import ERROR, Diagnostic
from rolebook.kinds import INVISIBLE, Kind, KindError, invisible_message

# The tags plain YAML resolves by itself; any other (!!python/…, !custom) is refused.
_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
_NULLS = {"", "~", "null", "Null", "NULL"}
# A role nests five levels at most (workflow → entry → steps → step); anything far deeper is a
# mistake or an attack, and is refused before it can cost time or stack.
MAX_DEPTH = 50
# How many problems of one file are reported: a file with more is not worth reading on.
MAX_REPORTS = 100
# How many lines with invisible characters one file reports; a binary file would have thousands.
MAX_INVISIBLE_REPORTS = 10
# How much of a long source line a message shows after the column it points at.
MAX_SHOWN = 60
_UNPRINTABLE = re.compile(f"{INVISIBLE.pattern[:-1]}\r\n]")
# YAML's line breaks: the only ones left once INVISIBLE has refused U+0085, U+2028 and U+2029.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
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
        if len(source) > col + MAX_SHOWN:  # a minified or binary line: show where it goes wrong
            source = source[:col + MAX_SHOWN] + "…"
        return Diagnostic(self.path, line, col, printable(message), severity, printable(source))

    @property
    def full(self) -> bool:
        """Whether this file has as many problems as are reported for one file."""
        return len(self.diagnostics) > MAX_REPORTS

    def report(self, where: tuple[int, int], message: str, severity: str = ERROR) -> None:
        """Records a problem at a 1-based (line, col); past MAX_REPORTS, says so once."""
        if len(self.diagnostics) == MAX_REPORTS:
            message = (f"more than {MAX_REPORTS} problems in this file; the first "
                       f"{MAX_REPORTS} are shown: fix them and check again")
        if not self.full:
            self.diagnostics.append(self.diagnostic(where, message, severity))

    def at(self, path: Path, key: bool = False) -> tuple[int, int]:
        """Returns where the value (or key) at `path` is, else where its nearest parent is."""
        table = self.key_positions if key else self.positions
        while path and path not in table:
            path = path[:-1]
        return table.get(path, self.positions.get((), (1, 1)))


def read(path: str, text: str, schema: type) -> Reading:
    """Returns the Reading of `text` (the file at `path`) against the dataclass `schema`."""
    reading = Reading(path, split_lines(text))
    if _report_invisible(reading, text):
        return reading
    composer = _Composer(reading)
    node = composer.compose(text)
    if node is None:
        if not reading.diagnostics:
            reading.report((1, 1), "the file is empty; it must hold a mapping of keys to values")
        return reading
    if not isinstance(node, MappingNode):
        reading.report(_where(node), "the file must hold a mapping of keys to values "
                       "('key: value' lines), not a list or a single text")
        return reading
    value = _Walker(reading).convert(node, schema, ())
    reading.value = None if value is INVALID or composer.refused else value
    return reading


def printable(text: str) -> str:
    """Returns `text` fit to print on one line of a terminal: invisible characters (an escape
    sequence could recolour or rewrite the terminal) and line breaks become one mark each,
    so a caret under the text still points at the right column."""
    return _UNPRINTABLE.sub("\N{REPLACEMENT CHARACTER}", text)


def split_lines(text: str) -> list[str]:
    """Returns the lines of `text` as YAML counts them."""
    return _LINE_BREAK.split(text)


def position(text: str, offset: int) -> tuple[int, int]:
    """Returns the 1-based (line, column) of the character at `offset` in `text`."""
    before = text[:offset]
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return len(_LINE_BREAK.findall(before)) + 1, offset - line_start + 1


def _report_invisible(reading: Reading, text: str) -> bool:
    """Reports the first invisible character of each line (of a few lines); True if any.

    They are reported before parsing because YAML refuses some of them without saying which
    line they are on, and reads others as line breaks.
    """
    if not INVISIBLE.search(text):
        return False
    found = 0
    for number, line in enumerate(reading.lines, 1):
        match = INVISIBLE.search(line)
        if match:
            reading.report((number, match.start() + 1), invisible_message(match.group()))
            found += 1
            if found == MAX_INVISIBLE_REPORTS:
                break
    return True


@dataclass(frozen=True, slots=True)
class Node:
    """A composed YAML node: its tag, its value (a text, or the child nodes) and where it starts.

    Lighter than ruamel's nodes, whose tag is rebuilt from an object on every read.
    """

    tag: str
    value: object
    start_mark: object


class ScalarNode(Node):
    __slots__ = ()


class SequenceNode(Node):
    __slots__ = ()


class MappingNode(Node):
    """value: the (key node, value node) pairs."""

    __slots__ = ()


class _Composer:
    """Builds the node tree of one YAML document from the parser's events.

    ruamel's C composer recurses once per level of nesting and crashes the interpreter on a few
    ten thousand nested brackets; this one keeps a stack and refuses nesting deeper than
    MAX_DEPTH. Anchors, aliases and a second document are refused as they are met, so an alias
    bomb is never expanded: an alias becomes an empty value.
    """

    def __init__(self, reading: Reading):
        self.reading = reading
        self.open: list[tuple[Event, list[Node]]] = []
        self.root: list[Node] = []
        self.anchors: set[str] = set()
        self.refused = False

    def compose(self, text: str) -> Node | None:
        """Returns the root node of `text`, or None if it is empty or cannot be read."""
        try:
            for event in YAML(typ="safe").parse(text):
                if not self.take(event):
                    return None
        except MarkedYAMLError as exc:
            self.reading.report(*syntax_error(exc, self.reading.lines))
            return None
        return self.root[0] if self.root else None

    def take(self, event: Event) -> bool:
        """Adds one event to the tree; False if reading must stop here."""
        if isinstance(event, DocumentStartEvent) and self.root:
            self.reading.report(_where(event), "a second YAML document starts here (after "
                                "'---'); a file holds one role: move it to a file of its own")
            return False
        if isinstance(event, (ScalarEvent, AliasEvent, CollectionStartEvent)):
            self.anchor(event)
        if isinstance(event, CollectionStartEvent):
            if len(self.open) == MAX_DEPTH:
                self.reading.report(_where(event), f"lists and mappings are nested more than "
                                    f"{MAX_DEPTH} levels deep here; a role needs five at most: "
                                    "check the brackets and the indentation")
                return False
            self.open.append((event, []))
        elif isinstance(event, CollectionEndEvent):
            self.add(_collection(*self.open.pop()))
        elif isinstance(event, ScalarEvent):
            self.add(_scalar(event))
        elif isinstance(event, AliasEvent):
            self.add(ScalarNode(_TAG + "null", "", event.start_mark))
        return True

    def add(self, node: Node) -> None:
        (self.open[-1][1] if self.open else self.root).append(node)

    def anchor(self, event: Event) -> None:
        """Reports an anchor (&name), or an alias (*name) of an anchor not reported yet."""
        name = event.anchor
        if not name or name in self.anchors:
            return
        self.anchors.add(name)
        self.refused = True
        self.reading.report(_where(event), f"anchors and aliases (&{name}, *{name}) are not "
                            "allowed in role files; write the value out in full")


def _scalar(event: ScalarEvent) -> ScalarNode:
    """Returns the node of a scalar; an untagged plain scalar such as `~` or nothing is null."""
    tag = event.tag if event.tag not in (None, "!") else \
        _TAG + ("null" if event.implicit[0] and event.value in _NULLS else "str")
    return ScalarNode(tag, event.value, event.start_mark)


def _collection(start: Event, children: list[Node]) -> Node:
    """Returns the node of a list or a mapping (whose children alternate key, value)."""
    if isinstance(start, MappingStartEvent):
        pairs = list(zip(children[::2], children[1::2], strict=True))
        return MappingNode(start.tag or _TAG + "map", pairs, start.start_mark)
    return SequenceNode(start.tag or _TAG + "seq", children, start.start_mark)


# What to do about a YAML syntax error, found by words of the parser's message or its context.
_SYNTAX_HINTS = (
    ("cannot start any token", "put text that starts with @, ` or % in quotes"),
    ("scanning an alias", "put text that starts with * in quotes"),
    ("scanning an anchor", "put text that starts with & in quotes"),
    ("scanning a tag", "put text that starts with ! in quotes"),
    ("mapping values are not allowed", "put text that contains ': ' in quotes, or indent the "
     "line like the keys around it"),
    ("expected key", "indent the line like the keys above it, and end quoted text with its "
     "quote"),
    ("expected '-' indicator", "start every item of the list with '- ' in the same column, and "
     "put text that starts with [ or { in quotes"),
    ("expected ','", "close the bracket, or put text that starts with [ or { in quotes"),
    ("unknown escape character", "inside double quotes write a backslash as \\\\, or use "
     "single quotes"),
    ("Unicode character escape", "write the character itself instead of its \\u code"),
    ("could not find expected ':'", "write 'key: value' with a space after the colon, or join "
     "the line to the text above it"),
    ("block scalar", "after | or > start the text on the next line"),
    ("unknown directive", "put text that starts with % in quotes"),
)


def syntax_error(exc: MarkedYAMLError, lines: list[str]) -> tuple[tuple[int, int], str]:
    """Returns the position and message for a YAML syntax error, with what to do about it."""
    mark = exc.problem_mark or exc.context_mark
    line = lines[mark.line] if mark.line < len(lines) else ""
    if "\t" in line[:len(line) - len(line.lstrip())]:
        return (mark.line + 1, mark.column + 1), ("a tab is used for indentation; YAML "
                                                  "indents with spaces only: replace it")
    if "end of stream" in str(exc.problem) and "quoted" in str(exc.context):
        mark = exc.context_mark
        return (mark.line + 1, mark.column + 1), ("YAML syntax error: the quote that opens "
                                                  "here is never closed; close it")
    message = f"YAML syntax error: {exc.problem}"
    if exc.context and exc.context_mark and exc.context_mark.line != mark.line:
        message += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
    elif exc.context:
        message += f" ({exc.context})"
    said = f"{exc.problem} {exc.context}"
    hint = next((h for words, h in _SYNTAX_HINTS if words in said),
                "check the quotes, colons and indentation of this line and the one above it")
    return (mark.line + 1, mark.column + 1), f"{message}; {hint}"


def _where(node: Node | Event) -> tuple[int, int]:
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
        """Returns False for a node with a tag YAML does not define by itself (reported)."""
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace(_TAG, "!!")
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
            if self.reading.full:
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
