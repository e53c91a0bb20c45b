"""The round-trip editor's edits (`edits`, `role_lines`): a file edited into another version of its
role reads back as exactly that role, and every line the edit does not concern stays as it was."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib

import pytest
from conftest import REPO
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rolegen import role_values, yaml_text
from ruamel.yaml import YAML

from rolebook.load.reader import read
from rolebook.load.splice import Source, apply, checked_text, edits, load_source, role_lines
from rolebook.model.errors import RolebookError
from rolebook.model.scalars import TimeWindow
from rolebook.model.schema import Principle, Revision, Role, WorkflowEntry

MANAGER, SPECIALIST = "vip-department-manager", "vip-specialist"


def edited(source: Source, new: Role) -> str:
    """Returns the text of `source` edited to hold `new`, after checking it reads back as `new`."""
    text = apply(source.text, edits(source, new))
    reading = read(source.path, text, Role)
    assert reading.diagnostics == []
    assert reading.value == new
    return text


def diff_lines(before: str, after: str) -> list[str]:
    """Returns the -/+ lines of the unified diff of two texts."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in list(diff)[2:] if not line.startswith("@@")]


def source_of(text: str, path: str = "roles/vip-specialist.yaml") -> Source:
    """Returns the Source of a role file's text (which must read as a role)."""
    reading = read(path, text, Role)
    assert reading.value is not None, reading.diagnostics
    newline = "\r\n" if "\r\n" in text else "\n"
    return Source(path, text, YAML(typ="safe").compose(text), reading.value, newline)


@pytest.fixture
def specialist() -> Source:
    return load_source(REPO, SPECIALIST)


@pytest.fixture
def manager() -> Source:
    return load_source(REPO, MANAGER)


def test_a_changed_value_is_the_only_changed_line(specialist):
    role = specialist.role
    new = dataclasses.replace(
        role, document_control=dataclasses.replace(role.document_control, status="review")
    )
    assert diff_lines(specialist.text, edited(specialist, new)) == [
        "-  status: approved",
        "+  status: review",
    ]


def test_a_value_keeps_its_quotes_and_a_summary_its_folded_block(specialist):
    role = specialist.role
    new = dataclasses.replace(
        role,
        summary="为VIP客户提供全面、优质的服务。",
        document_control=dataclasses.replace(role.document_control, version="1.10"),
    )
    assert diff_lines(specialist.text, edited(specialist, new)) == [
        "-  在日常工作中尽营业部和个人最大努力，为VIP客户提供全面、优质的服务，"
        "一方面用以提高VIP客户的服务水平，另一方面用以提高VIP客户的忠诚度。",
        "+  为VIP客户提供全面、优质的服务。",
        '-  version: "1.1"',
        '+  version: "1.10"',
    ]
    assert "\nsummary: >-\n  为VIP客户提供全面、优质的服务。\ndocument_control:" in edited(
        specialist, new
    )


def test_an_empty_value_gets_one_after_a_space(manager):
    control = dataclasses.replace(manager.role.document_control, approved_by="总经理")
    new = dataclasses.replace(manager.role, document_control=control)
    assert diff_lines(manager.text, edited(manager, new)) == [
        "-  approved_by:",
        "+  approved_by: 总经理",
    ]


def test_list_items_are_added_removed_and_replaced_in_place(specialist):
    duties = specialist.role.duties
    new = dataclasses.replace(
        specialist.role,
        duties=["新的第一条。", duties[0], "替换第三条。", *duties[3:], "末尾一条：2024"],
    )
    assert diff_lines(specialist.text, edited(specialist, new)) == [
        "+  - 新的第一条。",
        f"-  - {duties[1]}",
        f"-  - {duties[2]}",
        "+  - 替换第三条。",
        "+  - 末尾一条：2024",
    ]


def test_removing_every_item_leaves_the_key_and_its_comments(specialist):
    new = dataclasses.replace(specialist.role, precautions=[])
    text = edited(specialist, new)
    assert "已补全（见修订记录1.1）\nprecautions:\n# 所属机构" in text


def test_an_empty_list_in_brackets_becomes_a_block(specialist):
    reporting = dataclasses.replace(
        specialist.role.reporting, promotion=["vip-department-supervisor"]
    )
    new = dataclasses.replace(specialist.role, reporting=reporting)
    assert diff_lines(specialist.text, edited(specialist, new)) == [
        "-  promotion: []",
        "+  promotion:",
        "+    - vip-department-supervisor",
    ]


def test_a_new_entry_is_laid_out_and_quoted_like_its_neighbours(specialist):
    role = specialist.role
    entry = WorkflowEntry(["收拾VIP室。"], time=TimeWindow("17:00", "17:30"), condition="每日")
    revision = Revision("1.2", dt.date(2026, 12, 2), "人力资源部", "补充收尾步骤。")
    new = dataclasses.replace(
        role,
        workflow=[*role.workflow, entry],
        revision_history=[*role.revision_history, revision],
    )
    added = [line for line in diff_lines(specialist.text, edited(specialist, new))]
    assert added == [
        '+  - version: "1.2"',
        "+    date: 2026-12-02",
        "+    author: 人力资源部",
        "+    changes: 补充收尾步骤。",
        '+  - time: "17:00–17:30"',
        "+    steps:",
        "+      - 收拾VIP室。",
        "+    condition: 每日",
    ]


