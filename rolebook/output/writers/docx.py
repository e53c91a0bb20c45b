"""The Word writer: a Document in, .docx bytes out.

Styles come from templates/reference.docx (HR can restyle it in Word, as with pandoc's
--reference-doc); this writer only names style ids. Each Section of the Document becomes a Word
section starting on a new page, with its own version header (and lifecycle mark) and its own
footer, its pages numbered from 1.

"Page X of Y" counts the pages of the section: Y is a PAGEREF to a bookmark at the section's
end, not SECTIONPAGES, which LibreOffice (7.4) does not compute; in a one-section document it
is NUMPAGES.

A large document (the handbook) can be written in pieces: `piece` writes the sections of one
Document as piece number n of it, and `assemble` puts a Document and the pieces after it into
one .docx. A piece's names and numbers (bookmarks, lists, headers, footers, relationships) are
made from n, so pieces written apart, in other processes or other builds, never collide, and a
handbook assembled from pieces is the same as one written whole.
"""

from __future__ import annotations

import builtins
import zlib
from dataclasses import dataclass, field

import orjson

from rolebook.model.document import (
    Cell,
    Document,
    Heading,
    ListBlock,
    OrgChart,
    PageBreak,
    Para,
    Section,
    SignOff,
    Span,
    Spans,
    Table,
    Toc,
    with_starts,
)
from rolebook.output import opc, orgchart, oxml
from rolebook.output.writers.base import Resources

TABLE_STYLE = "RolebookTable"
# A paragraph class of the document model: its Word style and alignment.
PARA_STYLES = {
    "": ("", ""),
    "subtitle": ("Subtitle", ""),
    "title": ("Title", ""),
    "organisation": ("Subtitle", "center"),
    "toc-heading": ("TOCHeading", ""),
    "note": ("Caption", ""),
}
TOC_STYLES = {1: "TOC1", 2: "TOC2", 3: "TOC3"}
MARK_COLOR = "C00000"  # the lifecycle mark (草稿 / DRAFT): red, as a stamp would be
# The fonts of a watermark: a CJK one where the text has Chinese, as Word's default would be.
WATERMARK_FONTS = ("SimSun", "Calibri")
# A sign-off block's columns (as, name, date, signature): wide enough for "Approved", "Name or
# department" and "30 September 2026" on one line each.
SIGNOFF_WIDTHS = (3, 5, 5, 4)
ROLE_FILL, POSITION_FILL = "DEEAF6", "EDEDED"  # org chart boxes: roles, other positions
CHART_LINE_HEIGHT = 200  # twips: each of the two rows of lines between two layers of boxes...
CHART_LINE_MAX = 1440  # ...at least, and at most: the rows grow to fill CHART_SHARE of the page
CHART_BOX_HEIGHT = 640  # twips: a row of boxes at least (it grows with a label of three lines)
CHART_SHARE = 0.7  # of the text height, for the chart: its page also has the heading and caption
# Word opens no table of more than 63 columns: a wider chart is written as an indented list.
MAX_CHART_COLUMNS = 63
OUTLINE_INDENT = 420  # twips per level of an org chart written as a list
# Bookmarks and numbered lists a piece may have: their numbers are piece * STRIDE + 1, 2…
STRIDE = 10_000


