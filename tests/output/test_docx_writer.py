"""The Word output, read back: with python-docx and with docx2python (an independent reader), and
at the XML level (lxml) where python-docx has no API.

Everything is read from one build of the sample project (the session's `built` fixture).
"""

from __future__ import annotations

import calendar
import io
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest
from conftest import REPO, handbook_numbers
from docx.enum.section import WD_SECTION
from docx.opc.constants import CONTENT_TYPE as CT
from docx.oxml.ns import qn
from docx.table import Table
from docx2python import docx2python
from docx2python.iterators import iter_paragraphs
from lxml import etree
from ruamel.yaml import YAML

from rolebook.check import gather
from rolebook.load import library
from rolebook.output.oxml import bookmark_name

PROJECT = gather.load(REPO)
# As the documents print them: with the library's items in place of references.
ROLES = {role.id: role for role in library.resolved_roles(PROJECT)}
SETTINGS = PROJECT.settings
LANG = SETTINGS.language
# Each role's group in the handbook: its organisation and department ("证券营业部 · 客户服务部").
GROUPS = {
    r.id: f"{org.name.zh} · {r.department}"
    for org in SETTINGS.organisations
    for r in ROLES.values()
    if r.organisation == org.id
}
LABELS = YAML(typ="safe").load((REPO / "templates" / "labels.yaml").read_text("utf-8"))[LANG]
DOCX_FILES = [*ROLES, "handbook"]
# Ordered lists of a role, in the order the template prints them.
ORDERED_SECTIONS = ("duties", "principles", "precautions")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
THEME_FONT_ATTRIBUTES = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


# ---------------------------------------------------------------- helpers


def norm(text: str) -> str:
    """Returns `text` with every run of whitespace made one space, and stripped."""
    return re.sub(r"\s+", " ", text).strip()


def printed_date(value) -> str:
    """Returns a date the way the templates print it (labels.yaml date_format)."""
    return LABELS["date_format"].format(
        y=value.year, m=value.month, d=value.day, month=calendar.month_name[value.month]
    )


def docx_path(built: Path, name: str) -> Path:
    return built / "docx" / f"{name}.docx"


def python_docx_text(document) -> str:
    """Returns the body text python-docx reads: paragraphs and (nested) table cells, in order."""
    lines: list[str] = []

    def walk(container):
        for item in container.iter_inner_content():
            if isinstance(item, Table):
                for row in item.rows:
                    for cell in row.cells:
                        walk(cell)
            else:
                lines.append(item.text)

    walk(document)
    return norm("\n".join(lines))


def docx2python_text(path: Path) -> str:
    """Returns the body text docx2python reads (numbering prefixes like "1)" included)."""
    with docx2python(path) as content:
        return norm("\n".join(iter_paragraphs(content.body)))


def role_texts(role) -> list[str]:
    """Returns every text of a role that must be printed: duties, qualification items, workflow
    steps, principles' names and rules, precautions, and the document number and version."""
    q = role.qualifications
    texts = [*role.duties]
    for key in ("education", "training", "experience", "skills", "attitude", "personal"):
        texts += getattr(q, key)
    for entry in role.workflow:
        texts += entry.steps
    for principle in role.principles:
        texts += [principle.name, principle.rule]
    texts += role.precautions
    texts += [role.document_control.number, role.document_control.version]
    return [norm(t) for t in texts]


def xml_parts(path: Path, *content_types: str) -> list:
    """Returns the root elements of the package's parts with these content types."""
    package = docx.Document(path).part.package
    return [
        etree.fromstring(part.blob)
        for part in package.iter_parts()
        if part.content_type in content_types
    ]


def styles_root(path: Path):
    return xml_parts(path, CT.WML_STYLES)[0]


def style_by_id(styles, style_id: str):
    found = styles.xpath("w:style[@w:styleId=$id]", namespaces=NS, id=style_id)
    assert found, f"style {style_id!r} is used but not defined in styles.xml"
    return found[0]


def effective_east_asia_font(styles, style_id: str) -> str:
    """Returns the w:rFonts/@w:eastAsia a style gets: its own, a basedOn ancestor's, or the
    document defaults' ("" if none)."""
    seen = set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        style = style_by_id(styles, style_id)
        font = style.xpath("string(w:rPr/w:rFonts/@w:eastAsia)", namespaces=NS)
        if font:
            return font
        style_id = style.xpath("string(w:basedOn/@w:val)", namespaces=NS)
    return styles.xpath(
        "string(w:docDefaults/w:rPrDefault/w:rPr/w:rFonts/@w:eastAsia)", namespaces=NS
    )


def is_chinese_font(name: str) -> bool:
    return name in ("SimSun", "SimHei") or re.search(r"[\u3400-\u9fff]", name) is not None


def body_paragraphs_by_style(document) -> list[tuple[str, str]]:
    """Returns (style id, text) of the body's top-level paragraphs, in order."""
    return [(p.style.style_id, norm(p.text)) for p in document.paragraphs]


def list_number_groups(body) -> list[list]:
    """Returns the body's ListNumber paragraphs grouped into lists (runs of adjacent items)."""
    groups: list[list] = []
    previous_was_item = False
    for p in body.iter(qn("w:p")):
        is_item = p.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS) == "ListNumber"
        if is_item:
            if not previous_was_item:
                groups.append([])
            groups[-1].append(p)
        previous_was_item = is_item
    return groups


