"""Reads a YAML file into a schema dataclass, collecting every problem with its line and column.

The file is parsed with the C parser into events, composed here into nodes that keep their
positions, and walked against the schema's type hints; YAML's own typing is never used, so a value
is whatever its text says. Nothing is evaluated: tags other than YAML's standard ones, anchors and
aliases are refused. Limits that keep hostile files harmless: invisible characters are reported
before parsing, and nesting deeper than MAX_DEPTH is refused while composing.

`saved` and `restored` turn a clean Reading into JSON data and back (for the build cache); what
comes back is checked as strictly as a file, and its positions are read from the text again
only if they are asked for.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

try:  # ruamel.yaml.clib's parser; the loader ruamel wraps around it costs more than parsing
    from ruamel.yaml.cyaml import CParser
except ImportError:  # no C extension on this Python: ruamel's own parser gives the same events
    CParser = None

from rolebook.load.slips import slips
from rolebook.model.errors import ERROR, Diagnostic
from rolebook.model.scalars import (
    INVISIBLE,
    Kind,
    KindError,
    closest,
    find_invisible,
    invisible_message,
    needs_a_closer_look,
)

# The tags plain YAML resolves by itself; any other (!!python/…, !custom) is refused.
_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
_NULL, _STR, _MAP, _SEQ = (_TAG + t for t in ("null", "str", "map", "seq"))
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
# A colon YAML reads as a key's: followed by a space or the end of the line.
_COLON = re.compile(r":(?=\s|$)")
# YAML's line breaks: the only ones left once INVISIBLE has refused U+0085, U+2028 and U+2029.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
Path = tuple  # keys and indices from the document's root, e.g. ("duties", 3)
T = typing.TypeVar("T")  # the schema dataclass a file is read into


@dataclass
class Reading(typing.Generic[T]):
    """What reading one file gave: the value (None if unusable), positions and problems."""

    path: str
    lines: list[str]
    value: T | None = None
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    # Keys suggested for a misspelt key: not reported again as missing.
    suggested: set[Path] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def line(self, number: int) -> str:
        """Returns the file's line `number` (1-based), or "" if it has no such line."""
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def diagnostic(self, where: tuple[int, int], message: str, severity: str = ERROR) -> Diagnostic:
        """Returns a Diagnostic of this file at a 1-based (line, col), with its source line."""
        line, col = where
        source = self.line(line)
        if len(source) > col + MAX_SHOWN:  # a minified or binary line: show where it goes wrong
            source = source[: col + MAX_SHOWN] + "…"
        return Diagnostic(self.path, line, col, printable(message), severity, printable(source))

    @property
    def full(self) -> bool:
        """Whether this file has as many problems as are reported for one file."""
        return len(self.diagnostics) > MAX_REPORTS

    def report(self, where: tuple[int, int], message: str, severity: str = ERROR) -> None:
        """Records a problem at a 1-based (line, col); past MAX_REPORTS, says so once."""
        if len(self.diagnostics) == MAX_REPORTS:
            message = (
                f"more than {MAX_REPORTS} problems in this file; the first "
                f"{MAX_REPORTS} are shown: fix them and check again"
            )
        if not self.full:
            self.diagnostics.append(self.diagnostic(where, message, severity))

    def at(self, path: Path, key: bool = False) -> tuple[int, int]:
        """Returns where the value (or key) at `path` is, else where its nearest parent is."""
        table = self.key_positions if key else self.positions
        while path and path not in table:
            path = path[:-1]
        return table.get(path, self.positions.get((), (1, 1)))


def read(path: str, text: str, schema: type[T]) -> Reading[T]:
    """Returns the Reading of `text` (the file at `path`) against the dataclass `schema`."""
    reading: Reading[T] = Reading(path, split_lines(text))
    if _report_invisible(reading, text):
        return reading
    _read_value(reading, text, schema)
    if reading.diagnostics:
        _blame_slips(reading, text, schema)
    return reading


