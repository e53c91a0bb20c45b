"""The catalogue as one CSV table: a row per value, for review, filters and diffs.

Columns: role, field, position, text. `field` is the value's path in the schema
(`title.zh`, `document_control.status`, `duties`, `revision_history.date`, `workflow.steps`);
`position` numbers a list's items (1, 2…), and a workflow step within its entry (2.3: entry 2,
its third step); a value outside a list has none. Every filled value of every role is there, in
the order of the role file; empty values are left out. UTF-8 with a byte-order mark, so that
Excel opens Chinese text right; lines end in CRLF (RFC 4180). A text that starts with =, +, - or
@ gets a leading apostrophe, as Excel itself writes it, so that no spreadsheet runs it as a
formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from rolebook.model.schema import Role
from rolebook.output.catalogue.json import data
from rolebook.output.catalogue.table import Catalogue

SUFFIX = ".csv"
HEADER = ("role", "field", "position", "text")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write(catalogue: Catalogue) -> bytes:
    """Returns the catalogue as CSV bytes: the header, then every value of every role."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for role in catalogue.roles:
        writer.writerows((role.id, name, where, _inert(text)) for name, where, text in values(role))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def values(role: Role) -> Iterator[tuple[str, str, str]]:
    """Yields (field, position, text) for every filled value of `role`, in schema order."""
    yield from _values(data(role), (), ())


def _values(value, path: tuple[str, ...], where: tuple[int, ...]):
    if isinstance(value, dict):
        for name, inner in value.items():
            yield from _values(inner, path + (name,), where)
    elif isinstance(value, list):
        for number, item in enumerate(value, 1):
            yield from _values(item, path, where + (number,))
    elif value:
        yield ".".join(path), ".".join(map(str, where)), "true" if value is True else value


def _inert(text: str) -> str:
    """Returns `text` with an apostrophe before it where a spreadsheet would take it for a
    formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def is_own(content: bytes) -> bool:
    """Returns whether `content` is a catalogue this module wrote (export may replace it)."""
    first = content.split(b"\r\n", 1)[0]
    return first == ("\ufeff" + ",".join(HEADER)).encode("utf-8")
