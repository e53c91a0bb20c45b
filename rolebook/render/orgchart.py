"""The org charts: who reports to whom, taken from the roles' reporting lines.

`graph` turns the roles into the document model's OrgChart (a box per role and per position the
roles name, a solid edge from each line manager to each report, a dotted one for each functional
line); `charts` makes one per organisation of the settings. Their layout is the writers' concern
(rolebook/output/orgchart.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rolebook.model.document import OrgChart, OrgNode
from rolebook.model.schema import PositionLine, Role, Settings
from rolebook.render import language


def charts(
    roles: list[Role], settings: Settings, title_of: Callable[[Role], str]
) -> list[OrgChart]:
    """Returns the org charts of `roles`: one of them all if the settings declare no
    organisations, else one per organisation that has roles, labelled with its name, then one
    unlabelled chart of the roles in none."""
    lines = settings.position_lines
    if not settings.organisations:
        return [graph(roles, title_of, lines)]
    found = []
    for org in settings.organisations:
        members = [r for r in roles if r.organisation == org.id]
        if members:
            label = language.plain(language.name(org.name, settings.language))
            found.append(graph(members, title_of, lines, label))
    known = {org.id for org in settings.organisations}
    if rest := [r for r in roles if r.organisation not in known]:
        found.append(graph(rest, title_of, lines))
    return found


def graph(
    roles: Iterable[Role],
    title_of: Callable[[Role], str],
    position_lines: Iterable[PositionLine] = (),
    label: str = "",
) -> OrgChart:
    """Returns the org chart of `roles`: each role, each position they name, and the reporting
    lines (reports_to and direct_reports solid, dotted_lines dotted) between them, each once;
    with the lines between positions (`position_lines`) that lead up from a position drawn."""
    roles = list(roles)
    by_id = {role.id: role for role in roles}
    nodes: dict[str, OrgNode] = {}
    edges: dict[tuple[str, str], None] = {}
    dotted: dict[tuple[str, str], None] = {}

    def node(name: str) -> str:
        if name not in nodes:
            role = by_id.get(name)
            nodes[name] = (
                OrgNode(name, title_of(role), name, role.department)
                if role
                else OrgNode(name, name)
            )
        return name

    for role in roles:
        node(role.id)
        for boss in role.reporting.reports_to:
            edges[(node(boss), role.id)] = None
        for report in role.reporting.direct_reports:
            edges[(role.id, node(report))] = None
        for boss in role.reporting.dotted_lines:
            dotted[(node(boss), role.id)] = None
    _up_from_positions(list(position_lines), nodes, node, edges)
    solid = tuple(edges)
    return OrgChart(tuple(nodes.values()), solid, tuple(e for e in dotted if e not in edges), label)


def _up_from_positions(lines: list[PositionLine], nodes: dict, node, edges: dict) -> None:
    """Adds to `edges` each position line from a position drawn, and draws its boss, until no
    line leads further up."""
    added = True
    while added:
        added = False
        for line in lines:
            if line.position in nodes and (line.reports_to, line.position) not in edges:
                edges[(node(line.reports_to), line.position)] = None
                added = True
