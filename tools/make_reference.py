"""Make ``templates/reference.docx``, the style reference for rolebook handbooks.

The renderer opens this file with ``docx.Document(path)`` and fills its empty
body, so every paragraph, list and table style a handbook uses lives here.  HR
may open the result in Word and restyle it; as long as the style names stay the
same the renderer picks the changes up.

The file is generated, not hand-edited: it starts from python-docx's default
template, prunes everything a handbook does not need (stylesWithEffects, the
theme, the thumbnail, ~150 unused styles, the latent-style table) and defines
a small set of Chinese business-document styles (A4, SimSun/SimHei + Arial).

Rerun it by hand whenever the styles change::

    python tools/make_reference.py

The output is byte-identical from run to run, so a diff of the .docx in git
means the styles really changed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import PartFactory, XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Twips

OUTPUT = Path(__file__).resolve().parent.parent / "templates" / "reference.docx"

# python-docx's constants have no name for this Word 2010 relationship type.
RT_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

# A4 portrait with the margins of a Chinese business document, in twips.
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838
MARGIN_TOP_BOTTOM, MARGIN_LEFT_RIGHT = 1440, 1800
HEADER_FOOTER_DISTANCE = 851
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_LEFT_RIGHT

LATIN_FONT = "Arial"
BODY_FONT = "SimSun"  # 宋体
HEADING_FONT = "SimHei"  # 黑体
DARK_BLUE = "1F3864"
DARK_GREY = "404040"
LABEL_FILL = "F2F2F2"
HEADER_FILL = "D9D9D9"
LIST_INDENT = 420  # two Chinese characters at 10.5 pt

# fontTable entries as Chinese Word writes them:
# name, alt name, panose, family, pitch, usb0, usb1.
CJK_FONTS = (
    (BODY_FONT, "宋体", "02010600030101010101", "auto", "variable", "00000003", "288F0000"),
    (HEADING_FONT, "黑体", "02010609060101010101", "modern", "fixed", "800002BF", "38CF7CFA"),
)

FIXED_TIME = datetime(2000, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_FILE_MODE = 0o644 << 16  # rw-r--r--, so extraction gives sane permissions

THEME_ATTRIBUTES = {
    "asciiTheme",
    "hAnsiTheme",
    "eastAsiaTheme",
    "cstheme",
    "themeColor",
    "themeShade",
    "themeTint",
    "themeFill",
    "themeFillShade",
    "themeFillTint",
}


# ---------------------------------------------------------------- XML helpers


def w(tag: str, *children: BaseOxmlElement, **attrs: object) -> BaseOxmlElement:
    """Return a new ``w:<tag>`` element with ``w:``-qualified attrs and children."""
    element = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))
    element.extend(children)
    return element


def fonts(east_asian: str) -> BaseOxmlElement:
    """Return explicit ``w:rFonts``: Arial for Latin text, `east_asian` for CJK.

    Explicit names only: a theme attribute (w:eastAsiaTheme ...) would win over
    w:eastAsia in Word and drag the theme back in.
    """
    return w("rFonts", ascii=LATIN_FONT, hAnsi=LATIN_FONT, eastAsia=east_asian, cs=LATIN_FONT)


def size(points: float) -> list[BaseOxmlElement]:
    """Return ``w:sz`` and ``w:szCs`` for `points` (OOXML counts half points)."""
    half_points = round(points * 2)
    return [w("sz", val=half_points), w("szCs", val=half_points)]


def spacing(before: int = 0, after: int = 0, line: int = 240) -> BaseOxmlElement:
    """Return ``w:spacing`` in twips; `line` is in 240ths of a line (auto rule)."""
    return w("spacing", before=before, after=after, line=line, lineRule="auto")


def strip_theme_attributes(root: BaseOxmlElement) -> None:
    """Remove every theme font/colour attribute below `root`.

    The theme part is dropped, so nothing may point into it any more.
    """
    for element in root.iter():
        for name in list(element.attrib):
            if name.rpartition("}")[2] in THEME_ATTRIBUTES:
                del element.attrib[name]


# ------------------------------------------------------------- style bodies
#
# Each function returns the formatting children of one style, already in
# schema order (pPr, rPr, tblPr, trPr, tcPr, tblStylePr); Word rejects a file
# whose children are out of order.


def no_body() -> list[BaseOxmlElement]:
    """Return no formatting: the style only inherits (docDefaults carry Normal)."""
    return []


def title_body() -> list[BaseOxmlElement]:
    """Return Title formatting: centred 22 pt bold SimHei in dark blue, a third down the page
    (the handbook's cover)."""
    return [
        w("pPr", w("keepNext"), w("keepLines"), spacing(3600, 480), w("jc", val="center")),
        w("rPr", fonts(HEADING_FONT), w("b"), w("bCs"), w("color", val=DARK_BLUE), *size(22)),
    ]


def subtitle_body() -> list[BaseOxmlElement]:
    """Return Subtitle formatting: 14 pt SimHei in dark grey, aligned with the headings."""
    return [
        w("pPr", w("keepNext"), w("keepLines"), spacing(0, 360)),
        w("rPr", fonts(HEADING_FONT), w("color", val=DARK_GREY), *size(14)),
    ]


def heading_body(level: int, points: float, before: int) -> list[BaseOxmlElement]:
    """Return heading formatting: bold SimHei in dark blue, kept with what follows."""
    return [
        w(
            "pPr",
            w("keepNext"),
            w("keepLines"),
            spacing(before, 120),
            w("jc", val="left"),
            w("outlineLvl", val=level - 1),
        ),
        w("rPr", fonts(HEADING_FONT), w("b"), w("bCs"), w("color", val=DARK_BLUE), *size(points)),
    ]


def list_body(num_id: int) -> list[BaseOxmlElement]:
    """Return list-paragraph formatting bound to numbering instance `num_id`."""
    # contextualSpacing drops the 6 pt gap between items of the same list.
    return [w("pPr", w("numPr", w("numId", val=num_id)), w("contextualSpacing"))]


def header_footer_body() -> list[BaseOxmlElement]:
    """Return header/footer formatting: 8 pt, single spaced, A4 centre/right tabs.

    8 pt, not 9: a header's four fields (number, title, version, date) and its draft mark
    then fit one line of the A4 text width, in Chinese and in English."""
    tabs = w(
        "tabs", w("tab", val="center", pos=TEXT_WIDTH // 2), w("tab", val="right", pos=TEXT_WIDTH)
    )
    return [
        w("pPr", tabs, spacing(0, 0), w("jc", val="left")),
        w("rPr", *size(8)),
    ]


def caption_body() -> list[BaseOxmlElement]:
    """Return caption formatting: centred 9 pt bold dark grey, kept with its table.

    SimHei, not SimSun, for Chinese: a sans serif like Arial, so that a Chinese caption and an
    English one look the same."""
    return [
        w("pPr", w("keepNext"), spacing(60, 120), w("jc", val="center")),
        w("rPr", fonts(HEADING_FONT), w("b"), w("bCs"), w("color", val=DARK_GREY), *size(9)),
    ]


def toc_heading_body() -> list[BaseOxmlElement]:
    """Return TOC Heading formatting: heading 1 look, kept out of the TOC itself."""
    return [w("pPr", w("outlineLvl", val=9))]


def toc_body(indent: int) -> list[BaseOxmlElement]:
    """Return TOC entry formatting: `indent` twips in, dotted right tab for pages."""
    tabs = w("tabs", w("tab", val="right", leader="dot", pos=TEXT_WIDTH))
    return [w("pPr", tabs, spacing(0, 60), w("ind", left=indent))]


def table_text_body() -> list[BaseOxmlElement]:
    """Return Table Text formatting: 10.5 pt, single spaced, no space after."""
    return [w("pPr", spacing(0, 0)), w("rPr", *size(10.5))]


def strong_body() -> list[BaseOxmlElement]:
    """Return bold SimHei run formatting (Strong and Label)."""
    return [w("rPr", fonts(HEADING_FONT), w("b"), w("bCs"))]


def table_normal_body() -> list[BaseOxmlElement]:
    """Return Word's default table formatting: no borders, 108-twip side margins."""
    return [w("tblPr", w("tblInd", w=0, type="dxa"), cell_margins(0))]


def cell_margins(top_bottom: int) -> BaseOxmlElement:
    """Return ``w:tblCellMar`` with `top_bottom` and 108-twip left/right margins."""
    sides = {"top": top_bottom, "left": 108, "bottom": top_bottom, "right": 108}
    return w("tblCellMar", *(w(side, w=width, type="dxa") for side, width in sides.items()))


def rolebook_table_body() -> list[BaseOxmlElement]:
    """Return Rolebook Table formatting: thin grid, padded cells, grey bold header."""
    edges = ("top", "left", "bottom", "right", "insideH", "insideV")
    borders = w(
        "tblBorders", *(w(edge, val="single", sz=4, space=0, color="auto") for edge in edges)
    )
    header_row = w(
        "tblStylePr",
        w("rPr", fonts(HEADING_FONT), w("b"), w("bCs")),
        w("trPr", w("tblHeader")),  # repeat the header row on every page
        w("tcPr", w("shd", val="clear", color="auto", fill=HEADER_FILL)),
        type="firstRow",
    )
    # Row labels (文件编号, 版本 …) look like the header row, lighter: same font, pale fill.
    header_column = w(
        "tblStylePr",
        w("rPr", fonts(HEADING_FONT), w("b"), w("bCs")),
        w("tcPr", w("shd", val="clear", color="auto", fill=LABEL_FILL)),
        type="firstCol",
    )
    return [
        # Compact cells: the Normal 1.25 spacing and 6 pt gap are for body text.
        w("pPr", spacing(0, 0), w("jc", val="left")),
        w("tblPr", w("tblInd", w=0, type="dxa"), borders, cell_margins(57)),
        header_row,
        header_column,
    ]


# ------------------------------------------------------------ style table


class StyleSpec(NamedTuple):
    """One style of the reference document."""

    kind: WD_STYLE_TYPE
    style_id: str
    name: str
    based_on: str | None
    next_style: str | None
    ui_priority: int
    flags: tuple[str, ...]  # w:semiHidden / w:unhideWhenUsed / w:qFormat
    custom: bool  # True for rolebook's own styles (w:customStyle="1")
    body: Callable[[], list[BaseOxmlElement]]


P, C, T, N = (
    WD_STYLE_TYPE.PARAGRAPH,
    WD_STYLE_TYPE.CHARACTER,
    WD_STYLE_TYPE.TABLE,
    WD_STYLE_TYPE.LIST,
)
QUICK = ("qFormat",)
HIDDEN = ("semiHidden", "unhideWhenUsed")

# fmt: off
STYLES = (
    StyleSpec(P, "Normal", "Normal", None, None, 0, QUICK, False, no_body),
    StyleSpec(P, "Title", "Title", "Normal", "Normal", 10, QUICK, False, title_body),
    StyleSpec(P, "Subtitle", "Subtitle", "Normal", "Normal", 11, QUICK, False,
              subtitle_body),
    StyleSpec(P, "Heading1", "heading 1", "Normal", "Normal", 9, QUICK, False,
              lambda: heading_body(1, 16, 360)),
    StyleSpec(P, "Heading2", "heading 2", "Normal", "Normal", 9, QUICK, False,
              lambda: heading_body(2, 14, 240)),
    StyleSpec(P, "Heading3", "heading 3", "Normal", "Normal", 9, QUICK, False,
              lambda: heading_body(3, 12, 180)),
    StyleSpec(P, "Heading4", "heading 4", "Normal", "Normal", 9, QUICK, False,
              lambda: heading_body(4, 11, 120)),
    StyleSpec(P, "ListBullet", "List Bullet", "Normal", None, 99, (), False,
              lambda: list_body(1)),
    StyleSpec(P, "ListNumber", "List Number", "Normal", None, 99, (), False,
              lambda: list_body(2)),
    StyleSpec(P, "TableText", "Table Text", "Normal", None, 1, QUICK, True,
              table_text_body),
    StyleSpec(P, "Caption", "caption", "Normal", "Normal", 35, QUICK, False,
              caption_body),
    StyleSpec(P, "Header", "header", "Normal", None, 99, HIDDEN, False,
              header_footer_body),
    StyleSpec(P, "Footer", "footer", "Normal", None, 99, HIDDEN, False,
              header_footer_body),
    StyleSpec(P, "TOCHeading", "TOC Heading", "Heading1", "Normal", 39, HIDDEN + QUICK,
              False, toc_heading_body),
    StyleSpec(P, "TOC1", "toc 1", "Normal", "Normal", 39, HIDDEN, False,
              lambda: toc_body(0)),
    StyleSpec(P, "TOC2", "toc 2", "Normal", "Normal", 39, HIDDEN, False,
              lambda: toc_body(LIST_INDENT)),
    StyleSpec(C, "DefaultParagraphFont", "Default Paragraph Font", None, None, 1,
              HIDDEN, False, no_body),
    StyleSpec(C, "Strong", "Strong", "DefaultParagraphFont", None, 22, QUICK, False,
              strong_body),
    StyleSpec(C, "Label", "Label", "DefaultParagraphFont", None, 1, QUICK, True,
              strong_body),
    StyleSpec(T, "TableNormal", "Normal Table", None, None, 99, HIDDEN, False,
              table_normal_body),
    StyleSpec(T, "RolebookTable", "Rolebook Table", "TableNormal", None, 59, (), True,
              rolebook_table_body),
    StyleSpec(N, "NoList", "No List", None, None, 99, HIDDEN, False, no_body),
)
# fmt: on


# ------------------------------------------------------------------ styles


def prune_styles(doc: Document) -> dict[str, BaseOxmlElement]:
    """Remove all styles and latent styles; return the kept ones by style id."""
    root = doc.styles.element
    wanted = {spec.style_id for spec in STYLES}
    kept = {}
    for style in root.findall(qn("w:style")):
        root.remove(style)
        if style.get(qn("w:styleId")) in wanted:
            kept[style.get(qn("w:styleId"))] = style
    # 276 latent entries only repeat Word's built-in defaults; Word copes without.
    for latent in root.findall(qn("w:latentStyles")):
        root.remove(latent)
    return kept


def new_style(doc: Document, spec: StyleSpec) -> BaseOxmlElement:
    """Return a fresh, detached ``w:style`` element for `spec`."""
    style = doc.styles.add_style(spec.name, spec.kind, builtin=not spec.custom)
    style.style_id = spec.style_id  # python-docx would derive "toc1" from "toc 1"
    element = style.element
    element.getparent().remove(element)
    return element


def fill_style(style: BaseOxmlElement, spec: StyleSpec) -> BaseOxmlElement:
    """Return `style` with all children but w:name replaced from `spec`."""
    for child in list(style):
        if child.tag != qn("w:name"):
            style.remove(child)
    if spec.based_on:
        style.append(w("basedOn", val=spec.based_on))
    if spec.next_style:
        style.append(w("next", val=spec.next_style))
    style.append(w("uiPriority", val=spec.ui_priority))
    # Schema order is semiHidden, unhideWhenUsed, qFormat.
    for flag in ("semiHidden", "unhideWhenUsed", "qFormat"):
        if flag in spec.flags:
            style.append(w(flag))
    style.extend(spec.body())
    return style


def doc_defaults() -> BaseOxmlElement:
    """Return ``w:docDefaults``: the Normal look (10.5 pt, 1.25 lines, 6 pt after).

    It sits here rather than in the Normal style because Word lets table-style
    paragraph settings override docDefaults but not the Normal style, and
    Rolebook Table needs single-spaced cells.
    """
    run = w(
        "rPr", fonts(BODY_FONT), *size(10.5), w("lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    )
    paragraph = w("pPr", spacing(0, 120, 300), w("jc", val="both"))
    return w("docDefaults", w("rPrDefault", run), w("pPrDefault", paragraph))


def build_styles(doc: Document) -> None:
    """Rebuild styles.xml: docDefaults plus exactly the STYLES, in table order."""
    root = doc.styles.element
    kept = prune_styles(doc)
    for old in root.findall(qn("w:docDefaults")):
        root.remove(old)
    root.insert(0, doc_defaults())
    for spec in STYLES:
        style = kept.get(spec.style_id)
        if style is None:
            style = new_style(doc, spec)
        root.append(fill_style(style, spec))
    strip_theme_attributes(root)


# --------------------------------------------------------------- numbering


def abstract_num(abstract_id: int, style_id: str, fmt: str, text: str) -> BaseOxmlElement:
    """Return a one-level ``w:abstractNum`` for `style_id` with a 420/420 indent."""
    level = w(
        "lvl",
        w("start", val=1),
        w("numFmt", val=fmt),
        w("pStyle", val=style_id),
        w("lvlText", val=text),
        w("lvlJc", val="left"),
        w("pPr", w("ind", left=LIST_INDENT, hanging=LIST_INDENT)),
        # Pin the marker to Arial so "•" is not drawn from the CJK font.
        w("rPr", w("rFonts", ascii=LATIN_FONT, hAnsi=LATIN_FONT, hint="default")),
        ilvl=0,
    )
    # A fixed nsid keeps the output deterministic (Word invents random ones).
    nsid = w("nsid", val=f"52B0{abstract_id:04X}")
    return w(
        "abstractNum",
        nsid,
        w("multiLevelType", val="singleLevel"),
        level,
        abstractNumId=abstract_id,
    )


def build_numbering(doc: Document) -> None:
    """Replace numbering.xml with bullets (num 1 -> abstract 0) and decimals (2 -> 1).

    The renderer restarts numbered lists by adding w:num entries that point at
    abstractNumId 1 with a w:startOverride, so these ids are part of the contract.
    """
    root = doc.part.numbering_part.element
    for child in list(root):
        root.remove(child)
    root.append(abstract_num(0, "ListBullet", "bullet", "\u2022"))
    root.append(abstract_num(1, "ListNumber", "decimal", "%1."))
    root.append(w("num", w("abstractNumId", val=0), numId=1))
    root.append(w("num", w("abstractNumId", val=1), numId=2))
    strip_theme_attributes(root)


# -------------------------------------------------------------- font table


def cjk_font(
    name: str, alt_name: str, panose: str, family: str, pitch: str, usb0: str, usb1: str
) -> BaseOxmlElement:
    """Return a GB2312 (charset 86) ``w:font`` entry with its Chinese alt name.

    With charset, panose and signature Word substitutes a Chinese font when the
    named one is missing, instead of a Latin font that shows empty boxes.
    """
    sig = w("sig", usb0=usb0, usb1=usb1, usb2="00000016", usb3="00000000",
            csb0="00040001", csb1="00000000")  # fmt: skip
    return w(
        "font",
        w("altName", val=alt_name),
        w("panose1", val=panose),
        w("charset", val="86"),
        w("family", val=family),
        w("pitch", val=pitch),
        sig,
        name=name,
    )


def build_font_table(doc: Document) -> None:
    """Keep Arial and Times New Roman in fontTable.xml; add SimSun and SimHei."""
    root = doc.part.part_related_by(RT.FONT_TABLE).element
    for font in root.findall(qn("w:font")):
        if font.get(qn("w:name")) not in (LATIN_FONT, "Times New Roman"):
            root.remove(font)  # Japanese and Mac fonts of the upstream template
    for entry in CJK_FONTS:
        root.append(cjk_font(*entry))


# ---------------------------------------------------- settings and package


def set_attrs(root: BaseOxmlElement, xpath: str, **attrs: object) -> None:
    """Set ``w:``-qualified `attrs` on every element matching `xpath` under `root`."""
    for element in root.xpath(xpath):
        for key, value in attrs.items():
            element.set(qn(f"w:{key}"), str(value))


def tidy_settings(doc: Document) -> None:
    """Drop editing history from settings.xml and switch to Chinese/Word 2013 defaults."""
    root = doc.settings.element
    for tag in ("w:rsids", "w:proofState", "w:savePreviewPicture"):
        for element in root.findall(qn(tag)):
            root.remove(element)
    zoom = root.find(qn("w:zoom"))
    zoom.addprevious(w("zoom", percent=100))
    root.remove(zoom)
    set_attrs(root, "w:defaultTabStop", val=LIST_INDENT)
    set_attrs(root, "w:characterSpacingControl", val="compressPunctuation")
    # Mode 15 keeps Word from opening the file in "Compatibility Mode".
    set_attrs(root, "w:compat/w:compatSetting[@w:name='compatibilityMode']", val=15)
    # A bilingual handbook ends a text's Chinese with a line break before its English: a
    # justified line so ended must not be stretched across the page.
    compat = root.find(qn("w:compat"))
    if compat.find(qn("w:doNotExpandShiftReturn")) is None:
        compat.insert(0, w("doNotExpandShiftReturn"))
    set_attrs(root, "w:themeFontLang", val="en-US", eastAsia="zh-CN")


def drop_unused_parts(doc: Document) -> None:
    """Drop stylesWithEffects, theme, webSettings, customXml and the thumbnail.

    Removing the relationship is enough: python-docx writes only reachable
    parts and derives [Content_Types].xml from them.
    """
    unused = {RT_STYLES_WITH_EFFECTS, RT.THEME, RT.WEB_SETTINGS, RT.CUSTOM_XML}
    for r_id, rel in list(doc.part.rels.items()):
        if rel.reltype in unused:
            doc.part.drop_rel(r_id)
    package_rels = doc.part.package.rels
    for r_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package_rels[r_id]


def set_page(doc: Document) -> None:
    """Make the only section A4 portrait with Chinese business margins."""
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.top_margin = section.bottom_margin = Twips(MARGIN_TOP_BOTTOM)
    section.left_margin = section.right_margin = Twips(MARGIN_LEFT_RIGHT)
    section.header_distance = section.footer_distance = Twips(HEADER_FOOTER_DISTANCE)
    section.gutter = Twips(0)
    body = doc.element.body
    body.clear_content()
    sect_pr = body.sectPr
    for name in [n for n in sect_pr.attrib if n.rpartition("}")[2].startswith("rsid")]:
        del sect_pr.attrib[name]  # revision ids are editing history, not layout
    set_attrs(sect_pr, "w:cols", space=425)
    set_attrs(sect_pr, "w:docGrid", linePitch=312)


def set_core_properties(doc: Document) -> None:
    """Set fixed metadata so every run produces the same docProps/core.xml."""
    props = doc.core_properties
    props.title = "rolebook reference"
    props.author = props.last_modified_by = "rolebook"
    props.comments = ""
    props.created = props.modified = FIXED_TIME
    props.revision = 1


# --------------------------------------------------------------- writing


def deterministic_zip(data: bytes) -> bytes:
    """Return `data` (a .docx) re-zipped with fixed timestamps and file modes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with source, zipfile.ZipFile(target_buffer, "w") as target:
        for original in source.infolist():  # keep python-docx's part order
            info = zipfile.ZipInfo(original.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix; the default depends on the host OS
            info.external_attr = ZIP_FILE_MODE
            target.writestr(info, source.read(original), compresslevel=9)
    return target_buffer.getvalue()


def build_document() -> Document:
    """Return python-docx's default document pruned and restyled for rolebook."""
    # Load fontTable.xml as an XML part (not an opaque blob) so lxml can edit it.
    PartFactory.part_type_for.setdefault(CT.WML_FONT_TABLE, XmlPart)
    doc = docx.Document()
    drop_unused_parts(doc)
    set_page(doc)
    build_styles(doc)
    build_numbering(doc)
    build_font_table(doc)
    tidy_settings(doc)
    set_core_properties(doc)
    return doc


def main() -> None:
    """Write templates/reference.docx and print its path and size."""
    buffer = io.BytesIO()
    build_document().save(buffer)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_bytes(deterministic_zip(buffer.getvalue()))
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
