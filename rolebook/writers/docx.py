"""The Word writer: a Document in, .docx bytes out.

Styles come from templates/reference.docx (HR can restyle it in Word, as with pandoc's
--reference-doc); this writer only names style ids. Each Section of the Document becomes a Word
section starting on a new page, with its own version header (and lifecycle mark) and its own
footer, its pages numbered from 1.

"Page X of Y" counts the pages of the section: Y is a PAGEREF to a bookmark at the section's
end, not SECTIONPAGES, which LibreOffice (7.4) does not compute; in a one-section document it
is NUMPAGES.
"""

from __future__ import annotations

import io

import docx
from docx.enum.section import WD_SECTION

from rolebook import ooxml, orgchart
from rolebook.document import (
    Cell,
    Document,
    Heading,
    ListBlock,
    OrgChart,
    Para,
    Section,
    Spans,
    Table,
    Toc,
)
from rolebook.writers.base import Resources

TABLE_STYLE = "RolebookTable"
# A paragraph class of the document model: its Word style and alignment.
PARA_STYLES = {"": ("", ""), "subtitle": ("Subtitle", ""), "title": ("Title", ""),
               "organisation": ("Subtitle", "center"), "toc-heading": ("TOCHeading", ""),
               "note": ("Caption", "")}
TOC_STYLES = {1: "TOC1", 2: "TOC2", 3: "TOC3"}
MARK_COLOR = "C00000"  # the lifecycle mark (草稿 / DRAFT): red, as a stamp would be
ROLE_FILL, POSITION_FILL = "DEEAF6", "EDEDED"  # org chart boxes: roles, other positions
CHART_LINE_HEIGHT = 200  # twips: each of the two rows of lines between two layers of boxes


class DocxWriter:
    """Writes Documents as .docx files styled by the reference document."""

    extension = "docx"

    def __init__(self, resources: Resources):
        self.reference = resources.reference_docx
        self.labels = resources.labels

    def write(self, doc: Document) -> bytes:
        """Returns the .docx bytes for `doc`."""
        word = docx.Document(io.BytesIO(self.reference))
        return _Build(word, doc, self.labels[doc.lang]).run()


