"""Word (OOXML) elements that python-docx does not build, one function per Word feature.

Elements are built with lxml, never edited as text. Element and attribute names follow
ECMA-376 Part 1 (§17 WordprocessingML). The package they go into is rolebook/output/opc.py's.
"""

from __future__ import annotations

import copy
import functools
import hashlib

from docx.oxml.ns import nsmap, qn
from docx.oxml.parser import oxml_parser
from lxml import etree

from rolebook.model.errors import LocatedError

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
        rpr.extend(
            [
                el("w:sz", {"w:val": str(round(size * 2))}),
                el("w:szCs", {"w:val": str(round(size * 2))}),
            ]
        )
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
        el("w:pgNumType", {"w:start": "1"}),
        "w:cols",
        "w:formProt",
        "w:vAlign",
        "w:noEndnote",
        "w:titlePg",
        "w:textDirection",
        "w:bidi",
        "w:rtlGutter",
        "w:docGrid",
        "w:printerSettings",
        "w:sectPrChange",
    )


def toc(entries, styles: dict[int, str]) -> list:
    """Returns the paragraphs of a table of contents written out: one per entry (level, text,
    bookmark, page label), a hyperlink to its heading showing its text, a tab and the label.

    No TOC or PAGEREF field: the labels are known before layout, and a field that Word or
    LibreOffice updates would give every entry the page number within its role, "1" (see the
    README, "The Word handbook"). Word's navigation pane lists the Heading-styled paragraphs.
    """
    return [
        paragraph(
            styles[level],
            [
                el(
                    "w:hyperlink",
                    {"w:anchor": target, "w:history": "1"},
                    run(text),
                    tab(),
                    run(page),
                )
            ],
        )
        for level, text, target, page in entries
    ] or [paragraph(styles[1])]


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
    holder = etree.fromstring(
        f'<w:body xmlns:w="{nsmap["w"]}" xmlns:r="{nsmap["r"]}">{body}</w:body>', oxml_parser
    )
    for link in holder.iter(_qn("w:hyperlink")):
        if link.get(_qn("w:anchor")) in bookmarks:
            link.tag = _qn("w:dropped")
    etree.strip_tags(holder, _qn("w:dropped"))
    return body_xml(list(holder))


def external_link(rid: str, runs: list):
    """Returns a hyperlink to the external target of relationship `rid`."""
    return el("w:hyperlink", {"r:id": rid}, *runs)


def table(
    style_id: str,
    rows: list[list[list]],
    widths: list[int],
    header_rows: int,
    header_column: bool = False,
):
    """Returns a full-width table (w:tbl); each cell is a list of paragraphs.

    The table style's header-row and first-column formats apply only where the table has them.
    """
    # Word reads the attributes, LibreOffice only the older w:val bitmask: write both.
    bits = 0x0020 * (header_rows > 0) | 0x0080 * header_column | 0x0200 | 0x0400
    look = {
        "w:val": f"{bits:04X}",
        "w:firstRow": str(int(header_rows > 0)),
        "w:firstColumn": str(int(header_column)),
        "w:lastRow": "0",
        "w:lastColumn": "0",
        "w:noHBand": "1",
        "w:noVBand": "1",
    }
    tbl_pr = el(
        "w:tblPr",
        None,
        el("w:tblStyle", {"w:val": style_id}),
        el("w:tblW", {"w:w": "5000", "w:type": "pct"}),
        el("w:tblLayout", {"w:type": "fixed"}),
        el("w:tblLook", look),
    )
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
    return el("w:tc", None, el("w:tcPr", None, el("w:tcW", {"w:w": str(width), "w:type": "dxa"})))


def line_grid(widths: list[int], rows, alt: tuple[str, str] = ("", "")) -> object:
    """Returns a table with no borders of its own whose cells draw theirs: a diagram (the org
    chart) on a grid. Each row is (height in twips, cells); a cell is (grid columns spanned,
    the sides with a line ("left", or "left:dotted" for a dotted one), fill colour or "",
    paragraphs). A height > 0 is exact; one <= 0 is a
    minimum (of -height twips, or 400 for 0), from which the row grows with its text.
    `alt` is the table's alternative text, (title, description): what Word shows under Table
    Properties › Alt Text and what screen readers read for the diagram."""
    properties = _grid_properties(sum(widths))
    title, description = alt
    if title:
        properties.append(el("w:tblCaption", {"w:val": title}))
    if description:
        properties.append(el("w:tblDescription", {"w:val": description}))
    tbl = el(
        "w:tbl",
        None,
        properties,
        el("w:tblGrid", None, *(el("w:gridCol", {"w:w": str(w)}) for w in widths)),
    )
    for height, cells in rows:
        tbl.append(_grid_row(widths, height, cells))
    return tbl


