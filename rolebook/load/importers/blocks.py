"""The neutral form every reader produces: a list of source blocks, each with its place.

A block is one paragraph, heading, list item or table cell, with its text and where it is in
the source (paragraph n, table t row r cell c, line n), so that every piece of text the mapping
cannot place can be traced back to the source.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

HEADING, PARAGRAPH, ITEM, CELL = "heading", "paragraph", "item", "cell"
BREAK = "break"  # a horizontal rule: whatever follows it is outside the section before it


class Unreadable(Exception):
    """The file cannot be imported; the message says why and what to do instead."""


@dataclass(frozen=True)
class Block:
    """One piece of the source: its kind, its text and where it starts.

    `group` is shared by the cells of one table row (label | value rows), `first_cell` marks the
    row's first cell; `lines` maps offsets in `text` to the source's (line, column) where the
    block was joined from several lines of a text file.
    """

    kind: str
    text: str
    where: str
    group: str = ""
    first_cell: bool = False
    lines: tuple[tuple[int, int, int], ...] = field(default=(), compare=False)

    def at(self, offset: int) -> str:
        """Returns where the character at `offset` of the text is in the source."""
        if not self.lines:
            return self.where
        i = bisect.bisect_right([start for start, _, _ in self.lines], offset) - 1
        start, line, col = self.lines[max(i, 0)]
        return f"line {line}, column {col + offset - start}"
