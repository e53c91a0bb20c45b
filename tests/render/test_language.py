"""Each item and label in the build's language: the source, the translation, or both; and how
the document model takes a bilingual text."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from rolebook.check.gather import load
from rolebook.model.document import Span
from rolebook.model.schema import Name
from rolebook.model.translations import SECOND
from rolebook.output.writers import html
from rolebook.render import language, markup


def test_an_item_resolves_to_its_translation_its_source_or_both():
    assert language.resolve("岗位职责", "Duties", "zh-CN") == "岗位职责"
    assert language.resolve("岗位职责", "Duties", "en") == "Duties"
    assert language.resolve("岗位职责", "", "en") == "岗位职责"
    assert language.resolve("岗位职责", "Duties", "zh-CN+en") == f"岗位职责{SECOND}Duties"
    assert language.resolve("岗位职责", "", "zh-CN+en") == "岗位职责"
    assert language.halves(f"岗位职责{SECOND}Duties") == ("岗位职责", "Duties")
    assert language.halves("岗位职责") == ("岗位职责", "")


def test_bilingual_labels_join_the_words_and_keep_the_chinese_formats():
    labels = {
        "zh-CN": {"duties": "岗位职责", "date_format": "{y}年{m}月{d}日", "field_separator": "："},
        "en": {"duties": "Duties", "date_format": "{d} {month} {y}", "field_separator": ": "},
    }
    assert language.labels(labels, "zh-CN+en", " / ") == {
        "duties": "岗位职责 / Duties",
        "date_format": "{y}年{m}月{d}日",
        "field_separator": "：",
    }
    assert language.labels(labels, "en") is labels["en"]


def test_a_translated_project_is_localised_in_english(translated: Path):
    project = load(translated)
    project.settings = dataclasses.replace(project.settings, language="en")
    english = language.localised(project)
    specialist = next(r for r in english.roles if r.id == "vip-specialist")
    manager = next(r for r in english.roles if r.id == "vip-department-manager")
    assert specialist.department == "Customer Service Department"
    assert specialist.reporting.reports_to == ["Customer Service Supervisor"]
    assert manager.reporting.reports_to == ["Director"]
    assert english.settings.title == "VIP Job Descriptions Handbook"
    # Role ids stay: a reporting line to a role prints that role's title.
    supervisor = next(r for r in english.roles if r.id == "vip-department-supervisor")
    assert "vip-department-manager" in supervisor.reporting.reports_to
    assert project.roles[0].summary != english.roles[0].summary  # the project is not changed


def test_a_bilingual_text_becomes_a_translation_span_on_a_line_of_its_own():
    doc = markup.parse(
        f"<document><section><p>1. 岗位职责{SECOND}Duties</p>"
        f'<signoff><signer as="编制{SECOND}Drafted by"/></signoff>'
        f'<p>甲<span lang="en"><strong>A</strong>: b</span></p></section></document>'
    )
    first, signoff, principle = doc.sections[0].blocks
    assert first.spans == (Span("1. 岗位职责"), Span("Duties", lang="en"))
    assert signoff.signers[0].role == "编制 / Drafted by"
    assert principle.spans == (
        Span("甲"),
        Span("A", strong=True, lang="en"),
        Span(": b", lang="en"),
    )
    assert html.spans(principle.spans) == (
        '甲<br><strong><span class="translation" lang="en">A</span></strong>'
        '<span class="translation" lang="en">: b</span>'
    )


def test_a_name_in_both_languages_is_printed_as_the_build_asks():
    family = Name("客户服务序列", "Customer Service")
    assert language.name(family, "zh-CN") == "客户服务序列"
    assert language.name(family, "en") == "Customer Service"
    assert language.name(family, "zh-CN+en") == f"客户服务序列{SECOND}Customer Service"


def test_bilingual_names_are_joined_language_by_language():
    org, department = f"证券营业部{SECOND}Brokerage", f"客户服务部{SECOND}Customer Service"
    assert language.joined([org, department], " · ") == (
        f"证券营业部 · 客户服务部{SECOND}Brokerage · Customer Service"
    )
    assert language.joined(["证券营业部", department], " · ") == (
        f"证券营业部 · 客户服务部{SECOND}证券营业部 · Customer Service"
    )
    assert language.joined(["证券营业部", "贵宾部"], " · ") == "证券营业部 · 贵宾部"