def _grid_properties(width: int):
    """Returns the w:tblPr of a line grid: centred, fixed layout, no borders, no cell margins."""
    sides = ("top", "left", "bottom", "right")
    no_borders = (el(f"w:{side}", {"w:val": "nil"}) for side in (*sides, "insideH", "insideV"))
    no_margins = (el(f"w:{side}", {"w:w": "0", "w:type": "dxa"}) for side in sides)
    return el(
        "w:tblPr",
        None,
        el("w:tblW", {"w:w": str(width), "w:type": "dxa"}),
        el("w:jc", {"w:val": "center"}),
        el("w:tblBorders", None, *no_borders),
        el("w:tblLayout", {"w:type": "fixed"}),
        el("w:tblCellMar", None, *no_margins),
    )


def _grid_row(widths: list[int], height: int, cells) -> object:
    """Returns one w:tr of a line grid: its height (exact, or at least -height twips, at
    least 400 for 0)."""
    rule = (
        {"w:val": str(height), "w:hRule": "exact"}
        if height > 0
        else {"w:val": str(-height or 400), "w:hRule": "atLeast"}
    )
    tr = el("w:tr", None, el("w:trPr", None, el("w:cantSplit"), el("w:trHeight", rule)))
    col = 0
    for span, sides, fill, paras in cells:
        tr.append(_grid_cell(sum(widths[col : col + span]), span, sides, fill, paras))
        col += span
    return tr


def _grid_cell(width: int, span: int, sides, fill: str, paras):
    """Returns one cell of a line_grid: its width, span, lines, fill and content."""
    tc_pr = el("w:tcPr", None, el("w:tcW", {"w:w": str(width), "w:type": "dxa"}))
    if span > 1:
        tc_pr.append(el("w:gridSpan", {"w:val": str(span)}))
    lines = {"w:val": "single", "w:sz": "8", "w:space": "0", "w:color": "1F3864"}
    dotted = {**lines, "w:val": "dotted", "w:sz": "12"}  # thicker: Word's dots are fine
    tc_pr.append(
        el(
            "w:tcBorders",
            None,
            *(
                el(
                    f"w:{side}",
                    lines
                    if side in sides
                    else dotted
                    if f"{side}:dotted" in sides
                    else {"w:val": "nil"},
                )
                for side in ("top", "left", "bottom", "right")
            ),
        )
    )
    if fill:
        tc_pr.append(el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": fill}))
    tc_pr.append(el("w:vAlign", {"w:val": "center"}))
    return el("w:tc", None, tc_pr, *(paras or [paragraph("TableText", [run("", size=1)])]))


def list_instance(num_id: int, abstract_id: str):
    """Returns a numbering instance (w:num) `num_id` of the abstract list `abstract_id`,
    restarting at 1: each numbered list of a document gets one, so none continues another."""
    override = el("w:lvlOverride", {"w:ilvl": "0"}, el("w:startOverride", {"w:val": "1"}))
    return el(
        "w:num", {"w:numId": str(num_id)}, el("w:abstractNumId", {"w:val": abstract_id}), override
    )


def indent(p, left: int) -> None:
    """Indents paragraph `p` by `left` twips from the left margin (w:ind)."""
    p.find(_qn("w:pPr")).append(el("w:ind", {"w:left": str(left)}))


def numbered(paras, num_id: int) -> None:
    """Makes paragraphs `paras` the items of the numbered list `num_id` (level 0)."""
    num_pr = el(
        "w:numPr", None, el("w:ilvl", {"w:val": "0"}), el("w:numId", {"w:val": str(num_id)})
    )
    for p in paras:
        p[0].append(num_pr.__copy__())  # p[0]: the paragraph's properties, w:pPr


def list_of_style(styles, numbering, style_id: str, source: str) -> str:
    """Returns the abstract list (w:abstractNumId) that the paragraph style `style_id` numbers
    its paragraphs with, through a numbering instance (w:num); LocatedError at `source` (the
    styles' document, as the user names it) if it has none."""
    path = f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}"
    num_ids = {
        num.get(qn("w:val"))
        for style in styles.findall(qn("w:style"))
        if style.get(qn("w:styleId")) == style_id
        for num in style.findall(path)
    }
    for num in numbering.findall(qn("w:num")):
        abstract = num.find(qn("w:abstractNumId"))
        if num.get(qn("w:numId")) in num_ids and abstract is not None:
            return abstract.get(qn("w:val"))
    raise LocatedError(
        source,
        None,
        f"the style '{style_id}' has no list "
        "numbering; number it in Word (Format, Numbering) or restore the file "
        "from git",
    )


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
    return text[text.index(">") + 1 : -len("</w:body>")] if len(body) else ""