def ordered_lists(role) -> list[list[str]]:
    """Returns the role's ordered lists' items as printed (a principle is name：rule)."""
    lists = [
        list(role.duties),
        [f"{p.name}：{p.rule}" for p in role.principles],
        list(role.precautions),
    ]
    return [items for items in lists if items]


# ---------------------------------------------------------------- opening and text


@pytest.mark.parametrize("name", DOCX_FILES)
def test_each_docx_opens_in_both_readers(built, name):
    """Each .docx is a package both python-docx and docx2python can read, with body text."""
    path = docx_path(built, name)
    assert python_docx_text(docx.Document(path))
    assert docx2python_text(path)


@pytest.mark.parametrize("role_id", ROLES)
def test_role_texts_are_in_the_role_docx_in_both_readers(built, role_id):
    """Every duty, qualification item, workflow step, principle, precaution, the document
    number and version of a role reach the body of its .docx, read by either reader."""
    path = docx_path(built, role_id)
    texts = role_texts(ROLES[role_id])
    for reader, body in (
        ("python-docx", python_docx_text(docx.Document(path))),
        ("docx2python", docx2python_text(path)),
    ):
        missing = [t for t in texts if t not in body]
        assert not missing, f"{reader} does not find in {path.name}: {missing}"


def test_handbook_docx_holds_every_roles_duties_in_both_readers(built):
    """handbook.docx holds the duties of every role, read by either reader."""
    path = docx_path(built, "handbook")
    for reader, body in (
        ("python-docx", python_docx_text(docx.Document(path))),
        ("docx2python", docx2python_text(path)),
    ):
        for role in ROLES.values():
            missing = [d for d in role.duties if norm(d) not in body]
            assert not missing, f"{reader}: {role.id}'s duties missing from handbook: {missing}"


# ---------------------------------------------------------------- page headers and footers


def expected_header_parts(role) -> list[str]:
    """Returns what a role's page header must show: number, title, version, effective date."""
    dc = role.document_control
    return [
        dc.number,
        role.title.zh if LANG == "zh-CN" else role.title.en,
        dc.version,
        printed_date(dc.effective_date),
    ]


@pytest.mark.parametrize("role_id", ROLES)
def test_role_docx_page_header_shows_document_control(built, role_id):
    """The page header of a role's .docx shows its document number, title, version and
    effective date as printed (e.g. 2026年12月1日), in python-docx and docx2python."""
    path = docx_path(built, role_id)
    document = docx.Document(path)
    assert len(document.sections) == 1
    header = norm("\n".join(p.text for p in document.sections[0].header.paragraphs))
    with docx2python(path) as content:
        header2 = norm("\n".join(iter_paragraphs(content.header)))
    for part in expected_header_parts(ROLES[role_id]):
        assert part in header, f"{part!r} not in python-docx header {header!r}"
        assert part in header2, f"{part!r} not in docx2python header {header2!r}"
    dc = ROLES[role_id].document_control
    assert f"{LABELS['version']}：{dc.version}" in header
    assert f"{LABELS['effective_date']}：{printed_date(dc.effective_date)}" in header


FRONT_SECTIONS = 4  # the cover, document control, contents and org chart come first
NUMBERED = re.compile(r"(\d+(?:\.\d+)*) (.*)")


def handbook_layout() -> list[tuple[str, str]]:
    """Returns what follows the front matter of handbook.docx, section by section: each
    department's title page, ("department", its number), then its roles', ("d.k", role id)."""
    layout: list[tuple[str, str]] = []
    numbers = handbook_numbers(ROLES.values())
    for role_id in sorted(numbers, key=numbers.get):
        d, k = numbers[role_id]
        if k == 1:
            layout.append(("department", str(d)))
        layout.append((f"{d}.{k}", role_id))
    return layout


def test_handbook_has_a_section_per_department_and_role_with_its_own_header(built):
    """handbook.docx has a Word section for the cover, the contents, the org chart and then,
    for each department, one for its title page (its numbered Heading1) and one per role,
    headed by the role's numbered title (Heading1 "2.1 …"), whose own (unlinked) header names
    the role; every section after the first starts on a new page with its page numbers
    restarting at 1."""
    document = docx.Document(docx_path(built, "handbook"))
    layout = handbook_layout()
    departments = {str(d): GROUPS[r] for r, (d, _) in handbook_numbers(ROLES.values()).items()}
    assert len(document.sections) == FRONT_SECTIONS + len(layout)
    for i, section in enumerate(document.sections):
        assert not section.header.is_linked_to_previous, f"section {i + 1} header is linked"
        assert not section.footer.is_linked_to_previous, f"section {i + 1} footer is linked"
        assert section._sectPr.xpath("string(w:pgNumType/@w:start)") == "1", f"section {i + 1}"
        if i > 0:
            assert section.start_type == WD_SECTION.NEW_PAGE, f"section {i + 1}"
    for section, (number, name) in zip(document.sections[FRONT_SECTIONS:], layout, strict=True):
        h1 = [
            NUMBERED.fullmatch(p.text).groups()
            for p in section.iter_inner_content()
            if not isinstance(p, Table) and p.style.style_id == "Heading1"
        ]
        header = norm("\n".join(p.text for p in section.header.paragraphs))
        if number == "department":
            assert h1 == [(name, departments[name])]
            assert SETTINGS.document_number in header
            continue
        role = ROLES[name]
        assert h1 == [(number, role.title.zh)]
        for part in expected_header_parts(role):
            assert part in header, f"{role.id}: {part!r} not in {header!r}"
        others = [r.document_control.number for r in ROLES.values() if r is not role]
        assert not [n for n in others if n in header], header


