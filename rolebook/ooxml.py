"""The Word (OOXML) details python-docx does not cover, one function per Word feature.

Elements are built with lxml and serialized; a package (.docx) is written from its parts.
Nothing here edits XML as text: a document's body is the concatenation of its serialized
sections (see `Package`). Element and attribute names follow ECMA-376 Part 1 (§17
WordprocessingML) and Part 2 (Open Packaging Conventions).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import zipfile
from dataclasses import dataclass
from dataclasses import field as dataclass_field

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.spec import default_content_types
from docx.oxml.ns import nsmap, qn
from docx.oxml.parser import oxml_parser
from lxml import etree

from rolebook.errors import LocatedError

# Zip entries carry this date, so the same inputs give the same bytes (the zip format's epoch).
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def el(tag: str, attrs: dict[str, str] | None = None, *children):
    """Returns a new element `w:tag` (or another prefix) with attributes and children."""
    node = oxml_parser.makeelement(_qn(tag), nsmap=_nsmap(tag))
    for key, value in (attrs or {}).items():
        node.set(_qn(key), value)
    node.extend(children)
    return node


# A handbook has hundreds of thousands of elements: names are resolved once, not per element.
_qn = functools.cache(qn)


@functools.cache
def _nsmap(tag: str) -> dict[str, str]:
    prefix = tag.partition(":")[0]
    return {prefix: nsmap[prefix]}


def prototyped(build):
    """Makes `build` return a copy of the element it built once for the same arguments.

    Copying a small lxml tree is several times faster than building it element by element, and
    a handbook repeats the same paragraph properties, runs and cell properties thousands of
    times.
    """
    built = functools.cache(build)

    @functools.wraps(build)
    def fresh(*args):
        return built(*args).__copy__()  # lxml copies an element with all its descendants
    return fresh


def paragraph(style_id: str = "", runs=(), align: str = ""):
    """Returns a paragraph (w:p) in the style with id `style_id`, holding `runs`."""
    p = _empty_paragraph(style_id, align)
    p.extend(runs)
    return p


@prototyped
def _empty_paragraph(style_id: str, align: str):
    ppr = el("w:pPr")
    if style_id:
        ppr.append(el("w:pStyle", {"w:val": style_id}))
    if align:
        ppr.append(el("w:jc", {"w:val": align}))
    return el("w:p", None, ppr)


def run(text: str, bold: bool = False, color: str = "", size: float = 0):
    """Returns a run (w:r) of text, optionally bold, coloured (RRGGBB) or sized in points;
    line breaks in `text` become w:br."""
    r = _empty_run(bold, color, size)
    for i, line in enumerate(text.split("\n")):
        if i:
            r.append(_line_break())
        t = _text()
        t.text = line
        r.append(t)
    return r


@prototyped
def _empty_run(bold: bool, color: str, size: float):
    rpr = el("w:rPr")
    if bold:
        rpr.append(el("w:b"))
    if color:
        rpr.append(el("w:color", {"w:val": color}))
    if size:
        rpr.extend([el("w:sz", {"w:val": str(round(size * 2))}),
                    el("w:szCs", {"w:val": str(round(size * 2))})])
    return el("w:r", None, rpr) if len(rpr) else el("w:r")


@prototyped
def _text():
    t = el("w:t")
    t.set(_XML_SPACE, "preserve")
    return t


@prototyped
def _line_break():
    return el("w:br")


def field(instruction: str, cached: str = "1") -> list:
    """Returns the runs of a complex field (PAGE, NUMPAGES…) showing `cached` until updated."""
    def char(kind):
        return el("w:r", None, el("w:fldChar", {"w:fldCharType": kind}))
    instr = el("w:instrText")
    instr.text = f" {instruction} "
    instr.set(_XML_SPACE, "preserve")
    return [char("begin"), el("w:r", None, instr), char("separate"), run(cached), char("end")]


def tab():
    """Returns a run holding a tab (w:tab), which jumps to the paragraph's next tab stop."""
    return el("w:r", None, el("w:tab"))


def page_ref(bookmark_name_: str, cached: str) -> list:
    """Returns the runs of a PAGEREF field: the number of the page where a bookmark is."""
    return field(f"PAGEREF {bookmark_name_} \\h", cached)