# VML, in which Word (Design › Watermark) writes a watermark: a WordArt text shape in the page
# header, behind the text. Word recognises its own watermark by the shape's id.
_VML = {
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "w10": "urn:schemas-microsoft-com:office:word",
}
# The formulas of shape type 136 (a text path), as Word writes them with every watermark.
_TEXT_PATH_FORMULAS = (
    "sum #0 0 10800",
    "prod #0 2 1",
    "sum 21600 0 @1",
    "sum 0 0 @2",
    "sum 21600 0 @3",
    "if @0 @3 0",
    "if @0 21600 @1",
    "if @0 0 @2",
    "if @0 @4 21600",
    "mid @5 @6",
    "mid @8 @5",
    "mid @7 @8",
    "mid @6 @7",
    "sum @6 0 @5",
)
WATERMARK_WIDTH = 460.0  # points: the widest a watermark is drawn, about the text width of A4


def _vml(tag: str, attrs: dict[str, str] | None = None, *children):
    """Returns a new VML element `prefix:tag`; attributes may be prefixed (o:spt) too."""
    prefix, _, name = tag.partition(":")
    node = etree.Element(f"{{{_VML[prefix]}}}{name}", nsmap={prefix: _VML[prefix]})
    for key, value in (attrs or {}).items():
        if ":" in key:
            key_prefix, _, key_name = key.partition(":")
            key = f"{{{_VML[key_prefix]}}}{key_name}"
        node.set(key, value)
    node.extend(children)
    return node


def _text_path_type():
    """Returns the shape type of a text path (v:shapetype _x0000_t136), as Word writes it."""
    formulas = _vml("v:formulas", None, *(_vml("v:f", {"eqn": f}) for f in _TEXT_PATH_FORMULAS))
    path = _vml(
        "v:path",
        {
            "textpathok": "t",
            "o:connecttype": "custom",
            "o:connectlocs": "@9,0;@10,10800;@11,21600;@12,10800",
            "o:connectangles": "270,180,90,0",
        },
    )
    handles = _vml("v:handles", None, _vml("v:h", {"position": "#0,bottomRight"}))
    handles[0].set("xrange", "6629,14971")
    return _vml(
        "v:shapetype",
        {
            "id": "_x0000_t136",
            "coordsize": "21600,21600",
            "o:spt": "136",
            "adj": "10800",
            "path": "m@7,l@8,m@5,21600l@6,21600e",
        },
        formulas,
        path,
        _vml("v:textpath", {"on": "t", "fitshape": "t"}),
        handles,
        _vml("o:lock", {"v:ext": "edit", "text": "t", "shapetype": "t"}),
    )


def watermark(text: str, number: int, font: str):
    """Returns a run holding a watermark as Word's Design › Watermark makes it: `text` in
    `font`, pale silver, half transparent, diagonal (rotated 315°), centred on the page behind
    the text. It goes into a page header, and so is on every page of the section; `number`
    makes the shape's id unique in the document."""
    ems = sum(1.0 if ord(c) >= 0x2E80 else 0.62 for c in text) or 1.0
    width = min(WATERMARK_WIDTH, 150.0 * ems)
    style = (
        f"position:absolute;margin-left:0;margin-top:0;width:{width:.1f}pt;"
        f"height:{width / ems:.1f}pt;rotation:315;z-index:-251657216;"
        "mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
        "mso-position-vertical:center;mso-position-vertical-relative:margin"
    )
    shape = _vml(
        "v:shape",
        {
            "id": f"PowerPlusWaterMarkObject{number}",
            "o:spid": f"_x0000_s{2049 + number}",
            "type": "#_x0000_t136",
            "style": style,
            "o:allowincell": "f",
            "fillcolor": "silver",
            "stroked": "f",
        },
        _vml("v:fill", {"opacity": ".5"}),
        _vml("v:textpath", {"style": f'font-family:"{font}";font-size:1pt', "string": text}),
        _vml("w10:wrap", {"anchorx": "margin", "anchory": "margin"}),
    )
    return el(
        "w:r",
        None,
        el("w:rPr", None, el("w:noProof")),
        el("w:pict", None, _text_path_type(), shape),
    )


def page_break():
    """Returns a paragraph holding a page break: what follows starts on a new page."""
    return paragraph("", [el("w:r", None, el("w:br", {"w:type": "page"}))])


def signature_line(p) -> None:
    """Gives paragraph `p` room above and a line below to sign or write on (w:pBdr bottom)."""
    ppr = p.find(_qn("w:pPr"))
    line = el(
        "w:pBdr",
        None,
        el("w:bottom", {"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "auto"}),
    )
    style = ppr.find(_qn("w:pStyle"))
    # w:pBdr and w:spacing come after w:pStyle and before w:jc in w:pPr.
    at = 1 if style is not None else 0
    ppr.insert(at, line)
    ppr.insert(at + 1, el("w:spacing", {"w:before": "480"}))


def keep_with_next(p) -> None:
    """Keeps paragraph `p` on the page of the next one (w:keepNext); a table whose rows but the
    last keep with the next row is never split across pages."""
    ppr = p.find(_qn("w:pPr"))
    at = 1 if ppr.find(_qn("w:pStyle")) is not None else 0
    ppr.insert(at, el("w:keepNext"))  # w:keepNext follows w:pStyle, before all else