def test_handbook_headers_in_docx2python_follow_the_sections(built):
    """docx2python reads one header per section of handbook.docx (the cover's only while the
    handbook is a draft): the handbook's document number over the document control, the
    contents, the org chart and the departments' title pages, and each role's over its section,
    in order."""
    path = docx_path(built, "handbook")
    # The cover's header holds only the draft mark, and only while the handbook is a draft.
    draft = SETTINGS.document_control.status != "approved" or any(
        r.document_control.status != "approved" for r in ROLES.values()
    )
    numbers = [""] * draft + [SETTINGS.document_number] * (FRONT_SECTIONS - 1)
    numbers += [
        SETTINGS.document_number if number == "department" else ROLES[name].document_control.number
        for number, name in handbook_layout()
    ]
    with docx2python(path) as content:
        headers = [norm(p) for p in iter_paragraphs(content.header) if norm(p)]
    assert len(headers) == len(numbers)
    for number, header in zip(numbers, headers, strict=True):
        assert number in header


def footer_pattern(label: str = "") -> str:
    """Returns the regular expression of a footer's text: the uncontrolled-copy note, page X
    of Y, and in the handbook the page label ("2.1-3")."""
    return (
        re.escape(LABELS["uncontrolled"])
        + re.escape(LABELS["page_before"])
        + r"\d+"
        + re.escape(LABELS["page_middle"])
        + r"\d+"
        + re.escape(LABELS["page_after"])
        + (re.escape(label) + r"-\d+" if label else "")
    )


@pytest.mark.parametrize("role_id", ROLES)
def test_role_footer_is_its_handbook_footer_with_page_x_of_y_fields(built, role_id):
    """A role's .docx is its section of the handbook: its footer is one paragraph,
    "受控文件，打印件不受控", a tab, "第 X 页，共 Y 页" with real complex fields (fldChar
    begin/separate/end around w:instrText: PAGE, and a PAGEREF to the bookmark at the end of
    the role), then the page's label in the handbook ("2.1-X")."""
    path = docx_path(built, role_id)
    footers = xml_parts(path, CT.WML_FOOTER)
    assert len(footers) == 1
    paragraphs = footers[0].xpath("//w:p", namespaces=NS)
    assert len(paragraphs) == 1
    p = paragraphs[0]
    instructions = [norm(t) for t in p.xpath(".//w:instrText/text()", namespaces=NS)]
    assert instructions[0] == "PAGE" and instructions[1].startswith("PAGEREF ")
    assert instructions[2] == "PAGE" and len(instructions) == 3
    bookmarks = xml_parts(path, CT.WML_DOCUMENT_MAIN)[0].xpath(
        "//w:bookmarkStart/@w:name", namespaces=NS
    )
    assert instructions[1].split()[1] in bookmarks
    assert p.xpath(".//w:fldChar/@w:fldCharType", namespaces=NS) == ["begin", "separate", "end"] * 3
    assert p.xpath("count(.//w:tab)", namespaces=NS) >= 1
    text = "".join(p.xpath(".//w:t/text()", namespaces=NS))
    d, k = handbook_numbers(ROLES.values())[role_id]
    assert re.fullmatch(footer_pattern(f"{d}.{k}"), text), text


@pytest.mark.parametrize("role_id", ROLES)
def test_role_docx_holds_the_same_paragraphs_as_its_handbook_section(built, role_id):
    """A role reissued alone is printed with the pages it has in the handbook: the body of its
    .docx and its section of handbook.docx hold the same paragraphs in the same styles."""

    def content(section):  # but the empty paragraph that ends a section of the handbook
        items = [
            [cell.text for row in c.rows for cell in row.cells]
            if isinstance(c, Table)
            else (c.style.style_id, c.text)
            for c in section.iter_inner_content()
        ]
        return items[:-1] if items[-1] == ("Normal", "") else items

    own = docx.Document(docx_path(built, role_id))
    handbook = docx.Document(docx_path(built, "handbook"))
    at = [name for _, name in handbook_layout()].index(role_id) + FRONT_SECTIONS
    assert content(own.sections[0]) == content(handbook.sections[at])


def test_handbook_footers_count_each_roles_pages_and_label_them(built):
    """In handbook.docx every footer has the uncontrolled-copy note. Each role's then has
    "第 X 页，共 Y 页" where X is PAGE (restarting per section) and Y a PAGEREF to the bookmark
    at the end of that section (its last page: the section's page count), and labels the page
    "2.1-X" as the contents do. The handbook's own pages count nothing: the contents have the
    note alone, the org chart and each department the label "1-X", "2-X" after two tabs."""
    path = docx_path(built, "handbook")
    document = docx.Document(path)
    body = xml_parts(path, CT.WML_DOCUMENT_MAIN)[0]
    bookmarks = body.xpath("//w:bookmarkStart/@w:name", namespaces=NS)
    labels = ["", "", "", "1"] + [
        name if number == "department" else number for number, name in handbook_layout()
    ]
    for i, (section, label) in enumerate(zip(document.sections, labels, strict=True)):
        p = section.footer._element.xpath(".//w:p")[0]
        text = "".join(p.xpath(".//w:t/text()"))
        instructions = [norm(t) for t in p.xpath(".//w:instrText/text()")]
        if "." not in label:
            expected = LABELS["uncontrolled"] + (f"{label}-1" if label else "")
            assert text == expected, text
            assert instructions == (["PAGE"] if label else []), instructions
            continue
        assert re.fullmatch(footer_pattern(label), text), text
        assert instructions[0] == "PAGE" and instructions[1].startswith("PAGEREF ")
        target = instructions[1].split()[1]
        assert target in bookmarks, f"section {i + 1}: no bookmark {target}"
        assert instructions[2:] == ["PAGE"]


