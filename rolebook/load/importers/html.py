"""Reader of HTML pages (.html) into source blocks, with lxml.html.

Headings (h1–h6), paragraphs and other text blocks, list items and table cells, in document
order, each at its line in the file. Scripts and styles are dropped; a block that holds other
blocks gives only its own text, so nothing is read twice.
"""

from __future__ import annotations

import lxml.etree
import lxml.html

from rolebook.load.importers.blocks import BREAK, CELL, HEADING, ITEM, PARAGRAPH, Block, Unreadable

HEADINGS = {f"h{n}" for n in range(1, 7)}
TEXT_BLOCKS = {"p", "div", "dt", "dd", "blockquote", "pre", "section", "article", "caption"}
BLOCKS = HEADINGS | TEXT_BLOCKS | {"li", "td", "th", "tr", "table", "ul", "ol", "dl", "body"}


def read_html(data: bytes) -> list[Block]:
    """Returns the blocks of an HTML page; raises Unreadable if it holds no page."""
    try:
        root = lxml.html.document_fromstring(data, parser=_parser(data))
    except (lxml.etree.ParserError, ValueError) as exc:
        raise Unreadable(f"it is not a readable HTML page ({exc})") from None
    for element in root.iter("script", "style", "template", "noscript"):
        element.drop_tree()
    blocks: list[Block] = []
    tables = 0
    for element in root.iter():
        if element.tag == "table":
            tables += 1
            blocks += _table(element, tables)
        elif element.tag == "hr":
            blocks.append(Block(BREAK, "", f"line {element.sourceline}"))
        elif element.tag in HEADINGS | TEXT_BLOCKS | {"li"} and not _in_table(element):
            blocks += _element(element)
    return blocks


def _parser(data: bytes) -> lxml.html.HTMLParser:
    """Returns a parser for the page's encoding: the one its <meta charset> names, else UTF-8
    if it is UTF-8, else GB18030 (GBK), as Chinese pages saved without a charset are."""
    if b"charset" in data[:4096].lower():
        return lxml.html.HTMLParser()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return lxml.html.HTMLParser(encoding="gb18030")
    return lxml.html.HTMLParser(encoding="utf-8")


def _in_table(element) -> bool:
    return any(a.tag == "table" for a in element.iterancestors())


def _own_text(element) -> str:
    """Returns the text of an element without the text of the blocks inside it."""
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        if child.tag == "br":
            parts.append("\n")
        elif child.tag not in BLOCKS:
            parts.append(_own_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _element(element) -> list[Block]:
    text = _own_text(element)
    if not text:
        return []
    kind = HEADING if element.tag in HEADINGS else ITEM if element.tag == "li" else PARAGRAPH
    return [Block(kind, text, f"line {element.sourceline}")]


def _table(table, number: int) -> list[Block]:
    """Returns a block per cell of the table's rows, a row's cells grouped."""
    blocks = []
    rows = [r for r in table.iter("tr") if next(r.iterancestors("table")) is table]
    for r, row in enumerate(rows, start=1):
        cells = [c for c in row if c.tag in ("td", "th")]
        group = f"table {number} row {r}"
        for c, cell in enumerate(cells, start=1):
            text = " ".join(cell.text_content().split())
            if text:
                where = f"{group} cell {c} (line {cell.sourceline})"
                first = c == 1 and len(cells) > 1
                blocks.append(Block(CELL, text, where, group=group, first_cell=first))
    return blocks
