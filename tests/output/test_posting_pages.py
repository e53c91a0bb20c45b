"""Job postings as built (`build --postings`): a page and a text file per open role, the page
with schema.org JobPosting data holding every property Google requires; none without the
option."""

from __future__ import annotations

import json
import re

from conftest import edit
from lxml import html as lxml_html

from rolebook.model.document import Cell, Document, Heading, ListBlock, Para, Section, Span, Table
from rolebook.output.writers.text import TextWriter


def json_ld(page: bytes) -> dict:
    found = re.search(rb'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))


def test_without_the_option_no_posting_is_written(project, cli):
    assert cli("build", "--root", project).code == 0
    assert not (project / "output/postings").exists()


def test_an_open_role_gets_a_page_and_a_text_with_its_job_posting_data(project, cli):
    # The manager is open too: its flagged 自身条件 line stays out of its posting.
    with (project / "roles/vip-department-manager.yaml").open("a", encoding="utf-8") as f:
        f.write("posting:\n  open: true\n  location: 酒店贵宾俱乐部\n")
    assert cli("build", "--root", project, "--postings").code == 0
    postings = project / "output/postings"
    assert sorted(p.name for p in postings.iterdir()) == [
        "vip-department-manager.html",
        "vip-department-manager.txt",
        "vip-specialist.html",
        "vip-specialist.txt",
    ]
    page = (postings / "vip-specialist.html").read_bytes()
    data = json_ld(page)
    assert data == {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": "VIP专员",
        "description": data["description"],
        "datePosted": "2026-12-01",
        "hiringOrganization": {"@type": "Organization", "name": "示例集团人力资源部"},
        "jobLocation": {"@type": "Place", "address": "证券营业部VIP室（示例市示例路1号）"},
        "identifier": "SVC-P2-001",
    }
    assert data["description"].startswith("在日常工作中尽营业部和个人最大努力")
    text = lxml_html.fromstring(page).text_content()
    assert "咨询信息服务" in text and "平等机会雇主" in text
    manager = (postings / "vip-department-manager.txt").read_text(encoding="utf-8")
    assert "身高1.70米" not in manager and "28-36岁" not in manager and "贵宾俱乐部" in manager
    assert json_ld((postings / "vip-department-manager.html").read_bytes())["datePosted"] == (
        "2026-12-01"  # no date_posted: the role's effective date
    )


def test_a_posting_setting_writes_postings_like_the_option(project, cli):
    edit(
        project / "handbook.yaml",
        "acknowledgement_page: false",
        "postings: true\nacknowledgement_page: false",
    )
    assert cli("build", "--root", project).code == 0
    assert (project / "output/postings/vip-specialist.txt").exists()


def test_the_text_writer_writes_headings_lists_and_tables_as_plain_lines():
    doc = Document(
        {"lang": "zh-CN"},
        {},
        (
            Section(
                "x",
                (),
                (),
                (
                    Heading(1, (Span("VIP专员"),)),
                    Table(((Cell(((Span("工作地点"),),), True), Cell(((Span("上海"),),))),)),
                    Heading(2, (Span("岗位职责"),)),
                    ListBlock(((Span("一"),), (Span("二"),)), ordered=True),
                    ListBlock(((Span("<b>三</b>"),),), ordered=False),
                    Para((Span("完"),)),
                ),
            ),
        ),
    )
    assert (
        TextWriter(None).write(doc).decode()
        == (  # type: ignore[arg-type]
            "VIP专员\n" + "=" * 20 + "\n\n工作地点：上海\n\n岗位职责\n" + "-" * 20 + "\n\n"
            "1. 一\n2. 二\n\n- <b>三</b>\n\n完\n"
        )
    )


def test_pay_bands_are_printed_only_by_a_build_with_pay(project, cli):
    assert cli("build", "--root", project).code == 0
    page = (project / "output/html/vip-specialist.html").read_text(encoding="utf-8")
    assert "6000" not in page and "薪酬区间" not in page
    assert cli("build", "--root", project, "--with-pay").code == 0
    page = (project / "output/html/vip-specialist.html").read_text(encoding="utf-8")
    assert '<th scope="row">薪酬区间（保密）</th><td>6000–9000 元/月</td>' in page
    assert cli("build", "--root", project).code == 0  # and gone again: the cache knows
    assert "6000" not in (project / "output/html/vip-specialist.html").read_text(encoding="utf-8")
