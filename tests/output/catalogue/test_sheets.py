"""Rows back to roles: items in the order of their positions, names of a reporting line split as
HR types them, and every cell that does not read named as the spreadsheet names it."""

from __future__ import annotations

import pytest
from conftest import REPO
from workbooks import Edited, catalogue_of

from rolebook.output.catalogue import xlsx
from rolebook.output.catalogue.sheets import roles_from
from rolebook.output.catalogue.table import Cells, Problems, names_of, names_text

MANAGER, SPECIALIST = "vip-department-manager", "vip-specialist"


@pytest.fixture(scope="module")
def content() -> bytes:
    return xlsx.write(catalogue_of(REPO))


@pytest.fixture
def book(content) -> Edited:
    return Edited(content)


def roles(book: Edited) -> dict:
    tables, _ = xlsx.read(book.content(), "catalogue.xlsx")
    return {
        role_id: role for role_id, (role, _) in roles_from(tables, Cells("catalogue.xlsx")).items()
    }


def problems(book: Edited) -> list[str]:
    with pytest.raises(Problems) as caught:
        roles(book)
    return caught.value.lines()


def test_items_are_put_in_order_by_position(book):
    book.add("precautions", role=SPECIALIST, position=2.5, text="插在第二条之后。")
    book.add("precautions", role=SPECIALIST, text="没有位置的排在最后。")
    book.add("precautions", role=SPECIALIST, position=0, text="排在最前。")
    book.set("precautions", "position", 9, role=SPECIALIST, position=1)
    precautions = roles(book)[SPECIALIST].precautions
    assert precautions[0] == "排在最前。"
    assert precautions[2] == "插在第二条之后。"
    assert precautions[-2:] == [precautions[-2], "没有位置的排在最后。"]
    assert precautions[-2].startswith("VIP室服务人员应于每交易日结束后")


def test_a_row_without_text_is_no_item(book):
    book.set("duties", "text", None, role=MANAGER, position=2)
    assert len(roles(book)[MANAGER].duties) == 12


def test_the_names_of_a_reporting_line_are_split_as_typed(book):
    book.set("roles", "reports_to", "总监，总经理; 营运总监", id=MANAGER)
    book.set("roles", "rotation", "店内其他部门经理\n总监", id=SPECIALIST)
    found = roles(book)
    assert found[MANAGER].reporting.reports_to == ["总监", "总经理", "营运总监"]
    assert found[SPECIALIST].reporting.rotation == ["店内其他部门经理", "总监"]
    assert names_of(names_text(["甲、乙", "丙"])) == ["甲、乙", "丙"]


def test_workflow_steps_form_entries_by_their_entry_number(book):
    book.add("workflow", role=SPECIALIST, entry=20, period="每月末", text="整理月度资料。")
    book.add("workflow", role=SPECIALIST, entry=20, period="每月末", text="归档。")
    workflow = roles(book)[SPECIALIST].workflow
    assert workflow[-1].period == "每月末"
    assert workflow[-1].steps == ["整理月度资料。", "归档。"]


def test_new_roles_are_rows_of_roles_with_their_items(book):
    book.add(
        "roles",
        id="vip-hostess",
        **{"title.zh": "VIP接待员", "title.en": "VIP Hostess"},
        number="VIP-JD-004",
        version="1.0",
        status="draft",
        effective_date="2026-12-01",
    )
    book.add("duties", role="vip-hostess", position=1, text="接待VIP客户。")
    hostess = roles(book)["vip-hostess"]
    assert (hostess.title.zh, hostess.duties) == ("VIP接待员", ["接待VIP客户。"])


def test_every_cell_that_does_not_read_is_named(book):
    book.set("roles", "effective_date", "2026-02-30", id=SPECIALIST)
    book.set("roles", "status", "done", id=MANAGER)
    book.set("duties", "position", "second", role=MANAGER, position=2)
    book.add("duties", role="vip-nobody", position=1, text="无人之职。")
    book.add("revision_history", role=SPECIALIST, position=3, version="1.2", date="2026-12-02")
    assert problems(book) == [
        "catalogue.xlsx: roles!G2: error: 'done' is not one of draft, review, approved, retired",
        "catalogue.xlsx: roles!H4: error: '2026-02-30' is not a real date: day is out of range "
        "for month",
        "catalogue.xlsx: duties!B3: error: 'second' is not a number; write one like 3 or 2.5",
        "catalogue.xlsx: duties!A41: error: role 'vip-nobody' has no row in the sheet roles; add "
        "one or correct the id",
        "catalogue.xlsx: revision_history!E8: error: 'author' is empty; fill it in",
        "catalogue.xlsx: revision_history!F8: error: 'changes' is empty; fill it in",
    ]


def test_a_role_twice_and_disagreeing_workflow_steps_are_named(book):
    book.add(
        "roles",
        id=MANAGER,
        **{"title.zh": "重复", "title.en": "Again"},
        number="X-1",
        version="1.0",
        status="draft",
        effective_date="2026-12-01",
    )
    book.set("workflow", "time", "08:30–09:30", role=SPECIALIST, position=2)
    book.add("workflow", role=SPECIALIST, entry=30, time="08:00-09:00", period="每日", text="x")
    assert problems(book) == [
        "catalogue.xlsx: roles!A5: error: a second row of role 'vip-department-manager' (the "
        "first is row 2); a role has one row",
        "catalogue.xlsx: workflow!C3: error: the steps of entry 1 differ in their time; give "
        "every step of an entry the same time",
        "catalogue.xlsx: workflow!D21: error: give either 'time' or 'period' in a workflow entry, "
        "not both",
    ]
