"""The search index writer alone: Documents made by hand from the model's dataclasses (no
template rendered), written whole or in pieces, and the script read back.

The index is html/search-index.js, which sets `window.ROLEBOOK_SEARCH` to a JSON list; JSON is a
subset of JavaScript, so reading the list back with a JSON parser reads what a browser would.
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
    OrgChart,
    OrgNode,
    Para,
    Section,
    Span,
    Table,
    Toc,
    TocEntry,
)
from rolebook.output.writers.search import SearchWriter

SCRIPT = re.compile(r"window\.ROLEBOOK_SEARCH = (.*);\n", re.DOTALL)
# Quotes, a backslash and line breaks end a JavaScript string or statement unless escaped.
TRICKY = "say \"hi\" 'there' \\ </script><script>alert(1)</script>\nnext line \u2028 end"

SPECIALIST = Section(
    anchor="vip-specialist",
    header=(("文件编号", "HR-VIP-001"), ("版本", "1.2")),
    footer=(Span("第 "), Span("1", field="PAGE"), Span(" 页")),
    blocks=(
        Heading(
            1, (Span("贵宾"), Span("专员", strong=True)), anchor="vip-specialist", number="2.1"
        ),
        Para((Span("负责接待"), Span("贵宾主管", ref="vip-supervisor"), Span("安排的贵宾。"))),
        ListBlock(((Span("接待贵宾"),), (Span("安排行程"),)), ordered=True),
        Table(
            (
                (Cell(((Span("日期"),),), header=True), Cell(((Span("内容"),),), header=True)),
                (Cell(((Span("2026-03-01"),),)), Cell(((Span("初版"),), (Span("新增职责"),)))),
            )
        ),
    ),
)
SUPERVISOR = Section(
    anchor="vip-supervisor",
    header=(("文件编号", "HR-VIP-002"),),
    footer=(),
    blocks=(
        Toc((TocEntry(1, "贵宾主管", "vip-supervisor", "2.2-1"),)),
        Heading(1, (Span("贵宾主管"),), anchor="vip-supervisor"),
        OrgChart(
            (OrgNode("m", "贵宾主管", ref="vip-supervisor"), OrgNode("s", "专员")), (("m", "s"),)
        ),
    ),
)
META = {"title": "手册", "lang": "zh-CN", "date": "2026-03-01"}


@pytest.fixture(scope="module")
def writer() -> SearchWriter:
    return SearchWriter(load_resources(REPO / "templates"))


def entries(script: bytes) -> list[dict]:
    """Returns the index a script sets, failing unless the script is exactly that one statement."""
    match = SCRIPT.fullmatch(script.decode("utf-8"))
    assert match, script[:200]
    return json.loads(match.group(1))


def test_each_section_is_an_entry_with_its_page_title_and_text(writer):
    doc = Document(META, {}, (SPECIALIST, SUPERVISOR))
    assert entries(writer.write(doc)) == [
        {
            "url": "vip-specialist.html",
            "title": "贵宾专员",  # the first heading's text, without its number
            "text": "HR-VIP-001 1.2\n2.1 贵宾专员\n负责接待贵宾主管安排的贵宾。\n"
            "接待贵宾\n安排行程\n日期\n内容\n2026-03-01\n初版\n新增职责",
        },
        {
            "url": "vip-supervisor.html",
            "title": "贵宾主管",
            "text": "HR-VIP-002\n贵宾主管\n贵宾主管\n贵宾主管\n专员",
        },
    ]


def test_a_section_without_a_heading_has_an_empty_title(writer):
    section = Section("notes", (), (), (Para((Span("只有正文"),)),))
    assert entries(writer.write(Document(META, {}, (section,)))) == [
        {"url": "notes.html", "title": "", "text": "\n只有正文"}
    ]


def test_pieces_assembled_in_order_give_the_index_written_whole(writer):
    whole = writer.write(Document(META, {}, (SPECIALIST, SUPERVISOR)))
    anchors = frozenset({"vip-specialist", "vip-supervisor"})
    first = writer.piece(Document(META, {}, (SPECIALIST,)), 0, anchors)
    second = writer.piece(Document(META, {}, (SUPERVISOR,)), 1, anchors)
    assert writer.assemble([first, second]) == whole
    reversed_order = entries(writer.assemble([second, first]))
    assert [e["url"] for e in reversed_order] == ["vip-supervisor.html", "vip-specialist.html"]
    assert entries(writer.assemble([])) == []


def test_quotes_backslashes_and_a_closing_script_tag_stay_text_inside_the_index(writer):
    section = Section(
        "tricky",
        (("文件编号", TRICKY),),
        (),
        (Heading(1, (Span(TRICKY),)), Para((Span(TRICKY),))),
    )
    script = writer.write(Document(META, {}, (section,)))
    # One statement: nothing in the text ended the string literal early or started another.
    assert entries(script) == [
        {"url": "tricky.html", "title": TRICKY, "text": f"{TRICKY}\n{TRICKY}\n{TRICKY}"}
    ]
    # The index is loaded by <script src>, never inline, so "</script>" in it ends nothing; a
    # line break in a text must still be an escape, not a break in the statement.
    assert "\n" not in script.decode("utf-8")[:-1]


def test_the_same_documents_give_the_same_bytes(writer):
    doc = Document(META, {}, (SPECIALIST, SUPERVISOR))
    assert writer.write(doc) == writer.write(doc)
    assert SearchWriter(load_resources(REPO / "templates")).write(doc) == writer.write(doc)
