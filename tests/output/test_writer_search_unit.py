"""The search index writer alone: Documents made by hand from the model's dataclasses (no
template rendered), their items and anchors, the index written whole or in pieces, and the
script read back.

The index is html/search-index.js, which sets `window.ROLEBOOK_SEARCH` to a JSON object; JSON is
a subset of JavaScript, so reading it back with a JSON parser reads what a browser would.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import REPO

from rolebook.build.workers import load_resources
from rolebook.model.document import (
    Cell,
    Document,
    Heading,
    ListBlock,
    Para,
    Section,
    Signer,
    SignOff,
    Span,
    Table,
)
from rolebook.output.writers.html import HtmlWriter
from rolebook.output.writers.search import SearchWriter, anchor_keys, items, suggestion

SCRIPT = re.compile(r"window\.ROLEBOOK_SEARCH = (.*);\n", re.DOTALL)
# Quotes, a backslash and line breaks end a JavaScript string or statement unless escaped.
TRICKY = "say \"hi\" 'there' \\ </script><script>alert(1)</script>\nnext line \u2028 end"
RESOURCES = load_resources(REPO / "templates")
KEYS = anchor_keys(RESOURCES.labels["zh-CN"])


def text(value: str) -> tuple[Span, ...]:
    return (Span(value),)


def cell(*paras: str, header: bool = False, scope: str = "") -> Cell:
    return Cell(tuple(text(p) for p in paras), header, scope)


def role(anchor: str, title: str, duties: tuple[str, ...]) -> Section:
    """Returns a role's section: furniture (header, document control, sign-off) and lines."""
    return Section(
        anchor=anchor,
        header=(("文件编号", "HR-VIP-001"),),
        footer=text("受控文件"),
        blocks=(
            Heading(1, (Span(title[:2]), Span(title[2:], strong=True)), anchor, "2.1"),
            Para(text("VIP Specialist · 客户服务部"), "subtitle"),
            Heading(2, text("文件控制"), number="2.1.1"),
            Table(((cell("文件编号", header=True, scope="row"), cell("HR-VIP-001")),)),
            Heading(2, text("岗位职责"), number="2.1.2"),
            ListBlock(tuple(text(d) for d in duties), ordered=True),
            Heading(2, text("汇报关系")),
            Table(((cell("直接上级", header=True, scope="row"), cell("客服主管")),)),
            Heading(2, text("业务流程")),
            Table(
                (
                    (
                        cell("时间", header=True, scope="col"),
                        cell("步骤", header=True, scope="col"),
                    ),
                    (cell("08:30"), cell("1. 准备报刊", "2. 查看环境")),
                    (cell("09:00"), cell("3. 迎接客户")),
                )
            ),
            Heading(2, text("审批签署")),
            SignOff(("职责", "姓名"), (Signer("编制", "人力资源部"),)),
        ),
    )


SPECIALIST = role("vip-specialist", "贵宾专员", ("接待贵宾", "安排行程"))
SUPERVISOR = role("vip-supervisor", "贵宾主管", ("接待贵宾", "培训专员"))
META = {"title": "手册", "lang": "zh-CN", "date": "2026-03-01"}


@pytest.fixture(scope="module")
def writer() -> SearchWriter:
    return SearchWriter(RESOURCES)


def index_of(script: bytes) -> dict:
    """Returns the index a script sets, failing unless the script is exactly that one statement."""
    match = SCRIPT.fullmatch(script.decode("utf-8"))
    assert match, script[:200]
    return json.loads(match.group(1))


def test_each_line_is_an_item_with_its_anchor_and_furniture_is_left_out():
    """The title, each heading, each duty, each reporting row and each workflow step is an
    item; a heading's anchor is its label's key, a line's the key and its number under it;
    the document control, the sign-off and the version header are no items."""
    found = [(i.kind, i.anchor, i.heading[0], i.text) for i in items(SPECIALIST, KEYS)]
    assert found == [
        ("title", "vip-specialist", "", "贵宾专员"),
        ("text", "", "", "VIP Specialist · 客户服务部"),
        ("heading", "duties", "岗位职责", "岗位职责"),
        ("text", "duties-1", "岗位职责", "接待贵宾"),
        ("text", "duties-2", "岗位职责", "安排行程"),
        ("heading", "reporting", "汇报关系", "汇报关系"),
        ("text", "reporting-1", "汇报关系", "直接上级 · 客服主管"),
        ("heading", "workflow", "业务流程", "业务流程"),
        ("text", "workflow-1", "业务流程", "08:30 · 1. 准备报刊"),
        ("text", "workflow-2", "业务流程", "08:30 · 2. 查看环境"),
        ("text", "workflow-3", "业务流程", "09:00 · 3. 迎接客户"),
    ]
    # Where each is in its block: a list item, a table row, a paragraph of a row's cell.
    places = {i.anchor: (i.block, i.part) for i in items(SPECIALIST, KEYS)}
    assert places["duties-2"] == (5, (1,))
    assert places["reporting-1"] == (7, (0,))
    assert places["workflow-2"] == (9, (1, 1, 1))
    assert places["workflow-3"] == (9, (2,))


