"""The checks of the translation files: unknown files and items, missing, empty and stale
translations, with their exact messages."""

from __future__ import annotations

import shutil

from conftest import edit

from rolebook.check.gather import load

EN = "translations/en/"


def messages(root) -> list[str]:
    """Returns the first line of each diagnostic of the project, but the compliance warnings
    the sample has on purpose."""
    return [
        d.format().splitlines()[0]
        for d in load(root).diagnostics
        if "requirement on" not in d.message
    ]


def test_the_samples_translations_are_complete_and_current(translated):
    assert messages(translated) == []


def test_a_project_without_translations_is_not_checked_for_them(project):
    assert messages(project) == []


def test_a_changed_source_text_makes_its_translation_stale_and_shows_the_new_text(translated):
    edit(translated / "roles/vip-specialist.yaml", "咨询信息服务：每日", "咨询信息服务：每天")
    assert messages(translated) == [
        f"{EN}vip-specialist.yaml:42:11: warning: stale English translation of 'duties[0]': its "
        "source changed after it was translated; it now reads: "
        "咨询信息服务：每天各类媒体关于市场及VIP客户关注的个股信息。"
    ]


def test_a_missing_translation_is_a_warning_at_the_source_text(translated):
    edit(translated / f"{EN}vip-specialist.yaml", "\nsummary:", "\nsummry:")
    edit(translated / f"{EN}handbook.yaml", "departments.贵宾部:", "departments.贵宾部门:")
    assert messages(translated) == [
        "roles/vip-department-manager.yaml:6:13: warning: no English translation of "
        "'departments.贵宾部'; `rolebook translate --lang en` adds it as a TODO",
        "roles/vip-specialist.yaml:8:10: warning: no English translation of 'summary'; "
        "`rolebook translate --lang en` adds it as a TODO",
        f"{EN}handbook.yaml:45:1: error: unknown item 'departments.贵宾部门'; did you mean "
        "'departments.贵宾部'?",
        f"{EN}vip-specialist.yaml:21:1: error: unknown item 'summry'; did you mean 'summary'?",
    ]


def test_an_empty_translation_is_a_todo_warning(translated):
    edit(translated / f"{EN}handbook.yaml", "text: Director\n", "text:\n")
    assert messages(translated) == [
        f"{EN}handbook.yaml:49:1: warning: 'external_positions.总监' is not translated yet"
    ]


def test_an_entry_of_no_item_is_an_error(translated):
    with (translated / f"{EN}vip-specialist.yaml").open("a", encoding="utf-8") as file:
        file.write("foo:\n  text: x\n")
    assert messages(translated) == [
        f"{EN}vip-specialist.yaml:213:1: error: unknown item 'foo': roles/vip-specialist.yaml "
        "has no such text to translate; delete the entry (`rolebook translate` drops it)"
    ]


def test_a_file_of_no_role_is_an_error_with_did_you_mean(translated):
    shutil.copy(translated / f"{EN}vip-specialist.yaml", translated / f"{EN}vip-specalist.yaml")
    assert messages(translated) == [
        f"{EN}vip-specalist.yaml:1:1: error: no role 'vip-specalist' to translate; did you mean "
        "'vip-specialist.yaml'? a translation file is named after the role it translates, "
        "<id>.yaml, or is handbook.yaml for handbook.yaml"
    ]


def test_a_role_without_a_translation_file_is_one_warning(translated):
    (translated / f"{EN}vip-specialist.yaml").unlink()
    assert messages(translated) == [
        "roles/vip-specialist.yaml:1:1: warning: no English translation: "
        f"{EN}vip-specialist.yaml is missing; `rolebook translate --lang en` writes it, with a "
        "TODO for each item"
    ]


def test_a_translation_file_is_read_as_strictly_as_a_role(translated):
    edit(translated / f"{EN}vip-specialist.yaml", "  source: 5c6f79a8", "  source: 5c6f79a")
    edit(translated / f"{EN}vip-specialist.yaml", "  text: In day-to-day", "  txt: In day-to-day")
    assert messages(translated) == [
        f"{EN}vip-specialist.yaml:22:11: error: '5c6f79a' is not a source hash (8 hex digits); "
        "write it like 3f2a1b9c",
        f"{EN}vip-specialist.yaml:24:3: error: unknown key 'txt' in 'summary'; did you mean "
        "'text'?",
    ]


def test_strict_check_fails_on_a_stale_translation(translated, cli):
    edit(translated / "roles/vip-specialist.yaml", "无不良从业记录。", "无不良从业记录")
    result = cli("check", "--root", translated, "--strict")
    assert result.code == 1
    assert "warning: stale English translation of 'qualifications.personal[1]'" in result.err


def test_an_entry_written_as_a_bare_text_says_it_must_be_a_mapping(translated):
    edit(translated / f"{EN}vip-specialist.yaml", "summary:\n", "summary: In day\nsummary2:\n")
    assert messages(translated) == [
        f"{EN}vip-specialist.yaml:21:10: error: 'summary' must be a mapping of keys to values, "
        "not a text"
    ]