@dataclass
class Piece:
    """Sections written for one document, ready to be put into it: the document's properties
    (in its first piece), the anchors the sections define, each section's body (its content,
    then the paragraph that ends it or, as the document's last section, its final
    properties), the anchors they link to, and the parts, relationships and numbered lists they
    use.

    A piece read back from bytes also has `body`: its sections up to the last one's content,
    deflated where it was written, so that a document of many pieces (the handbook) copies
    them into its zip; its sections are read only if asked for (`section_list`).
    """

    meta: dict[str, str] = field(default_factory=dict)
    anchors: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # the anchors its sections link to
    sections: list[tuple[str, str, str]] = field(default_factory=list)
    # Its page headers and footers: by name, the content type and the XML (deflated once
    # read back from bytes).
    parts: dict[str, tuple[str, str | opc.Deflated]] = field(default_factory=dict)
    rels: list[tuple[str, str, str, bool]] = field(default_factory=list)
    numbering: list[str] = field(default_factory=list)
    body: opc.Deflated | None = None
    last: tuple[str, str] | None = None  # the last section's end, and its final properties
    packed: bytes | memoryview = b""  # the sections, as compressed JSON, until read

    def to_bytes(self) -> bytes:
        """Returns the piece as a line of JSON (all but the sections), then its sections' JSON
        compressed, then its body and its parts deflated, one after the other."""
        sections = self.section_list()
        text = "".join(c + e for c, e, _ in sections[:-1]) + (sections[-1][0] if sections else "")
        blobs = [("", "", opc.Deflated.of(text.encode()))]
        blobs += [(name, ct, _deflated(xml)) for name, (ct, xml) in self.parts.items()]
        # Read back only for a document that must unlink them (a role's own .docx): the
        # quickest level, not the output's (half the time, at 12 % more bytes).
        packed = zlib.compress(orjson.dumps(sections), 1)
        head = {name: getattr(self, name) for name in ("meta", "anchors", "links", "rels")}
        head.update(numbering=self.numbering, packed=len(packed))
        head["last"] = sections[-1][1:] if sections else None
        head["blobs"] = [(name, ct, d.crc, d.size, len(d.data)) for name, ct, d in blobs]
        return b"".join((orjson.dumps(head), b"\n", packed, *(d.data for _, _, d in blobs)))

    @classmethod
    def from_bytes(cls, data: bytes) -> Piece:
        # Views of `data`, not copies: the handbook reads thousands of pieces at once.
        end = data.index(b"\n")
        head, rest = data[:end], memoryview(data)[end + 1 :]
        fields = orjson.loads(head)
        last, packed = fields.pop("last"), fields.pop("packed")
        deflated, start = {}, packed
        for name, ct, crc, size, length in fields.pop("blobs"):
            deflated[name] = ct, opc.Deflated(rest[start : start + length], crc, size)
            start += length
        return cls(
            **fields,
            parts={name: part for name, part in deflated.items() if name},
            body=deflated[""][1],
            last=None if last is None else (last[0], last[1]),
            packed=rest[:packed],
        )

    def section_list(self) -> list[tuple[str, str, str]]:
        """Returns the sections, read from the piece's bytes the first time if need be."""
        if self.packed:
            self.sections = [(c, e, f) for c, e, f in orjson.loads(zlib.decompress(self.packed))]
            self.packed = b""
        return self.sections


def piece_meta(data: bytes) -> dict[str, str]:
    """Returns the document properties that the piece `data` (Piece.to_bytes) carries."""
    return orjson.loads(data.partition(b"\n")[0])["meta"]


def with_meta(data: bytes, meta: dict[str, str]) -> bytes:
    """Returns the piece `data` (Piece.to_bytes) carrying the document properties `meta`."""
    head, _, rest = data.partition(b"\n")
    return orjson.dumps({**orjson.loads(head), "meta": meta}) + b"\n" + rest


def _deflated(xml: str | opc.Deflated) -> opc.Deflated:
    return opc.Deflated.of(xml.encode()) if isinstance(xml, str) else xml


class DocxWriter:
    """Writes Documents as .docx files styled by the reference document."""

    extension = "docx"

    def __init__(self, resources: Resources):
        self.package = opc.Package(resources.reference_docx, resources.reference_name)
        self.labels = resources.labels

    def write(self, doc: Document) -> bytes:
        """Returns the .docx bytes for `doc`."""
        anchors = frozenset(s.anchor for s in doc.sections)
        return self._assemble([_Build(self, doc, 0, anchors, len(doc.sections) == 1).run()])

    def piece(self, doc: Document, number: int, anchors: frozenset[str]) -> bytes:
        """Returns the sections of `doc` written as piece `number` (0, 1…) of a document with
        several sections, whose sections have the `anchors` that links may point to."""
        return _Build(self, doc, number, anchors, single=False).run().to_bytes()

    def assemble(self, pieces: list[bytes]) -> bytes:
        """Returns the .docx bytes of the document made of `pieces`, in order; its properties
        are those of the first piece's Document."""
        return self._assemble([Piece.from_bytes(p) for p in pieces])

    def _assemble(self, pieces: list[Piece]) -> bytes:
        """Returns the .docx bytes of the document made of `pieces`, in order."""
        # A piece written for a larger document (a role's section of the handbook, put alone
        # into the role's own .docx) may link to sections this document lacks: those links
        # become plain text.
        anchors = {a for p in pieces for a in p.anchors}
        # Anchors are named as bookmarks only when a link goes to none of them: the handbook
        # of 10,000 roles has 20,000 of each.
        stray = {a for p in pieces for a in p.links} - anchors
        defined = {oxml.bookmark_name(a) for a in anchors} if stray else set()
        missing = {oxml.bookmark_name(a) for a in stray} - defined
        body: str | list[opc.Deflated]
        if missing or any(p.body is None for p in pieces):
            body = _body_text(pieces, missing)
        else:
            body = _body_deflated(pieces)
        parts = opc.Parts(
            {name: (ct, _part_data(xml)) for p in pieces for name, (ct, xml) in p.parts.items()},
            [opc.Relationship(*r) for p in pieces for r in p.rels],
            [num for p in pieces for num in p.numbering],
        )
        meta = pieces[0].meta
        custom = {
            "DocumentNumber": meta.get("document_number", ""),
            "Version": meta.get("version", ""),
            "Status": meta.get("status", ""),
        }
        return self.package.docx(body, parts, meta, custom)