def test_the_html_page_gives_each_item_its_anchor():
    """The HTML writer puts each item's anchor on its element: the heading, the <li>, the row,
    the paragraph of a step."""
    meta = {**META, "organisation": "示例集团", "subject": "手册", "description": ""}
    html = HtmlWriter(RESOURCES).write(Document(meta, {}, (SPECIALIST,))).decode()
    assert '<h2 id="duties"><span class="number">2.1.2</span> 岗位职责</h2>' in html
    assert '<li id="duties-2">安排行程</li>' in html
    assert '<tr id="reporting-1"><th scope="row">直接上级</th><td>客服主管</td></tr>' in html
    assert '<p id="workflow-2">2. 查看环境</p>' in html
    assert '<tr id="workflow-3"><td>09:00</td>' in html
    assert 'id="document-control' not in html and "<h2><span" in html  # furniture: no anchor


def test_a_line_has_the_same_anchor_in_every_language():
    """The anchors are the labels' keys, not their text: a role built in English has its
    duties at the same #duties-2 as in Chinese."""
    english = Section(
        "r", (), (), (Heading(2, text("Duties")), ListBlock((text("a"), text("b")), True))
    )
    keys = anchor_keys(RESOURCES.labels["en"])
    assert [i.anchor for i in items(english, keys)] == ["duties", "duties-1", "duties-2"]
    chinese = [i.anchor for i in items(SPECIALIST, KEYS) if i.heading[0] == "岗位职责"]
    assert chinese == ["duties", "duties-1", "duties-2"]


def test_a_heading_met_twice_gets_a_second_anchor_and_other_headings_a_slug():
    section = Section(
        "r",
        (),
        (),
        (
            Heading(2, text("岗位职责")),
            Para(text("一")),
            Heading(2, text("岗位职责")),
            Para(text("二")),
            Heading(3, text("Key Contacts & Partners")),
            Para(text("三")),
        ),
    )
    assert [i.anchor for i in items(section, KEYS)] == [
        "duties",
        "duties-1",
        "duties2",
        "duties2-1",
        "key-contacts-partners",
        "key-contacts-partners-1",
    ]


def test_the_index_stores_each_text_once_and_numbers_lines_by_their_heading(writer):
    index = index_of(writer.write(Document(META, {}, (SPECIALIST, SUPERVISOR))))
    assert index["lang"] == "zh-CN"
    assert index["texts"].count("接待贵宾") == 1  # both roles' first duty
    url, title, headings, lines = index["roles"][1]
    assert (url, title) == ("vip-supervisor.html", "贵宾主管")
    assert [index["headings"][h] for h in headings] == [
        ["岗位职责", "duties"],
        ["汇报关系", "reporting"],
        ["业务流程", "workflow"],
    ]
    triples = list(zip(lines[::3], lines[1::3], lines[2::3], strict=True))
    named = [
        (index["headings"][h][1] if h >= 0 else "", n, index["texts"][t]) for h, n, t in triples
    ]
    assert named[:3] == [
        ("", 0, "VIP Specialist · 客户服务部"),
        ("duties", 1, "接待贵宾"),
        ("duties", 2, "培训专员"),
    ]
    assert not any("HR-VIP-001" in t or "人力资源部" in t for t in index["texts"])


def test_pieces_assembled_in_order_give_the_index_written_whole(writer):
    whole = writer.write(Document(META, {}, (SPECIALIST, SUPERVISOR)))
    anchors = frozenset({"vip-specialist", "vip-supervisor"})
    first = writer.piece(Document(META, {}, (SPECIALIST,)), 0, anchors)
    second = writer.piece(Document(META, {}, (SUPERVISOR,)), 1, anchors)
    assert writer.assemble([first, second]) == whole
    reversed_order = index_of(writer.assemble([second, first]))
    assert [r[0] for r in reversed_order["roles"]] == ["vip-supervisor.html", "vip-specialist.html"]
    assert index_of(writer.assemble([]))["roles"] == []


def test_quotes_backslashes_and_a_closing_script_tag_stay_text_inside_the_index(writer):
    section = Section(
        "tricky",
        (("文件编号", TRICKY),),
        (),
        (Heading(1, (Span(TRICKY),)), Heading(2, text(TRICKY)), Para((Span(TRICKY),))),
    )
    script = writer.write(Document(META, {}, (section,)))
    # One statement: nothing in the text ended the string literal early or started another.
    index = index_of(script)
    assert index["roles"][0][1] == TRICKY and index["texts"] == [TRICKY]
    assert index["headings"][0][0] == TRICKY
    # The index is loaded by <script src>, never inline, so "</script>" in it ends nothing; a
    # line break in a text must still be an escape, not a break in the statement.
    assert "\n" not in script.decode("utf-8")[:-1]


def test_the_same_documents_give_the_same_bytes(writer):
    doc = Document(META, {}, (SPECIALIST, SUPERVISOR))
    assert writer.write(doc) == writer.write(doc)
    assert SearchWriter(load_resources(REPO / "templates")).write(doc) == writer.write(doc)


def test_the_placeholder_suggests_a_common_word_of_the_handbooks_language(writer):
    """Chinese: the commonest pair of characters; English: the commonest word of four letters
    or more that is not a function word; the index carries it."""
    assert suggestion("zh-CN", ["贵宾专员"], ["接待贵宾", "贵宾 VIP", "安排"]) == "贵宾"
    english = ["Serve the customer", "Customers first", "with care", "with"]
    assert suggestion("en", ["Customer Manager"], english) == "customer"
    assert suggestion("en", [], ["客户"]) == ""
    assert index_of(writer.write(Document(META, {}, (SPECIALIST,))))["suggest"] == "客户"
