"""Which texts of a role and of the settings are translatable items, and how they are keyed."""

from __future__ import annotations

from pathlib import Path

from rolebook.check import gather
from rolebook.model.schema import Library, LibraryText
from rolebook.model.translations import (
    Translation,
    count_chinese,
    handbook_items,
    key,
    library_name,
    role_items,
    source_hash,
    translated_from,
)

REPO = Path(__file__).resolve().parents[2]


def sample():
    return gather.load(REPO)


def test_a_key_is_the_items_path_with_indices_in_brackets():
    assert key(("summary",)) == "summary"
    assert key(("workflow", 1, "steps", 0)) == "workflow[1].steps[0]"
    assert key(("principles", 2, "rule")) == "principles[2].rule"


def test_the_source_hash_is_8_hex_digits_and_ignores_how_the_text_is_wrapped():
    assert len(source_hash("保密性原则")) == 8
    assert source_hash("一行\n  两行 ") == source_hash("一行 两行")
    assert source_hash("一行两行") != source_hash("一行 两行")


def test_a_translation_without_a_source_hash_translates_the_text_under_was():
    assert translated_from(Translation("", "Duties", "岗位职责")) == source_hash("岗位职责")
    assert translated_from(Translation("0badc0de", "Duties", "岗位职责")) == "0badc0de"


def test_a_roles_items_are_its_printed_texts_with_chinese_in_file_order():
    role = next(r for r in sample().roles if r.id == "vip-specialist")
    items = role_items(role)
    assert list(items)[:5] == [
        "document_control.drafted_by",
        "document_control.reviewed_by",
        "document_control.approved_by",
        "document_control.applies_to",
        "summary",
    ]
    assert items["workflow[8].period"] == (("workflow", 8, "period"), "每交易周、交易月结束后")
    assert not any(key.startswith("principles") for key in items)  # the library's: ref only
    # Ids, titles, departments and reporting lines are not the role's own items, nor is text
    # without a Chinese character (a document number) or a date.
    keys = " ".join(items)
    for absent in ("id", "title", "department", "reporting", "number", "date", "version"):
        assert absent + "." not in keys and absent not in items
    assert len(items) == 52  # its line 良好的敬业精神和职业道德操守 names the library


def test_a_library_files_items_are_translated_in_its_own_file():
    competencies, shelf, _ = sample().library
    assert library_name(shelf.path) == "library.principles"
    items = role_items(shelf.value)
    assert items["principles[0].name"] == (("principles", 0, "name"), "保密性原则")
    assert len(items) == 8
    # A competency's name, description and the description of each level, not its level numbers.
    assert library_name(competencies.path) == "library.competencies"
    items = role_items(competencies.value)
    assert list(items) == [
        "competencies[0].name",
        "competencies[0].description",
        *(f"competencies[0].levels[{i}].description" for i in range(4)),
    ]
    assert items["competencies[0].levels[3].description"][1].startswith("制定并改进")


def test_the_handbooks_items_add_the_departments_and_the_positions_outside_it():
    project = sample()
    items = handbook_items(project.settings, project.roles)
    assert list(items)[:2] == ["title", "organisation"]
    assert items["departments.贵宾部"] == (("departments",), "贵宾部")
    assert items["external_positions.总监"] == (("external_positions", 0), "总监")
    assert "document_number" not in items  # HB-VIP-001 has no Chinese


def test_chinese_characters_are_counted_but_not_punctuation_or_latin_letters():
    assert count_chinese("VIP专员：Specialist，“2023-”") == 2


def test_a_library_files_standard_qualifications_and_safety_rules_are_items_too():
    shelf = Library(
        qualifications=[LibraryText("professional-ethics", "良好的敬业精神和职业道德操守。")],
        safety_rules=[LibraryText("fire-exits", "保持安全出口畅通。")],
    )
    assert role_items(shelf) == {
        "qualifications[0].text": (("qualifications", 0, "text"), "良好的敬业精神和职业道德操守。"),
        "safety_rules[0].text": (("safety_rules", 0, "text"), "保持安全出口畅通。"),
    }
