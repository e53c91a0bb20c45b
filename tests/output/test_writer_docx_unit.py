"""The Word writer alone: a Document made by hand from the model's dataclasses (no template
rendered), written by DocxWriter and read back with python-docx, with docx2python (an independent
reader) and, where neither has an API, as XML.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

import docx
import pytest
from conftest import REPO
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx2python import docx2python
from docx2python.iterators import iter_paragraphs
from lxml import etree

from rolebook.build.workers import load_resources
from rolebook.model.document import (
    Cell,
    Document,
    Heading,
    ListBlock,
    Para,
    Section,
    Span,
    Table,
    Toc,
    TocEntry,
)
from rolebook.output.oxml import bookmark_name
from rolebook.output.writers.docx import MARK_COLOR, TABLE_STYLE, DocxWriter

NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
URL = "https://example.org/handbook?part=1&lang=zh"
META = {
    "title": "贵宾专员",
    "subject": "岗位说明书",
    "author": "人力资源部",
    "keywords": "贵宾; 接待",
    "description": "贵宾专员的岗位说明书",
    "version": "1.2",
    "lang": "zh-CN",
    "date": "2026-03-01",
    "document_number": "HR-VIP-001",
    "status": "draft",
}
FOOTER = (
    Span("第 "),
    Span("1", field="PAGE"),
    Span(" 页，共 "),
    Span("1", field="PAGES"),
    Span(" 页"),
)
SPECIALIST = Section(
    anchor="vip-specialist",
    # A value with a space: the header may break between fields, never inside one.
    header=(("文件编号", "HR-VIP-001"), ("版本", "1.2"), ("生效日期", "2026 年 3 月 1 日")),
    footer=FOOTER,
    mark="草稿",
    blocks=(
        Heading(1, (Span("贵宾专员"),), anchor="vip-specialist", number="2.1"),
        Toc(
            (
                TocEntry(1, "贵宾专员", "vip-specialist", "2.1-1"),
                TocEntry(2, "岗位职责", "duties", "2.1-2"),
            )
        ),
        Heading(2, (Span("岗位职责"),), anchor="duties"),
        Para(
            (
                Span("向"),
                Span("贵宾主管", ref="vip-supervisor"),
                Span("和"),
                Span("总经理", ref="general-manager"),  # a role this document lacks
                Span("汇报；见"),
                Span("员工手册", href=URL),
                Span("；"),
                Span("务必准时", strong=True),
                Span("。"),
            )
        ),
        ListBlock(((Span("接待贵宾"),), (Span("安排行程"),)), ordered=True),
        ListBlock(((Span("仪表端庄"),), (Span("普通话流利"),)), ordered=False),
        ListBlock(((Span("核对名单"),), (Span("提交报告"),)), ordered=True),
        Table(
            (
                (
                    Cell(((Span("修订日期"),),), header=True, scope="col"),
                    Cell(((Span("修订内容"),),), header=True, scope="col"),
                ),
                (
                    Cell(((Span("2026-03-01"),),)),
                    Cell(((Span("初版"),), (Span("新增职责"),))),
                ),
            ),
            widths=(1, 3),
        ),
    ),
)
SUPERVISOR = Section(
    anchor="vip-supervisor",
    header=(("文件编号", "HR-VIP-002"),),
    footer=FOOTER,
    blocks=(
        Heading(1, (Span("贵宾主管"),), anchor="vip-supervisor", number="2.2"),
        Para((Span("负责贵宾部的日常管理。"),)),
    ),
)
DOC = Document(meta=META, links={}, sections=(SPECIALIST, SUPERVISOR))


@pytest.fixture(scope="module")
def resources():
    return load_resources(REPO / "templates")


@pytest.fixture(scope="module")
def written(resources) -> bytes:
    return DocxWriter(resources).write(DOC)


@pytest.fixture(scope="module")
def word(written):
    return docx.Document(io.BytesIO(written))


@pytest.fixture(scope="module")
def independent(written):
    """Returns what docx2python reads of the document (with bold and headings as HTML tags)."""
    with docx2python(io.BytesIO(written), html=True) as content:
        yield content


def part(data: bytes, name: str):
    """Returns the XML root of the part `name` (as in the zip: word/document.xml…)."""
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def body_paragraphs(word) -> list[tuple[str, str]]:
    """Returns (style id, text) of each body paragraph that has text, tables left out."""
    return [(p.style.style_id, p.text) for p in word.paragraphs if p.text]


def test_headings_have_their_level_style_number_and_bookmark(word, written, independent):
    headings = [
        (p.style.style_id, p.style.name, p.text)
        for p in word.paragraphs
        if p.style.style_id.startswith("Heading")
    ]
    assert headings == [
        ("Heading1", "Heading 1", "2.1 贵宾专员"),
        ("Heading2", "Heading 2", "岗位职责"),
        ("Heading1", "Heading 1", "2.2 贵宾主管"),
    ]
    body = part(written, "word/document.xml")
    for anchor, text in (("vip-specialist", "2.1 贵宾专员"), ("duties", "岗位职责")):
        (p,) = body.xpath(
            "//w:p[w:bookmarkStart/@w:name=$name]", namespaces=NS, name=bookmark_name(anchor)
        )
        assert "".join(p.xpath(".//w:t/text()", namespaces=NS)) == text
    styles = {
        "".join(r.text for r in p.runs): p.style for p in iter_paragraphs(independent.document_pars)
    }
    assert (styles["2.1 贵宾专员"], styles["岗位职责"]) == ("Heading1", "Heading2")
    assert "<h1>2.1 贵宾专员</h1>" in independent.text
    assert "<h2>岗位职责</h2>" in independent.text


def test_a_paragraph_keeps_its_text_and_only_strong_text_is_bold(word, independent):
    (p,) = [p for p in word.paragraphs if p.text.startswith("向")]
    assert p.text == "向贵宾主管和总经理汇报；见员工手册；务必准时。"
    assert [r.text for r in p.runs if r.bold] == ["务必准时"]
    assert "；<b>务必准时</b>。" in independent.text


def test_numbered_lists_are_numbered_each_from_1_and_bullets_are_not(word, written, independent):
    lists = [(s, t) for s, t in body_paragraphs(word) if s.startswith("List")]
    assert lists == [
        ("ListNumber", "接待贵宾"),
        ("ListNumber", "安排行程"),
        ("ListBullet", "仪表端庄"),
        ("ListBullet", "普通话流利"),
        ("ListNumber", "核对名单"),
        ("ListNumber", "提交报告"),
    ]
    body = part(written, "word/document.xml")
    num_ids = [
        p.xpath("string(w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS)
        for p in body.xpath("//w:p[w:pPr/w:pStyle/@w:val='ListNumber']", namespaces=NS)
    ]
    # Each numbered list has a numbering instance of its own: the second does not go on at 3.
    assert num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3] != ""
    assert not body.xpath("//w:p[w:pPr/w:pStyle/@w:val='ListBullet']/w:pPr/w:numPr", namespaces=NS)
    numbering = part(written, "word/numbering.xml")
    for num_id in (num_ids[0], num_ids[2]):
        (num,) = numbering.xpath("w:num[@w:numId=$id]", namespaces=NS, id=num_id)
        assert num.xpath("string(w:lvlOverride/w:startOverride/@w:val)", namespaces=NS) == "1"
        abstract = num.xpath("string(w:abstractNumId/@w:val)", namespaces=NS)
        assert numbering.xpath("w:abstractNum[@w:abstractNumId=$id]", namespaces=NS, id=abstract)
    text = independent.text
    assert "1)\t接待贵宾\n\n2)\t安排行程" in text
    assert "1)\t核对名单\n\n2)\t提交报告" in text
    assert ")\t仪表端庄" not in text


def test_a_table_has_its_cells_a_repeated_header_row_and_relative_widths(
    word, written, independent
):
    (table,) = word.tables
    assert table.style.style_id == TABLE_STYLE
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["修订日期", "修订内容"],
        ["2026-03-01", "初版\n新增职责"],
    ]
    assert all(r.bold for c in table.rows[0].cells for p in c.paragraphs for r in p.runs)
    assert not any(r.bold for c in table.rows[1].cells for p in c.paragraphs for r in p.runs)
    (tbl,) = part(written, "word/document.xml").xpath("//w:tbl", namespaces=NS)
    header_rows = [bool(tr.xpath("w:trPr/w:tblHeader", namespaces=NS)) for tr in tbl[2:]]
    assert header_rows == [True, False]
    look = tbl.xpath("w:tblPr/w:tblLook", namespaces=NS)[0]
    assert (look.get(f"{{{NS['w']}}}firstRow"), look.get(f"{{{NS['w']}}}firstColumn")) == ("1", "0")
    grid = [int(w) for w in tbl.xpath("w:tblGrid/w:gridCol/@w:w", namespaces=NS)]
    assert len(grid) == 2 and abs(grid[1] - 3 * grid[0]) <= 3
    (read,) = [t for t in independent.body if len(t) == 2 and len(t[0]) == 2]
    assert read == [
        [["<b>修订日期</b>"], ["<b>修订内容</b>"]],
        [["2026-03-01"], ["初版", "新增职责"]],
    ]


def test_a_link_to_another_section_is_an_internal_hyperlink_to_its_bookmark(word, written):
    (p,) = [p for p in word.paragraphs if p.text.startswith("向")]
    internal = [(h.text, h.fragment) for h in p.hyperlinks if not h.address]
    assert internal == [("贵宾主管", bookmark_name("vip-supervisor"))]
    body = part(written, "word/document.xml")
    bookmarks = set(body.xpath("//w:bookmarkStart/@w:name", namespaces=NS))
    assert set(body.xpath("//w:hyperlink/@w:anchor", namespaces=NS)) <= bookmarks
    # A role this document has no section for is named, as plain text.
    assert bookmark_name("general-manager") not in body.xpath("//@w:anchor", namespaces=NS)
    assert "总经理" in p.text


def test_an_external_href_is_a_hyperlink_through_an_external_relationship(word, independent):
    (p,) = [p for p in word.paragraphs if p.text.startswith("向")]
    (link,) = [h for h in p.hyperlinks if h.address]
    assert (link.text, link.address) == ("员工手册", URL)
    rel = word.part.rels[link._hyperlink.rId]
    assert (rel.reltype, rel.is_external, rel.target_ref) == (RT.HYPERLINK, True, URL)
    assert f'<a href="{URL}">员工手册</a>' in independent.text


def test_each_section_has_its_header_and_a_footer_counting_its_own_pages(word, written, resources):
    labels = resources.labels["zh-CN"]
    sep, gap = labels["field_separator"], labels["field_gap"]
    assert len(word.sections) == 2
    first, second = word.sections
    (header,) = first.header.paragraphs
    assert header.style.style_id == "Header"
    date = "2026\u00a0年\u00a03\u00a0月\u00a01\u00a0日"  # no break inside a field
    assert header.text == (
        f"草稿{gap}文件编号{sep}HR-VIP-001{gap}版本{sep}1.2{gap}生效日期{sep}{date}"
    )
    mark = header.runs[0]
    assert (mark.text, mark.bold, str(mark.font.color.rgb)) == ("草稿", True, MARK_COLOR)
    assert [p.text for p in second.header.paragraphs] == [f"文件编号{sep}HR-VIP-002"]
    body = part(written, "word/document.xml")
    bookmarks = set(body.xpath("//w:bookmarkStart/@w:name", namespaces=NS))
    for section in (first, second):
        (footer,) = section.footer.paragraphs
        assert footer.style.style_id == "Footer"
        assert footer.text == "第 1 页，共 1 页"
        page, pages = section.footer._element.xpath(".//w:instrText/text()")
        assert page == " PAGE "
        # "of Y" is the page of a bookmark at the section's end: the section's own pages.
        target = pages.split()[1]
        assert pages == f" PAGEREF {target} \\h " and target in bookmarks
    assert body.xpath("//w:sectPr/w:pgNumType/@w:start", namespaces=NS) == ["1", "1"]


def test_a_one_section_document_counts_its_pages_with_numpages(resources):
    data = DocxWriter(resources).write(Document(META, {}, (SUPERVISOR,)))
    footer = docx.Document(io.BytesIO(data)).sections[0].footer
    assert footer._element.xpath(".//w:instrText/text()") == [" PAGE ", " NUMPAGES "]


def test_a_toc_entry_links_to_its_heading_and_shows_its_page_label(word, written, independent):
    toc = [
        (p.style.style_id, p.text) for p in word.paragraphs if p.style.style_id.startswith("TOC")
    ]
    assert toc == [("TOC1", "贵宾专员\t2.1-1"), ("TOC2", "岗位职责\t2.1-2")]
    (first,) = [p for p in word.paragraphs if p.style.style_id == "TOC1"]
    assert [h.fragment for h in first.hyperlinks] == [bookmark_name("vip-specialist")]
    # Written out, with no TOC or PAGEREF field that an update would renumber.
    assert part(written, "word/document.xml").xpath("//w:instrText", namespaces=NS) == []
    assert "贵宾专员\t2.1-1" in independent.text


def test_core_and_custom_properties_come_from_the_documents_meta(word, written, independent):
    props = word.core_properties
    midnight = datetime(2026, 3, 1, tzinfo=timezone.utc)
    assert (props.title, props.subject, props.author, props.last_modified_by) == (
        "贵宾专员",
        "岗位说明书",
        "人力资源部",
        "人力资源部",
    )
    assert (props.keywords, props.comments, props.version, props.language) == (
        "贵宾; 接待",
        "贵宾专员的岗位说明书",
        "1.2",
        "zh-CN",
    )
    assert (props.created, props.modified, props.revision) == (midnight, midnight, 1)
    custom = part(written, "docProps/custom.xml")
    assert {p.get("name"): p[0].text for p in custom} == {
        "DocumentNumber": "HR-VIP-001",
        "Version": "1.2",
        "Status": "draft",
    }
    assert independent.core_properties["title"] == "贵宾专员"
    assert independent.core_properties["created"] == "2026-03-01T00:00:00Z"


def test_the_same_document_gives_the_same_bytes(resources, written):
    assert DocxWriter(resources).write(DOC) == written
    writer = DocxWriter(resources)
    assert writer.write(DOC) == writer.write(DOC) == written


def test_a_piece_put_alone_into_a_document_keeps_links_to_absent_sections_as_text(resources):
    writer = DocxWriter(resources)
    anchors = frozenset({"vip-specialist", "vip-supervisor"})
    alone = writer.assemble([writer.piece(Document(META, {}, (SPECIALIST,)), 0, anchors)])
    body = part(alone, "word/document.xml")
    assert body.xpath("//w:hyperlink/@w:anchor", namespaces=NS) == [
        bookmark_name("vip-specialist"),
        bookmark_name("duties"),
    ]  # the table of contents' own; the supervisor's section is not in this document
    assert "贵宾主管" in "".join(body.xpath("//w:t/text()", namespaces=NS))
    both = writer.assemble(
        [
            writer.piece(Document(META, {}, (SPECIALIST,)), 0, anchors),
            writer.piece(Document(META, {}, (SUPERVISOR,)), 1, anchors),
        ]
    )
    targets = part(both, "word/document.xml").xpath("//w:hyperlink/@w:anchor", namespaces=NS)
    assert bookmark_name("vip-supervisor") in targets


def test_a_translation_starts_a_line_of_its_own_in_a_lighter_grey(resources):
    para = Para((Span("1. 岗位职责"), Span("Duties", lang="en"), Span(": all", lang="en")))
    section = Section(anchor="s", header=(), footer=FOOTER, blocks=(para,))
    data = DocxWriter(resources).write(Document(meta=META, links={}, sections=(section,)))
    [paragraph] = [
        p
        for p in part(data, "word/document.xml").iter(f"{{{NS['w']}}}p")
        if "Duties" in "".join(p.itertext())
    ]
    runs = [
        (
            "".join(r.itertext()),
            r.find("w:br", NS) is not None,
            r.find("w:rPr/w:color", NS) is not None
            and r.find("w:rPr/w:color", NS).get(f"{{{NS['w']}}}val"),
        )
        for r in paragraph.iterfind("w:r", NS)
    ]
    assert runs == [
        ("1. 岗位职责", False, False),
        ("", True, False),
        ("Duties", False, "595959"),
        (": all", False, "595959"),
    ]


def test_pieces_deflated_where_written_are_copied_into_the_same_document(resources):
    """The handbook copies each piece's body deflated where it was written: its document part
    holds the same text as one put together from the pieces' text, and the zip checks out."""
    from rolebook.output.writers.docx import Piece, _Build

    writer = DocxWriter(resources)
    docs = [Document(META, {}, (SPECIALIST,)), Document(META, {}, (SUPERVISOR,))]
    anchors = frozenset({"vip-specialist", "vip-supervisor"})
    copied = writer.assemble([writer.piece(doc, n, anchors) for n, doc in enumerate(docs)])
    rewritten = writer._assemble(
        [_Build(writer, doc, n, anchors, single=False).run() for n, doc in enumerate(docs)]
    )
    assert zipfile.ZipFile(io.BytesIO(copied)).testzip() is None
    assert unzipped(copied) == unzipped(rewritten)
    piece = Piece.from_bytes(writer.piece(docs[0], 0, anchors))
    assert piece.packed and piece.section_list()[0][0].startswith("<w:")


def unzipped(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}
