"""The HTML handbook: language, version header, relative links only, one stylesheet."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from conftest import REPO

from rolebook.project import load


class Links(HTMLParser):
    """Collects href and src attribute values and the text of the page."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [v for k, v in attrs if k in ("href", "src") and v]

    def handle_data(self, data):
        self.text.append(data)


def parsed(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def test_every_page_is_zh_cn_with_one_local_stylesheet(built):
    for page in (built / "html").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert '<html lang="zh-CN">' in html
        assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == ["style.css"]


def test_every_link_is_relative_and_resolves(built):
    for page in (built / "html").glob("*.html"):
        for url in parsed(page).urls:
            assert not re.match(r"^[a-z]+:|^/", url), f"{page.name}: {url} is not relative"
            target = (page.parent / url.split("#")[0]).resolve()
            assert target.exists(), f"{page.name}: {url} does not resolve"


def test_the_index_lists_each_role_with_version_and_downloads(built):
    index = (built / "html/index.html").read_text(encoding="utf-8")
    for role in load(REPO).roles:
        row = re.search(rf'<tr><td><a href="{role.id}.html">(.*?)</tr>', index).group(0)
        assert role.title.zh in row
        assert f"<td>{role.document_control.version}</td>" in row
        assert f'href="../docx/{role.id}.docx"' in row
    assert 'href="../docx/handbook.docx"' in index


def test_each_role_page_has_the_version_header_and_every_section(built):
    for role in load(REPO).roles:
        text = " ".join(parsed(built / f"html/{role.id}.html").text)
        dc = role.document_control
        for value in (dc.number, dc.version, role.title.zh, "2026年12月1日"):
            assert value in text
        for item in role.duties + role.precautions + [p.rule for p in role.principles]:
            assert item in text
        for entry in role.workflow:
            assert all(step in text for step in entry.steps)
