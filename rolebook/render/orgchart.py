"""The org chart: who reports to whom, taken from the roles' reporting lines.

`graph` turns the roles into the document model's OrgChart (a box per role and per position the
roles name, an edge from each boss to each report). Its layout is the writers' concern
(rolebook/output/orgchart.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rolebook.model.document import OrgChart, OrgNode
from rolebook.model.schema import Role


def graph(roles: Iterable[Role], title_of: Callable[[Role], str]) -> OrgChart:
    """Returns the org chart of `roles`: each role, each position they name, and the reporting
    lines (reports_to and direct_reports) between them, each once."""
    roles = list(roles)
    by_id = {role.id: role for role in roles}
    nodes: dict[str, OrgNode] = {}
    edges: dict[tuple[str, str], None] = {}

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
    return OrgChart(tuple(nodes.values()), tuple(edges))