def test_handbook_contents_are_links_showing_page_labels_without_fields(built):
    """The contents are written out, with no field an update could change: a hyperlink per
    department and role to its bookmark, with its number and title and the label of its first
    page as text. The body's only fields are none: page fields live in the footers."""
    body = xml_parts(docx_path(built, "handbook"), CT.WML_DOCUMENT_MAIN)[0]
    assert body.xpath("//w:instrText | //w:fldSimple", namespaces=NS) == []
    entries = body.xpath(
        "//w:p[w:pPr/w:pStyle[starts-with(@w:val, 'TOC')]]/w:hyperlink", namespaces=NS
    )
    bookmarks = set(body.xpath("//w:bookmarkStart/@w:name", namespaces=NS))
    texts = {}
    for link in entries:
        assert link.get(qn("w:anchor")) in bookmarks
        runs = link.xpath(".//w:t/text()", namespaces=NS)
        texts[runs[0]] = runs[-1]
    assert texts[f"1 {LABELS['org_chart']}"] == "1-1"
    for role_id, (d, i) in handbook_numbers(ROLES.values()).items():
        assert texts[f"{d}.{i} {ROLES[role_id].title.zh}"] == f"{d}.{i}-1"
        assert texts[f"{d} {GROUPS[role_id]}"] == f"{d}-1"
    assert len(texts) == 1 + len(ROLES) + len(set(GROUPS.values()))


def test_handbook_cover_shows_the_handbook_document_control(built):
    """The cover (first section) shows the handbook's title, organisation, document number,
    version, effective date and status (草稿 while any role is a draft)."""
    section = docx.Document(docx_path(built, "handbook")).sections[0]
    paragraphs = [p for p in section.iter_inner_content() if not isinstance(p, Table)]
    tables = [t for t in section.iter_inner_content() if isinstance(t, Table)]
    assert paragraphs[0].style.style_id == "Title" and paragraphs[0].text == SETTINGS.title
    assert paragraphs[1].text == SETTINGS.organisation
    rows = {row.cells[0].text: row.cells[1].text for row in tables[0].rows}
    assert rows == {
        LABELS["document_number"]: SETTINGS.document_number,
        LABELS["version"]: SETTINGS.version,
        LABELS["effective_date"]: printed_date(SETTINGS.effective_date),
        LABELS["status"]: LABELS["status_draft"],
        LABELS["issued_by"]: SETTINGS.organisation,
    }


def test_handbook_org_chart_is_a_table_of_linked_boxes(built):
    """The org chart section holds a grid table whose framed boxes are every role (a
    hyperlink to the role's heading) and every position named in reporting lines."""
    document = docx.Document(docx_path(built, "handbook"))
    section = document.sections[FRONT_SECTIONS - 1]
    tables = [t._tbl for t in section.iter_inner_content() if isinstance(t, Table)]
    assert len(tables) == len(SETTINGS.organisations)  # a chart per organisation
    boxes = [box for table in tables for box in table.xpath(".//w:tc[w:tcPr/w:gridSpan]")]
    labels = {"".join(b.xpath(".//w:t/text()")): b for b in boxes}
    for role in ROLES.values():
        assert role.title.zh in labels, role.id
        assert (
            labels[role.title.zh].xpath("string(.//w:hyperlink/@w:anchor)")
            == f"r_{role.id.replace('-', '_')}"
        )
    names = {
        n
        for r in ROLES.values()
        for n in r.reporting.reports_to + r.reporting.direct_reports + r.reporting.dotted_lines
        if n not in ROLES
    } | {line.reports_to for line in SETTINGS.position_lines}
    assert names <= set(labels)
    assert len(labels) == len(ROLES) + len(names)


@pytest.mark.parametrize("name", DOCX_FILES)
def test_document_number_version_and_status_are_custom_properties(built, name):
    """docProps/custom.xml holds DocumentNumber, Version and Status as text properties, with
    its package relationship and content type, as Word writes them."""
    with zipfile.ZipFile(docx_path(built, name)) as package:
        custom = etree.fromstring(package.read("docProps/custom.xml"))
        rels = package.read("_rels/.rels").decode()
        types = package.read("[Content_Types].xml").decode()
    assert "relationships/custom-properties" in rels and "docProps/custom.xml" in rels
    assert 'PartName="/docProps/custom.xml"' in types
    cp = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
    props = {p.get("name"): p[0].text for p in custom.iter(f"{cp}property")}
    if name == "handbook":
        expected = (SETTINGS.document_number, SETTINGS.version, "draft")
    else:
        dc = ROLES[name].document_control
        expected = (dc.number, dc.version, dc.status)
    assert props == dict(zip(("DocumentNumber", "Version", "Status"), expected, strict=True))
    assert [p.get("pid") for p in custom.iter(f"{cp}property")] == ["2", "3", "4"]