def point_bookmark(p, name: str, bookmark_id: int) -> None:
    """Puts an empty bookmark called `name` at the end of paragraph `p`."""
    p.append(el("w:bookmarkStart", {"w:id": str(bookmark_id), "w:name": name}))
    p.append(el("w:bookmarkEnd", {"w:id": str(bookmark_id)}))


def page_numbers_restart(sect_pr) -> None:
    """Makes the pages of a section (w:sectPr) numbered from 1 again (w:pgNumType)."""
    sect_pr.insert_element_before(
        el("w:pgNumType", {"w:start": "1"}), "w:cols", "w:formProt", "w:vAlign",
        "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid",
        "w:printerSettings", "w:sectPrChange")


def toc(entries, styles: dict[int, str], levels: str) -> list:
    """Returns the paragraphs of a table of contents: a TOC field (headings of `levels`, e.g.
    "1-2") whose result is already filled with `entries`, each (level, text, bookmark, page
    label) a hyperlink with its page as a PAGEREF field.

    The result is what Word and LibreOffice show on opening, without updating any field.
    """
    paras = []
    for level, text, target, page in entries:
        link = el("w:hyperlink", {"w:anchor": target, "w:history": "1"}, run(text), tab(),
                  *page_ref(target, page))
        paras.append(paragraph(styles[level], [link]))
    begin = field(f'TOC \\o "{levels}" \\h \\z \\u')[:3]  # begin, instruction, separate
    first = paras[0] if paras else paragraph(styles[1])
    first.find(qn("w:pPr")).addnext(begin[2])
    first.find(qn("w:pPr")).addnext(begin[1])
    first.find(qn("w:pPr")).addnext(begin[0])
    end = paragraph("", [el("w:r", None, el("w:fldChar", {"w:fldCharType": "end"}))])
    return [*(paras or [first]), end]


def bookmark(p, name: str, bookmark_id: int) -> None:
    """Wraps the content of paragraph `p` in a bookmark called `name`."""
    start = el("w:bookmarkStart", {"w:id": str(bookmark_id), "w:name": name})
    p.insert(1 if p.find(qn("w:pPr")) is not None else 0, start)
    p.append(el("w:bookmarkEnd", {"w:id": str(bookmark_id)}))


def bookmark_name(anchor: str) -> str:
    """Returns a Word-valid bookmark name (letters, digits, _; ≤ 40 chars) for an anchor.

    Role ids may be 64 characters long: a name that would be cut keeps a digest of the whole
    anchor instead, so two ids sharing their first 38 characters never share a bookmark.
    """
    cleaned = "r_" + "".join(c if c.isalnum() else "_" for c in anchor)
    if len(cleaned) <= 40:
        return cleaned
    return cleaned[:31] + "_" + hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:8]


def internal_link(anchor: str, runs: list):
    """Returns a hyperlink (w:hyperlink w:anchor) to a bookmark in the same document."""
    return el("w:hyperlink", {"w:anchor": bookmark_name(anchor)}, *runs)


def without_links_to(body: str, bookmarks: set[str]) -> str:
    """Returns serialized body elements (see body_xml) in which every hyperlink to one of
    `bookmarks` is replaced by its runs, as plain text."""
    holder = etree.fromstring(f'<w:body xmlns:w="{nsmap["w"]}" xmlns:r="{nsmap["r"]}">'
                              f"{body}</w:body>", oxml_parser)
    for link in holder.iter(_qn("w:hyperlink")):
        if link.get(_qn("w:anchor")) in bookmarks:
            link.tag = _qn("w:dropped")
    etree.strip_tags(holder, _qn("w:dropped"))
    return body_xml(list(holder))


def external_link(rid: str, runs: list):
    """Returns a hyperlink to the external target of relationship `rid`."""
    return el("w:hyperlink", {"r:id": rid}, *runs)


