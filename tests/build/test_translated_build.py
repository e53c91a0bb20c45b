"""Builds in English and in both languages of a translated project: the English is used
wherever there is a translation, both languages print each item, and a translation file is an
input of its role's pages."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import edit
from readback import docx_text, snapshot

from rolebook.build import pipeline
from rolebook.check.gather import load
from rolebook.model.translations import count_chinese, role_items

EN = "translations/en/"


def html_text(path: Path) -> str:
    """Returns the text an HTML page shows: without its tags, scripts and styles."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


def expected_chinese(root: Path, role_id: str) -> int:
    """Returns how many Chinese characters an English page of the role may show: those the
    English translations quote (a revision record quoting the corrected characters), and the
    role's Chinese title, shown under the English one."""
    from rolebook.load import translations

    files = translations.load(root)["en"]
    quoted = sum(count_chinese(t.text) for t in (files[role_id].value or {}).values())
    role = next(r for r in load(root).roles if r.id == role_id)
    return quoted + count_chinese(role.title.zh)


@pytest.fixture
def english(translated: Path) -> Path:
    out = translated / "output"
    pipeline.build(translated, out, lang="en", workers=1, use_cache=False)
    return out


def test_an_english_build_shows_no_chinese_but_what_its_translations_quote(translated, english):
    for role_id in ("vip-specialist", "vip-department-manager", "vip-department-supervisor"):
        allowed = expected_chinese(translated, role_id)
        assert count_chinese(html_text(english / f"html/{role_id}.html")) == allowed
        assert count_chinese(docx_text(english / f"docx/{role_id}.docx")) == allowed


def test_an_untranslated_item_stays_in_chinese_in_an_english_build(translated):
    edit(
        translated / f"{EN}vip-specialist.yaml",
        "  text: No record of professional misconduct.\n",
        "  text:\n",
    )
    out = translated / "output"
    pipeline.build(translated, out, lang="en", workers=1, use_cache=False)
    html = html_text(out / "html/vip-specialist.html")
    assert "无不良从业记录。" in html
    assert count_chinese(html) == expected_chinese(translated, "vip-specialist") + 7


def test_a_bilingual_build_prints_each_item_in_chinese_then_in_english(translated):
    out = translated / "output"
    pipeline.build(translated, out, lang="zh-CN+en", workers=1, use_cache=False)
    page = (out / "html/vip-specialist.html").read_text(encoding="utf-8")
    assert (
        '<li id="duties-5">其他服务内容：未明确内容可及时做到补充。<br>'
        '<span class="translation" lang="en">Other services: anything not set out here can be '
        "added as the need arises.</span></li>"
    ) in page
    assert '<html lang="zh-CN">' in page
    assert '岗位职责<br><span class="translation" lang="en">Duties</span></h2>' in page
    core = zipfile.ZipFile(out / "docx/vip-specialist.docx").read("docProps/core.xml")
    assert b"<dc:language>zh-CN</dc:language>" in core
    assert "<dc:title>VIP专员 / VIP Specialist</dc:title>".encode() in core
    text = docx_text(out / "docx/vip-specialist.docx")
    assert "其他服务内容：未明确内容可及时做到补充。\nOther services: anything" in text
    assert "保密性原则：VIP室服务人员应为所服务VIP客户全面做到保密原则" in text
    assert "\nConfidentiality: The VIP room service staff keep full confidentiality" in text


def test_every_item_of_the_sample_is_in_the_bilingual_word_handbook(translated):
    out = translated / "output"
    pipeline.build(translated, out, lang="zh-CN+en", workers=1, use_cache=False)
    text = docx_text(out / "docx/handbook.docx")
    files = load(translated).translations["en"]
    for role in load(translated).roles:
        for item, (_, source) in role_items(role).items():
            english = files[role.id][item].text
            assert source in text and english in text, (role.id, item)


def test_a_translation_edited_rebuilds_its_roles_pages_and_the_handbook(translated):
    out = translated / "output"

    def build() -> set[str]:
        return set(pipeline.build(translated, out, lang="en", workers=1).rendered)

    build()
    edit(translated / f"{EN}vip-specialist.yaml", "Other services:", "Other services —")
    assert build() == {
        "docx/vip-specialist.docx",
        "html/vip-specialist.html",
        "docx/handbook.docx",
        "html/search-index.js",
    }
    clean = translated.parent / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    pipeline.build(translated, clean, lang="en", workers=1, use_cache=False)
    assert snapshot(out) == snapshot(clean)


def test_a_department_translated_rebuilds_every_page(translated):
    out = translated / "output"
    pipeline.build(translated, out, lang="en", workers=1)
    edit(translated / f"{EN}handbook.yaml", "text: VIP Department\n", "text: VIP Club\n")
    rendered = pipeline.build(translated, out, lang="en", workers=1).rendered
    assert "html/index.html" in rendered and "docx/vip-department-manager.docx" in rendered
    assert "VIP Club" in html_text(out / "html/vip-department-manager.html")
