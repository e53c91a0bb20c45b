"""The HTML writer: a Document in, one UTF-8 HTML page out.

The blocks become semantic HTML; templates/page.html.j2 frames them (head, navigation, version
header). All text is escaped here, whatever it holds.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from rolebook.document import Block, Cell, Document, Heading, ListBlock, Para, Spans, Table
from rolebook.writers.base import Resources


class HtmlWriter:
    """Writes Documents as HTML pages; role references link to <id>.html."""

    extension = "html"

    def __init__(self, resources: Resources):
        self.page = resources.env.get_template("page.html.j2")
        self.labels = resources.labels

    def write(self, doc: Document) -> bytes:
        """Returns the HTML page for `doc`."""
        sections = [
            {"anchor": s.anchor, "header": s.header, "body": Markup(blocks(s.blocks))}
            for s in doc.sections
        ]
        html = self.page.render(doc=doc, sections=sections, L=self.labels[doc.lang])
        return html.encode("utf-8")


def blocks(items: tuple[Block, ...]) -> str:
    """Returns the HTML of a sequence of blocks."""
    return "\n".join(_WRITE[type(b)](b) for b in items)


def spans(items: Spans) -> str:
    """Returns the HTML of inline spans: escaped text, <strong> and links."""
    out = []
    for s in items:
        text = escape(s.text, quote=False)
        if s.strong:
            text = f"<strong>{text}</strong>"
        href = s.href or (f"{s.ref}.html" if s.ref else "")
        if href:
            text = f'<a href="{escape(href)}">{text}</a>'
        out.append(text)
    return "".join(out)


def _heading(h: Heading) -> str:
    anchor = f' id="{escape(h.anchor)}"' if h.anchor else ""
    return f"<h{h.level}{anchor}>{spans(h.spans)}</h{h.level}>"


def _para(p: Para) -> str:
    cls = f' class="{escape(p.style)}"' if p.style else ""
    return f"<p{cls}>{spans(p.spans)}</p>"


def _list(lst: ListBlock) -> str:
    tag = "ol" if lst.ordered else "ul"
    items = "".join(f"<li>{spans(item)}</li>" for item in lst.items)
    return f"<{tag}>{items}</{tag}>"


def _cell(cell: Cell) -> str:
    tag = "th" if cell.header else "td"
    scope = f' scope="{escape(cell.scope)}"' if cell.scope else ""
    if len(cell.paras) == 1:
        return f"<{tag}{scope}>{spans(cell.paras[0])}</{tag}>"
    inner = "".join(f"<p>{spans(p)}</p>" for p in cell.paras)
    return f"<{tag}{scope}>{inner}</{tag}>"


def _table(t: Table) -> str:
    cls = f' class="{escape(t.style)}"' if t.style else ""
    rows = "\n".join(f"<tr>{''.join(_cell(c) for c in row)}</tr>" for row in t.rows)
    return f"<table{cls}>\n{_colgroup(t.widths)}{rows}\n</table>"


def _colgroup(widths: tuple[int, ...]) -> str:
    """Returns the <colgroup> giving columns their relative widths, or "" for equal ones."""
    if not widths:
        return ""
    cols = "".join(f'<col style="width: {100 * w / sum(widths):.1f}%">' for w in widths)
    return f"<colgroup>{cols}</colgroup>\n"


_WRITE = {Heading: _heading, Para: _para, ListBlock: _list, Table: _table}