@pytest.mark.parametrize("role_id", ROLES)
def test_role_header_carries_the_lifecycle_mark_unless_approved(built, role_id):
    """A role not approved has its mark (草稿) first in its page header, in red bold; an
    approved role has none."""
    header = docx.Document(docx_path(built, role_id)).sections[0].header.paragraphs[0]
    dc = ROLES[role_id].document_control
    if dc.status == "approved":
        assert not header.runs[0].bold
        assert not any(
            header.text.startswith(LABELS[f"mark_{s}"]) for s in ("draft", "review", "retired")
        )
    else:
        assert header.runs[0].text == LABELS[f"mark_{dc.status}"] and header.runs[0].bold
        assert str(header.runs[0].font.color.rgb) == "C00000"


@pytest.mark.parametrize("role_id", ROLES)
def test_role_shows_its_next_review_date(built, role_id):
    """The document-control table has a next-review row with the date as printed."""
    document = docx.Document(docx_path(built, role_id))
    rows = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert rows[LABELS["next_review"]] == printed_date(ROLES[role_id].document_control.next_review)


# ---------------------------------------------------------------- fonts and language


def used_style_ids(path: Path, styles) -> set[str]:
    """Returns the ids of the paragraph, character and table styles that document.xml, the
    headers and the footers use, including the default paragraph and character styles where a
    paragraph or run names none."""
    parts = xml_parts(path, CT.WML_DOCUMENT_MAIN, CT.WML_HEADER, CT.WML_FOOTER)
    defaults = {
        kind: styles.xpath(
            "string(w:style[@w:type=$t][@w:default='1']/@w:styleId)", namespaces=NS, t=kind
        )
        for kind in ("paragraph", "character")
    }
    used = set()
    for root in parts:
        for p in root.iter(qn("w:p")):
            used.add(
                p.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS) or defaults["paragraph"]
            )
        for r in root.iter(qn("w:r")):
            used.add(
                r.xpath("string(w:rPr/w:rStyle/@w:val)", namespaces=NS) or defaults["character"]
            )
        used.update(root.xpath("//w:tblPr/w:tblStyle/@w:val", namespaces=NS))
    used.discard("")
    return used


@pytest.mark.parametrize("name", DOCX_FILES)
def test_every_used_style_has_a_chinese_east_asian_font(built, name):
    """Every style used in the body, headers and footers resolves (own rFonts, basedOn chain,
    or docDefaults) to a Chinese w:eastAsia font, so Word never falls back to a Latin or
    Japanese font for Chinese text."""
    path = docx_path(built, name)
    styles = styles_root(path)
    used = used_style_ids(path, styles)
    assert {"Heading1", "ListNumber", "Header", "Footer"} <= used
    fonts = {style_id: effective_east_asia_font(styles, style_id) for style_id in sorted(used)}
    wrong = {s: f for s, f in fonts.items() if not is_chinese_font(f)}
    assert not wrong, f"styles without a Chinese East-Asian font: {wrong}"


@pytest.mark.parametrize("name", DOCX_FILES)
def test_styles_name_fonts_not_theme_fonts(built, name):
    """No theme-font attribute (w:eastAsiaTheme, w:asciiTheme…) is left in styles.xml: a theme
    font would override the explicit SimSun/SimHei in Word."""
    styles = styles_root(docx_path(built, name))
    for rfonts in styles.iter(qn("w:rFonts")):
        left = [a for a in THEME_FONT_ATTRIBUTES if rfonts.get(qn(f"w:{a}")) is not None]
        owner = rfonts.xpath("string(ancestor::w:style/@w:styleId)", namespaces=NS)
        assert not left, f"{owner or 'docDefaults'} still uses theme fonts: {left}"


@pytest.mark.parametrize("name", DOCX_FILES)
def test_default_east_asian_language_is_zh_cn(built, name):
    """The document defaults mark East-Asian text as zh-CN (w:lang w:eastAsia), for line
    breaking and proofing in Chinese, and Latin text as en-US (w:val): marked zh-CN, Latin
    words like VIP get broken across lines (see test_libreoffice.py)."""
    styles = styles_root(docx_path(built, name))
    lang = styles.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang", namespaces=NS)
    assert len(lang) == 1
    assert lang[0].get(qn("w:eastAsia")) == "zh-CN"
    assert lang[0].get(qn("w:val")) == "en-US"


# ---------------------------------------------------------------- styles and lists


def reference_style_ids() -> set[str]:
    """Returns the style ids defined in templates/reference.docx."""
    reference = docx.Document(REPO / "templates" / "reference.docx")
    return {s.style_id for s in reference.styles}


@pytest.mark.parametrize("name", DOCX_FILES)
def test_every_used_style_comes_from_the_reference_docx(built, name):
    """Every style id used is defined in templates/reference.docx (a misspelt id would make Word
    silently fall back to Normal)."""
    path = docx_path(built, name)
    used = used_style_ids(path, styles_root(path))
    assert not used - reference_style_ids()


