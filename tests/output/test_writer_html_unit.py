"""The HTML writer alone: a Document made by hand from the model's dataclasses (no template
rendered to make it), written by HtmlWriter into its page frame and read back with lxml.html.
"""

from __future__ import annotations

import dataclasses

import pytest
from conftest import REPO
from lxml import html as lxml_html

from rolebook.build.workers import load_resources
from rolebook.model.document import (
    Cell,
    Document,
    Heading,
    ListBlock,
    NavGroup,
    Para,
    Section,
    Span,
    Table,
    Toc,
    TocEntry,
)
from rolebook.output.writers.html import HtmlWriter

URL = "https://example.org/handbook?part=1&lang=zh"
# Markup in text, as HR might paste it: it must print, never run or open an element.
PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)></style></title> & é'
META = {
    "title": "贵宾专员",
    "organisation": "示例酒店",
    "subject": "岗位说明书",
    "description": "贵宾专员的岗位说明书",
    "page": "vip-specialist",
    "lang": "zh-CN",
    "date": "2026-03-01",
}
SPECIALIST = Section(
    anchor="vip-specialist",
    header=(("文件编号", "HR-VIP-001"), ("版本", "1.2")),
    footer=(),
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
                Span("汇报；见"),
                Span("员工手册", href=URL),
                Span("；"),
                Span("务必准时", strong=True),
                Span("。"),
            ),
            style="note",
        ),
        ListBlock(((Span("接待贵宾"),), (Span("安排行程"),)), ordered=True),
        ListBlock(((Span("仪表端庄"),), (Span("普通话流利"),)), ordered=False),
        Heading(3, (Span("修订记录"),)),
        Table(
            (
                (
                    Cell(((Span("修订日期"),),), header=True, scope="col"),
                    Cell(((Span("修订内容"),),), header=True, scope="col"),
                ),
                (
                    Cell(((Span("2026-03-01"),),), header=True, scope="row"),
                    Cell(((Span("初版"),), (Span("新增职责"),))),
                ),
            ),
            style="revisions",
            widths=(1, 3),
        ),
    ),
)
DOC = Document(
    meta=META,
    links={"docx": "../docx/vip-specialist.docx", "next": "vip-supervisor.html"},
    sections=(SPECIALIST,),
    link_titles={"next": "贵宾主管"},
    nav=(NavGroup("贵宾部", "index.html#vip", (("vip-specialist", "贵宾专员"),)),),
    crumbs=(("index.html", "手册"), ("", "贵宾专员")),
    data={"@type": "Occupation", "name": "贵宾专员"},
)


@pytest.fixture(scope="module")
def resources():
    return load_resources(REPO / "templates")


@pytest.fixture(scope="module")
def writer(resources) -> HtmlWriter:
    return HtmlWriter(resources)


@pytest.fixture(scope="module")
def written(writer) -> bytes:
    return writer.write(DOC)


@pytest.fixture(scope="module")
def page(written):
    return lxml_html.fromstring(written)


def article(page):
    (found,) = page.xpath("//main/article")
    return found


def test_headings_have_their_level_anchor_and_number(page):
    headings = [
        (h.tag, h.get("id"), h.text_content(), h.xpath("string(span[@class='number'])"))
        for h in article(page).xpath("h1 | h2 | h3")
    ]
    assert headings == [
        ("h1", "vip-specialist", "2.1 贵宾专员", "2.1"),
        ("h2", "duties", "岗位职责", ""),
        ("h3", None, "修订记录", ""),
    ]


def test_lists_are_ordered_or_not_with_their_items_in_order(page):
    lists = [(e.tag, [li.text_content() for li in e]) for e in article(page).xpath("ol | ul")]
    assert lists == [("ol", ["接待贵宾", "安排行程"]), ("ul", ["仪表端庄", "普通话流利"])]


def test_a_table_has_header_cells_with_their_scope_and_relative_widths(page):
    (table,) = article(page).xpath("table")
    assert table.get("class") == "revisions"
    rows = [
        [(c.tag, c.get("scope"), c.text_content(), len(c.xpath("p"))) for c in tr]
        for tr in table.xpath("tr")
    ]
    assert rows == [
        [("th", "col", "修订日期", 0), ("th", "col", "修订内容", 0)],
        [("th", "row", "2026-03-01", 0), ("td", None, "初版新增职责", 2)],
    ]
    widths = [col.get("style") for col in table.xpath("colgroup/col")]
    assert widths == ["width: 25.0%", "width: 75.0%"]


