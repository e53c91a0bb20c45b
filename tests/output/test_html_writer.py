"""The HTML handbook: language, version header, relative links only, one stylesheet, JSON-LD,
the search index, and labels in either language."""

from __future__ import annotations

import json
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import docx
from conftest import REPO, edit
from lxml import html as lxml_html
from readback import snapshot
from ruamel.yaml import YAML

from rolebook.check.gather import load
from rolebook.load import library


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
    """Each role's row links its page and Word file; each cell carries its column's label, which
    a phone shows before the value when the rows become cards."""
    index = (built / "html/index.html").read_text(encoding="utf-8")
    for role in load(REPO).roles:
        row = re.search(rf'<tr[^>]*><td[^>]*><a href="{role.id}.html">(.*?)</tr>', index).group(0)
        assert role.title.zh in row
        assert f'<td data-label="版本">{role.document_control.version}</td>' in row
        assert f'<td data-label="Word"><a href="../docx/{role.id}.docx">' in row
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


def json_ld_of(html: str) -> dict:
    """Returns the one JSON-LD object of a page."""
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def test_each_role_page_describes_the_role_as_a_schema_org_occupation(built):
    """Each role page carries schema.org Occupation JSON-LD: its name, description (summary),
    responsibilities (duties) and qualifications, from the role as written (a line naming the
    library as the library's text)."""
    for role in library.resolved_roles(load(REPO)):
        data = json_ld_of((built / f"html/{role.id}.html").read_text(encoding="utf-8"))
        q = role.qualifications
        assert data == {
            "@context": "https://schema.org",
            "@type": "Occupation",
            "name": role.title.zh,
            "alternateName": role.title.en,
            "description": role.summary,
            "responsibilities": role.duties,
            "qualifications": q.education
            + q.training
            + q.experience
            + q.skills
            + q.attitude
            + q.personal,
        }


def test_text_cannot_break_out_of_the_json_ld_or_the_print_style(project, cli):
    """A duty and a title holding </script>, </style>, quotes and HTML comments stay inside
    the JSON-LD script and the print header's CSS string, and read back unchanged."""
    hostile = '</script><script>alert(1)</script> <!-- "x" \\ </style><b>&amp;'
    edit(
        project / "roles" / "vip-specialist.yaml",
        "  - 咨询信息服务",
        f"  - '{hostile}'\n  - 咨询信息服务",
    )
    edit(project / "roles" / "vip-specialist.yaml", "  zh: VIP专员", f"  zh: '{hostile}'")
    assert cli("build", "--root", project).code == 0
    html = (project / "output/html/vip-specialist.html").read_text(encoding="utf-8")
    assert html.count("<script") == 3 and html.count("</script>") == 3
    assert html.count("<style") == 1 and html.count("</style>") == 1
    data = json_ld_of(html)
    assert data["name"] == hostile and hostile in data["responsibilities"]
    style = re.search(r"<style media=\"print\">(.*?)</style>", html, re.S).group(1)
    assert "<" not in style and "\\22 x\\22 " in style


def test_the_search_index_links_every_duty_to_its_line_and_leaves_out_page_furniture(built):
    """html/search-index.js defines window.ROLEBOOK_SEARCH: every role with its page and title,
    each duty an entry whose anchor is the id of that duty's <li> in the role's page; the
    document number and the sign-off (page furniture) are in no entry."""
    script = (built / "html/search-index.js").read_text(encoding="utf-8")
    prefix = "window.ROLEBOOK_SEARCH = "
    assert script.startswith(prefix) and script.endswith(";\n")
    index = json.loads(script[len(prefix) : -2])
    roles = {role[0]: role for role in index["roles"]}
    for role in load(REPO).roles:
        url, title, _, lines = roles[f"{role.id}.html"]
        assert title == role.title.zh
        page = (built / "html" / url).read_text(encoding="utf-8")
        anchors = {
            index["texts"][t]: f"{index['headings'][h][1]}-{n}"
            for h, n, t in zip(lines[::3], lines[1::3], lines[2::3], strict=True)
            if n
        }
        for k, duty in enumerate(role.duties, start=1):
            assert anchors[duty] == f"duties-{k}"
            assert f'<li id="duties-{k}">{escape(duty, quote=False)}</li>' in page
        assert not any(role.document_control.number in text for text in anchors)
    assert not any(text == "人力资源部" for text in index["texts"])


