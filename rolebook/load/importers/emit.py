"""The text of an imported role's file: laid out like the hand-made roles in roles/.

Keys come in the schema's order, lists as `- ` lines, every value one scalar written as
rolebook/load/splice.py writes them (plain where that reads back the same, else quoted); a
comment above each section says where in the source it came from, and the unmapped text comes
last, each entry with its place.
"""

from __future__ import annotations

from dataclasses import fields

from rolebook.load.importers.shape import Imported
from rolebook.load.splice import block_lines
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
        lines += block_lines(key, values[key], 0, _ordered, _clean)
    return "\n".join(lines) + "\n"


def _ordered(mapping: dict, kind: str) -> list[str]:
    order = ORDER.get(kind, [])
    return sorted(mapping, key=lambda k: order.index(k) if k in order else len(order))


def _clean(value) -> str:
    """Returns a value's text without the invisible characters a role may not hold (Word's
    vertical tabs and page breaks, zero-width marks), each line break a space."""
    return " ".join(INVISIBLE.sub("", str(value)).split())
