"""The HTML handbook's search in a real browser (Debian's Chromium, driven by Playwright), on the
sample built in Chinese and in English (`build --lang en`), opened from disk as a reader may.

What a reader sees: the lines that hold the words, grouped by role, the words marked; titles
before headings before text; each hit leading to its line's anchor in the role's page; a count
that reads right in either language; a placeholder whose word finds something.
"""

from __future__ import annotations

import re

import pytest
from conftest import REPO
from ruamel.yaml import YAML

from rolebook.cli import main

pytestmark = pytest.mark.external  # Chromium (Playwright)

LABELS = YAML(typ="safe").load((REPO / "templates" / "labels.yaml").read_text("utf-8"))
# What the results list shows: the count, and each role's group with its title's marks and
# its hits (link, rank from the class rank-N, marked words, text).
RESULTS = """() => ({
  count: document.querySelector("#search-results .count").textContent,
  groups: [...document.querySelectorAll("#search-results .group")].map((g) => ({
    url: g.querySelector("a.role").getAttribute("href"),
    marks: [...g.querySelectorAll("a.role mark")].map((m) => m.textContent),
    hits: [...g.querySelectorAll("a.hit")].map((a) => ({
      href: a.getAttribute("href"),
      rank: Number(a.className.match(/rank-(\\d)/)[1]),
      marks: [...a.querySelectorAll("mark")].map((m) => m.textContent),
    })),
  })),
})"""
# The lines of a page that hold `word`: the ids of the elements the search's anchors name.
LINES_WITH = """(word) => [...document.querySelectorAll("[id]")]
  .filter((el) => /-\\d+$/.test(el.id) && el.textContent.includes(word)).map((el) => el.id)"""


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    """Returns the output folder of the sample built in English."""
    out = tmp_path_factory.mktemp("built-en") / "output"
    assert (
        main(["build", "--root", str(REPO), "--output", str(out), "--no-cache", "--lang", "en"])
        == 0
    )
    return out


@pytest.fixture
def page(browser):
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    tab.close()
    assert errors == []


def search(page, folder, query: str) -> dict:
    """Opens the index of the handbook in `folder` from disk, types `query`; returns what the
    results show (see RESULTS)."""
    page.goto((folder / "html" / "index.html").as_uri())
    page.fill("#search-input", query)
    page.locator("#search-results .count").wait_for()
    return page.evaluate(RESULTS)


def ranks(result: dict) -> list[int]:
    """Returns each group's best rank: 0 when its title matched, else its best hit's."""
    return [0 if g["marks"] else min(h["rank"] for h in g["hits"]) for g in result["groups"]]


def test_a_chinese_word_finds_each_line_that_holds_it_marked_and_linked_to_its_anchor(built, page):
    """ "交割单" lists the very lines of the pages that hold it (a duty, a skill, a workflow
    step), each linked to its anchor with the word marked, and counts them; the first hit
    opens the page at that line."""
    word = "交割单"
    expected = []
    for path in sorted((built / "html").glob("vip-*.html")):
        page.goto(path.as_uri())
        expected += [f"{path.name}#{i}" for i in page.evaluate(LINES_WITH, word)]
    result = search(page, built, word)
    hits = [h for g in result["groups"] for h in g["hits"]]
    assert sorted(h["href"] for h in hits) == expected and len(expected) >= 3
    assert all(h["marks"] == [word] and h["rank"] == 2 for h in hits)
    assert result["count"] == LABELS["zh-CN"]["search_count_other"].format(n=len(expected))
    first = hits[0]["href"]
    page.click("#search-results a.hit")
    page.wait_for_url(f"**/html/{first}")
    target = page.locator(":target")
    assert word in target.inner_text() and target.get_attribute("id") == first.split("#")[1]


def test_words_of_a_chinese_query_apart_in_the_line_are_found_by_their_bigrams(built, page):
    """ "客户投诉": no line holds the four characters together, but a principle holds 客户 and
    投诉 apart, and so does the supervisor's competency (level 3 of 客户服务意识); they are found
    with both marked."""
    result = search(page, built, "客户投诉")
    hits = [h for g in result["groups"] for h in g["hits"]]
    assert [h["href"] for h in hits] == [
        "vip-specialist.html#principles-3",
        "vip-department-supervisor.html#competencies-1",
    ]
    assert set(hits[0]["marks"]) == {"客户", "投诉"}