def _read_value(reading: Reading[T], text: str, schema: type[T]) -> None:
    """Reads `text` into reading.value, reporting every problem."""
    composer = _Composer(reading)
    node = composer.compose(text)
    if node is None:
        if not reading.diagnostics:
            reading.report((1, 1), "the file is empty; it must hold a mapping of keys to values")
        return
    if not isinstance(node, MappingNode):
        reading.report(
            node.where,
            "the file must hold a mapping of keys to values "
            "('key: value' lines), not a list or a single text",
        )
        return
    value = _Walker(reading).convert(node, _schema_shape(schema), ())
    reading.value = None if value is INVALID or composer.refused else value


def _blame_slips(reading: Reading, text: str, schema: type) -> None:
    """Replaces the problems of `reading` with the slips of a Chinese keyboard in its lines, if
    it has any: a slip throws YAML off, and what it then says is about something else.

    What YAML read as a text is text, whatever it looks like, unless a problem was found on the
    lines it spans; a slip is at the start of a line, so only a text starting there can hold it.
    """
    found = list(slips(reading.lines, _keys_of(_schema_shape(schema))))
    if not found:
        return
    texts = _scalar_lines(text)
    flagged = {d.line for d in reading.diagnostics}
    found = [
        (where, message)
        for where, message in found
        if not any(
            first <= where[0] <= last and not flagged.intersection(range(first, last + 1))
            for first, last in texts
        )
    ]
    if found:
        reading.diagnostics.clear()
        for where, message in found:
            reading.report(where, message)


def _scalar_lines(text: str) -> list[tuple[int, int]]:
    """Returns the first and last 1-based line of each scalar YAML reads in `text`, up to a
    syntax error. (Parsed again: only a file with problems comes here.)"""
    spans = []
    with contextlib.suppress(MarkedYAMLError):
        for event in _events(text):
            if type(event) is ScalarEvent:
                start, end = event.start_mark, event.end_mark
                # A block scalar ends at the start of the line after it.
                spans.append((start.line + 1, end.line + 1 if end.column else end.line))
    return spans


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
    if not find_invisible(text):
        return False
    found = 0
    for number, line in enumerate(reading.lines, 1):
        match = find_invisible(line)
        if match:
            reading.report((number, match.start() + 1), invisible_message(match.group()))
            found += 1
            if found == MAX_INVISIBLE_REPORTS:
                break
    return True


@dataclass(slots=True)
class Node:
    """A composed YAML node: its tag, its value (a text, or the child nodes) and where it starts,
    as a 1-based (line, column).

    Lighter than ruamel's nodes, whose tag is rebuilt from an object on every read (and not
    frozen: a frozen dataclass is three times slower to make, and there is one per value).
    """

    tag: str
    value: object
    where: tuple[int, int]


class ScalarNode(Node):
    __slots__ = ()
    value: str


class SequenceNode(Node):
    __slots__ = ()
    value: list[Node]


class MappingNode(Node):
    """value: the (key node, value node) pairs."""

    __slots__ = ()
    value: list[tuple[Node, Node]]


def _events(text: str) -> Iterator[Event]:
    """Yields the parser's events of `text`."""
    if CParser is None:
        yield from YAML(typ="safe", pure=True).parse(text)
        return
    parser = CParser(text)
    try:
        while (event := parser.get_event()) is not None:
            yield event
    finally:
        parser.dispose()


