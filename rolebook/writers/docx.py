"""The Word writer: a Document in, .docx bytes out.

Styles come from templates/reference.docx (HR can restyle it in Word, as with pandoc's
--reference-doc); this writer only names style ids. Each Section of the Document becomes a Word
section starting on a new page, with its own version header and a page X of Y footer.
"""

from __future__ import annotations

import copy
import io

import docx
from docx.parts.hdrftr import FooterPart, HeaderPart
from docx.section import Section as WordSection

from rolebook import ooxml
from rolebook.document import Cell, Document, Heading, ListBlock, Para, Section, Spans, Table
from rolebook.writers.base import Resources

TABLE_STYLE = "RolebookTable"
PARA_STYLES = {"": "", "subtitle": "Subtitle"}


class DocxWriter:
    """Writes Documents as .docx files styled by the reference document."""

    extension = "docx"

    def __init__(self, resources: Resources):
        self.reference = docx.Document(io.BytesIO(resources.reference_docx))

    def write(self, doc: Document) -> bytes:
        """Returns the .docx bytes for `doc`."""
        # Copying the loaded reference is about 3x faster than opening it again.
        return _Build(copy.deepcopy(self.reference), doc).run()


class _Build:
    """The state of writing one Document: the python-docx document and its numbering."""

    def __init__(self, word, doc: Document):
        self.word, self.doc = word, doc
        self.body = word.element.body
        # The body's final w:sectPr stays the same element while sections are added before it;
        # found once, since finding it again is a scan of the whole body.
        self.end = self.body.sectPr
        self.anchors = {s.anchor for s in doc.sections}
        self.bookmarks = 0
        self.headers_footers = ooxml.HeadersFooters(word.part)
        styles = word.styles.element
        self.numbering = ooxml.Numbering(word.part.numbering_part.element,
                                         ooxml.style_numid(styles, "ListNumber"))
        ooxml.east_asian_language(styles)

    def run(self) -> bytes:
        """Returns the finished package's bytes."""
        for child in list(self.body)[:-1]:  # the reference's body holds only its sectPr
            self.body.remove(child)
        ooxml.core_properties(self.word.core_properties, self.doc.meta)
        for i, section in enumerate(self.doc.sections):
            self.section(section, new_page=i > 0)
        return ooxml.package_bytes(self.word)

    def section(self, section: Section, new_page: bool) -> None:
        """Writes one section: its page header and footer, then its blocks."""
        if new_page:
            ooxml.section_break(self.end)
        header_text = "　　".join(f"{label}：{value}" for label, value in section.header)
        self.replace(HeaderPart, ooxml.paragraph("Header", [ooxml.run(header_text)]))
        footer_runs = self.runs(section.footer)
        self.replace(FooterPart, ooxml.paragraph("Footer", footer_runs, "center"))
        for block in section.blocks:
            self.add(self.block(block))

    def replace(self, kind: type, p) -> None:
        """Gives the last section a header or footer (`kind`) of its own holding paragraph `p`."""
        self.headers_footers.add(self.end, kind, p)

    def add(self, elements) -> None:
        for element in elements:
            self.end.addprevious(element)

    def block(self, block) -> list:
        """Returns the body elements of one block."""
        if isinstance(block, Heading):
            return [self.heading(block)]
        if isinstance(block, Para):
            return [ooxml.paragraph(PARA_STYLES.get(block.style, ""), self.runs(block.spans))]
        if isinstance(block, ListBlock):
            return self.list(block)
        if isinstance(block, Table):
            return [self.table(block)]
        raise TypeError(f"no Word form for {type(block).__name__}")

    def heading(self, h: Heading):
        p = ooxml.paragraph(f"Heading{h.level}", self.runs(h.spans))
        if h.anchor:
            self.bookmarks += 1
            ooxml.bookmark(p, ooxml.bookmark_name(h.anchor), self.bookmarks)
        return p

    def list(self, lst: ListBlock) -> list:
        """Returns one paragraph per item; a numbered list restarts at 1."""
        if not lst.ordered:
            return [ooxml.paragraph("ListBullet", self.runs(i)) for i in lst.items]
        num_id = self.numbering.restart()
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

    def cell(self, cell: Cell) -> list:
        return [ooxml.paragraph("TableText", self.runs(p, bold=cell.header)) for p in cell.paras]

    def text_width(self) -> int:
        """Returns the width between the page margins, in twentieths of a point."""
        s = WordSection(self.end, self.word.part)
        return int((s.page_width - s.left_margin - s.right_margin) / 635)

    def runs(self, spans: Spans, bold: bool = False) -> list:
        """Returns the runs of inline spans, with links and fields."""
        out = []
        for s in spans:
            if s.field:
                out.extend(ooxml.field(s.field, s.text))
            elif s.href:
                out.append(ooxml.external_link(self.word.part, s.href, [ooxml.run(s.text)]))
            elif s.ref in self.anchors:
                out.append(ooxml.internal_link(s.ref, [ooxml.run(s.text, bold or s.strong)]))
            else:
                out.append(ooxml.run(s.text, bold or s.strong))
        return out