def _part_data(xml: str | opc.Deflated) -> bytes | opc.Deflated:
    """Returns a part's data for the zip: its XML encoded, or deflated already and ended."""
    return xml.encode() if isinstance(xml, str) else opc.deflated_entry([xml])


def _body_text(pieces: list[Piece], missing: set[str]) -> str:
    """Returns the content of w:body made of `pieces`, their links to `missing` as text."""
    sections = [s for p in pieces for s in p.section_list()]
    if missing:
        sections = [
            (oxml.without_links_to(content, missing), end, final)
            for content, end, final in sections
        ]
    body = "".join(content + end for content, end, _ in sections[:-1])
    return body + sections[-1][0] + sections[-1][2] if sections else body


def _body_deflated(pieces: list[Piece]) -> list[opc.Deflated]:
    """Returns the content of w:body made of `pieces` read back from bytes, as deflated parts:
    each piece's body as it was deflated, and the few bytes that end its last section."""
    filled = [p for p in pieces if p.last is not None and p.body is not None]
    parts = []
    for i, piece in enumerate(filled):
        assert piece.body is not None and piece.last is not None  # filtered above
        ended, final = piece.last
        parts += [
            piece.body,
            opc.Deflated.stored((final if i == len(filled) - 1 else ended).encode()),
        ]
    return parts