class _Composer:
    """Builds the node tree of one YAML document from the parser's events.

    ruamel's C composer recurses once per level of nesting and crashes the interpreter on a few
    ten thousand nested brackets; this one keeps a stack and refuses nesting deeper than
    MAX_DEPTH. Anchors, aliases and a second document are refused as they are met, so an alias
    bomb is never expanded: an alias becomes an empty value.
    """

    def __init__(self, reading: Reading):
        self.reading = reading
        self.root: list[Node] = []
        # The collections open around the next event, each with its start event and its children
        # so far; at the bottom, the document's root.
        self.open: list[tuple[CollectionStartEvent | None, list[Node]]] = [(None, self.root)]
        self.anchors: set[str] = set()
        self.refused = False

    def compose(self, text: str) -> Node | None:
        """Returns the root node of `text`, or None if it is empty or cannot be read."""
        try:
            for event in _events(text):
                if not self.take(event):
                    return None
        except MarkedYAMLError as exc:
            self.reading.report(*syntax_error(exc, self.reading.lines))
            return None
        return self.root[0] if self.root else None

    def take(self, event: Event) -> bool:
        """Adds one event to the tree; False if reading must stop here."""
        # Tested by exact type, most frequent first: this runs once per event of every file.
        if type(event) is ScalarEvent:
            if event.anchor:
                self.anchor(event)
            self.open[-1][1].append(_scalar(event))
        elif type(event) is MappingEndEvent or type(event) is SequenceEndEvent:
            start, children = self.open.pop()
            assert start is not None  # the parser ends only the collections it started
            self.open[-1][1].append(_collection(start, children))
        elif type(event) is MappingStartEvent or type(event) is SequenceStartEvent:
            if event.anchor:
                self.anchor(event)
            if len(self.open) > MAX_DEPTH:
                self.reading.report(
                    _where(event),
                    f"lists and mappings are nested more than "
                    f"{MAX_DEPTH} levels deep here; a role needs five at most: "
                    "check the brackets and the indentation",
                )
                return False
            self.open.append((event, []))
        elif type(event) is AliasEvent:
            self.anchor(event)
            self.open[-1][1].append(ScalarNode(_NULL, "", _where(event)))
        elif type(event) is DocumentStartEvent and self.root:
            self.reading.report(
                _where(event),
                "a second YAML document starts here (after "
                "'---'); a file holds one role: move it to a file of its own",
            )
            return False
        return True

    def anchor(self, event: NodeEvent) -> None:
        """Reports an anchor (&name), or an alias (*name) of an anchor not reported yet."""
        name = event.anchor
        if not name or name in self.anchors:
            return
        self.anchors.add(name)
        self.refused = True
        self.reading.report(
            _where(event),
            f"anchors and aliases (&{name}, *{name}) are not "
            "allowed in role files; write the value out in full",
        )


def _scalar(event: ScalarEvent) -> ScalarNode:
    """Returns the node of a scalar; an untagged plain scalar such as `~` or nothing is null."""
    tag, value, mark = event.tag, event.value, event.start_mark
    if tag is None or tag == "!":
        tag = _NULL if event.implicit[0] and value in _NULLS else _STR
    return ScalarNode(tag, value, (mark.line + 1, mark.column + 1))


def _collection(start: CollectionStartEvent, children: list[Node]) -> Node:
    """Returns the node of a list or a mapping (whose children alternate key, value)."""
    where = _where(start)
    if type(start) is MappingStartEvent:
        pairs = list(zip(children[::2], children[1::2], strict=True))
        return MappingNode(start.tag or _MAP, pairs, where)
    return SequenceNode(start.tag or _SEQ, children, where)


# What to do about a YAML syntax error, found by words of the parser's message or its context.
_SYNTAX_HINTS = (
    ("cannot start any token", "put text that starts with @, ` or % in quotes"),
    ("scanning an alias", "put text that starts with * in quotes"),
    ("scanning an anchor", "put text that starts with & in quotes"),
    ("scanning a tag", "put text that starts with ! in quotes"),
    (
        "mapping values are not allowed",
        "put text that contains ': ' in quotes, or indent the line like the keys around it",
    ),
    ("expected key", "indent the line like the keys above it, and end quoted text with its quote"),
    (
        "expected '-' indicator",
        "start every item of the list with '- ' in the same column, and "
        "put text that starts with [ or { in quotes",
    ),
    ("expected ','", "close the bracket, or put text that starts with [ or { in quotes"),
    (
        "unknown escape character",
        "inside double quotes write a backslash as \\\\, or use single quotes",
    ),
    ("Unicode character escape", "write the character itself instead of its \\u code"),
    (
        "could not find expected ':'",
        "write 'key: value' with a space after the colon, or join the line to the text above it",
    ),
    ("block scalar", "after | or > start the text on the next line"),
    ("unknown directive", "put text that starts with % in quotes"),
)


