"""`import FILE.xlsx`: the edits made in an exported workbook become edits of the role files (the
rest of each file as it was), reported as `diff` reports them; conflicts with files changed since
the export are refused; nothing is written unless everything reads back and passes check."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from conftest import edit
from workbooks import Edited

from rolebook.commands import workbook
from rolebook.model.errors import RolebookError
from rolebook.output import publish

MANAGER, SPECIALIST = "vip-department-manager", "vip-specialist"


@pytest.fixture
def exported(project, cli) -> Edited:
    """Returns the project's exported catalogue, open for editing."""
    assert cli("export", "--root", project).code == 0
    return Edited((project / "catalogue.xlsx").read_bytes())


def role_texts(project: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((project / "roles").iterdir())}


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in list(diff)[2:] if not line.startswith("@@")]


def test_changed_cells_added_and_removed_rows_become_edits_of_the_file(project, cli, exported):
    exported.set("roles", "status", "review", id=SPECIALIST)
    exported.set(
        "duties",
        "text",
        "日常关照服务：每个交易日在VIP室对VIP客户的日常事务性服务。",
        role=SPECIALIST,
        position=3,
    )
    exported.add("duties", role=SPECIALIST, position=2.5, text="协助处理客户投诉。")
    exported.delete("precautions", role=SPECIALIST, position=4)
    before = role_texts(project)
    result = cli("import", exported.save(project / "edited.xlsx"), "--root", project)
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "vip-specialist: roles/vip-specialist.yaml, version 1.1",
        "changed   document_control.status: approved → review",
        "added     duties 3: 协助处理客户投诉。",
        "reworded  duties 3 → 4: 日常关照服务：每{+个+}交易日在VIP室对VIP客户的日常事务性服务。",
        "removed   precautions 4: 当VIP交易室进入其他陌生拜访客人时，"
        "VIP室服务人员应主动问候，并做好其他招待性工作。",
        "1 role changed (4 changes), 0 new, 2 unchanged",
        "wrote roles/vip-specialist.yaml",
    ]
    after = role_texts(project)
    assert {name for name in after if after[name] != before[name]} == {f"{SPECIALIST}.yaml"}
    assert changed_lines(before[f"{SPECIALIST}.yaml"], after[f"{SPECIALIST}.yaml"]) == [
        "-  status: approved",
        "+  status: review",
        "-  - 日常关照服务：每交易日在VIP室对VIP客户的日常事务性服务。",
        "+  - 协助处理客户投诉。",
        "+  - 日常关照服务：每个交易日在VIP室对VIP客户的日常事务性服务。",
        "-  - 当VIP交易室进入其他陌生拜访客人时，VIP室服务人员应主动问候，并做好其他招待性工作。",
    ]
    assert cli("check", "--root", project).code == 0


def test_dry_run_shows_the_same_changes_and_writes_nothing(project, cli, exported):
    exported.set("roles", "approved_by", "总经理", id=MANAGER)
    path = exported.save(project / "edited.xlsx")
    before = role_texts(project)
    result = cli("import", path, "--root", project, "--dry-run")
    assert result.out.splitlines() == [
        "vip-department-manager: roles/vip-department-manager.yaml, version 1.1",
        "changed   document_control.approved_by: (empty) → 总经理",
        "1 role changed (1 change), 0 new, 2 unchanged",
        "dry run: nothing written",
    ]
    assert role_texts(project) == before
    assert cli("import", path, "--root", project).code == 0
    assert "  approved_by: 总经理\n" in role_texts(project)[f"{MANAGER}.yaml"]
    again = cli("import", path, "--root", project)  # applied already: nothing left to do
    assert again.out.splitlines()[-2:] == [
        "0 roles changed (0 changes), 0 new, 3 unchanged",
        "nothing to write",
    ]


def test_a_new_row_of_roles_becomes_a_new_role_file_that_passes_check(project, cli, exported):
    exported.set("roles", "direct_reports", "vip-department-supervisor、vip-hostess", id=MANAGER)
    exported.add(
        "roles",
        id="vip-hostess",
        **{"title.zh": "VIP接待员", "title.en": "VIP Hostess"},
        department="贵宾部",
        number="VIP-JD-004",
        version="1.0",
        status="draft",
        effective_date="2026-12-01",
        reports_to=MANAGER,
        summary="接待贵宾部的客户。",
    )
    exported.add("duties", role="vip-hostess", position=1, text="接待VIP客户。")
    exported.add("qualifications", role="vip-hostess", part="education", position=1, text="大专。")
    exported.add(
        "revision_history",
        role="vip-hostess",
        position=1,
        version="1.0",
        date="2026-12-01",
        author="人力资源部",
        changes="新建。",
    )
    result = cli("import", exported.save(project / "edited.xlsx"), "--root", project)
    assert result.code == 0, result.err
    assert "vip-hostess: new role → roles/vip-hostess.yaml, version 1.0" in result.out
    assert "1 role changed (1 change), 1 new, 2 unchanged" in result.out
    text = (project / "roles" / "vip-hostess.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/role.schema.json\nid: ")
    assert cli("check", "--root", project).code == 0