@pytest.mark.parametrize("role_id", ROLES)
def test_blocks_use_the_reference_styles(built, role_id):
    """The role's title is Heading1, section titles Heading2 (both numbered), qualification
    parts Heading3,
    duties ListNumber, qualification items ListBullet, and every table RolebookTable."""
    role = ROLES[role_id]
    document = docx.Document(docx_path(built, role_id))
    # (style id, text) of every body paragraph: a text may be printed twice in different styles
    # (a supervisor's summary repeats the first duty).
    # Headings are numbered as in the handbook ("2.1 VIP专员", "2.1.5 岗位职责").
    paragraphs = {
        (style, re.sub(r"^\d+(\.\d+)* ", "", text) if style.startswith("Heading") else text)
        for style, text in body_paragraphs_by_style(document)
    }
    assert ("Heading1", role.title.zh) in paragraphs
    for key in ("duties", "qualifications", "revision_history", "document_control"):
        assert ("Heading2", LABELS[key]) in paragraphs, key
    for key in ("education", "skills"):
        assert ("Heading3", LABELS[key]) in paragraphs, key
    for duty in role.duties:
        assert ("ListNumber", norm(duty)) in paragraphs, duty
    for item in role.qualifications.education + role.qualifications.skills:
        assert ("ListBullet", norm(item)) in paragraphs, item
    assert document.tables
    assert {t.style.style_id for t in document.tables} == {"RolebookTable"}