def headings(html: str, level: int) -> list[str]:
    """Returns the text of the page's headings of `level`, without their numbers ("2.1")."""
    texts = re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", html)
    return [
        re.sub(r"<[^>]+>", "", re.sub(r'<span class="number">[^<]*</span> ', "", h)) for h in texts
    ]


def test_lang_en_switches_every_label_and_the_titles_to_english(project, cli):
    """`build --lang en` writes English labels (section names, header fields, dates, the
    footer's note) and English role titles; role content stays as written. The handbook's
    `language: en` setting gives the same bytes."""
    labels = YAML(typ="safe").load((REPO / "templates/labels.yaml").read_text("utf-8"))
    en, zh = labels["en"], labels["zh-CN"]
    assert cli("build", "--root", project, "--lang", "en").code == 0
    out = project / "output"
    role = next(r for r in load(REPO).roles if r.id == "vip-department-manager")
    html = (out / "html/vip-department-manager.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert headings(html, 1) == [role.title.en]
    keys = [
        "document_control",
        "revision_history",
        "summary",
        "reporting",
        "duties",
        "qualifications",
        "competencies",
        "workflow",
        "principles",
        "precautions",
        "approval",
    ]
    assert headings(html, 2) == [en[k] for k in keys if en[k] in headings(html, 2)]
    assert {en["document_control"], en["duties"], en["qualifications"]} <= set(headings(html, 2))
    assert "1 December 2026" in html and "2026年12月1日" not in html
    assert en["uncontrolled"] in html and zh["uncontrolled"] not in html
    label_cells = re.findall(r"<(?:th|dt)[^>]*>(.*?)</(?:th|dt)>", html)
    assert label_cells and set(label_cells) <= set(en.values()), label_cells
    assert role.duties[0] in html
    handbook = docx.Document(out / "docx/handbook.docx")
    texts = [p.text for p in handbook.paragraphs]
    assert en["contents"] in texts and zh["contents"] not in texts
    assert any(t.endswith(f" {role.title.en}") for t in texts)
    edit(project / "handbook.yaml", "language: zh-CN", "language: en")
    assert cli("build", "--root", project, "--output", project / "setting").code == 0
    assert snapshot(project / "setting") == snapshot(out)


class Sidebar(HTMLParser):
    """Collects a page's sidebar: each department's link and the links listed under it, and
    the link marked as the current page."""

    def __init__(self, html: str):
        super().__init__()
        self.departments: list[tuple[str, str, list[str]]] = []  # (name, href, role hrefs)
        self.current: list[str] = []
        self._depth, self._in_department, self._href = 0, False, ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and (self._depth or "sidebar" in attrs.get("class", "").split()):
            self._depth += 1
        if not self._depth:
            return
        if tag == "p":
            self._in_department = attrs.get("class") == "department"
        if tag == "a":
            self._href = attrs["href"]
            self.current += [self._href] if attrs.get("aria-current") == "page" else []
            if not self._in_department and self.departments:
                self.departments[-1][2].append(self._href)

    def handle_endtag(self, tag):
        if tag == "nav" and self._depth:
            self._depth -= 1
        if tag == "p":
            self._in_department = False

    def handle_data(self, data):
        if self._depth and self._in_department:
            self.departments.append((data, self._href, []))


def test_a_role_page_lists_the_departments_and_only_its_own_departments_roles(project, cli):
    """Each page's sidebar links every department; a role's page lists under its own department
    that department's roles, in handbook order, with itself marked, and no other department's.
    The index, whose content lists every role, has the departments alone. Previous and next
    walk the handbook's order across departments."""
    assert (
        cli(
            "new",
            "vip-hostess",
            "--from",
            "vip-specialist",
            "--root",
            project,
            "--date",
            "2026-11-28",
        ).code
        == 0
    )
    edit(project / "roles/vip-hostess.yaml", '"TODO: VIP专员"', "VIP接待员")
    edit(project / "roles/vip-hostess.yaml", '"TODO: VIP Specialist"', "VIP Hostess")
    edit(project / "roles/vip-hostess.yaml", '"TODO: SVC-P2-001"', "SVC-P2-002")
    assert cli("build", "--root", project).code == 0
    html = project / "output/html"
    departments = {
        "证券营业部 · 客户服务部": ["vip-specialist", "vip-hostess"],
        "酒店贵宾俱乐部 · 贵宾部": ["vip-department-manager", "vip-department-supervisor"],
    }
    for name, members in departments.items():
        for role in members:
            sidebar = Sidebar((html / f"{role}.html").read_text(encoding="utf-8"))
            assert sidebar.departments == [
                (d, f"index.html#dept-{n}", [f"{r}.html" for r in rs] if d == name else [])
                for n, (d, rs) in enumerate(departments.items(), 1)
            ], role
            assert sidebar.current == [f"{role}.html"]
    index = Sidebar((html / "index.html").read_text(encoding="utf-8"))
    assert index.departments == [
        (d, f"index.html#dept-{n}", []) for n, d in enumerate(departments, 1)
    ]
    assert index.current == ["index.html"]
    order = ["index", *(r for rs in departments.values() for r in rs)]
    for before, page, after in zip(order[:-1], order[1:], [*order[2:], None], strict=True):
        text = (html / f"{page}.html").read_text(encoding="utf-8")
        assert re.findall(r'<a rel="(prev|next)" href="([^"]+)\.html"', text) == [
            ("prev", before)
        ] * (before != "index") + [("next", after)] * (after is not None)


def test_a_large_department_lists_the_roles_around_the_page_in_its_sidebar(project, cli):
    """A department of more roles than a sidebar holds (here 50) lists on a role's page the 20
    roles before and the 20 after it; its name still links to all of them in the index."""
    source = (project / "roles/vip-specialist.yaml").read_text(encoding="utf-8")
    ids = ["vip-specialist", *(f"vip-specialist-{i:02d}" for i in range(1, 50))]
    for i, role_id in enumerate(ids[1:], 1):
        text = source.replace("id: vip-specialist", f"id: {role_id}")
        text = text.replace("number: VIP-JD-001", f"number: VIP-JD-1{i:02d}")
        text = text.replace("job_code: SVC-P2-001", f"job_code: SVC-P2-1{i:02d}")
        text = text.replace("zh: VIP专员", f"zh: VIP专员{i:02d}")
        (project / f"roles/{role_id}.yaml").write_text(text, encoding="utf-8")
    assert cli("build", "--root", project).code == 0
    for at in (0, 30, 49):
        page = (project / f"output/html/{ids[at]}.html").read_text(encoding="utf-8")
        (_, link, listed), _ = Sidebar(page).departments
        assert link == "index.html#dept-1"
        assert listed == [f"{r}.html" for r in ids[max(at - 20, 0) : at + 21]], at


def test_the_index_draws_a_labelled_chart_per_organisation_with_the_dotted_line_dotted(built):
    page = lxml_html.fromstring((built / "html/index.html").read_bytes())
    figures = page.xpath("//figure[@class='orgchart']")
    assert [f.getprevious().text_content() for f in figures] == ["证券营业部", "酒店贵宾俱乐部"]
    ids = [f.xpath("string(.//title/@id)") for f in figures]
    assert len(set(ids)) == 2  # each chart's title has an id of its own
    assert [len(f.xpath(".//path[@class='dotted']")) for f in figures] == [1, 0]
    assert figures[0].xpath("string(.//title)") == "证券营业部: VIP专员 / 客服主管 / 营业部经理"


def test_the_reporting_table_names_the_solid_and_the_dotted_line(built):
    page = lxml_html.fromstring((built / "html/vip-specialist.html").read_bytes())
    rows = page.xpath("//table[contains(@class, 'reporting')]//tr")
    cells = [[c.text_content() for c in row.xpath("th|td")] for row in rows]
    assert cells[:2] == [["直接上级（实线）", "客服主管"], ["虚线汇报（职能）", "营业部经理"]]
    manager = lxml_html.fromstring((built / "html/vip-department-manager.html").read_bytes())
    assert "虚线汇报（职能）" not in manager.text_content()  # no dotted line: no row