def test_a_role_changed_in_its_file_and_in_the_workbook_is_refused(project, cli, exported):
    assert (
        cli("bump", SPECIALIST, "--note", "调整。", "--date", "2026-12-05", "--root", project).code
        == 0
    )
    exported.set("roles", "status", "review", id=SPECIALIST)
    exported.set("roles", "status", "review", id=MANAGER)
    before = role_texts(project)
    result = cli("import", exported.save(project / "edited.xlsx"), "--root", project)
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines() == [
        "roles/vip-specialist.yaml: error: vip-specialist was changed in the workbook and in this "
        "file since the export (version 1.1 then, 1.2 now); export again and redo this role's "
        "edits in the new workbook",
        "edited.xlsx: 1 conflict with the role files; nothing written",
    ]
    assert role_texts(project) == before


def test_a_role_whose_file_is_gone_since_the_export_is_refused(project, cli, exported):
    (project / "roles" / "vip-department-supervisor.yaml").unlink()
    result = cli("import", exported.save(project / "edited.xlsx"), "--root", project)
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        "roles/vip-department-supervisor.yaml: error: the file of vip-department-supervisor was "
        "deleted or renamed since the export; export again, or delete row 3 of the sheet roles "
        "and the role's rows in the other sheets"
    )
    assert not (project / "roles" / "vip-department-supervisor.yaml").exists()


def test_a_role_changed_only_in_its_file_is_kept(project, cli, exported):
    edit(project / "roles" / f"{SPECIALIST}.yaml", "status: approved", "status: review")
    exported.set("roles", "status", "approved", id=MANAGER)
    exported.set("roles", "approved_by", "总经理", id=MANAGER)
    result = cli("import", exported.save(project / "edited.xlsx"), "--root", project)
    assert result.code == 0, result.err
    assert "vip-specialist: changed in its file since the export, not in the workbook: kept" in (
        result.out
    )
    assert "  status: review\n" in role_texts(project)[f"{SPECIALIST}.yaml"]


def test_without_the_export_record_a_differing_version_is_a_conflict(project, cli, exported):
    del exported.book["rolebook"]
    exported.set("roles", "version", "1.0", id=SPECIALIST)
    result = cli("import", exported.save(project / "edited.xlsx"), "--root", project)
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        "roles/vip-specialist.yaml: error: vip-specialist is at version 1.1 here, 1.0 in the "
        "workbook (roles, row 4): the file was changed after the export; export again and redo "
        "this role's edits"
    )


def test_nothing_is_written_unless_the_result_passes_check(project, cli, exported):
    exported.set("roles", "status", "review", id=MANAGER)
    exported.set("roles", "reports_to", "客服主任", id=SPECIALIST)
    before = role_texts(project)
    result = cli("import", exported.save(project / "edited.xlsx"), "--root", project)
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0].startswith(
        "roles/vip-specialist.yaml:32:7: error: '客服主任' in reports_to is "
    )
    assert lines[-1] == (
        "the workbook's changes would leave 1 error (lines as the files would be); nothing written"
    )
    assert role_texts(project) == before


def test_cells_that_do_not_read_are_named_and_nothing_is_written(project, cli, exported):
    exported.set("roles", "effective_date", "2026-13-01", id=MANAGER)
    before = role_texts(project)
    result = cli("import", exported.save(project / "edited.xlsx"), "--root", project)
    assert (result.code, result.err) == (
        1,
        "edited.xlsx: roles!H2: error: '2026-13-01' is not a real date: month must be in 1..12\n",
    )
    assert role_texts(project) == before


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "error: {path}: no such file"),
        (b"id,title\n", "error: missing.xlsx: not an Excel workbook (.xlsx); export one with "),
        (b"\xd0\xcf\x11\xe0" + bytes(600), "error: missing.xlsx: this is an Excel 97–2003 "),
    ],
    ids=["missing", "csv", "xls"],
)
def test_bad_files_are_one_line_and_exit_1(project, cli, content, message):
    path = project / "missing.xlsx"
    if content is not None:
        path.write_bytes(content)
    result = cli("import", path, "--root", project)
    assert result.code == 1
    assert result.err.startswith(message.format(path=path))
    assert len(result.err.splitlines()) == 1


def test_a_failed_write_puts_back_the_files_written_before(project, cli, exported, monkeypatch):
    exported.set("roles", "status", "review", id=MANAGER)
    exported.set("roles", "status", "review", id=SPECIALIST)
    plan = workbook.planned(project, exported.save(project / "edited.xlsx"))
    before = role_texts(project)
    real_write = publish.write_file

    def full_disk_on_second(path, data):
        written.append(path)
        if len(written) == 2:
            raise RolebookError(f"cannot write {path}: No space left on device")
        real_write(path, data)

    written: list[Path] = []
    monkeypatch.setattr(publish, "write_file", full_disk_on_second)
    with pytest.raises(RolebookError, match="No space left"):
        workbook.write(project, plan.edits)
    assert written[:2] == [
        project / "roles" / f"{MANAGER}.yaml",
        project / "roles" / f"{SPECIALIST}.yaml",
    ]
    assert written[2:] == [project / "roles" / f"{MANAGER}.yaml"]  # put back
    assert role_texts(project) == before