def test_a_role_reference_links_to_its_page_and_an_href_is_kept_as_given(page):
    (p,) = article(page).xpath("p[@class='note']")
    assert [(a.text_content(), a.get("href")) for a in p.xpath("a")] == [
        ("贵宾主管", "vip-supervisor.html"),
        ("员工手册", URL),
    ]
    assert p.text_content() == "向贵宾主管汇报；见员工手册；务必准时。"
    toc = [(a.text_content(), a.get("href")) for a in article(page).xpath("nav[@class='toc']//a")]
    assert toc == [("贵宾专员", "#vip-specialist"), ("岗位职责", "#duties")]


def test_strong_text_is_a_strong_element(page):
    assert [s.text_content() for s in article(page).xpath(".//strong")] == ["务必准时"]


def test_the_version_header_lists_the_sections_fields_after_its_mark(page):
    assert article(page).xpath("string(p[@class='mark'])") == "草稿"
    (dl,) = article(page).xpath("dl[@class='version-header']")
    assert [(d.findtext("dt"), d.findtext("dd")) for d in dl] == [
        ("文件编号", "HR-VIP-001"),
        ("版本", "1.2"),
    ]


def test_the_page_frame_uses_the_documents_meta_links_and_language(page, resources):
    assert page.get("lang") == "zh-CN"
    assert page.findtext(".//title") == "贵宾专员 · 示例酒店"
    assert page.xpath("string(//p[@class='download']/a/@href)") == "../docx/vip-specialist.docx"
    assert page.xpath("string(//a[@rel='next']/@href)") == "vip-supervisor.html"
    labels = resources.labels["zh-CN"]
    assert page.xpath("string(//a[@class='skip-link'])") == labels["skip_to_content"]


def test_text_holding_markup_is_printed_as_text_and_never_becomes_an_element(writer):
    hostile = Section(
        anchor="hostile",
        header=(("文件编号", PAYLOAD),),
        footer=(),
        blocks=(
            Heading(1, (Span(PAYLOAD),), anchor="hostile"),
            Toc((TocEntry(1, PAYLOAD, "hostile", "1"),)),
            Para((Span(PAYLOAD), Span(PAYLOAD, strong=True), Span(PAYLOAD, ref="other"))),
            Para((Span("链接", href='https://example.org/?q="><script>alert(1)</script>'),)),
            ListBlock(((Span(PAYLOAD),),), ordered=False),
            Table(((Cell(((Span(PAYLOAD),),), header=True, scope="col"),),)),
        ),
    )
    doc = dataclasses.replace(
        DOC,
        meta={**META, "title": PAYLOAD},
        sections=(hostile,),
        data={"@type": "Occupation", "name": PAYLOAD},
    )
    page = lxml_html.fromstring(writer.write(doc))
    scripts = [(s.get("src"), s.get("type")) for s in page.xpath("//script")]
    assert scripts == [
        (None, "application/ld+json"),
        ("search-index.js", None),
        ("search.js", None),
    ]
    assert "<" not in page.xpath("string(//script[@type='application/ld+json'])")
    assert page.xpath("//img | //@onerror") == []
    # The print header's CSS string cannot end its <style>: the rule after it is still there.
    (style,) = page.xpath("//style")
    assert "@bottom-right" in style.text
    assert page.findtext(".//title") == f"{PAYLOAD} · 示例酒店"
    body = article(page)
    assert body.findtext("h1") == PAYLOAD
    assert body.xpath("string(nav[@class='toc']//a)") == PAYLOAD
    assert body.xpath("p[1]")[0].text_content() == PAYLOAD * 3
    assert body.xpath("string(p[1]/strong)") == PAYLOAD
    assert (
        body.xpath("string(p[2]/a/@href)") == 'https://example.org/?q="><script>alert(1)</script>'
    )
    assert body.xpath("string(ul/li)") == PAYLOAD
    assert body.xpath("string(table//th)") == PAYLOAD
    assert body.xpath("string(dl//dd)") == PAYLOAD


def test_the_same_document_gives_the_same_bytes(writer, written, resources):
    assert writer.write(DOC) == written
    assert HtmlWriter(resources).write(DOC) == written


def test_the_standalone_frame_has_no_scripts_and_no_links_to_the_sites_files(writer):
    doc = dataclasses.replace(DOC, meta={**META, "frame": "standalone"})
    page = lxml_html.fromstring(writer.write(doc))
    # Structured data is no script: it runs nothing and loads nothing.
    assert page.xpath("//script[not(@type='application/ld+json')] | //link") == []
    assert page.findtext(".//title") == "贵宾专员"
    assert page.xpath("string(//main//h1/@id)") == "vip-specialist"


def test_a_document_in_english_gets_the_english_labels(writer, resources):
    page = lxml_html.fromstring(writer.write(dataclasses.replace(DOC, meta={**META, "lang": "en"})))
    assert page.get("lang") == "en"
    labels = resources.labels["en"]
    assert page.xpath("string(//a[@class='skip-link'])") == labels["skip_to_content"]
    assert labels["skip_to_content"] != resources.labels["zh-CN"]["skip_to_content"]