def syntax_error(exc: MarkedYAMLError, lines: list[str]) -> tuple[tuple[int, int], str]:
    """Returns the position and message for a YAML syntax error, with what to do about it."""
    mark = exc.problem_mark or exc.context_mark
    line = lines[mark.line] if mark.line < len(lines) else ""
    if "\t" in line[: len(line) - len(line.lstrip())]:
        return (mark.line + 1, mark.column + 1), (
            "a tab is used for indentation; YAML indents with spaces only: replace it"
        )
    if "end of stream" in str(exc.problem) and "quoted" in str(exc.context):
        mark = exc.context_mark
        return (mark.line + 1, mark.column + 1), (
            "YAML syntax error: the quote that opens here is never closed; close it"
        )
    message = f"YAML syntax error: {exc.problem}"
    if exc.context and exc.context_mark and exc.context_mark.line != mark.line:
        message += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
    elif exc.context:
        message += f" ({exc.context})"
    said = f"{exc.problem} {exc.context}"
    hint = next(
        (h for words, h in _SYNTAX_HINTS if words in said),
        "check the quotes, colons and indentation of this line and the one above it",
    )
    return (mark.line + 1, mark.column + 1), f"{message}; {hint}"


def _where(event: Event) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


@dataclass(frozen=True, eq=False)  # each shape is made once (see _shape): its identity will do
class _Shape:
    """How a value of one type hint is read: as a scalar of `kind`, a list of `item`s, a
    mapping of any keys to `values` (a dict), or a mapping onto the dataclass `schema` with the
    shape of each of its `fields`. `what` describes
    the value in messages; `required` names the fields that have no default; `optional` says
    whether the model's value may be None; `or_mapping` is the dataclass a scalar may be
    written as instead (the union of a kind and a dataclass)."""

    what: str
    kind: Kind | None = None
    item: _Shape | None = None
    schema: type | None = None
    fields: dict[str, _Shape] = field(default_factory=dict)
    values: _Shape | None = None
    required: frozenset[str] = frozenset()
    optional: bool = False
    # A scalar that may instead be a mapping of this shape (a line or `ref: <id>`).
    or_mapping: _Shape | None = None


@cache
def _shape(hint) -> _Shape:
    """Returns the _Shape of type `hint`; an optional type is read as its type without None.

    Worked out once per type, not once per value: the walk below runs for every node of every
    file.
    """
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        scalar, *other = (a for a in typing.get_args(hint) if a is not type(None))
        shape = _shape(scalar)
        if other:  # a text or a mapping (Line): the first is a kind, the second a dataclass
            return dataclasses.replace(shape, or_mapping=_shape(other[0]))
        return dataclasses.replace(shape, optional=True)
    if origin is typing.Annotated:
        kind = hint.__metadata__[0]
        return _Shape(kind.what, kind=kind)
    if origin is list:
        return _Shape("a list", item=_shape(typing.get_args(hint)[0]))
    if origin is dict:
        return _Shape("a mapping of keys to entries", values=_shape(typing.get_args(hint)[1]))
    hints = typing.get_type_hints(hint, include_extras=True)
    fields = dataclasses.fields(hint)
    return _Shape(
        "a mapping of keys to values",
        schema=hint,
        fields={f.name: _shape(hints[f.name]) for f in fields},
        required=frozenset(
            f.name
            for f in fields
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        ),
    )


@cache
def _keys_of(shape: _Shape) -> frozenset[str]:
    """Returns every key a file of `shape` may hold, at any depth."""
    inner = shape.item or shape.values or shape.or_mapping
    if inner is not None:
        return _keys_of(inner)
    nested = (_keys_of(inner) for inner in shape.fields.values())
    return frozenset(shape.fields).union(*nested)


