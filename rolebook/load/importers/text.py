"""Readers of plain text (.txt) and Markdown (.md) into source blocks.

Text comes as people paste it: one paragraph or item a line, or whole pages flattened into one
line each, as a scraped copy holds them. Such a copy starts each page's line with the page
number glued to the text (`2、`, `3、` …, one more each line); those numbers are dropped and
the page joined to the one before it, so an item cut by a page break is whole again.
"""

from __future__ import annotations

import re

from rolebook.load.importers.blocks import (
    BREAK,
    CELL,
    HEADING,
    ITEM,
    PARAGRAPH,
    Block,
    Unreadable,
)

PAGE_NUMBER = re.compile(r"\s*(\d{1,3})\s*[、.．]")
# Page numbers are taken for page numbers only when this many lines in a row carry them.
MIN_PAGES = 3
MD_HEADING = re.compile(r"(#{1,6})\s+(.*?)\s*#*\s*$")
MD_ITEM = re.compile(r"\s*(?:[-*+•]|\d{1,3}[.)])\s+(.*)")
MD_RULE = re.compile(r"\s*([-*_])(\s*\1){2,}\s*$")
MD_TABLE_RULE = re.compile(r"\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def decode(data: bytes) -> str:
    """Returns the text of a text file in UTF-8 (with or without a byte-order mark), UTF-16
    with a byte-order mark, or GB18030 (GBK), the encodings Chinese text files come in."""
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable("this is not a text file (it holds binary data)")
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unreadable("the text is in an unknown encoding; save it as UTF-8 and import it again")


def join(parts: list[tuple[str, int, int]]) -> tuple[str, tuple[tuple[int, int, int], ...]]:
    """Returns the pieces (text, line, column) joined into one text, with where each piece
    starts; a space goes between two pieces only where both sides are Latin letters or digits."""
    text, starts = "", []
    for piece, line, col in parts:
        if text and piece and text[-1].isascii() and text[-1].isalnum() and piece[0].isascii():
            text += " "
        starts.append((len(text), line, col))
        text += piece
    return text, tuple(starts)


def read_text(data: bytes) -> list[Block]:
    """Returns the blocks of a plain-text file: a block a line, lines that continue a flattened
    page joined to it."""
    lines = decode(data).splitlines()
    pages = _page_lines(lines)
    blocks: list[list[tuple[str, int, int]]] = []
    for number, line in enumerate(lines, start=1):
        if number in pages:
            cut = PAGE_NUMBER.match(line)
            assert cut is not None  # _page_lines found the number there
            if blocks and not pages[number]:
                blocks[-1].append((line[cut.end() :], number, cut.end() + 1))
            else:
                blocks.append([(line[cut.end() :].strip(), number, cut.end() + 1)])
        elif line.strip():
            blocks.append([(line.strip(), number, len(line) - len(line.lstrip()) + 1)])
    return [_block(parts) for parts in blocks]


def _block(parts: list[tuple[str, int, int]]) -> Block:
    text, starts = join(parts)
    return Block(PARAGRAPH, text, f"line {parts[0][1]}", lines=starts)


def _page_lines(lines: list[str]) -> dict[int, bool]:
    """Returns the numbers of the lines that start with a page number, each with whether it is
    the first page: MIN_PAGES or more lines in a row, each starting with the number one more
    than the line before."""
    found: dict[int, bool] = {}
    run: list[int] = []
    expected = None
    for number, line in enumerate(lines + [""], start=1):
        match = PAGE_NUMBER.match(line)
        value = int(match.group(1)) if match else None
        if value is None or (run and value != expected):
            if len(run) >= MIN_PAGES:
                found.update((n, n == run[0]) for n in run)
            run = []
        if value is not None:
            run.append(number)
        expected = None if value is None else value + 1
    return found


def read_markdown(data: bytes) -> list[Block]:
    """Returns the blocks of a Markdown file: headings, paragraphs (their lines joined), list
    items, rules, and table rows (a cell a block)."""
    reader = _Markdown()
    for number, line in enumerate(decode(data).splitlines(), start=1):
        reader.line(_plain(line), number)
    reader.close()
    return reader.blocks


class _Markdown:
    """Markdown read line by line: a paragraph or item stays open until a blank line or the
    next block, its lines joined (an item cut by a line break is one item)."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[tuple[str, int, int]] = []
        self.kind = PARAGRAPH

    def close(self) -> None:
        if self.parts:
            text, starts = join(self.parts)
            self.blocks.append(Block(self.kind, text, f"line {self.parts[0][1]}", lines=starts))
        self.parts = []

    def line(self, line: str, number: int) -> None:
        heading, item = MD_HEADING.match(line), MD_ITEM.match(line)
        if MD_RULE.match(line):
            self.close()
            self.blocks.append(Block(BREAK, "", f"line {number}"))
        elif not line.strip() or MD_TABLE_RULE.match(line):
            self.close()
        elif heading or line.lstrip().startswith("|"):
            self.close()
            self.blocks += (
                [Block(HEADING, heading.group(2), f"line {number}")]
                if heading
                else _table_row(line, number)
            )
        elif item:
            self.close()
            self.kind, self.parts = ITEM, [(item.group(1), number, item.start(1) + 1)]
        else:
            self.kind = self.kind if self.parts else PARAGRAPH
            self.parts.append((line.strip(), number, len(line) - len(line.lstrip()) + 1))


def _plain(line: str) -> str:
    """Returns a Markdown line without links' addresses and emphasis marks."""
    return MD_EMPHASIS.sub("", MD_LINK.sub(r"\1", line))


def _table_row(line: str, number: int) -> list[Block]:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return [
        Block(CELL, cell, f"line {number} cell {i}", group=f"line {number}", first_cell=i == 1)
        for i, cell in enumerate(cells, start=1)
    ]