def table(style_id: str, rows: list[list[list]], widths: list[int], header_rows: int,
          header_column: bool = False):
    """Returns a full-width table (w:tbl); each cell is a list of paragraphs.

    The table style's header-row and first-column formats apply only where the table has them.
    """
    # Word reads the attributes, LibreOffice only the older w:val bitmask: write both.
    bits = 0x0020 * (header_rows > 0) | 0x0080 * header_column | 0x0200 | 0x0400
    look = {"w:val": f"{bits:04X}", "w:firstRow": str(int(header_rows > 0)),
            "w:firstColumn": str(int(header_column)), "w:lastRow": "0", "w:lastColumn": "0",
            "w:noHBand": "1", "w:noVBand": "1"}
    tbl_pr = el("w:tblPr", None, el("w:tblStyle", {"w:val": style_id}),
                el("w:tblW", {"w:w": "5000", "w:type": "pct"}),
                el("w:tblLayout", {"w:type": "fixed"}), el("w:tblLook", look))
    grid = el("w:tblGrid", None, *(el("w:gridCol", {"w:w": str(w)}) for w in widths))
    tbl = el("w:tbl", None, tbl_pr, grid)
    for i, cells in enumerate(rows):
        tr = _empty_row(i < header_rows)
        for width, paras in zip(widths, cells, strict=False):
            tc = _empty_cell(width)
            tc.extend(paras or [paragraph()])
            tr.append(tc)
        tbl.append(tr)
    return tbl


@prototyped
def _empty_row(header: bool):
    """Returns a row (w:tr) never split across pages; header rows repeat on each page."""
    if header:
        return el("w:tr", None, el("w:trPr", None, el("w:tblHeader"), el("w:cantSplit")))
    return el("w:tr", None, el("w:trPr", None, el("w:cantSplit")))


@prototyped
def _empty_cell(width: int):
    return el("w:tc", None, el("w:tcPr", None, el("w:tcW", {"w:w": str(width),
                                                             "w:type": "dxa"})))


def line_grid(widths: list[int], rows) -> object:
    """Returns a table with no borders of its own whose cells draw theirs: a diagram (the org
    chart) on a grid. Each row is (height in twips, cells); a cell is (grid columns spanned,
    the sides with a line, fill colour or "", paragraphs). A height > 0 is exact, 0 grows."""
    none = el("w:tblBorders", None, *(el(f"w:{side}", {"w:val": "nil"}) for side in
                                      ("top", "left", "bottom", "right", "insideH", "insideV")))
    margins = el("w:tblCellMar", None, *(el(f"w:{side}", {"w:w": "0", "w:type": "dxa"})
                                         for side in ("top", "left", "bottom", "right")))
    tbl = el("w:tbl", None, el("w:tblPr", None, el("w:tblW", {"w:w": str(sum(widths)),
                                                             "w:type": "dxa"}),
                              el("w:jc", {"w:val": "center"}), none,
                              el("w:tblLayout", {"w:type": "fixed"}), margins),
             el("w:tblGrid", None, *(el("w:gridCol", {"w:w": str(w)}) for w in widths)))
    for height, cells in rows:
        rule = {"w:val": str(height), "w:hRule": "exact"} if height else {"w:val": "400",
                                                                          "w:hRule": "atLeast"}
        tr = el("w:tr", None, el("w:trPr", None, el("w:cantSplit"), el("w:trHeight", rule)))
        col = 0
        for span, sides, fill, paras in cells:
            tr.append(_grid_cell(sum(widths[col:col + span]), span, sides, fill, paras))
            col += span
        tbl.append(tr)
    return tbl


def _grid_cell(width: int, span: int, sides, fill: str, paras):
    """Returns one cell of a line_grid: its width, span, lines, fill and content."""
    tc_pr = el("w:tcPr", None, el("w:tcW", {"w:w": str(width), "w:type": "dxa"}))
    if span > 1:
        tc_pr.append(el("w:gridSpan", {"w:val": str(span)}))
    lines = {"w:val": "single", "w:sz": "8", "w:space": "0", "w:color": "1F3864"}
    tc_pr.append(el("w:tcBorders", None, *(
        el(f"w:{side}", lines if side in sides else {"w:val": "nil"})
        for side in ("top", "left", "bottom", "right"))))
    if fill:
        tc_pr.append(el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": fill}))
    tc_pr.append(el("w:vAlign", {"w:val": "center"}))
    return el("w:tc", None, tc_pr, *(paras or [paragraph("TableText", [run("", size=1)])]))


def list_instance(num_id: int, abstract_id: str):
    """Returns a numbering instance (w:num) `num_id` of the abstract list `abstract_id`,
    restarting at 1: each numbered list of a document gets one, so none continues another."""
    override = el("w:lvlOverride", {"w:ilvl": "0"}, el("w:startOverride", {"w:val": "1"}))
    return el("w:num", {"w:numId": str(num_id)},
              el("w:abstractNumId", {"w:val": abstract_id}), override)


def indent(p, left: int) -> None:
    """Indents paragraph `p` by `left` twips from the left margin (w:ind)."""
    p.find(_qn("w:pPr")).append(el("w:ind", {"w:left": str(left)}))


def numbered(paras, num_id: int) -> None:
    """Makes paragraphs `paras` the items of the numbered list `num_id` (level 0)."""
    num_pr = el("w:numPr", None, el("w:ilvl", {"w:val": "0"}),
                el("w:numId", {"w:val": str(num_id)}))
    for p in paras:
        p[0].append(num_pr.__copy__())  # p[0]: the paragraph's properties, w:pPr


def list_of_style(styles, numbering, style_id: str) -> str:
    """Returns the abstract list (w:abstractNumId) that the paragraph style `style_id` numbers
    its paragraphs with, through a numbering instance (w:num); LocatedError if it has none."""
    path = f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}"
    num_ids = {num.get(qn("w:val")) for style in styles.findall(qn("w:style"))
               if style.get(qn("w:styleId")) == style_id for num in style.findall(path)}
    for num in numbering.findall(qn("w:num")):
        abstract = num.find(qn("w:abstractNumId"))
        if num.get(qn("w:numId")) in num_ids and abstract is not None:
            return abstract.get(qn("w:val"))
    raise LocatedError("templates/reference.docx", None, f"the style '{style_id}' has no list "
                       "numbering; number it in Word (Format, Numbering) or restore the file "
                       "from git")


