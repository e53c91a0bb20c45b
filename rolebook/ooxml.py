"""The Word (OOXML) details python-docx does not cover, one function per Word feature.

Everything here builds or edits WordprocessingML elements with lxml; nothing patches XML text.
Element and attribute names follow ECMA-376 Part 1 (§17 WordprocessingML).
"""

from __future__ import annotations

import copy
import functools
import io
import zipfile
from datetime import date, datetime

from docx.enum.section import WD_HEADER_FOOTER
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import CT_Types, serialize_part_xml
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI, PackURI
from docx.opc.spec import default_content_types
from docx.oxml.ns import nsmap, qn
from docx.oxml.parser import oxml_parser
from docx.parts.hdrftr import FooterPart, HeaderPart

# Zip entries carry this date, so the same inputs give the same bytes (the zip format's epoch).
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def el(tag: str, attrs: dict[str, str] | None = None, *children):
    """Returns a new element `w:tag` (or another prefix) with attributes and children."""
    node = oxml_parser.makeelement(_qn(tag), nsmap=_nsmap(tag))
    for key, value in (attrs or {}).items():
        node.set(_qn(key), value)
    node.extend(children)
    return node


# A document has thousands of elements: the names are resolved once, not once per element.
_qn = functools.cache(qn)


@functools.cache
def _nsmap(tag: str) -> dict[str, str]:
    prefix = tag.partition(":")[0]
    return {prefix: nsmap[prefix]}


def prototyped(build):
    """Makes `build` return a copy of the element it built once for the same arguments.

    Copying a small lxml tree is several times faster than building it element by element, and
    a handbook has hundreds of thousands of identical paragraph properties, runs and cells.
    """
    built = functools.cache(build)

    @functools.wraps(build)
    def fresh(*args):
        return copy.copy(built(*args))  # lxml copies an element with all its descendants
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


def run(text: str, bold: bool = False):
    """Returns a run (w:r) of text; line breaks in `text` become w:br."""
    r = _empty_run(bold)
    for i, line in enumerate(text.split("\n")):
        if i:
            r.append(_line_break())
        t = _text()
        t.text = line
        r.append(t)
    return r


@prototyped
def _empty_run(bold: bool):
    return el("w:r", None, el("w:rPr", None, el("w:b"))) if bold else el("w:r")


