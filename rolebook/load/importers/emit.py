"""The text of an imported role's file: laid out like the hand-made roles in roles/.

Keys come in the schema's order, lists as `- ` lines, every value one scalar written as
rolebook/load/splice.py writes them (plain where that reads back the same, else quoted); a
comment above each section says where in the source it came from, and the unmapped text comes
last, each entry with its place.
"""

from __future__ import annotations

import re
from dataclasses import fields

from rolebook.load.importers.shape import Imported
from rolebook.load.splice import scalar
from rolebook.model.scalars import INVISIBLE
from rolebook.model.schema import DocumentControl, Qualifications, Reporting, Revision, Role

MODELINE = "# yaml-language-server: $schema=../schema/role.schema.json"
HEADER = (
    "# Imported from {source} by `rolebook import`.\n"
    "# Compare each section with the source, move each `unmapped` entry into the section it\n"
    "# belongs to (or delete it), then run check."
)
# The role's keys in the order the hand-made roles have them (what a role is, its document
# control, then its sections); the other mappings' keys in the schema's order.
ROLE_ORDER = ["id", "title", "department", "summary", "document_control", "revision_history"]
ORDER = {
    "role": ROLE_ORDER + [f.name for f in fields(Role) if f.name not in ROLE_ORDER],
    "document_control": [f.name for f in fields(DocumentControl)],
    "reporting": [f.name for f in fields(Reporting)],
    "qualifications": [f.name for f in fields(Qualifications)],
    "revision_history": [f.name for f in fields(Revision)],
    "workflow": ["time", "period", "steps", "condition"],
    "principles": ["name", "rule"],
    "unmapped": ["text", "source"],
}
QUOTED = {"version"}
# A plain scalar YAML reads back as this very text: it starts with a Chinese character (so it is
# no number, date, boolean, null or indicator), has no ": " or " #" (a key or a comment), no tab
# and does not end in a colon or a space.
SAFE_PLAIN = re.compile(
    r"[\u3400-\u9fff](?:(?!: | #)[^\t\n])*(?<![: ])"
)  # written in quotes, as the hand-made roles write versions ("1.10")


def role_text(found: Imported, head: dict, source: str) -> str:
    """Returns the role file's text: `head` (id, document control, revision history) and the
    imported sections, each under a comment naming where it was in `source`."""
    values = {**found.values, **head}
    values["document_control"] = {
        **head["document_control"],
        **found.values.get("document_control", {}),
    }
    if found.unmapped:
        values["unmapped"] = [
            {"text": " ".join(text.split()), "source": f"{source}, {where}"}
            for text, where in found.unmapped
        ]
    lines = [MODELINE, HEADER.format(source=source)]
    for key in _ordered(values, "role"):
        if key in found.sources:
            lines.append(f"# from {found.sources[key]}")
        lines += _lines(key, values[key], 0)
    return "\n".join(lines) + "\n"


def _ordered(mapping: dict, kind: str) -> list[str]:
    order = ORDER.get(kind, [])
    return sorted(mapping, key=lambda k: order.index(k) if k in order else len(order))


def _lines(key: str, value, indent: int) -> list[str]:
    """Returns the block YAML lines of `key: value`."""
    pad = " " * indent
    if isinstance(value, dict):
        return [f"{pad}{key}:"] + [
            line for k in _ordered(value, key) for line in _lines(k, value[k], indent + 2)
        ]
    if isinstance(value, list):
        return [f"{pad}{key}:"] + [line for item in value for line in _item(key, item, indent)]
    if value is None or value == "":
        return [f"{pad}{key}:"]
    return [f"{pad}{key}: {_scalar(_clean(value), chr(34) if key in QUOTED else None)}"]


def _item(key: str, item, indent: int) -> list[str]:
    """Returns the lines of one list item, `- ` before its first line."""
    pad = " " * (indent + 2)
    if not isinstance(item, dict):
        return [f"{pad}- {_scalar(_clean(item))}"]
    lines = [line for k in _ordered(item, key) for line in _lines(k, item[k], indent + 4)]
    return [f"{pad}- {lines[0].lstrip()}"] + lines[1:]


def _scalar(value: str, style: str | None = None) -> str:
    """Returns `value` as splice.scalar writes it; a Chinese text that YAML can only read as
    text is written plain without asking the parser (the cost of most of an import's values)."""
    if style is None and SAFE_PLAIN.fullmatch(value):
        return value
    return scalar(value, style)


def _clean(value) -> str:
    """Returns a value's text without the invisible characters a role may not hold (Word's
    vertical tabs and page breaks, zero-width marks), each line break a space."""
    return " ".join(INVISIBLE.sub("", str(value)).split())