def east_asian_language(styles) -> None:
    """Sets the document's default languages: zh-CN for East-Asian text, en-US for Latin.

    The Latin language stays en-US even in a Chinese handbook: set to zh-CN, LibreOffice
    breaks Latin words such as "VIP" and dates across lines as if they were Chinese.
    """
    rpr = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = el("w:lang")
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), "en-US")
    lang_el.set(qn("w:eastAsia"), "zh-CN")



def section_properties(template, header_rid: str, footer_rid: str):
    """Returns a copy of section properties `template` (w:sectPr) with the page header and
    footer of relationships `header_rid` and `footer_rid`, its pages numbered from 1."""
    sect_pr = copy.deepcopy(template)
    sect_pr.insert(0, el("w:footerReference", {"w:type": "default", "r:id": footer_rid}))
    sect_pr.insert(0, el("w:headerReference", {"w:type": "default", "r:id": header_rid}))
    page_numbers_restart(sect_pr)
    return sect_pr


def section_break(sect_pr):
    """Returns the paragraph that ends a section with properties `sect_pr`: Word keeps each
    section's properties in its last paragraph, and the last section's in the body."""
    p = paragraph()
    p[0].append(sect_pr)
    return p


def header_part(p) -> bytes:
    """Returns a page header part (w:hdr) holding paragraph `p`."""
    return _part_xml("w:hdr", p)


def footer_part(p) -> bytes:
    """Returns a page footer part (w:ftr) holding paragraph `p`."""
    return _part_xml("w:ftr", p)


def _part_xml(tag: str, p) -> bytes:
    root = oxml_parser.makeelement(_qn(tag), nsmap=_BODY_NAMESPACES)
    root.append(p)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# The prefixes that the elements built here use: w: and, in hyperlinks, r:.
_BODY_NAMESPACES = {"w": nsmap["w"], "r": nsmap["r"]}


def body_xml(elements) -> str:
    """Returns block elements (paragraphs, tables) serialized for a document's w:body, in
    which their namespace prefixes (w:, r:) are declared."""
    body = oxml_parser.makeelement(_qn("w:body"), nsmap=_BODY_NAMESPACES)
    body.extend(elements)
    text = etree.tostring(body, encoding="unicode")
    return text[text.index(">") + 1:-len("</w:body>")] if len(body) else ""


@dataclass
class Relationship:
    """A relationship of a package part: its id, type, target and whether that is a URL."""

    rid: str
    reltype: str
    target: str
    external: bool = False


@dataclass
class Parts:
    """What a document adds to the reference package: parts by name (content type, bytes),
    relationships of the main document part, and numbering instances (serialized w:num)."""

    files: dict[str, tuple[str, bytes]] = dataclass_field(default_factory=dict)
    rels: list[Relationship] = dataclass_field(default_factory=list)
    numbering: list[str] = dataclass_field(default_factory=list)


