"""The Word (OOXML) details python-docx does not cover, one function per Word feature.

Everything here builds or edits WordprocessingML elements with lxml; nothing patches XML text.
Element and attribute names follow ECMA-376 Part 1 (§17 WordprocessingML).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, datetime

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from rolebook.errors import LocatedError

# Zip entries carry this date, so the same inputs give the same bytes (the zip format's epoch).
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def el(tag: str, attrs: dict[str, str] | None = None, *children):
    """Returns a new element `w:tag` (or another prefix) with attributes and children."""
    node = OxmlElement(tag)
    for key, value in (attrs or {}).items():
        node.set(qn(key), value)
    for child in children:
        node.append(child)
    return node


def paragraph(style_id: str = "", runs=(), align: str = ""):
    """Returns a paragraph (w:p) in the style with id `style_id`, holding `runs`."""
    ppr = el("w:pPr")
    if style_id:
        ppr.append(el("w:pStyle", {"w:val": style_id}))
    if align:
        ppr.append(el("w:jc", {"w:val": align}))
    return el("w:p", None, ppr, *runs)


def run(text: str, bold: bool = False, color: str = "", size: float = 0):
    """Returns a run (w:r) of text, optionally bold, coloured (RRGGBB) or sized in points;
    line breaks in `text` become w:br."""
    r = el("w:r")
    rpr = el("w:rPr")
    if bold:
        rpr.append(el("w:b"))
    if color:
        rpr.append(el("w:color", {"w:val": color}))
    if size:
        rpr.extend([el("w:sz", {"w:val": str(round(size * 2))}),
                    el("w:szCs", {"w:val": str(round(size * 2))})])
    if len(rpr):
        r.append(rpr)
    for i, line in enumerate(text.split("\n")):
        if i:
            r.append(el("w:br"))
        t = el("w:t", None)
        t.text = line
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        r.append(t)
    return r


def field(instruction: str, cached: str = "1") -> list:
    """Returns the runs of a complex field (PAGE, NUMPAGES…) showing `cached` until updated."""
    def char(kind):
        return el("w:r", None, el("w:fldChar", {"w:fldCharType": kind}))
    instr = el("w:instrText")
    instr.text = f" {instruction} "
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
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
        tr_pr = el("w:trPr", None, el("w:tblHeader"), el("w:cantSplit")) if i < header_rows \
            else el("w:trPr", None, el("w:cantSplit"))
        tr = el("w:tr", None, tr_pr)
        for width, paras in zip(widths, cells, strict=False):
            tc_pr = el("w:tcPr", None, el("w:tcW", {"w:w": str(width), "w:type": "dxa"}))
            tr.append(el("w:tc", None, tc_pr, *(paras or [paragraph()])))
        tbl.append(tr)
    return tbl


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


def list_number_restart(numbering, style_numid: str) -> str:
    """Returns the id of a new w:num restarting at 1 the list that `style_numid` numbers."""
    nums = numbering.findall(qn("w:num"))
    source = next(n for n in nums if n.get(qn("w:numId")) == style_numid)
    abstract = source.find(qn("w:abstractNumId")).get(qn("w:val"))
    new_id = str(max(int(n.get(qn("w:numId"))) for n in nums) + 1)
    override = el("w:lvlOverride", {"w:ilvl": "0"}, el("w:startOverride", {"w:val": "1"}))
    numbering.append(el("w:num", {"w:numId": new_id},
                        el("w:abstractNumId", {"w:val": abstract}), override))
    return new_id


def numbered(p, num_id: str) -> None:
    """Makes paragraph `p` an item of the numbered list `num_id` (level 0)."""
    num_pr = el("w:numPr", None, el("w:ilvl", {"w:val": "0"}), el("w:numId", {"w:val": num_id}))
    p.find(qn("w:pPr")).append(num_pr)


def style_numid(styles, style_id: str) -> str:
    """Returns the numId that the paragraph style `style_id` numbers its paragraphs with."""
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) == style_id:
            num = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
            if num is not None:
                return num.get(qn("w:val"))
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


_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
# The format id that every user-defined custom property carries (ECMA-376 Part 1, §22.3.2.1).
_USER_DEFINED = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def custom_properties(package, values: dict[str, str]) -> None:
    """Adds docProps/custom.xml, the custom document properties (Word: File › Properties ›
    Custom; usable in DOCPROPERTY fields and document libraries), holding `values` as text.

    python-docx writes only the core properties: the part, its package relationship and (from
    the part's content type) its [Content_Types].xml entry are added here.
    """
    root = etree.Element(f"{{{_CUSTOM}}}Properties", nsmap={None: _CUSTOM, "vt": _VT})
    for pid, (name, value) in enumerate(values.items(), start=2):  # pids 0 and 1 are reserved
        prop = etree.SubElement(root, f"{{{_CUSTOM}}}property",
                                {"fmtid": _USER_DEFINED, "pid": str(pid), "name": name})
        etree.SubElement(prop, f"{{{_VT}}}lpwstr").text = value
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, blob, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def package_bytes(document) -> bytes:
    """Returns the .docx bytes of a python-docx Document with fixed zip timestamps."""
    saved = io.BytesIO()
    document.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()