def _schema_shape(schema: type) -> _Shape:
    """Returns the _Shape of the dataclass `schema`. (Typed `type`, which mypy takes for
    Hashable, as _shape's cache needs; it takes no type[T], python/mypy#11470.)"""
    return _shape(schema)


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
        self.positions = reading.positions

    def convert(self, node: Node, shape: _Shape, path: Path):
        """Returns the value of `node` read as `shape`: None for an empty value, else INVALID."""
        self.positions[path] = node.where
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace(_TAG, "!!")
            self.reading.report(node.where, f"YAML tag '{tag}' is not allowed; remove it")
            return INVALID
        if node.tag == _NULL and isinstance(node, ScalarNode):
            return [] if shape.item is not None else None
        if shape.or_mapping is not None and self._is_mapping_of(node, shape.or_mapping):
            return self._mapping(node, shape.or_mapping, path)
        if shape.kind is not None:
            return self._scalar(node, shape, path)
        if shape.item is not None:
            return self._sequence(node, shape, path)
        return self._mapping(node, shape, path)

    @staticmethod
    def _is_mapping_of(node: Node, shape: _Shape) -> bool:
        """Returns whether `node` is a mapping whose keys are all fields of `shape`: else a
        mapping where a text goes is a text with a colon in it (see _colon_in_text)."""
        if not isinstance(node, MappingNode):
            return False
        return all(isinstance(k, ScalarNode) and k.value in shape.fields for k, _ in node.value)

    def _wrong_type(self, node: Node, shape: _Shape, path: Path) -> _Invalid:
        got = {ScalarNode: "a text", SequenceNode: "a list"}.get(type(node), "a mapping")
        name = next((p for p in reversed(path) if isinstance(p, str)), "value")
        item = " item" if path and isinstance(path[-1], int) else ""
        self.reading.report(
            node.where,
            f"each '{name}'{item} must be {shape.what}, not {got}"
            if item
            else f"'{name}' must be {shape.what}, not {got}",
        )
        return INVALID

    def _scalar(self, node: Node, shape: _Shape, path: Path):
        if (
            isinstance(node, MappingNode)
            and len(node.value) == 1
            and isinstance(node.value[0][0], ScalarNode)
            and isinstance(node.value[0][1], ScalarNode)
        ):
            return self._colon_in_text(node.value[0][0])
        if not isinstance(node, ScalarNode):
            return self._wrong_type(node, shape, path)
        assert shape.kind is not None  # convert reads only a shape with a kind as a scalar
        try:
            return shape.kind.parse(node.value.strip())
        except KindError as exc:
            self.reading.report(node.where, str(exc))
            return INVALID

    def _sequence(self, node: Node, shape: _Shape, path: Path):
        if not isinstance(node, SequenceNode):
            return self._wrong_type(node, shape, path)
        item = shape.item
        assert item is not None  # convert reads only a shape with an item as a list
        items = [self.convert(child, item, path + (i,)) for i, child in enumerate(node.value)]
        empty = [c for c, value in zip(node.value, items, strict=True) if value in (None, "")]
        for child in empty:
            self._report_empty_item(child, path, "text" if item.kind else "entry")
        if empty or any(value is INVALID for value in items):
            return INVALID
        return items

    def _report_empty_item(self, child: Node, path: Path, what: str) -> None:
        """Reports an empty item of the list at `path` (of texts or of entries, `what` says):
        at its '-' if nothing follows that."""
        name = next((p for p in reversed(path) if isinstance(p, str)), "the list")
        line, col = child.where
        source = self.reading.line(line)
        dash = source.rfind("-", 0, col - 1)
        if dash < 0 or source[dash + 1 :].split("#")[0].strip():  # '- ""', '- ~', '[a, ""]'
            self.reading.report(
                child.where, f"empty item in '{name}'; write its {what}, or delete it"
            )
            return
        self.reading.report(
            (line, dash + 1),
            f"empty item in '{name}': a '-' with nothing after it; write the {what} after "
            "'- ', or delete the line",
        )

    def _colon_in_text(self, key: ScalarNode) -> _Invalid:
        """Reports a text that YAML read as 'key: value' for the ': ' in it, at that colon."""
        line, col = key.where
        colon = _COLON.search(self.reading.line(line), col - 1)
        words = key.value if len(key.value) <= 20 else key.value[:20] + "…"
        self.reading.report(
            (line, colon.start() + 1) if colon else key.where,
            f"ASCII colon ': ' after '{words}' makes YAML read the text as 'key: value'; put "
            "the whole text in quotes, or type a full-width colon '：'",
        )
        return INVALID

    def _mapping(self, node: Node, shape: _Shape, path: Path):
        if not isinstance(node, MappingNode):
            return self._wrong_type(node, shape, path)
        given = self._keys(node, shape, path)
        values = {
            k: self.convert(v, shape.values or shape.fields[k], path + (k,))
            for k, v in given.items()
        }
        if shape.values is not None:  # a dict: its keys are the caller's to judge
            return INVALID if any(v is INVALID for v in values.values()) else values
        return self._construct(node, shape, path, values)

    def _keys(self, node: MappingNode, shape: _Shape, path: Path) -> dict[str, Node]:
        """Returns the known keys' value nodes; reports duplicate, unknown and non-text keys."""
        key_positions = self.reading.key_positions
        given: dict[str, Node] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else None
            if name in given:
                first = key_positions[path + (name,)][0]
                self.reading.report(
                    key.where,
                    f"duplicate key '{name}' (also on line {first}); delete one of the two",
                )
                continue
            key_positions[path + (name,)] = key.where
            if name in shape.fields or (shape.values is not None and isinstance(name, str)):
                given[name] = value
                continue
            if self.reading.full:
                continue
            names = list(shape.fields)
            close = closest(name, names)
            if close:
                self.reading.suggested.add(path + (close,))
            self.reading.report(key.where, _unknown_key(name, names, close, path))
        return given

    def _construct(self, node: MappingNode, shape: _Shape, path: Path, values: dict):
        """Returns the dataclass built from `values`, reporting missing and inconsistent fields."""
        if any(v is INVALID for v in values.values()):
            return INVALID
        missing = False
        for name in shape.fields:
            if values.get(name) is None or values.get(name) == "":
                values.pop(name, None)
                if name in shape.required:
                    missing = True
                    self._report_missing(node, path, name)
        if missing:
            return INVALID
        assert shape.schema is not None  # a shape neither a scalar nor a list has a schema
        obj = shape.schema(**values)
        for name, message in getattr(obj, "problems", lambda: ())():
            self.reading.report(self.reading.at(path + (name,), key=True), message)
        return obj

    def _report_missing(self, node: MappingNode, path: Path, name: str) -> None:
        if path + (name,) in self.reading.suggested:
            return
        if path + (name,) in self.reading.key_positions:
            where = self.reading.positions.get(path + (name,), node.where)
            self.reading.report(where, f"'{name}' is empty; give it a value")
            return
        owner = next((f"'{p}'" for p in reversed(path) if isinstance(p, str)), "the file")
        owner = f"this entry of {owner}" if path and isinstance(path[-1], int) else owner
        self.reading.report(node.where, f"missing required key '{name}' in {owner}")