def test_chinese_results_rank_titles_then_headings_then_text(built, page):
    """ "主管" is in one role's title and in other roles' lines: that role comes first, its
    title marked. "岗位职责" is a heading of every role: each links to #duties, before a line
    that also holds it."""
    result = search(page, built, "主管")
    assert result["groups"][0]["url"] == "vip-department-supervisor.html"
    assert result["groups"][0]["marks"] == ["主管"]
    assert ranks(result) == sorted(ranks(result)) and ranks(result)[-1] == 2
    result = search(page, built, "岗位职责")
    for group in result["groups"]:
        assert group["hits"][0] == {
            "href": f"{group['url']}#duties",
            "rank": 1,
            "marks": ["岗位职责"],
        }
        assert [h["rank"] for h in group["hits"]] == sorted(h["rank"] for h in group["hits"])
    assert any(h["rank"] == 2 for g in result["groups"] for h in g["hits"])


def test_english_words_match_their_other_forms_ranked_and_marked(english, page):
    """Built in English, "supervisors" finds the VIP Department Supervisor by its title first,
    then the lines of the other roles that name a supervisor, "Supervisor" marked in all; a
    heading's plural finds it from the singular ("principle" → Work principles)."""
    result = search(page, english, "supervisors")
    assert [g["url"] for g in result["groups"]] == [
        "vip-department-supervisor.html",
        "vip-specialist.html",  # reports to the Customer Service Supervisor
        "vip-department-manager.html",
    ]
    assert result["groups"][0]["marks"] == ["Supervisor"]
    manager = result["groups"][2]["hits"]
    assert manager[0]["href"] == "vip-department-manager.html#reporting-2"
    lines = [h for g in result["groups"][1:] for h in g["hits"]]
    # The manager's duty says "supervisors": the word as written is marked.
    assert all(h["marks"] in (["Supervisor"], ["supervisors"]) for h in lines)
    assert ["supervisors"] in [h["marks"] for h in manager]
    assert all(h["rank"] == 2 for h in lines)
    # A role lists 4 lines, then "n more": the count counts every line that matched.
    more = page.evaluate(
        """() => [...document.querySelectorAll('#search-results .more')]
            .map((li) => Number(li.textContent.match(/\\d+/)[0]))"""
    )
    assert result["count"] == f"{1 + len(lines) + sum(more)} results"
    result = search(page, english, "principle")
    assert result["groups"][0]["hits"] == [
        {"href": "vip-specialist.html#principles", "rank": 1, "marks": ["principles"]},
        {"href": "vip-specialist.html#principles-4", "rank": 2, "marks": ["principle"]},
    ]
    assert result["count"] == "2 results"


def test_the_count_reads_right_for_nothing_found_in_both_languages(built, english, page):
    assert search(page, english, "zzzz")["count"] == "0 results"
    assert page.locator("#search-results .none").inner_text() == LABELS["en"]["search_none"]
    assert search(page, built, "不存在的词语")["count"] == "找到 0 条结果"


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_placeholder_suggests_a_word_the_search_finds(built, english, page, lang):
    folder = built if lang == "zh-CN" else english
    page.goto((folder / "html" / "index.html").as_uri())
    placeholder = page.get_attribute("#search-input", "placeholder")
    before, _, after = LABELS[lang]["search_suggest"].partition("{word}")
    assert placeholder.startswith(before) and placeholder.endswith(after)
    word = placeholder[len(before) : len(placeholder) - len(after)]
    assert word and (re.fullmatch(r"[a-z]{4,}", word) if lang == "en" else len(word) == 2)
    assert search(page, folder, word)["groups"]


def test_the_arrow_keys_walk_the_results_and_enter_opens_one(built, page):
    result = search(page, built, "交割单")
    page.keyboard.press("ArrowDown")
    assert (
        page.evaluate("document.activeElement.getAttribute('href')") == result["groups"][0]["url"]
    )
    page.keyboard.press("ArrowDown")
    first = result["groups"][0]["hits"][0]["href"]
    assert page.evaluate("document.activeElement.getAttribute('href')") == first
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "search-input"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/html/{first}")
