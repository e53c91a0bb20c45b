"""The HTML handbook in a real browser: Debian's Chromium (headless, driven by Playwright),
the built output served from 127.0.0.1.

A reader's paths: search from every page (the search itself: test_search_browser.py), follow
the org chart to a role, walk the roles with next / previous, download every Word file. And what
the pages must be for everyone: no sideways scrolling at 375 and 1280 px (screenshots saved),
every link on a phone's screen, table labels whole; one h1, headings in order, table headers
with a scope, readable contrast, a skip link; printed, the version header and the
uncontrolled-copy note on every page.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import clients
import docx
import pytest
from conftest import REPO, handbook_numbers
from ruamel.yaml import YAML

from rolebook.check import gather

pytestmark = pytest.mark.external  # Chromium (Playwright) and an HTTP server

PROJECT = gather.load(REPO)
ROLES = {role.id: role for role in PROJECT.roles}
LABELS = YAML(typ="safe").load((REPO / "templates" / "labels.yaml").read_text("utf-8"))[
    PROJECT.settings.language
]
ORDER = sorted(ROLES, key=lambda r: handbook_numbers(ROLES.values())[r])
PAGES = ["index", *ROLES]
WIDTHS = (375, 1280)


@pytest.fixture(scope="module")
def site(built) -> str:
    """Returns the URL of the built output folder, served over HTTP from 127.0.0.1."""
    with clients.serve(built) as base:
        yield base


@pytest.fixture
def page(browser):
    """Returns a fresh 1280 × 900 page (tab); closed after the test."""
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    yield tab
    tab.close()


def texts_of(value) -> list[str]:
    """Returns every text in a role (dataclasses and lists walked)."""
    if dataclasses.is_dataclass(value):
        return [t for f in dataclasses.fields(value) for t in texts_of(getattr(value, f.name))]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in texts_of(v)]
    return [str(value)] if isinstance(value, str) else []


def title_of_page(page) -> str:
    """Returns the page's h1 without its number in the handbook ("2.1")."""
    heading = page.locator("h1")
    number = heading.locator(".number")
    text = heading.inner_text()
    return text.removeprefix(number.inner_text()).strip() if number.count() else text


def test_search_works_from_every_page_and_says_when_nothing_matches(site, page):
    """Every page has the search box; a word found nowhere shows the no-match message."""
    for name in PAGES:
        page.goto(f"{site}html/{name}.html")
        page.fill("#search-input", "不存在的词语")
        assert page.locator("#search-results .none").inner_text() == LABELS["search_none"]
        page.fill("#search-input", "")
        assert page.locator("#search-results").is_hidden()


def test_the_org_chart_links_every_role_and_leads_to_it(site, page):
    """The index's org chart is inline SVG with one linked box per role; clicking a box opens
    that role's page."""
    page.goto(site + "html/index.html")
    links = page.locator("figure.orgchart svg a")
    assert sorted(a.get_attribute("href") for a in links.all()) == sorted(
        f"{r}.html" for r in ROLES
    )
    page.locator('figure.orgchart svg a[href="vip-department-manager.html"]').click()
    page.wait_for_url("**/html/vip-department-manager.html")
    assert title_of_page(page) == ROLES["vip-department-manager"].title.zh


def test_next_links_walk_every_role_in_handbook_order_and_back(site, page):
    """From the index, "next" visits every role in the handbook's order and "previous" walks
    back; each page's breadcrumbs lead back to the index, and its sidebar lists the roles of its
    department with the current one marked."""
    page.goto(site + "html/index.html")
    visited = []
    while page.locator('a[rel="next"]').count():
        page.locator('a[rel="next"]').click()
        page.wait_for_load_state()
        visited.append(Path(page.url).stem)
        assert page.locator(".crumbs a").first.get_attribute("href") == "index.html"
        current = page.locator('.sidebar a[aria-current="page"]')
        assert current.get_attribute("href") == f"{visited[-1]}.html"
        department = ROLES[visited[-1]].department
        assert page.locator(".sidebar li a").count() == sum(
            r.department == department for r in ROLES.values()
        )
    assert visited == ORDER
    back = []
    while page.locator('a[rel="prev"]').count():
        page.locator('a[rel="prev"]').click()
        page.wait_for_load_state()
        back.append(Path(page.url).stem)
    assert back == ORDER[-2::-1]


def test_every_download_link_is_a_docx_that_opens(site, page):
    """Every link to a .docx on every page answers 200 with a Word file python-docx opens."""
    seen = set()
    for name in PAGES:
        page.goto(f"{site}html/{name}.html")
        for link in page.locator('a[href$=".docx"]').all():
            url = page.evaluate("(a) => a.href", link.element_handle())
            if url in seen:
                continue
            seen.add(url)
            response = page.request.get(url)
            assert response.status == 200, url
            assert docx.Document(io.BytesIO(response.body())).paragraphs, url
    assert {Path(u).name for u in seen} == {f"{n}.docx" for n in [*ROLES, "handbook"]}


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_pages_fit_the_screen_at_375_and_1280_px(site, browser, screenshots, name, width):
    """At 375 px (a phone) and 1280 px (a laptop) nothing makes the page scroll sideways and
    the content takes most of the width (on a phone the role list moves below it); a screenshot
    of each is saved (pytest's temporary folder, screenshots*/)."""
    tab = browser.new_page(viewport={"width": width, "height": 800})
    try:
        tab.goto(f"{site}html/{name}.html")
        overflow = tab.evaluate("document.documentElement.scrollWidth")
        main = tab.evaluate("document.querySelector('main').getBoundingClientRect().width")
        shot = screenshots / f"{name}-{width}.png"
        tab.screenshot(path=str(shot), full_page=True)
    finally:
        tab.close()
    assert overflow <= width, f"{name} is {overflow} px wide at {width} px"
    assert main >= (0.9 if width < 800 else 0.6) * width, f"main is {main} px at {width} px"
    assert shot.read_bytes().startswith(b"\x89PNG")


