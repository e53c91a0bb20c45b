"""Reader of Word documents (.docx) into source blocks, with python-docx.

Body paragraphs and tables are read in their order. A paragraph in a heading style (Heading 1,
标题 1, Title, or with an outline level) is a heading; one with list numbering or in a list
style is a list item (Word draws its number, which is not in the text). A table gives a block
per paragraph of each cell, the cells of a row sharing a group, so that label | value rows and
rows of one section each read as a label followed by its text. The XML is read with
python-docx's parser and walked directly: python-docx's objects for each run, and its reading
of every part of the package, would cost more than the whole import may take.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from lxml.etree import XMLSyntaxError

from rolebook.load.importers.blocks import CELL, HEADING, ITEM, PARAGRAPH, Block, Unreadable

# A .docx whose parts unpack to more than this is not a job description (or a zip bomb).
MAX_UNPACKED = 50_000_000
HEADING_STYLE = re.compile(r"^(heading|标题)\s*\d|^(title|标题)$", re.IGNORECASE)
LIST_STYLE = re.compile(r"list|列表", re.IGNORECASE)
W_P, W_TBL, W_TR, W_TC, W_T = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:t")
W_PPR, W_PSTYLE, W_NUMPR, W_OUTLINE = qn("w:pPr"), qn("w:pStyle"), qn("w:numPr"), qn("w:outlineLvl")
W_VAL, W_VMERGE, W_TCPR = qn("w:val"), qn("w:vMerge"), qn("w:tcPr")


def read_docx(data: bytes) -> list[Block]:
    """Returns the blocks of a Word document; raises Unreadable if it is not one."""
    body, styles = _parts(data)
    blocks: list[Block] = []
    paragraphs = tables = 0
    for element in body.iterchildren(W_P, W_TBL):
        if element.tag == W_P:
            paragraphs += 1
            blocks += _paragraph(element, styles, f"paragraph {paragraphs}")
        else:
            tables += 1
            blocks += _table(element, styles, tables)
    return blocks


def _parts(data: bytes):
    """Returns the document's body and its paragraph styles' kinds, read with python-docx's XML
    parser (which resolves no entities) from the two parts that hold them; python-docx's
    package reader would parse every part of the package, three times the cost."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            if sum(info.file_size for info in package.infolist()) > MAX_UNPACKED:
                raise Unreadable(
                    f"it unpacks to more than the {MAX_UNPACKED // 1_000_000} MB a job "
                    "description may take"
                )
            main = _target(package, "_rels/.rels", "/officeDocument", "")
            document = parse_xml(package.read(main))
            styles = _target(package, _rels_of(main), "/styles", main.rpartition("/")[0])
            style_xml = parse_xml(package.read(styles)) if styles else None
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, XMLSyntaxError) as exc:
        raise Unreadable(f"it is damaged or not a Word document ({_reason(exc)})") from None
    body = document.find(qn("w:body"))
    if body is None:
        raise Unreadable("it is not a Word document: its main part has no body")
    return body, _styles(style_xml)


def _rels_of(part: str) -> str:
    """Returns the name of the relationships part of `part` (word/_rels/document.xml.rels)."""
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _target(package: zipfile.ZipFile, rels: str, kind: str, base: str) -> str:
    """Returns the part a relationship of `kind` leads to from the relationships part `rels`;
    "" for missing styles, KeyError for a missing main part."""
    names = set(package.namelist())
    relationships = list(parse_xml(package.read(rels))) if rels in names else []
    for relationship in relationships:
        if relationship.get("Type", "").endswith(kind):
            target = relationship.get("Target", "").lstrip("/")
            return posixpath.normpath(posixpath.join(base, target)) if base else target
    if kind == "/styles":
        return ""
    raise KeyError("it has no main document part")


def _reason(exc: Exception) -> str:
    said = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    text = said.splitlines()[0] if said else type(exc).__name__
    return text if len(text) <= 80 else text[:79] + "…"


def _styles(styles) -> dict[str, str]:
    """Returns each paragraph style's id with its kind: heading, item or paragraph."""
    kinds: dict[str, str] = {}
    if styles is None:
        return kinds
    for style in styles.iterchildren(qn("w:style")):
        name_element = style.find(qn("w:name"))
        name = name_element.get(W_VAL, "") if name_element is not None else ""
        ppr = style.find(W_PPR)
        outline = ppr is not None and ppr.find(W_OUTLINE) is not None
        numbered = ppr is not None and ppr.find(W_NUMPR) is not None
        kinds[style.get(qn("w:styleId"), "")] = (
            HEADING
            if HEADING_STYLE.search(name) or outline
            else ITEM
            if numbered or LIST_STYLE.search(name)
            else PARAGRAPH
        )
    return kinds


def _kind(paragraph, styles: dict[str, str]) -> str:
    """Returns what a paragraph is: a heading, a list item or a plain paragraph."""
    ppr = paragraph.find(W_PPR)
    if ppr is None:
        return PARAGRAPH
    if ppr.find(W_OUTLINE) is not None:
        return HEADING
    style = ppr.find(W_PSTYLE)
    kind = styles.get(style.get(W_VAL, ""), PARAGRAPH) if style is not None else PARAGRAPH
    return ITEM if kind == PARAGRAPH and ppr.find(W_NUMPR) is not None else kind


def _text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(W_T)).strip()


def _paragraph(paragraph, styles: dict[str, str], where: str, **cell) -> list[Block]:
    text = _text(paragraph)
    if not text:
        return []
    kind = _kind(paragraph, styles)
    if cell and kind != ITEM:
        kind = CELL
    return [Block(kind, text, where, **cell)]


def _table(table, styles: dict[str, str], number: int) -> list[Block]:
    """Returns the blocks of a table: one per paragraph of each cell, a row's cells grouped."""
    blocks: list[Block] = []
    for r, row in enumerate(table.iterchildren(W_TR), start=1):
        cells = [c for c in row.iterchildren(W_TC) if not _merged_below(c)]
        group = f"table {number} row {r}"
        for c, cell in enumerate(cells, start=1):
            paragraphs = [p for p in cell.iter(W_P) if _text(p)]
            for i, paragraph in enumerate(paragraphs, start=1):
                where = f"{group} cell {c}" + (f" paragraph {i}" if i > 1 else "")
                first = c == 1 and i == 1 and len(cells) > 1
                blocks += _paragraph(paragraph, styles, where, group=group, first_cell=first)
    return blocks


def _merged_below(cell) -> bool:
    """Returns whether a cell continues a vertically merged cell above it (it repeats it)."""
    props = cell.find(W_TCPR)
    merge = props.find(W_VMERGE) if props is not None else None
    return merge is not None and merge.get(W_VAL, "continue") != "restart"
