"""The plain-text writer: a Document as UTF-8 text, for a job posting to paste into a job board
or an e-mail. Headings stand on lines of their own, numbered lists keep their numbers, a table
is a line per row ("label: value")."""

from __future__ import annotations

from rolebook.model.document import Document, Heading, ListBlock, Para, Table, plain
from rolebook.output.writers.base import Resources


class TextWriter:
    """Writes Documents as plain text."""

    extension = "txt"

    def __init__(self, resources: Resources):
        self.resources = resources

    def write(self, doc: Document) -> bytes:
        """Returns the text of `doc`'s sections, a blank line between blocks."""
        parts = [_block(block) for section in doc.sections for block in section.blocks]
        return ("\n\n".join(p for p in parts if p) + "\n").encode("utf-8")


def _block(block) -> str:
    """Returns the text of one block; "" for a block text has no form for (a chart)."""
    if isinstance(block, Heading):
        return f"{plain(block.spans)}\n{('=' if block.level == 1 else '-') * 20}"
    if isinstance(block, Para):
        return plain(block.spans)
    if isinstance(block, ListBlock):
        return "\n".join(
            f"{block.start + i}. {plain(item)}" if block.ordered else f"- {plain(item)}"
            for i, item in enumerate(block.items)
        )
    if isinstance(block, Table):
        return "\n".join(
            "：".join(" ".join(plain(p) for p in cell.paras) for cell in row) for row in block.rows
        )
    return ""
