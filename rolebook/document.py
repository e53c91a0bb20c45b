"""The document model every writer takes, and the reader that builds it from template output.

Templates (templates/*.xml.j2) write a document in a small XML vocabulary, close to HTML:

    <document>              root; <meta name=".." content=".."/> and <link rel=".." href=".."
                            title=".."/> (prev, next, index, docx…)
      <nav><group label=".." href=".."><item ref="..">title</item>…</group>…</nav>
                            the site's navigation: departments, and a role page's own
                            department's roles (HTML)
      <crumb href="..">text</crumb>…                    breadcrumbs to this page (HTML)
      <data type="Occupation"><field name="..">value</field>…</data>
                            structured data about the page (schema.org JSON-LD in HTML)
    <section id=".." label="..">   a run of pages with its own header and footer (in Word a
                            section whose page numbers restart at 1); label prefixes its pages
      <header mark=".."><field label="..">value</field>…</header>    the version header;
                            mark is a lifecycle mark (草稿 / DRAFT) printed on every page
      <footer>text with <page/>, <pages/> (pages of this section) and <tab/></footer>
      <h1>–<h4 id=".." number="2.1">, <p class="..">, <ul>/<ol> of <li>,
      <table class=".." widths="1 3"> of <tr> of <th scope="..">/<td> (a cell holds text or
      <p>s), <toc><entry level="1" ref=".." page="2.1-1">text</entry>…</toc>,
      <orgchart><node id=".." ref=".." group="..">label</node>…<edge from=".." to=".."/>…
      </orgchart>
    inline: text, <strong>, <a href=".."> (external) or <a ref="role-id"> (another role)

`parse` turns that into the dataclasses below; writers never see the XML. Text arrives escaped by
Jinja's autoescape, so text from YAML can never become markup here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree


@dataclass(frozen=True)
class Span:
    """A run of text: plain, strong, a link, a tab, or a page field (PAGE / PAGES: the pages of
    the section)."""

    text: str
    strong: bool = False
    href: str = ""
    ref: str = ""
    field: str = ""


Spans = tuple[Span, ...]


@dataclass(frozen=True)
class Heading:
    level: int
    spans: Spans
    anchor: str = ""
    number: str = ""  # "2.1": the heading's number in the handbook, printed before it


@dataclass(frozen=True)
class Para:
    spans: Spans
    style: str = ""


@dataclass(frozen=True)
class ListBlock:
    items: tuple[Spans, ...]
    ordered: bool
    start: int = 1


@dataclass(frozen=True)
class Cell:
    paras: tuple[Spans, ...]
    header: bool = False
    scope: str = ""


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]
    style: str = ""
    widths: tuple[int, ...] = ()  # relative column widths; empty means equal


@dataclass(frozen=True)
class TocEntry:
    """One line of a table of contents: its level (1 = top), text, target and page label."""

    level: int
    text: str
    anchor: str
    page: str


@dataclass(frozen=True)
class Toc:
    """A table of contents whose entries (and their page labels) the template wrote."""

    entries: tuple[TocEntry, ...]


@dataclass(frozen=True)
class OrgNode:
    """A box of the org chart: a role (ref set) or a position named in reporting lines."""

    id: str
    label: str
    ref: str = ""
    group: str = ""


@dataclass(frozen=True)
class OrgChart:
    """The org chart: positions and who reports to whom (edges go from boss to report)."""

    nodes: tuple[OrgNode, ...]
    edges: tuple[tuple[str, str], ...]


Block = Heading | Para | ListBlock | Table | Toc | OrgChart


@dataclass(frozen=True)
class Section:
    """A run of blocks with its own page header and footer; a role in the handbook."""

    anchor: str
    header: tuple[tuple[str, str], ...]
    footer: Spans
    blocks: tuple[Block, ...]
    label: str = ""  # prefix of this section's page labels in the handbook: "2.1" → 2.1-1
    mark: str = ""  # lifecycle mark on every page (草稿 / DRAFT); empty when approved

    def header_text(self, separator: str, gap: str) -> str:
        """Returns the header's fields on one line: label, separator, value, gap, label…; a
        line too long for the page breaks between fields, never inside one."""
        return gap.join(f"{label}{separator}{value}".replace(" ", "\u00a0")
                        for label, value in self.header)


@dataclass(frozen=True)
class NavGroup:
    """A group of the site navigation: a department and the roles listed under it as
    (ref, title); none but on the pages of its own roles."""

    label: str
    href: str
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Document:
    """A whole output document: metadata, links for the HTML page's frame, and sections."""

    meta: dict[str, str]
    links: dict[str, str]
    sections: tuple[Section, ...] = field(default_factory=tuple)
    link_titles: dict[str, str] = field(default_factory=dict)
    nav: tuple[NavGroup, ...] = ()
    crumbs: tuple[tuple[str, str], ...] = ()  # (href, text), outermost first; "" = this page
    data: dict[str, object] = field(default_factory=dict)  # {"@type": .., field: str | list}

    @property
    def lang(self) -> str:
        return self.meta.get("lang", "zh-CN")


