"""The org chart's layout: dotted lines take part in the layers and are marked as dotted, link by
link, down to the points a line passes through."""

from __future__ import annotations

from rolebook.model.document import OrgChart, OrgNode
from rolebook.output.orgchart import layout


def nodes(*ids: str) -> tuple[OrgNode, ...]:
    return tuple(OrgNode(i, i.upper()) for i in ids)


def test_a_dotted_line_is_laid_out_like_a_solid_one_and_marked_dotted():
    chart = OrgChart(nodes("branch", "desk", "clerk"), (("branch", "desk"), ("desk", "clerk")))
    dotted = OrgChart(chart.nodes, chart.edges, (("branch", "clerk"),))
    plain, lay = layout(chart), layout(dotted)
    assert [[b.key for b in layer if b.node] for layer in lay.layers] == [
        ["branch"],
        ["desk"],
        ["clerk"],
    ]
    assert plain.dotted == frozenset()
    # The dotted line skips a layer: it passes a point of its own, and both its links are dotted.
    point = "branch\u2192clerk@1"
    assert lay.dotted == {("branch", point), (point, "clerk")}
    assert lay.is_dotted(point) and not lay.is_dotted("desk")


def test_a_dotted_line_alone_places_the_boss_above():
    chart = OrgChart(nodes("clerk", "manager"), (), (("manager", "clerk"),))
    lay = layout(chart)
    assert [[b.key for b in layer] for layer in lay.layers] == [["manager"], ["clerk"]]
    assert lay.links == ((("manager", "clerk"),),)
    assert lay.dotted == {("manager", "clerk")}