def _unknown_key(name, names: list[str], close: str, path: Path) -> str:
    """Returns the message for an unknown key, with the nearest valid key as a hint."""
    where = f" in '{path[-1]}'" if path and isinstance(path[-1], str) else ""
    if not isinstance(name, str):
        return f"keys must be plain words{where}; valid keys: {', '.join(names)}"
    hint = f"did you mean '{close}'?" if close else f"valid keys: {', '.join(names)}"
    return f"unknown key '{name}'{where}; {hint}"


# -- Readings as JSON data -----------------------------------------------------------------------


def saved(reading: Reading[T], schema: type[T]) -> dict:
    """Returns a Reading without diagnostics as JSON data, for `restored`: its value, each
    scalar as the text it is read from, each dataclass as the list of its fields' values.
    (Not its positions: `restored` finds them in the text again, if they are ever needed.)"""
    return {"value": _to_data(reading.value, _schema_shape(schema))}


def restored(path: str, text: str, data: dict, schema: type[T]) -> Reading[T]:
    """Returns the Reading of `text` (the file at `path`) that `saved` made `data` of.

    `data` is checked as a file is: every scalar is parsed again by its kind, every field must
    be there with a value of its type; anything else raises ValueError. The lines, positions
    and suggestions are worked out from `text` when first asked for (see _Restored).
    """
    # The decoder of `schema`'s shape makes an instance of `schema` or raises.
    value = typing.cast(T, _compiled(_schema_shape(schema))(data["value"]))
    return _Restored(path, text, value, schema)