def parse(xml: str) -> Document:
    """Returns the Document written in `xml` by a template; raises ValueError if malformed."""
    root = etree.fromstring(xml.encode("utf-8"), _PARSER)
    meta = {m.get("name"): m.get("content", "") for m in root.iterfind("meta")}
    links = {m.get("rel"): m.get("href", "") for m in root.iterfind("link")}
    titles = {m.get("rel"): m.get("title", "") for m in root.iterfind("link")}
    nav = tuple(NavGroup(g.get("label", ""), g.get("href", ""), tuple(
        (i.get("ref", ""), _text(i)) for i in g.iterfind("item"))) for g in root.iter("group"))
    crumbs = tuple((c.get("href", ""), _text(c)) for c in root.iterfind("crumb"))
    sections = tuple(_section(s) for s in root.iterfind("section"))
    return Document(meta, links, sections, titles, nav, crumbs, _data(root.find("data")))


def _data(el) -> dict[str, object]:
    """Returns the structured data of a <data> element: a field given twice becomes a list."""
    if el is None:
        return {}
    out: dict[str, object] = {"@type": el.get("type", "Thing")}
    for f in el.iterfind("field"):
        name, value = f.get("name", ""), _text(f)
        if name in out:
            previous = out[name]
            out[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            out[name] = [value] if f.get("list") else value
    return out


_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


def _section(el) -> Section:
    header = el.find("header")
    footer = el.find("footer")
    fields = () if header is None else tuple(
        (f.get("label", ""), _text(f)) for f in header.iterfind("field"))
    blocks = tuple(_block(child) for child in el if child.tag not in ("header", "footer"))
    mark = "" if header is None else header.get("mark", "")
    return Section(el.get("id", ""), fields, () if footer is None else _spans(footer), blocks,
                   el.get("label", ""), mark)


def _block(el) -> Block:
    """Returns the block for one element of a section."""
    if el.tag in ("h1", "h2", "h3", "h4"):
        return Heading(int(el.tag[1]), _spans(el), el.get("id", ""), el.get("number", ""))
    if el.tag == "p":
        return Para(_spans(el), el.get("class", ""))
    if el.tag in ("ul", "ol"):
        items = tuple(_spans(li) for li in el.iterfind("li"))
        return ListBlock(items, el.tag == "ol", int(el.get("start", "1")))
    if el.tag == "table":
        rows = tuple(tuple(_cell(c) for c in tr) for tr in el.iter("tr"))
        widths = tuple(int(w) for w in el.get("widths", "").split())
        return Table(rows, el.get("class", ""), widths)
    if el.tag == "toc":
        return Toc(tuple(TocEntry(int(e.get("level", "1")), _text(e), e.get("ref", ""),
                                  e.get("page", "")) for e in el.iterfind("entry")))
    if el.tag == "orgchart":
        nodes = tuple(OrgNode(n.get("id", ""), _text(n), n.get("ref", ""), n.get("group", ""))
                      for n in el.iterfind("node"))
        return OrgChart(nodes, tuple((e.get("from", ""), e.get("to", ""))
                                     for e in el.iterfind("edge")))
    raise ValueError(f"line {el.sourceline}: <{el.tag}> is not part of the document vocabulary")


def _cell(el) -> Cell:
    paras = tuple(_spans(p) for p in el.iterfind("p")) if el.find("p") is not None else (
        _spans(el),)
    return Cell(paras, el.tag == "th", el.get("scope", ""))


def _spans(el, strong: bool = False, href: str = "", ref: str = "") -> Spans:
    """Returns the inline content of `el` as spans, flattening nested inline elements."""
    out: list[Span] = []
    if el.text:
        out.append(Span(el.text, strong, href, ref))
    for child in el:
        if child.tag in ("page", "pages", "tab"):
            out.append(Span("1" if child.tag != "tab" else "\t", strong,
                            field=child.tag.upper()))
        else:
            out.extend(_spans(child, strong or child.tag == "strong",
                              child.get("href", href), child.get("ref", ref)))
        if child.tail:
            out.append(Span(child.tail, strong, href, ref))
    return tuple(out)


def _text(el) -> str:
    return "".join(el.itertext())


def plain(spans: Spans) -> str:
    """Returns the text of `spans` without formatting."""
    return "".join(s.text for s in spans)


def text_of(block: Block) -> str:
    """Returns the plain text of a block, its parts separated by newlines."""
    if isinstance(block, (Heading, Para)):
        return (f"{block.number} " if isinstance(block, Heading) and block.number else "") + \
            plain(block.spans)
    if isinstance(block, ListBlock):
        return "\n".join(plain(item) for item in block.items)
    if isinstance(block, Table):
        return "\n".join(plain(p) for row in block.rows for cell in row for p in cell.paras)
    if isinstance(block, Toc):
        return "\n".join(e.text for e in block.entries)
    return "\n".join(n.label for n in block.nodes)
