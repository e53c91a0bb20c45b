"""The org charts of the handbook: solid and dotted lines, lines between outside positions, and
a chart per organisation."""

from __future__ import annotations

import dataclasses

from conftest import REPO

from rolebook.check.gather import load
from rolebook.render.orgchart import charts

PROJECT = load(REPO)
assert PROJECT.settings is not None
SETTINGS = PROJECT.settings


def title(role) -> str:
    return role.title.zh


def test_the_sample_has_a_labelled_chart_per_organisation():
    brokerage, hotel = charts(PROJECT.roles, SETTINGS, title)
    assert (brokerage.label, hotel.label) == ("证券营业部", "酒店贵宾俱乐部")
    assert [n.id for n in hotel.nodes] == [
        "vip-department-manager",
        "总监",
        "vip-department-supervisor",
        "贵宾部领班",
        "总经理",
    ]
    # 总经理 above 总监 above the manager: one solid line each, none side by side.
    assert set(hotel.edges) == {
        ("总监", "vip-department-manager"),
        ("vip-department-manager", "vip-department-supervisor"),
        ("vip-department-supervisor", "贵宾部领班"),
        ("总经理", "总监"),
    }
    assert hotel.dotted == ()
    assert set(brokerage.edges) == {("客服主管", "vip-specialist"), ("营业部经理", "客服主管")}
    assert brokerage.dotted == (("营业部经理", "vip-specialist"),)


def test_without_organisations_one_unlabelled_chart_holds_every_role():
    settings = dataclasses.replace(SETTINGS, organisations=[])
    (chart,) = charts(PROJECT.roles, settings, title)
    assert chart.label == ""
    assert {n.ref for n in chart.nodes if n.ref} == {r.id for r in PROJECT.roles}


def test_roles_in_no_organisation_get_an_unlabelled_chart_last():
    roles = [
        dataclasses.replace(r, organisation="") if r.id != "vip-specialist" else r
        for r in PROJECT.roles
    ]
    labels = [c.label for c in charts(roles, SETTINGS, title)]
    assert labels == ["证券营业部", ""]


def test_in_english_a_chart_is_labelled_with_the_english_name():
    settings = dataclasses.replace(SETTINGS, language="en")
    assert [c.label for c in charts(PROJECT.roles, settings, title)] == [
        "Securities Brokerage Branch",
        "Hotel VIP Club",
    ]