def compact(reading: Reading[T], text: str, schema: type[T]) -> Reading[T]:
    """Returns `reading`, of `text` against `schema`, holding only its value if it is clean:
    its lines and positions are worked out again if asked for (see _Restored)."""
    if reading.diagnostics or reading.value is None:
        return reading
    return _Restored(reading.path, text, reading.value, schema)


# What a _Restored reading works out from its text only when asked.
_LATER = ("lines", "positions", "key_positions", "suggested")


class _Restored(Reading[T]):
    """A clean Reading restored from its value: its lines, positions and suggestions, which
    only a diagnostic needs (and a project of 10,000 roles holds millions of), are read from
    the text again the first time one of them is asked for. The text is the one the value was
    read from (the cache's key is its digest), so they are those the first reading found."""

    def __init__(self, path: str, text: str, value: T, schema: type[T]):
        # Not Reading's __init__: the fields of _LATER are left unset, for __getattr__.
        self.path, self.value, self.diagnostics = path, value, []
        self._text, self._schema = text, schema

    def __getattr__(self, name: str):
        """Returns the field `name` of _LATER, reading the text for all of them."""
        if name not in _LATER:  # only called for attributes not set
            raise AttributeError(name)
        again = read(self.path, self._text, self._schema)
        for field_name in _LATER:
            setattr(self, field_name, getattr(again, field_name))
        return getattr(again, name)


def _to_data(value, shape: _Shape):
    if value is None:
        return None
    if shape.or_mapping is not None and dataclasses.is_dataclass(value):
        return _to_data(value, shape.or_mapping)  # a list: a text is a str
    if shape.kind is not None:
        if isinstance(value, bool):  # a switch: the words it is written with
            return "true" if value else "false"
        return str(value)  # the text its kind parses back to the same value
    if shape.item is not None:
        return [_to_data(item, shape.item) for item in value]
    # A dataclass as the list of its fields' values: its field names would be most of the text.
    return [_to_data(getattr(value, name), inner) for name, inner in shape.fields.items()]


@cache
def _decoder(shape: _Shape) -> Callable[[object], object]:
    """Returns the function making a value of `shape` from the JSON data _to_data made of it,
    or raising ValueError: one function per shape, made once, as there are thousands of
    values. (What restores a reading is _compiled, which passes plain text by itself.)"""
    if shape.kind is not None:
        parse = shape.kind.parse

        def decode(data):
            return parse(data) if type(data) is str else _not_a(shape, data)
    elif shape.item is not None:
        item = _decoder(shape.item)

        def decode(data):
            return [item(d) for d in data] if type(data) is list else _not_a(shape, data)
    else:
        fields = [_decoder(inner) for inner in shape.fields.values()]
        schema = shape.schema
        assert schema is not None  # a shape neither a scalar nor a list has a schema

        def decode(data):
            if type(data) is not list or len(data) != len(fields):
                return _not_a(shape, data)
            return schema(*[field(d) for field, d in zip(fields, data, strict=True)])

    if shape.or_mapping is not None:
        scalar, mapping = decode, _decoder(shape.or_mapping)
        return lambda data: mapping(data) if type(data) is list else scalar(data)
    if not shape.optional:
        return decode
    return lambda data: None if data is None else decode(data)