@pytest.mark.parametrize("name", DOCX_FILES)
def test_each_ordered_list_has_its_own_numbering_restarting_at_1(built, name):
    """Each ordered list's ListNumber paragraphs share one w:num of their own (distinct from
    every other list's), numbering ListNumber's abstract list with a startOverride of 1, so a
    list never continues the previous one's numbers."""
    path = docx_path(built, name)
    document = docx.Document(path)
    numbering = etree.fromstring(document.part.numbering_part.blob)
    body = xml_parts(path, CT.WML_DOCUMENT_MAIN)[0].find(qn("w:body"))
    styles = styles_root(path)
    style_num = style_by_id(styles, "ListNumber").xpath(
        "string(w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS
    )
    abstract = numbering.xpath(
        "string(w:num[@w:numId=$n]/w:abstractNumId/@w:val)", namespaces=NS, n=style_num
    )
    groups = list_number_groups(body)
    roles = list(ROLES.values()) if name == "handbook" else [ROLES[name]]
    assert len(groups) == sum(len(ordered_lists(r)) for r in roles)
    num_ids = []
    for group in groups:
        ids = {p.xpath("string(w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS) for p in group}
        assert len(ids) == 1 and "" not in ids, f"one list, several or no numIds: {ids}"
        num_id = ids.pop()
        num = numbering.xpath("w:num[@w:numId=$n]", namespaces=NS, n=num_id)
        assert len(num) == 1, f"w:num {num_id} missing"
        assert num[0].xpath("string(w:abstractNumId/@w:val)", namespaces=NS) == abstract
        start = num[0].xpath("w:lvlOverride[@w:ilvl='0']/w:startOverride/@w:val", namespaces=NS)
        assert start == ["1"], f"w:num {num_id} has no startOverride 1"
        num_ids.append(num_id)
    assert len(set(num_ids)) == len(num_ids), f"lists share a w:num: {num_ids}"


@pytest.mark.parametrize("role_id", ROLES)
def test_docx2python_numbers_each_ordered_list_from_1(built, role_id):
    """An independent reader numbers each ordered list 1, 2, 3… (duties, principles,
    precautions each from 1), matching the items in order."""
    with docx2python(docx_path(built, role_id)) as content:
        numbered = [norm(p) for p in iter_paragraphs(content.body) if re.match(r"\d+\)\t", p)]
    expected = [
        f"{i}) {norm(item)}"
        for items in ordered_lists(ROLES[role_id])
        for i, item in enumerate(items, 1)
    ]
    assert numbered == expected


TBL_LOOK_BITS = {
    "firstRow": 0x20,
    "lastRow": 0x40,
    "firstColumn": 0x80,
    "lastColumn": 0x100,
    "noHBand": 0x200,
    "noVBand": 0x400,
}


@pytest.mark.parametrize("name", DOCX_FILES)
def test_table_look_also_has_the_w_val_bitmask(built, name):
    """Each w:tblLook carries, as Word writes it, the w:val bitmask matching its firstRow,
    firstColumn… attributes: LibreOffice does not honour the attributes alone and would format
    the first row of every table (document control, reporting) as a header row."""
    body = xml_parts(docx_path(built, name), CT.WML_DOCUMENT_MAIN)[0]
    looks = body.xpath("//w:tblPr/w:tblLook", namespaces=NS)
    assert looks
    for look in looks:
        bits = sum(bit for key, bit in TBL_LOOK_BITS.items() if look.get(qn(f"w:{key}")) == "1")
        assert look.get(qn("w:val")) == f"{bits:04X}", etree.tostring(look, encoding="unicode")


# ---------------------------------------------------------------- package metadata


def midnight_utc(value) -> datetime:
    return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)


@pytest.mark.parametrize("role_id", ROLES)
def test_role_core_properties_come_from_document_control(built, role_id):
    """A role's core properties: title = its Chinese title, version = its document version,
    author = who drafted it, created = modified = the effective date at midnight (never the
    build's clock, so builds are reproducible)."""
    role = ROLES[role_id]
    dc = role.document_control
    path = docx_path(built, role_id)
    props = docx.Document(path).core_properties
    assert props.title == role.title.zh
    assert props.version == dc.version
    assert props.author == dc.drafted_by
    assert props.created == midnight_utc(dc.effective_date)
    assert props.modified == midnight_utc(dc.effective_date)
    with docx2python(path) as content:
        core = content.core_properties
    assert (core["title"], core["version"], core["creator"]) == (
        role.title.zh,
        dc.version,
        dc.drafted_by,
    )
    assert core["created"] == core["modified"] == f"{dc.effective_date.isoformat()}T00:00:00Z"


def test_handbook_core_properties_come_from_the_settings(built):
    """handbook.docx's core properties: the handbook's title, version, organisation as
    author, and its effective date at midnight."""
    props = docx.Document(docx_path(built, "handbook")).core_properties
    assert props.title == SETTINGS.title
    assert props.version == SETTINGS.version
    assert props.author == SETTINGS.organisation
    assert props.created == props.modified == midnight_utc(SETTINGS.effective_date)


@pytest.mark.parametrize("name", DOCX_FILES)
def test_zip_entries_have_the_fixed_1980_timestamp(built, name):
    """Every zip entry is dated 1980-01-01 00:00:00, so the same input gives the same bytes."""
    data = docx_path(built, name).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        dates = {info.filename: info.date_time for info in package.infolist()}
    assert dates
    assert set(dates.values()) == {(1980, 1, 1, 0, 0, 0)}, dates


def test_long_role_ids_get_distinct_word_bookmarks():
    """Role ids may have 64 characters; Word bookmark names at most 40."""
    a, b = "a" * 50 + "-one", "a" * 50 + "-two"
    assert bookmark_name(a) != bookmark_name(b)
    assert max(len(bookmark_name(a)), len(bookmark_name(b))) <= 40
    assert bookmark_name("vip-specialist") == "r_vip_specialist"


@pytest.mark.parametrize("name", DOCX_FILES)
def test_bookmarks_and_relationships_are_unique_and_resolve(built, name):
    """The handbook is assembled from pieces written apart: its bookmark ids and names, and its
    relationship ids, are still unique, and every header, footer and hyperlink relationship
    the body uses exists."""
    path = docx_path(built, name)
    with zipfile.ZipFile(path) as package:
        body = etree.fromstring(package.read("word/document.xml"))
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        names = set(package.namelist())
    starts = body.iter(qn("w:bookmarkStart"))
    ids, marks = zip(*((b.get(qn("w:id")), b.get(qn("w:name"))) for b in starts), strict=True)
    assert len(set(ids)) == len(ids) and len(set(marks)) == len(marks)
    rel_ids = [r.get("Id") for r in rels]
    assert len(set(rel_ids)) == len(rel_ids)
    targets = {r.get("Id"): r.get("Target") for r in rels}
    used = {e.get(qn("r:id")) for e in body.iter() if e.get(qn("r:id"))}
    assert used and used <= set(targets)
    assert all(
        f"word/{targets[rid]}" in names
        for rid in used
        if "header" in targets[rid] or "footer" in targets[rid]
    )


def test_an_org_chart_too_wide_for_a_word_table_is_an_indented_list():
    """Word opens no table of more than 63 columns: 30 managers side by side, each with two
    reports, become an indented list of every position, each under its boss, linked."""
    from rolebook.build.workers import load_resources
    from rolebook.output.writers.docx import DocxWriter
    from rolebook.render.markup import parse

    nodes = "".join(
        f'<node id="m{i}" ref="m{i}" group="d">经理{i}</node>'
        f'<node id="s{i}a" group="d">专员{i}甲</node>'
        f'<node id="s{i}b" group="d">专员{i}乙</node>'
        f'<edge from="m{i}" to="s{i}a"/><edge from="m{i}" to="s{i}b"/>'
        for i in range(30)
    )
    doc = parse(
        f'<document><meta name="lang" content="zh-CN"/><meta name="date" '
        f'content="2026-01-01"/><section id="m0"><header/><footer/>'
        f"<orgchart>{nodes}</orgchart></section></document>"
    )
    data = DocxWriter(load_resources(REPO / "templates")).write(doc)
    document = docx.Document(io.BytesIO(data))
    assert not document.tables
    entries = [
        (p.style.style_id, p.paragraph_format.left_indent, p.text)
        for p in document.paragraphs
        if p.text
    ]
    assert entries[:3] == [
        ("ListBullet", 420 * 635, "经理0"),
        ("ListBullet", 840 * 635, "专员0甲"),
        ("ListBullet", 840 * 635, "专员0乙"),
    ]
    assert len(entries) == 90
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    assert body.xpath("//w:hyperlink[@w:anchor='r_m0']//w:t/text()", namespaces=NS) == ["经理0"]


@pytest.mark.parametrize("name", DOCX_FILES)
def test_every_internal_link_leads_to_a_bookmark_of_the_document(built, name):
    """In the handbook a reporting line links to the role's section; a role's own .docx lacks
    the other roles' sections, so there the role's title is plain text, still printed."""
    body = xml_parts(docx_path(built, name), CT.WML_DOCUMENT_MAIN)[0]
    bookmarks = set(body.xpath("//w:bookmarkStart/@w:name", namespaces=NS))
    targets = body.xpath("//w:hyperlink/@w:anchor", namespaces=NS)
    assert set(targets) <= bookmarks
    if name == "vip-department-supervisor":
        assert not targets  # its links all lead to other roles
        assert ROLES["vip-department-manager"].title.zh in "".join(
            body.xpath("//w:t/text()", namespaces=NS)
        )
    if name == "handbook":
        assert bookmark_name("vip-department-manager") in targets


# ---------------------------------------------------------------- accessibility


@pytest.mark.parametrize("name", DOCX_FILES)
def test_every_table_marks_its_header_row_or_header_column(built, name):
    """Every data table tells a screen reader which cells are headers: a table with column
    headings marks its first row as a header row (w:tblHeader, which also repeats it on each
    page, and tblLook firstRow); a table of label/value rows marks its first column (tblLook
    firstColumn) and has no header row; a table with both (the approval block: a role per row,
    a heading per column) marks both. The org chart's grid (no table style) is a diagram, with
    alternative text instead (see below)."""
    body = xml_parts(docx_path(built, name), CT.WML_DOCUMENT_MAIN)[0]
    tables = body.xpath("//w:tbl[w:tblPr/w:tblStyle]", namespaces=NS)
    assert tables
    for table in tables:
        first = "".join(table.xpath("w:tr[1]//w:t/text()", namespaces=NS))
        header_row = bool(table.xpath("w:tr[1]/w:trPr/w:tblHeader", namespaces=NS))
        (look,) = table.xpath("w:tblPr/w:tblLook", namespaces=NS)
        header_column = look.get(qn("w:firstColumn")) == "1"
        assert header_row or header_column, f"{first}: neither a header row nor a header column"
        assert look.get(qn("w:firstRow")) == str(int(header_row)), first
        assert not table.xpath("w:tr[position() > 1]/w:trPr/w:tblHeader", namespaces=NS), first


def test_the_org_chart_has_alternative_text_naming_every_reporting_line(built):
    """The org chart's table has a title and a description (w:tblCaption, w:tblDescription:
    Word's Alt Text for a table, read by screen readers) saying who reports to whom."""
    body = xml_parts(docx_path(built, "handbook"), CT.WML_DOCUMENT_MAIN)[0]
    grids = body.xpath("//w:tbl[not(w:tblPr/w:tblStyle)]", namespaces=NS)
    captions = [grid.xpath("string(w:tblPr/w:tblCaption/@w:val)", namespaces=NS) for grid in grids]
    assert captions == [f"{LABELS['org_chart']} · {org.name.zh}" for org in SETTINGS.organisations]
    description = "".join(
        grid.xpath("string(w:tblPr/w:tblDescription/@w:val)", namespaces=NS) for grid in grids
    )
    for role in ROLES.values():
        for key, bosses in (
            ("org_chart_reports", role.reporting.reports_to),
            ("org_chart_dotted", role.reporting.dotted_lines),
        ):
            for boss in bosses:
                title = ROLES[boss].title.zh if boss in ROLES else boss
                expected = LABELS[key].format(report=role.title.zh, boss=title)
                assert expected in description, (expected, description)
    assert LABELS["org_chart_reports"].format(report="总监", boss="总经理") in description


@pytest.mark.parametrize("name", DOCX_FILES)
def test_title_and_language_are_set_in_the_core_properties(built, name):
    """dc:title is the document's title and dc:language the handbook's language (zh-CN or
    en), which screen readers and PDF exports take from the core properties."""
    core = docx.Document(docx_path(built, name)).core_properties
    title = SETTINGS.title if name == "handbook" else ROLES[name].title.zh
    assert core.title == title
    assert core.language == {"zh": "zh-CN"}.get(LANG, LANG)


@pytest.mark.parametrize("name", DOCX_FILES)
def test_headings_use_real_heading_styles_with_outline_levels(built, name):
    """Every heading is a paragraph in a built-in heading style (Heading1…3), whose outline
    level (0…2) puts it in Word's navigation pane; no other paragraph has an outline level. The
    role's title and its sections (2.1, 2.1.3) are headings, not bold text."""
    path = docx_path(built, name)
    styles = styles_root(path)
    levels = {
        s.get(qn("w:styleId")): s.xpath("w:pPr/w:outlineLvl/@w:val", namespaces=NS)
        for s in styles.xpath("w:style[@w:type='paragraph']", namespaces=NS)
    }
    for level in (1, 2, 3):
        assert levels[f"Heading{level}"] == [str(level - 1)], level
    outlined = {style for style, value in levels.items() if value}
    assert outlined <= {f"Heading{n}" for n in range(1, 10)} | {"TOCHeading"}, outlined
    body = xml_parts(path, CT.WML_DOCUMENT_MAIN)[0]
    assert not body.xpath("//w:p/w:pPr/w:outlineLvl", namespaces=NS)
    used = body.xpath("//w:p/w:pPr/w:pStyle/@w:val", namespaces=NS)
    for role_id, (d, k) in handbook_numbers(ROLES.values()).items():
        if name in (role_id, "handbook"):
            headings = {
                "".join(p.xpath(".//w:t/text()", namespaces=NS))
                for p in body.xpath("//w:p[w:pPr/w:pStyle/@w:val='Heading1']", namespaces=NS)
            }
            assert f"{d}.{k} {ROLES[role_id].title.zh}" in headings
    assert "Heading2" in used


def test_a_dotted_line_is_drawn_with_dotted_borders_in_its_organisations_chart(built):
    """The brokerage's chart draws the specialist's dotted line to 营业部经理 with dotted cell
    borders beside its solid lines; the hotel's chart, which has none, has no dotted border."""
    body = xml_parts(docx_path(built, "handbook"), CT.WML_DOCUMENT_MAIN)[0]
    brokerage, hotel = body.xpath("//w:tbl[not(w:tblPr/w:tblStyle)]", namespaces=NS)

    def borders(grid, style: str) -> int:
        return len(grid.xpath(f".//w:tcBorders/*[@w:val='{style}']", namespaces=NS))

    assert borders(hotel, "dotted") == 0
    assert borders(brokerage, "dotted") > 0 and borders(brokerage, "single") > 0