# On a phone: the page no wider than the screen; each link, scrolled to, on the screen and the
# topmost element there, with no box scrolled sideways to show it; no table label broken inside a
# word (a word: a run without spaces, so "下次评审日期" whole, "Next review" at its space).
PHONE = """() => {
  const problems = [], width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width) problems.push("page is wider");
  for (const a of document.querySelectorAll("a[href]")) {
    if (!a.getClientRects().length || a.closest("[hidden]") || a.matches(".skip-link")) continue;
    a.scrollIntoView({ block: "center", inline: "nearest" });
    for (let el = a.parentElement; el; el = el.parentElement) {
      if (el.scrollLeft > 0) problems.push("scrolled sideways to " + a.getAttribute("href"));
    }
    const r = a.getClientRects()[0];
    const hit = document.elementFromPoint(r.left + Math.min(r.width / 2, 5), r.top + r.height / 2);
    if (r.left < 0 || r.right > width + 0.5 || !hit || !(a === hit || a.contains(hit)))
      problems.push("link off the screen: " + a.getAttribute("href"));
  }
  for (const th of document.querySelectorAll("th")) {
    const text = th.firstChild;
    if (!th.getClientRects().length || !text || text.nodeType !== 3) continue;
    for (const m of text.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(text, m.index);
      range.setEnd(text, m.index + m[0].length);
      if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1)
        problems.push("label broken: " + m[0]);
    }
  }
  return problems;
}"""


@pytest.mark.parametrize("name", PAGES)
def test_on_a_phone_every_link_is_on_the_screen_and_labels_stay_whole(site, browser, name):
    """At 375 px the index shows each role as a card, every value and link on the screen (no
    table to scroll sideways); role pages' table labels wrap between words only."""
    tab = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        tab.goto(f"{site}html/{name}.html")
        assert tab.evaluate(PHONE) == []
        if name == "index":
            assert (
                tab.locator("table.roles td[data-label]")
                .nth(1)
                .evaluate("(td) => getComputedStyle(td, '::before').content")
                == f'"{LABELS["document_number"]}"'
            )
    finally:
        tab.close()


ACCESSIBILITY = """() => {
  const problems = [];
  if (document.querySelectorAll("h1").length !== 1) problems.push("h1 count");
  let level = 0;
  for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const next = Number(h.tagName[1]);
    if (next > level + 1) problems.push("heading jumps to " + h.tagName + ": " + h.textContent);
    level = next;
  }
  for (const th of document.querySelectorAll("th")) {
    if (!["row", "col"].includes(th.getAttribute("scope"))) problems.push("th without scope");
  }
  const first = document.querySelector("body a");
  const target = first && document.querySelector(first.getAttribute("href"));
  if (!first || !first.classList.contains("skip-link") || !target || target.tagName !== "MAIN")
    problems.push("no skip link to main first");
  return problems;
}"""

# WCAG's contrast ratio of each element's text colour against the first opaque background
# behind it (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio).
CONTRAST = """() => {
  const rgb = (s) => s.match(/[\\d.]+/g).map(Number);
  const lum = (c) => { const [r, g, b] = c.slice(0, 3).map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const background = (el) => { for (; el; el = el.parentElement) {
    const c = rgb(getComputedStyle(el).backgroundColor);
    if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; };
  const low = [];
  for (const el of document.querySelectorAll("body *:not(svg *)")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.offsetParent === null) continue;
    const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) low.push(el.tagName + " " + ratio.toFixed(2) + ": " + el.textContent.trim());
  }
  return low;
}"""


@pytest.mark.parametrize("name", PAGES)
def test_pages_are_accessible(site, page, name):
    """One h1; headings never skip a level; every th has a scope; the first link skips to the
    main content; all text has a contrast of at least 4.5:1 (WCAG AA)."""
    page.goto(f"{site}html/{name}.html")
    assert page.evaluate(ACCESSIBILITY) == []
    assert page.evaluate(CONTRAST) == []


@pytest.mark.parametrize("role_id", ROLES)
def test_printed_role_repeats_its_version_header_and_the_uncontrolled_note(
    site, page, tmp_path, role_id
):
    """Printed (Chromium's PDF, read back by pdftotext), every page of a role starts with its
    version header (with the draft mark unless approved) and ends with the uncontrolled-copy
    note; no navigation or search is printed."""
    page.goto(f"{site}html/{role_id}.html")
    pdf = tmp_path / f"{role_id}.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    printed = clients.pdf_pages_text(pdf)
    dc = ROLES[role_id].document_control
    mark = "" if dc.status == "approved" else LABELS[f"mark_{dc.status}"]
    assert len(printed) > 1
    for number, text in enumerate(printed, 1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[0].startswith(
            f"{mark} {LABELS['document_number']}：{dc.number}"
            if mark
            else f"{LABELS['document_number']}：{dc.number}"
        ), f"page {number}: {lines[0]!r}"
        assert lines[-1].startswith(LABELS["uncontrolled"]), f"page {number}: {lines[-1]!r}"
        assert LABELS["search"] not in text and LABELS["all_roles"] not in text