class Package:
    """The reference document (templates/reference.docx) read once, and each .docx made
    from it: its styles, settings and fonts, with a body, headers and footers of their own.

    Raises LocatedError if the reference lacks what the writer needs.
    """

    def __init__(self, data: bytes):
        word = docx.Document(io.BytesIO(data))
        styles = word.styles.element
        east_asian_language(styles)
        numbering = word.part.numbering_part.element
        self.abstract_list = list_of_style(styles, numbering, "ListNumber")
        self.first_free_list = max((int(n.get(qn("w:numId")))
                                    for n in numbering.findall(qn("w:num"))), default=0) + 1
        body = word.element.body
        self.section = copy.deepcopy(body.sectPr)
        for ref in self.section.findall(qn("w:headerReference")) + \
                self.section.findall(qn("w:footerReference")):
            self.section.remove(ref)
        self.text_width = _text_width(self.section)
        self._read_parts(word)

    def _read_parts(self, word) -> None:
        """Keeps the reference's parts, but for those every document writes anew."""
        for child in list(word.element.body):
            word.element.body.remove(child)
        document = etree.tostring(word.element, xml_declaration=True, encoding="UTF-8",
                                  standalone=True).decode()
        self.document_head, self.document_tail = _around(document, "<w:body/>")
        numbering = word.part.numbering_part.blob.decode()
        self.numbering_head, self.numbering_tail = _around(numbering, "</w:numbering>")
        self.files: dict[str, tuple[str, bytes]] = {}
        package = word.part.package
        for part in package.iter_parts():
            if part.partname in ("/word/document.xml", "/word/numbering.xml",
                                 "/docProps/core.xml", "/docProps/custom.xml"):
                continue
            self.files[part.partname] = (part.content_type, part.blob)
            if len(part.rels):
                self.files[part.partname.rels_uri] = (CT.OPC_RELATIONSHIPS, part.rels.xml)
        self.document_rels = [Relationship(r.rId, r.reltype, r.target_ref, r.is_external)
                              for r in word.part.rels.values()]
        self.package_rels = [Relationship(r.rId, r.reltype, r.target_ref)
                             for r in package.rels.values()
                             if r.reltype not in (RT.CORE_PROPERTIES, RT.CUSTOM_PROPERTIES)]

    def docx(self, body: str, parts: Parts, meta: dict[str, str],
             custom: dict[str, str]) -> bytes:
        """Returns the .docx bytes of a document: the reference's parts, `body` (the content
        of w:body), the added `parts`, core properties from `meta` and custom ones."""
        files = {"/word/document.xml": (CT.WML_DOCUMENT_MAIN, (self.document_head + "<w:body>"
                                        + body + "</w:body>" + self.document_tail).encode()),
                 "/word/numbering.xml": (CT.WML_NUMBERING, (
                     self.numbering_head + "".join(parts.numbering) + "</w:numbering>"
                     + self.numbering_tail).encode()),
                 "/word/_rels/document.xml.rels": (CT.OPC_RELATIONSHIPS, relationships(
                     [*self.document_rels, *parts.rels])),
                 "/docProps/core.xml": (CT.OPC_CORE_PROPERTIES, core_properties(meta)),
                 "/docProps/custom.xml": (CT.OFC_CUSTOM_PROPERTIES, custom_properties(custom)),
                 "/_rels/.rels": (CT.OPC_RELATIONSHIPS, relationships([
                     *self.package_rels,
                     Relationship("rIdCore", RT.CORE_PROPERTIES, "docProps/core.xml"),
                     Relationship("rIdCustom", RT.CUSTOM_PROPERTIES, "docProps/custom.xml")])),
                 **self.files, **parts.files}
        return zip_package(files)


def _around(xml: str, mark: str) -> tuple[str, str]:
    """Returns the text of a reference part before and after `mark`, where the content of
    each document goes. The elements written here use the w: prefix, as Word does; a part
    that names its namespace otherwise is refused rather than given undeclared prefixes."""
    if xml.count(mark) != 1:
        raise LocatedError("templates/reference.docx", None, "its parts do not use Word's "
                           "w: prefix; open it in Word and save it again as .docx, or restore "
                           "it from git")
    head, _, tail = xml.partition(mark)
    return head, tail


def _text_width(sect_pr) -> int:
    """Returns the width between the page margins of a section, in twentieths of a point."""
    return int((sect_pr.page_width - sect_pr.left_margin - sect_pr.right_margin) / 635)