@prototyped
def _text():
    t = el("w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
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
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return [char("begin"), el("w:r", None, instr), char("separate"), run(cached), char("end")]


def bookmark(p, name: str, bookmark_id: int) -> None:
    """Wraps the content of paragraph `p` in a bookmark called `name`."""
    start = el("w:bookmarkStart", {"w:id": str(bookmark_id), "w:name": name})
    p.insert(1 if p.find(qn("w:pPr")) is not None else 0, start)
    p.append(el("w:bookmarkEnd", {"w:id": str(bookmark_id)}))


def bookmark_name(anchor: str) -> str:
    """Returns a Word-valid bookmark name (letters, digits, _; ≤ 40 chars) for an anchor."""
    cleaned = "".join(c if c.isalnum() else "_" for c in anchor)
    return ("r_" + cleaned)[:40]


def internal_link(anchor: str, runs: list):
    """Returns a hyperlink (w:hyperlink w:anchor) to a bookmark in the same document."""
    return el("w:hyperlink", {"w:anchor": bookmark_name(anchor)}, *runs)


def external_link(part, url: str, runs: list):
    """Returns a hyperlink to `url`, adding its external relationship to `part`."""
    rid = part.relate_to(url, RT.HYPERLINK, is_external=True)
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
        tr = el("w:tr", None, _row_properties(i < header_rows))
        for width, paras in zip(widths, cells, strict=False):
            tr.append(el("w:tc", None, _cell_properties(width), *(paras or [paragraph()])))
        tbl.append(tr)
    return tbl


@prototyped
def _row_properties(header: bool):
    """Returns a row's w:trPr: never split across pages; header rows repeat on each page."""
    if header:
        return el("w:trPr", None, el("w:tblHeader"), el("w:cantSplit"))
    return el("w:trPr", None, el("w:cantSplit"))


@prototyped
def _cell_properties(width: int):
    return el("w:tcPr", None, el("w:tcW", {"w:w": str(width), "w:type": "dxa"}))


class Numbering:
    """Hands out numbered-list instances (w:num) of the list a paragraph style numbers.

    Each call to `restart` is constant time, so a handbook with thousands of lists stays
    linear; the abstract list and the highest numId are looked up once.
    """

    def __init__(self, numbering, style_numid: str):
        self.numbering = numbering
        nums = numbering.findall(qn("w:num"))
        source = next(n for n in nums if n.get(qn("w:numId")) == style_numid)
        self.abstract = source.find(qn("w:abstractNumId")).get(qn("w:val"))
        self.last_id = max(int(n.get(qn("w:numId"))) for n in nums)

    def restart(self) -> str:
        """Returns the id of a new w:num restarting the list at 1."""
        self.last_id += 1
        new_id = str(self.last_id)
        override = el("w:lvlOverride", {"w:ilvl": "0"}, el("w:startOverride", {"w:val": "1"}))
        self.numbering.append(el("w:num", {"w:numId": new_id},
                                 el("w:abstractNumId", {"w:val": self.abstract}), override))
        return new_id


def numbered(p, num_id: str) -> None:
    """Makes paragraph `p` an item of the numbered list `num_id` (level 0)."""
    num_pr = el("w:numPr", None, el("w:ilvl", {"w:val": "0"}), el("w:numId", {"w:val": num_id}))
    p.find(qn("w:pPr")).append(num_pr)


def section_break(final_sect_pr) -> None:
    """Ends the current section, starting the next on a new page.

    Word keeps each section's properties in the paragraph that ends it, and the last
    section's in the body's final w:sectPr: a copy of that one (headers included) goes into a
    new paragraph before it, and the final one, now the next section's, loses its header and
    footer references and any start type (a new page is the default).
    """
    p = paragraph()
    p[0].append(copy.deepcopy(final_sect_pr))
    final_sect_pr.addprevious(p)
    for ref in final_sect_pr.findall(qn("w:headerReference")) + \
            final_sect_pr.findall(qn("w:footerReference")):
        final_sect_pr.remove(ref)
    final_sect_pr.start_type = None


class HeadersFooters:
    """Gives sections headers and footers of their own, each in constant time.

    python-docx names a new part and its relationship by scanning every existing one, which
    made a handbook of a thousand sections take minutes; this hands out the same names
    (header1.xml, footer1.xml…, the lowest free rIdN) from counters.
    """

    KINDS = {HeaderPart: ("hdr", "header", CT.WML_HEADER, RT.HEADER),
             FooterPart: ("ftr", "footer", CT.WML_FOOTER, RT.FOOTER)}

    def __init__(self, document_part):
        self.document_part = document_part
        self.count = {HeaderPart: 0, FooterPart: 0}
        self.rid = 0

    def add(self, sect_pr, kind: type, p) -> None:
        """Gives section `sect_pr` a header or footer (`kind`) holding only paragraph `p`."""
        tag, name, content_type, reltype = self.KINDS[kind]
        self.count[kind] += 1
        root = oxml_parser.makeelement(qn(f"w:{tag}"), nsmap={"w": nsmap["w"], "r": nsmap["r"]})
        root.append(p)
        partname = PackURI(f"/word/{name}{self.count[kind]}.xml")
        part = kind(partname, content_type, root, self.document_part.package)
        rid = self.next_rid()
        self.document_part.rels.add_relationship(reltype, part, rid)
        reference = sect_pr.add_headerReference if kind is HeaderPart \
            else sect_pr.add_footerReference
        reference(WD_HEADER_FOOTER.PRIMARY, rid)

    def next_rid(self) -> str:
        """Returns the lowest relationship id not yet used by the document part."""
        self.rid += 1
        while f"rId{self.rid}" in self.document_part.rels:
            self.rid += 1
        return f"rId{self.rid}"


def style_numid(styles, style_id: str) -> str:
    """Returns the numId that the paragraph style `style_id` numbers its paragraphs with."""
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) == style_id:
            num = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
            if num is not None:
                return num.get(qn("w:val"))
    raise KeyError(f"style {style_id} has no list numbering")


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


def core_properties(props, meta: dict[str, str]) -> None:
    """Fills the core properties (docProps/core.xml) from a Document's metadata."""
    when = datetime.combine(date.fromisoformat(meta["date"]), datetime.min.time())
    props.title = meta.get("title", "")
    props.subject = meta.get("subject", "")
    props.author = meta.get("author", "")
    props.last_modified_by = meta.get("author", "")
    props.version = meta.get("version", "")
    props.keywords = meta.get("keywords", "")
    props.comments = meta.get("description", "")
    props.language = meta.get("lang", "")
    props.created = props.modified = when
    props.revision = 1


def package_bytes(document) -> bytes:
    """Returns the .docx bytes of a python-docx Document, zipped with fixed timestamps.

    The parts are written as python-docx saves them (content types, package relationships,
    then each part and its relationships), straight into the zip.
    """
    package = document.part.package
    parts = list(package.iter_parts())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        _zip_entry(zf, CONTENT_TYPES_URI, content_types(parts))
        _zip_entry(zf, PACKAGE_URI.rels_uri, package.rels.xml)
        for part in parts:
            _zip_entry(zf, part.partname, part.blob)
            if len(part.rels):
                _zip_entry(zf, part.partname.rels_uri, part.rels.xml)
    return out.getvalue()


def _zip_entry(zf: zipfile.ZipFile, uri: PackURI, data: bytes) -> None:
    info = zipfile.ZipInfo(uri.membername, ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def content_types(parts) -> bytes:
    """Returns [Content_Types].xml for `parts`: defaults by extension, else one override each."""
    defaults = {"rels": CT.OPC_RELATIONSHIPS, "xml": CT.XML}
    overrides = {}
    for part in parts:
        ext = part.partname.ext
        if (ext.lower(), part.content_type) in default_content_types:
            defaults[ext] = part.content_type
        else:
            overrides[part.partname] = part.content_type
    types = CT_Types.new()
    for ext in sorted(defaults):
        types.add_default(ext, defaults[ext])
    for partname in sorted(overrides):
        types.add_override(partname, overrides[partname])
    return serialize_part_xml(types)
