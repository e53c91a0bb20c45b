"""The org chart's layout, which both writers draw from.

`layout` places the boxes of an OrgChart on a grid: the HTML writer draws it as SVG, the Word
writer as a table whose cell borders are the lines. The layout is a small layered one: a box sits
one layer below its lowest boss, a line that skips layers passes through the layers between, and
each layer is ordered and centred under the bosses above it. `outline` is the chart as an
indented list, for charts too wide for a page.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from rolebook.model.document import OrgChart, OrgNode

BOX_CELLS = 2  # a box spans two grid cells, so that its centre is a cell border
STEP_CELLS = 3  # from one box's left edge to the next one's: the box and one empty cell


@dataclass(frozen=True)
class Box:
    """A box of the laid-out chart, or a pass-through point of a line (node is None)."""

    key: str
    node: OrgNode | None
    col: int  # the first of the box's two grid cells

    @property
    def centre(self) -> int:
        """Returns the grid line under the middle of the box."""
        return self.col + BOX_CELLS // 2


@dataclass(frozen=True)
class Layout:
    """The chart on a grid: layers of boxes, and the lines from each layer to the next."""

    columns: int
    layers: tuple[tuple[Box, ...], ...]
    links: tuple[tuple[tuple[str, str], ...], ...]  # per gap below layer i: (upper, lower) keys
    dotted: frozenset[tuple[str, str]] = frozenset()  # the links of dotted (functional) lines

    def is_dotted(self, key: str) -> bool:
        """Returns whether the box `key` is a pass-through point of a dotted line."""
        return any(lower == key for _, lower in self.dotted)

    def box(self, key: str) -> Box:
        return self._boxes[key]

    @functools.cached_property
    def _boxes(self) -> dict[str, Box]:
        return {b.key: b for layer in self.layers for b in layer}

    def families(self, gap: int) -> list[tuple[Box, list[Box]]]:
        """Returns, for the gap below layer `gap`, each upper box with its boxes below."""
        out: dict[str, list[Box]] = {}
        for upper, lower in self.links[gap]:
            out.setdefault(upper, []).append(self.box(lower))
        return [(self.box(upper), lowers) for upper, lowers in out.items()]


def outline(chart: OrgChart) -> list[tuple[int, OrgNode]]:
    """Returns the chart as an indented list: each position with its depth, below its first
    boss, each once; for a chart too wide to draw."""
    reports: dict[str, list[str]] = {n.id: [] for n in chart.nodes}
    has_boss = set()
    for boss, report in chart.edges:
        if boss in reports and report in reports:
            reports[boss].append(report)
            has_boss.add(report)
    nodes = {n.id: n for n in chart.nodes}
    out: list[tuple[int, OrgNode]] = []
    seen: set[str] = set()
    # Roots first; then whatever a reporting cycle left unreached.
    starts = [n.id for n in chart.nodes if n.id not in has_boss] + list(nodes)
    for start in starts:
        stack = [(start, 0)]
        while stack:
            key, depth = stack.pop()
            if key not in seen:
                seen.add(key)
                out.append((depth, nodes[key]))
                stack.extend((r, depth + 1) for r in reversed(reports[key]))
    return out


def layout(chart: OrgChart) -> Layout:
    """Returns the grid layout of `chart`."""
    order = {n.id: i for i, n in enumerate(chart.nodes)}
    edges = [*chart.edges, *chart.dotted]
    level = _levels(list(order), [e for e in edges if e[0] in order and e[1] in order])
    links = _links(chart.edges, level)
    dotted = _links(chart.dotted, level, len(links))
    links = [solid + line for solid, line in zip(links, dotted, strict=True)]
    keys: list[list[str]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for key in sorted(level, key=lambda k: order.get(k, len(order))):
        if key in order:
            keys[level[key]].append(key)
    for gap, pairs in enumerate(links):
        for key in dict.fromkeys(lower for _, lower in pairs):
            if key not in order:
                keys[gap + 1].append(key)
    cols = _place(keys, links, order)
    shift = min(cols.values(), default=0)
    nodes = {n.id: n for n in chart.nodes}
    layers = tuple(
        tuple(sorted((Box(k, nodes.get(k), cols[k] - shift) for k in layer), key=lambda b: b.col))
        for layer in keys
    )
    width = max((b.col + BOX_CELLS for layer in layers for b in layer), default=0)
    return Layout(
        width,
        layers,
        tuple(tuple(pairs) for pairs in links),
        frozenset(pair for pairs in dotted for pair in pairs),
    )


def _levels(ids: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Returns each node's layer: one below its lowest boss (a reporting cycle is cut)."""
    bosses: dict[str, list[str]] = {i: [] for i in ids}
    for boss, report in edges:
        bosses[report].append(boss)
    level: dict[str, int] = {}

    def depth(key: str, path: set[str]) -> int:
        if key not in level:
            path.add(key)
            level[key] = max((depth(b, path) + 1 for b in bosses[key] if b not in path), default=0)
            path.discard(key)
        return level[key]

    for key in ids:
        depth(key, set())
    return level


def _links(edges, level: dict[str, int], gaps_count: int = -1) -> list[list[tuple[str, str]]]:
    """Returns the lines between adjacent layers (`gaps_count` gaps, else one below each layer
    but the last); a line across several layers passes through a point of its own in each layer
    between (added to `level`)."""
    count = max(level.values(), default=0) if gaps_count < 0 else gaps_count
    gaps: list[list[tuple[str, str]]] = [[] for _ in range(count)]
    for boss, report in edges:
        if boss not in level or report not in level or level[report] <= level[boss]:
            continue
        upper = boss
        for layer in range(level[boss] + 1, level[report]):
            point = f"{boss}\u2192{report}@{layer}"
            level[point] = layer
            gaps[layer - 1].append((upper, point))
            upper = point
        gaps[level[report] - 1].append((upper, report))
    return gaps


def _place(keys: list[list[str]], links, order: dict[str, int]) -> dict[str, int]:
    """Returns each box's column: the first layer side by side, each next layer ordered by
    and centred under its bosses, keeping boxes STEP_CELLS apart."""
    cols: dict[str, float] = {k: i * STEP_CELLS for i, k in enumerate(keys[0])} if keys else {}
    for gap, layer in enumerate(keys[1:]):
        bosses: dict[str, list[float]] = {}
        for upper, lower in links[gap]:
            bosses.setdefault(lower, []).append(cols[upper])
        wanted = {k: sum(bosses[k]) / len(bosses[k]) if k in bosses else 0.0 for k in layer}
        layer.sort(key=lambda k: (wanted[k], order.get(k, len(order))))
        placed: list[float] = []
        for k in layer:
            placed.append(wanted[k] if not placed else max(wanted[k], placed[-1] + STEP_CELLS))
        offset = sum(p - wanted[k] for p, k in zip(placed, layer, strict=True)) / len(layer)
        for p, k in zip(placed, layer, strict=True):
            cols[k] = p - offset
    return {k: math.floor(c + 0.5) for k, c in cols.items()}