def relationships(rels: list[Relationship]) -> bytes:
    """Returns a relationships part (.rels) listing `rels`."""
    ns = "http://schemas.openxmlformats.org/package/2006/relationships"
    root = etree.Element(f"{{{ns}}}Relationships", nsmap={None: ns})
    for rel in rels:
        attrs = {"Id": rel.rid, "Type": rel.reltype, "Target": rel.target}
        if rel.external:
            attrs["TargetMode"] = "External"
        etree.SubElement(root, f"{{{ns}}}Relationship", attrs)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def content_types(names: dict[str, str]) -> bytes:
    """Returns [Content_Types].xml for parts named with their content types: a default per
    extension where the type is the usual one for it, else an override per part."""
    ns = "http://schemas.openxmlformats.org/package/2006/content-types"
    defaults = {"rels": CT.OPC_RELATIONSHIPS, "xml": CT.XML}
    overrides = {}
    for name, content_type in names.items():
        ext = name.rpartition(".")[2]
        if (ext.lower(), content_type) in default_content_types:
            defaults[ext] = content_type
        elif content_type != defaults.get(ext):
            overrides[name] = content_type
    root = etree.Element(f"{{{ns}}}Types", nsmap={None: ns})
    for ext in sorted(defaults):
        etree.SubElement(root, f"{{{ns}}}Default", {"Extension": ext,
                                                    "ContentType": defaults[ext]})
    for name in sorted(overrides):
        etree.SubElement(root, f"{{{ns}}}Override", {"PartName": name,
                                                     "ContentType": overrides[name]})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def zip_package(files: dict[str, tuple[str, bytes]]) -> bytes:
    """Returns the .docx (zip) of parts by name, with [Content_Types].xml first and every
    entry dated ZIP_EPOCH, so the same parts always give the same bytes."""
    out = io.BytesIO()
    types = content_types({name: ct for name, (ct, _) in files.items()
                           if not name.endswith(".rels")})
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        _zip_entry(zf, "[Content_Types].xml", types)
        for name in sorted(files, key=_part_order):
            _zip_entry(zf, name.lstrip("/"), files[name][1])
    return out.getvalue()


def _part_order(name: str) -> tuple:
    """Orders parts as Word does: package relationships, the main document, then the rest."""
    first = ("/_rels/.rels", "/word/document.xml", "/word/_rels/document.xml.rels")
    return (first.index(name) if name in first else len(first), name)


def _zip_entry(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


_CORE = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
         "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
         "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
# Core property element names, with the Document meta each is filled from.
_CORE_FIELDS = (("dc:title", "title"), ("dc:subject", "subject"), ("dc:creator", "author"),
                ("cp:keywords", "keywords"), ("dc:description", "description"),
                ("cp:lastModifiedBy", "author"), ("cp:version", "version"),
                ("dc:language", "lang"))


def core_properties(meta: dict[str, str]) -> bytes:
    """Returns docProps/core.xml, the core properties (Word: File › Properties › Summary),
    from a Document's metadata; created and modified are its date at midnight UTC."""
    def name(qualified):
        prefix, local = qualified.split(":")
        return f"{{{_CORE[prefix]}}}{local}"
    root = etree.Element(name("cp:coreProperties"), nsmap=_CORE)
    for tag, key in _CORE_FIELDS:
        etree.SubElement(root, name(tag)).text = meta.get(key, "")
    etree.SubElement(root, name("cp:revision")).text = "1"
    for tag in ("dcterms:created", "dcterms:modified"):
        when = etree.SubElement(root, name(tag), {name("xsi:type"): "dcterms:W3CDTF"})
        when.text = f"{meta['date']}T00:00:00Z"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
# The format id that every user-defined custom property carries (ECMA-376 Part 1, §22.3.2.1).
_USER_DEFINED = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def custom_properties(values: dict[str, str]) -> bytes:
    """Returns docProps/custom.xml, the custom document properties (Word: File › Properties ›
    Custom; usable in DOCPROPERTY fields and document libraries), holding `values` as text."""
    root = etree.Element(f"{{{_CUSTOM}}}Properties", nsmap={None: _CUSTOM, "vt": _VT})
    for pid, (name, value) in enumerate(values.items(), start=2):  # pids 0 and 1 are reserved
        prop = etree.SubElement(root, f"{{{_CUSTOM}}}property",
                                {"fmtid": _USER_DEFINED, "pid": str(pid), "name": name})
        etree.SubElement(prop, f"{{{_VT}}}lpwstr").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
