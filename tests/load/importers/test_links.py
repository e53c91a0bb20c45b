"""Reporting lines across one import: names made ids, superiors read from the text, both ways."""

from __future__ import annotations

from rolebook.load.importers.links import department_of_title, link
from rolebook.load.importers.shape import Imported


def role(zh: str, reporting=None, duties=()) -> Imported:
    values = {"title": {"zh": zh, "en": "TODO"}, "duties": list(duties)}
    if reporting:
        values["reporting"] = reporting
    return Imported(values)


def test_superiors_named_in_the_text_where_no_label_names_them():
    manager = role(
        "贵宾部经理", duties=["在总监的领导下，贯彻规章制度和总经理的指令。", "向上级汇报。"]
    )
    clerk = role("专员", duties=["及时向客服主管汇报。", "向营业部经理和客服主管汇报总量。"])
    link([manager, clerk], ["m", "c"], {})
    assert manager.values["reporting"]["reports_to"] == ["总监", "总经理"]
    assert clerk.values["reporting"]["reports_to"] == ["客服主管"]
    assert "reports_to: 总监, named as its superior in its text" in manager.notes


def test_titles_become_ids_and_lines_agree_both_ways():
    manager = role("贵宾部经理", {"direct_reports": ["贵宾部主管"], "indirect_reports": ["领班"]})
    supervisor = role("贵宾部主管", duties=["直接向部门经理负责。"])
    titles = {"贵宾部经理": "m", "贵宾部主管": "s"}
    link([manager, supervisor], ["m", "s"], titles)
    assert manager.values["reporting"]["direct_reports"] == ["s"]
    # 部门经理 in a role of 贵宾部 is 贵宾部经理; the indirect report goes under the one direct one.
    assert supervisor.values["reporting"] == {"reports_to": ["m"], "direct_reports": ["领班"]}


def test_a_report_listed_by_its_superior_gets_its_superior():
    shop = role("店长", {"direct_reports": ["店员"]})
    clerk = role("店员")
    link([shop, clerk], ["shop", "clerk"], {"店长": "shop", "店员": "clerk"})
    assert clerk.values["reporting"]["reports_to"] == ["shop"]
    assert "reports_to: shop, as shop lists it (direct_reports)" in clerk.notes


def test_department_of_a_title():
    assert department_of_title("贵宾部经理") == "贵宾部"
    assert department_of_title("VIP专员") == ""
