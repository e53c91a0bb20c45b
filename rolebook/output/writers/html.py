"""The HTML writer: a Document in, one UTF-8 HTML page out.

The blocks become semantic HTML; a frame template puts them in a page. The Document's meta
"frame" chooses it: "site" (the default, templates/page.html.j2: head, navigation, search,
version header, print headers; the page sits among the site's files) or "standalone"
(templates/changes_page.html.j2: its style inline, no scripts, no links to the site's files;
the page also works as a file on its own, as the redline of `rolebook diff --html` must). All
text is escaped here, whatever it holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html import escape
from typing import Any

from markupsafe import Markup

from rolebook.model.document import (
    Block,
    Cell,
    Document,
    Heading,
    ListBlock,
    OrgChart,
    OrgNode,
    PageBreak,
    Para,
    Section,
    SignOff,
    Spans,
    Table,
    Toc,
    plain,
    with_starts,
)
from rolebook.output import orgchart
from rolebook.output.writers.base import Resources
from rolebook.output.writers.search import anchor_keys, items
from rolebook.util.digest import digest

# The frames a Document may choose with its meta "frame", and their templates.
FRAMES = {"site": "page.html.j2", "standalone": "changes_page.html.j2"}
# The elements that mark a span's change (Span.change) from one version to the next.
CHANGE_TAGS = {"insert": "ins", "delete": "del"}
# The tables a phone shows as cards, one per row, each value after its column's label.
CARDS = frozenset({"roles"})
# The ids of a block's parts, by their place in it (see search.Item.part); () is the block's own.
Ids = dict[tuple[int, ...], str]
NO_IDS: Ids = {}


class HtmlWriter:
    """Writes Documents as HTML pages; role references link to <id>.html."""

    extension = "html"

    def __init__(self, resources: Resources):
        self.frames = {name: resources.env.get_template(t) for name, t in FRAMES.items()}
        self.labels = resources.labels
        self.keys = {lang: anchor_keys(labels) for lang, labels in resources.labels.items()}

    def write(self, doc: Document) -> bytes:
        """Returns the HTML page for `doc`, in the frame its meta "frame" names."""
        frame = doc.meta.get("frame", "site")
        if frame not in self.frames:
            raise ValueError(f"no HTML frame '{frame}'; the frames are {', '.join(self.frames)}")
        labels = self.labels[doc.lang]
        sections = [
            {
                "anchor": s.anchor,
                "header": s.header,
                "mark": s.mark,
                "body": Markup(blocks(s.blocks, item_ids(s, self.keys.get(doc.lang, {})))),
                "print_header_text": s.header_text(labels["field_separator"], labels["field_gap"]),
            }
            for s in doc.sections
        ]
        html = self.frames[frame].render(
            doc=doc, sections=sections, L=labels, json_ld=json_ld(doc.data), css_string=css_string
        )
        return html.encode("utf-8")


def json_ld(data: dict) -> Markup:
    """Returns `data` as schema.org JSON-LD, safe inside <script>: every <, > and & is a JSON
    escape, so no text can close the element or open a comment."""
    if not data:
        return Markup("")
    text = json.dumps({"@context": "https://schema.org", **data}, ensure_ascii=False, indent=1)
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return Markup(text)


def css_string(text: str) -> Markup:
    """Returns `text` as a quoted CSS string, safe inside <style>: quotes, backslashes, angle
    brackets, ampersands and control characters are CSS escapes."""
    escaped = re.sub(r'["\\<>&\x00-\x1f\x7f]', lambda m: f"\\{ord(m.group()):x} ", text)
    return Markup(f'"{escaped}"')


def item_ids(section: Section, keys: dict[str, str]) -> dict[int, Ids]:
    """Returns the ids of the lines the search finds in `section`, by block: each heading,
    duty, step… gets the anchor its search entry links to."""
    ids: dict[int, Ids] = {}
    for item in items(section, keys):
        if item.anchor:
            ids.setdefault(item.block, {})[item.part] = item.anchor
    return ids


def blocks(items: tuple[Block, ...], ids: dict[int, Ids] | None = None) -> str:
    """Returns the HTML of a sequence of blocks, their parts given the `ids` (by block)."""
    ids = ids or {}
    return "\n".join(_WRITE[type(b)](b, ids.get(i, NO_IDS)) for i, b in enumerate(items))


def _id(ids: Ids, part: tuple[int, ...]) -> str:
    """Returns the id attribute of a part, or "" when it has none."""
    return f' id="{escape(ids[part])}"' if part in ids else ""


def spans(items: Spans) -> str:
    """Returns the HTML of inline spans: escaped text, <strong>, change marks and links."""
    out = []
    for s, starts in with_starts(items):
        text = escape(s.text if s.field != "TAB" else " ", quote=False)
        if s.lang:  # a bilingual item's translation, on a line of its own
            text = f'<span class="translation" lang="{escape(s.lang)}">{text}</span>'
            if starts:
                out.append("<br>")
        if s.strong:
            text = f"<strong>{text}</strong>"
        if s.change:
            tag = CHANGE_TAGS[s.change]
            text = f"<{tag}>{text}</{tag}>"
        href = s.href or (f"{s.ref}.html" if s.ref else "")
        if href:
            text = f'<a href="{escape(href)}">{text}</a>'
        out.append(text)
    return "".join(out)


def _heading(h: Heading, ids: Ids) -> str:
    anchor = f' id="{escape(h.anchor)}"' if h.anchor else _id(ids, ())
    number = f'<span class="number">{escape(h.number)}</span> ' if h.number else ""
    return f"<h{h.level}{anchor}>{number}{spans(h.spans)}</h{h.level}>"


def _para(p: Para, ids: Ids) -> str:
    cls = f' class="{escape(p.style)}"' if p.style else ""
    return f"<p{_id(ids, ())}{cls}>{spans(p.spans)}</p>"


def _list(lst: ListBlock, ids: Ids) -> str:
    tag = "ol" if lst.ordered else "ul"
    items = "".join(f"<li{_id(ids, (k,))}>{spans(item)}</li>" for k, item in enumerate(lst.items))
    return f"<{tag}>{items}</{tag}>"


def _cell(cell: Cell, label: str, ids: Ids, place: tuple[int, int]) -> str:
    """Returns a table cell; a data cell of a table shown as cards carries its column's
    heading as data-label."""
    tag = "th" if cell.header else "td"
    attrs = f' scope="{escape(cell.scope)}"' if cell.scope else ""
    attrs += f' data-label="{escape(label)}"' if label and not cell.header else ""
    if len(cell.paras) == 1:
        return f"<{tag}{attrs}>{spans(cell.paras[0])}</{tag}>"
    inner = "".join(f"<p{_id(ids, (*place, k))}>{spans(p)}</p>" for k, p in enumerate(cell.paras))
    return f"<{tag}{attrs}>{inner}</{tag}>"


def _table(t: Table, ids: Ids) -> str:
    cls = f' class="{escape(t.style)}"' if t.style else ""
    cards = t.style in CARDS and t.rows and all(c.scope == "col" for c in t.rows[0])
    head = t.rows[0] if cards else ()
    labels = [" ".join(plain(p) for p in c.paras) for c in head]
    rows = "\n".join(
        f"<tr{_id(ids, (r,))}>"
        + "".join(
            _cell(c, labels[k] if k < len(labels) else "", ids, (r, k)) for k, c in enumerate(row)
        )
        + "</tr>"
        for r, row in enumerate(t.rows)
    )
    return f"<table{cls}>\n{_colgroup(t.widths)}{rows}\n</table>"


def _colgroup(widths: tuple[int, ...]) -> str:
    """Returns the <colgroup> giving columns their relative widths, or "" for equal ones."""
    if not widths:
        return ""
    cols = "".join(f'<col style="width: {100 * w / sum(widths):.1f}%">' for w in widths)
    return f"<colgroup>{cols}</colgroup>\n"


def _toc(toc: Toc, _: Ids) -> str:
    items = "".join(
        f'<li class="level-{e.level}"><a href="#{escape(e.anchor)}">{escape(e.text)}</a></li>'
        for e in toc.entries
    )
    return f'<nav class="toc"><ol>{items}</ol></nav>'


# The org chart's SVG geometry, in CSS pixels: a grid cell, a box's height per line of text,
# the height of each of the two rows of lines between layers, the margin around.
CELL, LINE, GAP, PAD, FONT = 56, 17, 14, 4, 13
BOX_WIDTH = CELL * orgchart.BOX_CELLS - 8


def _org_chart(chart: OrgChart, _: Ids) -> str:
    """Returns the org chart as inline SVG: a box per position (a role's box links to its
    page), lines from each boss down to each report."""
    lay = orgchart.layout(chart)
    labels = {n.id: _wrap(n.label) for n in chart.nodes}
    box_h = LINE * max((len(v) for v in labels.values()), default=1) + 12
    row = box_h + 2 * GAP
    width, height = lay.columns * CELL + 2 * PAD, len(lay.layers) * row - 2 * GAP + 2 * PAD
    paths: dict[bool, list[str]] = {False: [], True: []}  # solid, dotted
    boxes = []
    for i, layer in enumerate(lay.layers):
        top = PAD + i * row
        for box in layer:
            if box.node is None:
                paths[lay.is_dotted(box.key)].append(f"M{_x(box.centre)} {top}V{top + box_h}")
            else:
                boxes.append(_svg_box(box, box.node, labels[box.key], top, box_h))
        for upper, lower in lay.links[i] if i < len(lay.links) else ():
            bar, x, to = top + box_h + GAP, _x(lay.box(upper).centre), _x(lay.box(lower).centre)
            line = f"M{x} {top + box_h}V{bar}H{to}V{top + row}"
            paths[(upper, lower) in lay.dotted].append(line)
    # One id per chart: a page has a chart per organisation.
    ident = "orgchart-title" + (f"-{digest(chart.label)[:8]}" if chart.label else "")
    names = " / ".join(n.label for n in chart.nodes)
    title = (
        f'<title id="{ident}">{escape(f"{chart.label}: {names}" if chart.label else names)}</title>'
    )

    dotted = f'<path class="dotted" d="{"".join(paths[True])}"/>' if paths[True] else ""
    return (
        f'<figure class="orgchart"><svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{ident}">{title}'
        f'<path class="lines" d="{"".join(paths[False])}"/>{dotted}{"".join(boxes)}</svg></figure>'
    )


def _x(centre: int) -> int:
    return PAD + centre * CELL


def _svg_box(box: orgchart.Box, node: OrgNode, lines: list[str], top: int, height: int) -> str:
    """Returns one box of the SVG org chart, that of `node`: a link when it is a role."""
    x = _x(box.col) + 4
    first = top + height / 2 - (len(lines) - 1) * LINE / 2 + FONT * 0.35
    text = "".join(
        f'<tspan x="{x + BOX_WIDTH / 2:g}" y="{first + i * LINE:g}">{escape(t)}</tspan>'
        for i, t in enumerate(lines)
    )
    kind = "role" if node.ref else "position"
    shape = (
        f'<rect class="{kind}" x="{x}" y="{top}" width="{BOX_WIDTH}" height="{height}" '
        f'rx="4"/><text class="{kind}">{text}</text>'
    )
    if node.ref:
        return f'<a href="{escape(node.ref)}.html">{shape}</a>'
    return shape


def _wrap(label: str, width: float = (BOX_WIDTH - 10) / FONT) -> list[str]:
    """Returns `label` in lines that fit a box (a CJK character is 1 em wide, other characters
    about 0.55 em); Latin text breaks at spaces, CJK text anywhere."""
    lines, line, size = [], "", 0.0
    for token in re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+", label):
        wide = sum(1.0 if ord(c) >= 0x2E80 else 0.55 for c in token)
        if line and size + wide > width and not token.isspace():
            lines.append(line.rstrip())
            line, size = "", 0.0
        if line or not token.isspace():
            line, size = line + token, size + wide
    return [*lines, line.rstrip()] if line.strip() else lines or [""]


def _signoff(block: SignOff, _: Ids) -> str:
    """Returns a sign-off block as a table: an empty name, date or signature cell is a line to
    write or sign on (class "line"); a document not to be signed says so in each signature."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in block.columns)
    signature = (
        f'<td class="unsigned">{escape(block.unsigned)}</td>'
        if block.unsigned
        else '<td class="line"></td>'
    )
    rows = "".join(
        f'<tr><th scope="row">{escape(s.role)}</th>{_written(s.name)}{_written(s.date)}'
        f"{signature}</tr>\n"
        for s in block.signers
    )
    return f'<table class="signoff">\n{_colgroup((2, 4, 4, 4))}<tr>{head}</tr>\n{rows}</table>'


def _written(text: str) -> str:
    """Returns a cell of a sign-off row: its text, or a line to write on when it has none."""
    return f"<td>{escape(text)}</td>" if text else '<td class="line"></td>'


def _page_break(_: PageBreak, __: Ids) -> str:
    return '<div class="page-break"></div>'


_WRITE: dict[type, Callable[[Any, Ids], str]] = {
    Heading: _heading,
    Para: _para,
    ListBlock: _list,
    Table: _table,
    Toc: _toc,
    OrgChart: _org_chart,
    SignOff: _signoff,
    PageBreak: _page_break,
}