def test_a_missing_section_is_added_after_the_one_before_it(manager):
    principles = [Principle("保密性原则", "不得透露客户信息。")]
    new = dataclasses.replace(manager.role, principles=principles, precautions=["注意安全。"])
    text = edited(manager, new)
    assert diff_lines(manager.text, text) == [
        "+principles:",
        "+  - name: 保密性原则",
        "+    rule: 不得透露客户信息。",
        "+precautions:",
        "+  - 注意安全。",
    ]
    assert text.index("\nprinciples:") > text.index("\nqualifications:")


def test_a_missing_key_is_added_after_the_key_before_it():
    text = (REPO / "roles" / f"{SPECIALIST}.yaml").read_text(encoding="utf-8")
    source = source_of(text.replace("  applies_to: 客户服务部VIP室专职及兼职服务人员\n", ""))
    control = dataclasses.replace(source.role.document_control, applies_to="VIP室")
    new = dataclasses.replace(source.role, document_control=control)
    assert "  approved_by: 营业部经理\n  applies_to: VIP室\n  next_review:" in edited(source, new)


def test_line_endings_byte_order_mark_and_a_last_line_without_break_stay():
    text = (REPO / "roles" / f"{SPECIALIST}.yaml").read_text(encoding="utf-8")
    crlf = text.rstrip("\n").replace("\n", "\r\n")
    source = source_of(crlf)
    source.bom = True
    new = dataclasses.replace(source.role, precautions=[*source.role.precautions, "最后一条。"])
    out = edited(source, new)
    assert "\r\n  - 最后一条。\r\n# 所属机构" in out
    assert out.endswith("\r\n    level: 2")
    assert "\n" not in out.replace("\r\n", "")
    assert checked_text(source, out).startswith("\ufeff# yaml-language-server")


def test_a_flow_mapping_is_written_anew_as_a_block():
    text = (REPO / "roles" / f"{SPECIALIST}.yaml").read_text(encoding="utf-8")
    source = source_of(
        text.replace(
            "title:\n  zh: VIP专员\n  en: VIP Specialist\n",
            "title: {zh: VIP专员, en: VIP Specialist}\n",
        )
    )
    new = dataclasses.replace(
        source.role, title=dataclasses.replace(source.role.title, zh="VIP客服专员")
    )
    assert "\ntitle:\n  zh: VIP客服专员\n  en: VIP Specialist\ndepartment:" in edited(source, new)


FLOW = (
    "id: a\ntitle: {zh: 甲, en: A}\n"
    'document_control: {number: N-1, version: "1.0", status: draft, effective_date: 2026-01-01}\n'
    'workflow:\n  - {steps: [a], time: "08:00-09:00"}  # kept\n'
)


def test_a_list_item_in_braces_is_written_anew_as_a_block():
    source = source_of(FLOW, "roles/a.yaml")
    entry = dataclasses.replace(source.role.workflow[0], condition="若需要")
    new = dataclasses.replace(source.role, workflow=[entry])
    assert edited(source, new).endswith(
        'workflow:\n  - time: "08:00–09:00"\n    condition: 若需要\n    steps:\n      - a  # kept\n'
    )


def test_what_the_editor_cannot_change_is_refused_with_the_file_and_field():
    text = (
        "--- {id: a, title: {zh: 甲, en: A}, document_control: "
        '{number: N-1, version: "1.0", status: draft, effective_date: 2026-01-01}}\n'
    )
    source = source_of(text, "roles/a.yaml")
    new = dataclasses.replace(source.role, duties=["x"])
    with pytest.raises(RolebookError, match=r"^roles/a.yaml: cannot edit 'the role' in place"):
        edits(source, new)


def test_a_new_role_file_reads_back_as_its_role(specialist):
    text = "\n".join(role_lines(specialist.role)) + "\n"
    assert read("roles/vip-specialist.yaml", text, Role).value == specialist.role
    assert text.startswith("id: vip-specialist\ntitle:\n  zh: VIP专员\n")
    assert '  - time: "08:30–09:00"\n    steps:\n      - 准备当日报刊' in text


# Text as HR types it: any letter or sign, YAML's special characters, spaces and line breaks.
_TEXTS = st.text(
    st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        st.sampled_from(" \n:#&*!|>'\"%@`-?[]{},\\~\u3000"),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.sampled_from(["block", "flow"]),
    role_values("a-role", _TEXTS),
    role_values("a-role", _TEXTS),
)
def test_any_role_file_can_be_edited_into_any_other_role(style, before, after):
    old = read("roles/a-role.yaml", yaml_text(before, style), Role)
    new = read("roles/a-role.yaml", yaml_text(after, "block"), Role)
    assume(old.value is not None and not old.diagnostics)
    assume(new.value is not None and not new.diagnostics)
    source = source_of(yaml_text(before, style), "roles/a-role.yaml")
    assert read(source.path, apply(source.text, edits(source, new.value)), Role).value == new.value


def test_a_switch_is_written_plain_as_true_or_false(specialist):
    posting = dataclasses.replace(specialist.role.posting, open=False)
    new = dataclasses.replace(specialist.role, posting=posting)
    assert diff_lines(specialist.text, edited(specialist, new)) == [
        "-  open: true",
        "+  open: false",
    ]