class _Build:
    """The state of writing the sections of one Document as piece `number`."""

    def __init__(
        self, writer: DocxWriter, doc: Document, number: int, anchors: frozenset[str], single: bool
    ):
        self.package, self.doc, self.number = writer.package, doc, number
        self.labels = writer.labels[doc.lang]
        self.anchors, self.single = anchors, single
        self.bookmarks = self.lists = number * STRIDE
        self.piece = Piece(meta=dict(doc.meta), anchors=[s.anchor for s in doc.sections])

    def run(self) -> Piece:
        """Returns the piece: every section of the document, written."""
        for i, section in enumerate(self.doc.sections):
            self.section(section, i)
        if self.bookmarks >= (self.number + 1) * STRIDE or self.lists >= (self.number + 1) * STRIDE:
            raise ValueError(f"more than {STRIDE} bookmarks or lists in one piece")
        return self.piece

    def section(self, section: Section, index: int) -> None:
        """Writes one section: its page header and footer, then its blocks, then a bookmark
        at its end for the footer's page count."""
        name = f"{self.number}_{index}"
        gap = self.labels["field_gap"]
        header_text = section.header_text(self.labels["field_separator"], gap)
        mark = (
            [oxml.run(section.mark, bold=True, color=MARK_COLOR), oxml.run(gap)]
            if section.mark
            else []
        )
        header = [*mark, oxml.run(header_text), *self.watermark(section)]
        self.part("header", name, oxml.header_part(oxml.paragraph("Header", header)))
        self.section_end = f"_End{name}"
        self.part(
            "footer", name, oxml.footer_part(oxml.paragraph("Footer", self.runs(section.footer)))
        )
        elements = [e for block in section.blocks for e in self.block(block)]
        last = [p for e in elements for p in e.iter(oxml.qn("w:p"))]
        if not last:
            elements.append(oxml.paragraph())
            last = elements
        self.bookmarks += 1
        oxml.point_bookmark(last[-1], self.section_end, self.bookmarks)
        properties = oxml.section_properties(
            self.package.section, f"rIdheader{name}", f"rIdfooter{name}"
        )
        # Two forms: as the document's last section (its properties in the body), or ended
        # by a paragraph holding them (which takes the element: serialize the first first).
        final = oxml.body_xml([properties])
        ended = oxml.body_xml([oxml.section_break(properties)])
        self.piece.sections.append((oxml.body_xml(elements), ended, final))

    def part(self, kind: str, name: str, xml: bytes) -> None:
        """Adds a page header or footer part (`kind`) called `name` and its relationship."""
        content_type, reltype = _HEADER_FOOTER[kind]
        self.piece.parts[f"/word/{kind}{name}.xml"] = (content_type, xml.decode())
        self.piece.rels.append((f"rId{kind}{name}", reltype, f"{kind}{name}.xml", False))

    def internal_link(self, anchor: str, runs: list):
        """Returns a link to the section or heading `anchor`, noting it in the piece."""
        self.piece.links.append(anchor)
        return oxml.internal_link(anchor, runs)

    def link(self, url: str) -> str:
        """Returns the id of a new relationship to `url`, for a hyperlink."""
        rid = f"rIdlink{self.number}_{len(self.piece.rels)}"
        self.piece.rels.append((rid, opc.RT.HYPERLINK, url, True))
        return rid

    def block(self, block) -> list:
        """Returns the body elements of one block."""
        if isinstance(block, Heading):
            return [self.heading(block)]
        if isinstance(block, Para):
            style, align = PARA_STYLES.get(block.style, ("", ""))
            return [oxml.paragraph(style, self.runs(block.spans), align)]
        if isinstance(block, ListBlock):
            return self.list(block)
        if isinstance(block, Table):
            return [self.table(block)]
        if isinstance(block, Toc):
            entries = [
                (e.level, e.text, oxml.bookmark_name(e.anchor), e.page) for e in block.entries
            ]
            return oxml.toc(entries, TOC_STYLES)
        if isinstance(block, OrgChart):  # Word refuses a table without rows: no roles, no chart
            return self.org_chart(block) if block.nodes else []
        if isinstance(block, SignOff):
            return [self.signoff(block)]
        if isinstance(block, PageBreak):
            return [oxml.page_break()]
        raise TypeError(f"no Word form for {type(block).__name__}")

    def watermark(self, section: Section) -> list:
        """Returns the run of the section's watermark, for its page header; none if it has
        none."""
        if not section.watermark:
            return []
        cjk = any(ord(c) >= 0x2E80 for c in section.watermark)
        number = self.number * STRIDE + len(self.piece.sections)
        return [oxml.watermark(section.watermark, number, WATERMARK_FONTS[0 if cjk else 1])]

    def signoff(self, block: SignOff):
        """Returns a sign-off block as a table: a heading row, then a row per signer whose
        empty cells are lines to write on, and whose signature is a line to sign on (or, in a
        document not to be signed, the word that says so)."""
        rows = [tuple(Cell(((Span(c),),), header=True) for c in block.columns)]
        texts = [(s.name, s.date, block.unsigned) for s in block.signers]
        for s, signer in zip(block.signers, texts, strict=True):
            rows.append(
                (Cell(((Span(s.role),),), header=True), *(Cell(((Span(t),),)) for t in signer))
            )
        tbl = self.table(Table(tuple(rows), "signoff", SIGNOFF_WIDTHS))
        trs = tbl.findall(oxml.qn("w:tr"))
        for tr, signer in zip(trs[1:], texts, strict=True):
            for tc, text in zip(tr.findall(oxml.qn("w:tc"))[1:], signer, strict=True):
                if not text.replace("\n", ""):  # nothing printed: a line to write on
                    oxml.signature_line(tc.find(oxml.qn("w:p")))
        for p in (p for tr in trs[:-1] for p in tr.iter(oxml.qn("w:p"))):
            oxml.keep_with_next(p)  # the block is signed on one page
        return tbl

    def heading(self, h: Heading):
        number = [oxml.run(f"{h.number} ")] if h.number else []
        p = oxml.paragraph(f"Heading{h.level}", [*number, *self.runs(h.spans)])
        if h.anchor:
            self.bookmarks += 1
            oxml.bookmark(p, oxml.bookmark_name(h.anchor), self.bookmarks)
        return p

    def list(self, lst: ListBlock) -> list:
        """Returns one paragraph per item; a numbered list restarts at 1."""
        if not lst.ordered:
            return [oxml.paragraph("ListBullet", self.runs(i)) for i in lst.items]
        self.lists += 1
        num_id = self.package.first_free_list + self.lists
        self.piece.numbering.append(
            oxml.body_xml([oxml.list_instance(num_id, self.package.abstract_list)])
        )
        paras = [oxml.paragraph("ListNumber", self.runs(i)) for i in lst.items]
        oxml.numbered(paras, num_id)
        return paras

    def table(self, t: Table):
        shares = t.widths or (1,) * max(len(row) for row in t.rows)
        width = self.package.text_width
        widths = [width * s // sum(shares) for s in shares]
        header_rows = sum(1 for row in t.rows if all(c.header for c in row))
        header_column = all(row[0].header for row in t.rows[header_rows:])
        rows = [[self.cell(c) for c in row] for row in t.rows]
        return oxml.table(TABLE_STYLE, rows, widths, header_rows, header_column)

    # From here on `list` in this class is the method above: annotations say builtins.list.
    def org_chart(self, chart: OrgChart) -> builtins.list:
        """Returns the org chart as a grid table (and a paragraph after it), or as an indented
        list if the table would be too wide to open."""
        lay = orgchart.layout(chart)
        if lay.columns > MAX_CHART_COLUMNS:
            return [self.outline_entry(depth, node) for depth, node in orgchart.outline(chart)]
        grid = self.chart_grid(lay, self.chart_alt(chart))
        return [grid, oxml.paragraph()]

    def chart_alt(self, chart: OrgChart) -> tuple[str, str]:
        """Returns the org chart's alternative text: its title, and who reports to whom."""
        labels = {node.id: node.label for node in chart.nodes}
        lines = [
            self.labels[key].format(boss=labels[boss], report=labels[report])
            for key, edges in (
                ("org_chart_reports", chart.edges),
                ("org_chart_dotted", chart.dotted),
            )
            for boss, report in edges
        ]
        title = self.labels["org_chart"] + (f" · {chart.label}" if chart.label else "")
        return title, self.labels["org_chart_reports_separator"].join(lines)

    def outline_entry(self, depth: int, node):
        """Returns one position of an org chart written as a list, indented by its depth."""
        text = [oxml.run(node.label, bold=bool(node.ref))]
        runs = [self.internal_link(node.ref, text)] if node.ref in self.anchors else text
        p = oxml.paragraph("ListBullet", runs)
        oxml.indent(p, OUTLINE_INDENT * (depth + 1))
        return p

    def chart_grid(self, lay: orgchart.Layout, alt: tuple[str, str]):
        """Returns the org chart as a grid table: boxes in rows, lines drawn by cell borders
        in the two rows between each layer of boxes and the next."""
        width = [self.package.text_width // max(lay.columns, 1)] * lay.columns
        line = self.chart_line_height(len(lay.layers))
        rows = []
        for i, layer in enumerate(lay.layers):
            if i:
                rows.append((line, _line_cells(lay.columns, _rises(lay, i - 1))))
            rows.append((-CHART_BOX_HEIGHT, self.box_cells(lay, layer)))
            if i < len(lay.links):
                rows.append((line, _line_cells(lay.columns, *_drops_and_bars(lay, i))))
        return oxml.line_grid(width, rows, alt)

    def chart_line_height(self, layers: int) -> int:
        """Returns the height of a row of lines of an org chart of `layers` layers: what makes
        the chart CHART_SHARE of the page's text height, within CHART_LINE_HEIGHT..MAX."""
        gaps = 2 * (layers - 1)
        if not gaps:
            return CHART_LINE_HEIGHT
        free = int(self.package.text_height * CHART_SHARE) - layers * CHART_BOX_HEIGHT
        return max(CHART_LINE_HEIGHT, min(CHART_LINE_MAX, free // gaps))

    def box_cells(self, lay: orgchart.Layout, layer) -> builtins.list:
        """Returns the cells of a row of boxes: a framed, filled two-column cell per box, and a
        line through the row where a line passes a layer (dotted for a dotted line's)."""
        columns = lay.columns
        boxes = {b.col: b for b in layer}
        cells, col = [], 0
        while col < columns:
            box = boxes.get(col)
            if box is not None and box.node is not None:
                node = box.node
                text = [oxml.run(node.label, bold=bool(node.ref), size=9)]
                runs = [self.internal_link(node.ref, text)] if node.ref in self.anchors else text
                fill = ROLE_FILL if node.ref else POSITION_FILL
                p = oxml.paragraph("TableText", runs, "center")
                cells.append((orgchart.BOX_CELLS, {"top", "left", "bottom", "right"}, fill, [p]))
                col += orgchart.BOX_CELLS
                continue
            through = [b for b in layer if b.node is None and b.centre == col]
            sides = (
                {_side("left", all(lay.is_dotted(b.key) for b in through))} if through else set()
            )
            cells.append((1, sides, "", []))
            col += 1
        return cells

    def cell(self, cell: Cell) -> builtins.list:
        return [oxml.paragraph("TableText", self.runs(p, bold=cell.header)) for p in cell.paras]

    def runs(self, spans: Spans, bold: bool = False) -> builtins.list:
        """Returns the runs of inline spans, with links and fields."""
        out = []
        for s, starts in with_starts(spans):
            if starts:  # a translation starts a line of its own
                out.append(oxml.run("\n"))
            if s.field == "TAB":
                out.append(oxml.tab())
            elif s.field == "PAGES" and not self.single:
                out.extend(oxml.page_ref(self.section_end, s.text))
            elif s.field:
                out.extend(oxml.field("NUMPAGES" if s.field == "PAGES" else s.field, s.text))
            elif s.href:
                out.append(oxml.external_link(self.link(s.href), [_run(s)]))
            elif s.ref in self.anchors:
                out.append(self.internal_link(s.ref, [_run(s, bold)]))
            else:
                out.append(_run(s, bold))
        return out


# The translation in a bilingual document: a lighter grey than the text.
TRANSLATION_COLOR = "595959"


def _run(span: Span, bold: bool = False):
    """Returns the run of a span of text: bold, a translation, marked as changed, as it says."""
    color = TRANSLATION_COLOR if span.lang else ""
    return _marked(oxml.run(span.text, bold or span.strong, color), span)


# A span's change mark as a run property: inserted text underlined, deleted text struck through.
CHANGE_PROPERTIES = {"insert": ("w:u", {"w:val": "single"}), "delete": ("w:strike", {})}


def _marked(run, span: Span):
    """Returns `run`, the text of `span`, with the run property of the span's change mark."""
    if span.change:
        tag, attrs = CHANGE_PROPERTIES[span.change]
        properties = run.find(oxml.qn("w:rPr"))
        if properties is None:
            properties = oxml.el("w:rPr")
            run.insert(0, properties)
        # Appended: the run has at most w:b, which both w:strike and w:u follow in w:rPr.
        properties.append(oxml.el(tag, attrs))
    return run


def _line_cells(columns: int, verticals: dict[int, bool], bars: dict | None = None) -> list:
    """Returns the cells of a row of lines: a vertical line on the left edge of each column in
    `verticals`, a horizontal one under each column in `bars`; each maps a column to whether
    its line is dotted."""
    bars = bars or {}
    return [
        (
            1,
            ({_side("left", verticals[col])} if col in verticals else set())
            | ({_side("bottom", bars[col])} if col in bars else set()),
            "",
            [],
        )
        for col in range(columns)
    ]


def _side(side: str, dotted: bool) -> str:
    """Returns how a cell of a line grid names its line on `side`: dotted or not (oxml)."""
    return f"{side}:dotted" if dotted else side


def _rises(lay: orgchart.Layout, gap: int) -> dict[int, bool]:
    """Returns the lines that rise to the boxes under the gap below layer `gap`, by column:
    dotted where every line to that box is."""
    found: dict[int, bool] = {}
    for upper, lower in lay.links[gap]:
        col = lay.box(lower).centre
        found[col] = found.get(col, True) and (upper, lower) in lay.dotted
    return found


def _drops_and_bars(lay: orgchart.Layout, gap: int) -> tuple[dict[int, bool], dict[int, bool]]:
    """Returns the lines that drop from the boxes over the gap below layer `gap`, and the bars
    from each to its reports, by column: dotted where every line through it is."""
    drops: dict[int, bool] = {}
    bars: dict[int, bool] = {}
    for upper, lower in lay.links[gap]:
        dotted = (upper, lower) in lay.dotted
        start, end = sorted((lay.box(upper).centre, lay.box(lower).centre))
        drops[lay.box(upper).centre] = drops.get(lay.box(upper).centre, True) and dotted
        for col in range(start, end):
            bars[col] = bars.get(col, True) and dotted
    return drops, bars


_HEADER_FOOTER = {
    "header": (opc.CT.WML_HEADER, opc.RT.HEADER),
    "footer": (opc.CT.WML_FOOTER, opc.RT.FOOTER),
}
