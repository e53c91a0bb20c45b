"""`translate --lang en`: writes every item's entry, TODOs for those to translate, keeps good
entries and refuses to overwrite a file it cannot read."""

from __future__ import annotations

from conftest import edit
from openpyxl import load_workbook

EN = "translations/en/"


def test_translate_writes_a_todo_entry_for_every_item(project, cli):
    result = cli("translate", "--root", project, "--lang", "en")
    assert result.code == 0
    assert result.out.splitlines()[-1] == "156 items to translate"
    text = (project / f"{EN}vip-specialist.yaml").read_text(encoding="utf-8")
    assert (
        "duties[4]:\n"
        "  # TODO: translate\n"
        "  source: 0c350b25\n"
        "  was: 其他服务内容：未明确内容可及时做到补充。\n"
        "  text:\n"
    ) in text
    check = cli("check", "--root", project)
    assert check.code == 0 and "warning: 'duties[4]' is not translated yet" in check.err


def test_translate_keeps_translations_and_marks_stale_ones(translated, cli):
    edit(translated / "roles/vip-specialist.yaml", "无不良从业记录。", "无任何不良从业记录。")
    before = (translated / f"{EN}handbook.yaml").read_bytes()
    result = cli("translate", "--root", translated, "--lang", "en")
    assert result.out.splitlines() == [f"wrote {EN}vip-specialist.yaml", "1 item to translate"]
    assert (translated / f"{EN}handbook.yaml").read_bytes() == before
    text = (translated / f"{EN}vip-specialist.yaml").read_text(encoding="utf-8")
    assert (
        "qualifications.personal[1]:\n"
        "  # TODO: stale; the source now reads: 无任何不良从业记录。\n"
        "  # Revise text, copy the new source into was, delete the source line\n"
        "  # and run `rolebook translate --lang en` again.\n"
        "  source: 9dc7c346\n"
        "  was: 无不良从业记录。\n"
        "  text: No record of professional misconduct.\n"
    ) in text


def test_a_stale_entry_revised_as_the_note_says_is_current_again(translated, cli):
    path = translated / f"{EN}vip-specialist.yaml"
    edit(translated / "roles/vip-specialist.yaml", "无不良从业记录。", "无任何不良从业记录。")
    edit(path, "  source: 9dc7c346\n  was: 无不良从业记录。", "  was: 无任何不良从业记录。")
    edit(path, "No record of professional misconduct.", "No record of any misconduct.")
    assert cli("translate", "--root", translated, "--lang", "en").out.endswith(
        "0 items to translate\n"
    )
    # The sample's 4 compliance warnings, and no other.
    assert cli("check", "--root", translated).out.startswith("3 roles: 0 errors, 4 warnings")


def test_translate_drops_entries_of_items_that_are_gone(translated, cli):
    edit(translated / "roles/vip-specialist.yaml", "  - 无不良从业记录。\n", "")
    cli("translate", "--root", translated, "--lang", "en")
    assert "qualifications.personal[1]" not in (translated / f"{EN}vip-specialist.yaml").read_text(
        encoding="utf-8"
    )


def test_translate_refuses_to_overwrite_a_file_it_cannot_read(translated, cli):
    path = translated / f"{EN}vip-specialist.yaml"
    edit(path, "summary:\n", "summary: [\n")
    before = path.read_bytes()
    result = cli("translate", "--root", translated, "--lang", "en")
    assert result.code == 1
    assert result.err.startswith(f"{EN}vip-specialist.yaml:")
    assert path.read_bytes() == before


def test_export_writes_a_row_per_item_with_its_status(translated, cli):
    edit(translated / "roles/vip-specialist.yaml", "无不良从业记录。", "无任何不良从业记录。")
    edit(translated / f"{EN}handbook.yaml", "text: Director\n", "text:\n")
    book = translated / "to-translate.xlsx"
    result = cli("translate", "--root", translated, "--lang", "en", "--export", book)
    assert result.out == f"wrote {book}: 156 items, 2 to translate or stale\n"
    rows = list(load_workbook(book).active.iter_rows(values_only=True))
    assert rows[0] == ("file", "item", "source", "translation", "status")
    assert ("handbook.yaml", "external_positions.总监", "总监", None, "to translate") in rows
    assert (
        "roles/vip-specialist.yaml",
        "qualifications.personal[1]",
        "无任何不良从业记录。",
        "No record of professional misconduct.",
        "stale",
    ) in rows


def test_a_translators_workbook_merged_back_fills_the_translation_files(project, cli):
    book = project / "to-translate.xlsx"
    cli("translate", "--root", project, "--lang", "en", "--export", book)
    workbook = load_workbook(book)
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == "summary" and row[0].value == "roles/vip-specialist.yaml":
            row[3].value = "In day-to-day work, does the utmost."
        if row[1].value == "external_positions.总监":
            row[3].value = "Director"
    workbook.save(book)
    result = cli("translate", "--root", project, "--lang", "en", "--merge", book)
    assert result.code == 0
    assert result.out.splitlines()[0] == f"merged 2 translations from {book}"
    assert result.out.splitlines()[-1] == "154 items to translate"
    text = (project / f"{EN}vip-specialist.yaml").read_text(encoding="utf-8")
    assert "summary:\n  source: 5c6f79a8\n  was: 在日常工作中" in text
    assert "  text: In day-to-day work, does the utmost.\n" in text


def test_a_workbook_row_of_an_unknown_item_is_an_error_naming_its_row(project, cli):
    book = project / "to-translate.xlsx"
    cli("translate", "--root", project, "--lang", "en", "--export", book)
    workbook = load_workbook(book)
    workbook.active["B3"] = "document_control.reviewd_by"
    workbook.active["D3"] = "Customer Service Supervisor"
    workbook.save(book)
    result = cli("translate", "--root", project, "--lang", "en", "--merge", book)
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"{book}:3:1: error: unknown item 'document_control.reviewd_by' of handbook.yaml; did "
        "you mean 'document_control.reviewed_by'?"
    )
    assert not (project / "translations").exists()