@cache
def _compiled(shape: _Shape) -> Callable[[object], object]:
    """Returns a function doing what _decoder(shape)'s does, as one piece of Python source
    for all the shapes within: a role holds hundreds of values, and a call per value was half
    the time of restoring 10,000 roles. A value that is not plain text of the right type goes
    to _decoder's function of its shape, which parses it or raises."""
    env: dict[str, object] = {
        "closer": needs_a_closer_look,
        "new": object.__new__,
        "set_attribute": object.__setattr__,
    }
    defs: list[str] = []
    top = _source(shape, "data", env, defs, 0)
    defs.append(f"def decode(data):\n    return {top}\n")
    exec("\n".join(defs), env)  # source made above from the schema's shapes, nothing else
    return typing.cast(Callable[[object], object], env["decode"])


def _source(shape: _Shape, var: str, env: dict, defs: list[str], depth: int) -> str:
    """Returns an expression decoding `var` as _decoder(shape) does, adding the functions it
    calls to `env` (each shape's decoder, as f<n>) and to `defs` (a dataclass's, as d<n>)."""
    slow = f"f{len(env)}"
    env[slow] = _decoder(dataclasses.replace(shape, optional=False, or_mapping=None))
    if type(shape.kind) is Kind:
        expr = f"({var} if type({var}) is str and not closer({var}) else {slow}({var}))"
    elif shape.kind is not None:
        expr = f"{slow}({var})"
    elif shape.item is not None:
        item = _source(shape.item, f"y{depth}", env, defs, depth + 1)
        expr = f"([{item} for y{depth} in {var}] if type({var}) is list else {slow}({var}))"
    else:
        expr = f"{_dataclass_source(shape, slow, env, defs)}({var})"
    if shape.or_mapping is not None:
        rejects = f"f{len(env)}"
        env[rejects] = _decoder(shape.or_mapping)
        mapping = _dataclass_source(shape.or_mapping, rejects, env, defs)
        expr = f"({mapping}({var}) if type({var}) is list else {expr})"
    return f"(None if {var} is None else {expr})" if shape.optional else expr


def _dataclass_source(shape: _Shape, slow: str, env: dict, defs: list[str]) -> str:
    """Returns the name of a function, added to `defs`, decoding the list of a dataclass's
    fields (`slow` decodes, or rejects, what is not such a list)."""
    name, schema = f"d{len(env)}", f"s{len(env)}"
    env[schema] = shape.schema
    fields = [
        _source(inner, f"a{i}", env, defs, 0) for i, inner in enumerate(shape.fields.values())
    ]
    unpacked = f"    {''.join(f'a{i}, ' for i in range(len(fields)))}= x\n" if fields else ""
    # Not through the dataclass's __init__: a frozen one's sets each field by a call of
    # object.__setattr__. Its fields are then all there is to it, unless it has a
    # __post_init__ (the schema's have none), which __init__ runs.
    values = ", ".join(f"{key!r}: {value}" for key, value in zip(shape.fields, fields, strict=True))
    made = (
        f"    return {schema}({', '.join(fields)})\n"
        if hasattr(shape.schema, "__post_init__")
        else f"    made = new({schema})\n"
        f"    set_attribute(made, '__dict__', {{{values}}})\n"
        f"    return made\n"
    )
    defs.append(
        f"def {name}(x):\n"
        f"    if type(x) is not list or len(x) != {len(fields)}:\n"
        f"        return {slow}(x)\n" + unpacked + made
    )
    return name


def _not_a(shape: _Shape, data) -> typing.NoReturn:
    raise ValueError(f"not {shape.what}: {data!r:.40}")