class _Build:
    """The state of writing one Document: the python-docx document and its numbering."""

    def __init__(self, word, doc: Document, labels: dict[str, str]):
        self.word, self.doc, self.labels = word, doc, labels
        self.body = word.element.body
        self.anchors = {s.anchor for s in doc.sections}
        self.bookmarks = 0
        styles = word.styles.element
        self.list_numid = ooxml.style_numid(styles, "ListNumber")
        ooxml.east_asian_language(styles)

    def run(self) -> bytes:
        """Returns the finished package's bytes."""
        for child in list(self.body)[:-1]:  # the reference's body holds only its sectPr
            self.body.remove(child)
        meta = self.doc.meta
        ooxml.core_properties(self.word.core_properties, meta)
        ooxml.custom_properties(self.word.part.package, {
            "DocumentNumber": meta.get("document_number", ""),
            "Version": meta.get("version", ""), "Status": meta.get("status", "")})
        for i, section in enumerate(self.doc.sections):
            self.section(section, i)
        return ooxml.package_bytes(self.word)

    def section(self, section: Section, index: int) -> None:
        """Writes one section: its page header and footer, then its blocks, then a bookmark
        at its end for the footer's page count."""
        word_section = self.word.add_section(WD_SECTION.NEW_PAGE) if index \
            else self.word.sections[0]
        ooxml.page_numbers_restart(word_section._sectPr)
        gap = self.labels["field_gap"]
        header_text = section.header_text(self.labels["field_separator"], gap)
        mark = [ooxml.run(section.mark, bold=True, color=MARK_COLOR), ooxml.run(gap)] \
            if section.mark else []
        self.replace(word_section.header,
                     ooxml.paragraph("Header", [*mark, ooxml.run(header_text)]))
        self.section_end = f"_End{index}"
        self.replace(word_section.footer, ooxml.paragraph("Footer", self.runs(section.footer)))
        elements = [e for block in section.blocks for e in self.block(block)]
        self.add(elements)
        last = [p for e in elements for p in e.iter(ooxml.qn("w:p"))] or [self.add_empty()]
        self.bookmarks += 1
        ooxml.point_bookmark(last[-1], self.section_end, self.bookmarks)

    def add_empty(self):
        """Adds an empty paragraph (to a section that has no other) and returns it."""
        p = ooxml.paragraph()
        self.add([p])
        return p

    def replace(self, part, p) -> None:
        """Makes paragraph `p` the whole content of a header or footer of its own."""
        part.is_linked_to_previous = False
        for child in list(part._element):
            part._element.remove(child)
        part._element.append(p)

    def add(self, elements) -> None:
        for element in elements:
            self.body.sectPr.addprevious(element)

    def block(self, block) -> list:
        """Returns the body elements of one block."""
        if isinstance(block, Heading):
            return [self.heading(block)]
        if isinstance(block, Para):
            style, align = PARA_STYLES.get(block.style, ("", ""))
            return [ooxml.paragraph(style, self.runs(block.spans), align)]
        if isinstance(block, ListBlock):
            return self.list(block)
        if isinstance(block, Table):
            return [self.table(block)]
        if isinstance(block, Toc):
            entries = [(e.level, e.text, ooxml.bookmark_name(e.anchor), e.page)
                       for e in block.entries]
            levels = max((e.level for e in block.entries), default=1)
            return ooxml.toc(entries, TOC_STYLES, f"1-{levels}")
        if isinstance(block, OrgChart):  # Word refuses a table without rows: no roles, no chart
            return [self.org_chart(block), ooxml.paragraph()] if block.nodes else []
        raise TypeError(f"no Word form for {type(block).__name__}")

    def heading(self, h: Heading):
        number = [ooxml.run(f"{h.number} ")] if h.number else []
        p = ooxml.paragraph(f"Heading{h.level}", [*number, *self.runs(h.spans)])
        if h.anchor:
            self.bookmarks += 1
            ooxml.bookmark(p, ooxml.bookmark_name(h.anchor), self.bookmarks)
        return p

    def list(self, lst: ListBlock) -> list:
        """Returns one paragraph per item; a numbered list restarts at 1."""
        if not lst.ordered:
            return [ooxml.paragraph("ListBullet", self.runs(i)) for i in lst.items]
        num_id = ooxml.list_number_restart(self.word.part.numbering_part.element,
                                           self.list_numid)
        paras = [ooxml.paragraph("ListNumber", self.runs(i)) for i in lst.items]
        for p in paras:
            ooxml.numbered(p, num_id)
        return paras

    def table(self, t: Table):
        shares = t.widths or (1,) * max(len(row) for row in t.rows)
        width = self.text_width()
        widths = [width * s // sum(shares) for s in shares]
        header_rows = sum(1 for row in t.rows if all(c.header for c in row))
        header_column = all(row[0].header for row in t.rows[header_rows:])
        rows = [[self.cell(c) for c in row] for row in t.rows]
        return ooxml.table(TABLE_STYLE, rows, widths, header_rows, header_column)

    def org_chart(self, chart: OrgChart):
        """Returns the org chart as a grid table: boxes in rows, lines drawn by cell borders
        in the two rows between each layer of boxes and the next."""
        lay = orgchart.layout(chart)
        width = [self.text_width() // max(lay.columns, 1)] * lay.columns
        rows = []
        for i, layer in enumerate(lay.layers):
            if i:
                lowers = [b.centre for _, family in lay.families(i - 1) for b in family]
                rows.append((CHART_LINE_HEIGHT, _line_cells(lay.columns, lowers)))
            rows.append((0, self.box_cells(lay.columns, layer)))
            if i < len(lay.links):
                families = lay.families(i)
                bars = {c for upper, family in families for c in
                        range(min(b.centre for b in [upper, *family]),
                              max(b.centre for b in [upper, *family]))}
                uppers = [upper.centre for upper, _ in families]
                rows.append((CHART_LINE_HEIGHT, _line_cells(lay.columns, uppers, bars)))
        return ooxml.line_grid(width, rows)

    def box_cells(self, columns: int, layer) -> list:
        """Returns the cells of a row of boxes: a framed, filled two-column cell per box, and a
        line through the row where a line passes a layer."""
        boxes = {b.col: b for b in layer}
        cells, col = [], 0
        while col < columns:
            box = boxes.get(col)
            if box is not None and box.node is not None:
                node = box.node
                text = [ooxml.run(node.label, bold=bool(node.ref), size=9)]
                runs = [ooxml.internal_link(node.ref, text)] if node.ref in self.anchors \
                    else text
                fill = ROLE_FILL if node.ref else POSITION_FILL
                p = ooxml.paragraph("TableText", runs, "center")
                cells.append((orgchart.BOX_CELLS, {"top", "left", "bottom", "right"}, fill, [p]))
                col += orgchart.BOX_CELLS
                continue
            through = any(b.node is None and b.centre == col for b in layer)
            cells.append((1, {"left"} if through else set(), "", []))
            col += 1
        return cells

    def cell(self, cell: Cell) -> list:
        return [ooxml.paragraph("TableText", self.runs(p, bold=cell.header)) for p in cell.paras]

    def text_width(self) -> int:
        """Returns the width between the page margins, in twentieths of a point."""
        s = self.word.sections[-1]
        return int((s.page_width - s.left_margin - s.right_margin) / 635)

    def runs(self, spans: Spans, bold: bool = False) -> list:
        """Returns the runs of inline spans, with links and fields."""
        out = []
        for s in spans:
            if s.field == "TAB":
                out.append(ooxml.tab())
            elif s.field == "PAGES" and len(self.doc.sections) > 1:
                out.extend(ooxml.page_ref(self.section_end, s.text))
            elif s.field:
                out.extend(ooxml.field("NUMPAGES" if s.field == "PAGES" else s.field, s.text))
            elif s.href:
                out.append(ooxml.external_link(self.word.part, s.href, [ooxml.run(s.text)]))
            elif s.ref in self.anchors:
                out.append(ooxml.internal_link(s.ref, [ooxml.run(s.text, bold or s.strong)]))
            else:
                out.append(ooxml.run(s.text, bold or s.strong))
        return out


def _line_cells(columns: int, verticals, bars=frozenset()) -> list:
    """Returns the cells of a row of lines: a vertical line on the left edge of each column in
    `verticals`, a horizontal one under each column in `bars`."""
    return [(1, ({"left"} if col in verticals else set()) | ({"bottom"} if col in bars else set()),
             "", []) for col in range(columns)]
