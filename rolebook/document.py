"""The document model every writer takes, and the reader that builds it from template output.

Templates (templates/*.xml.j2) write a document in a small XML vocabulary, close to HTML:

    <document>              root; <meta name=".." content=".."/> and <link rel=".." href=".."/>
    <section id="..">       one role: starts a new page and a new page header in Word
      <header><field label="..">value</field>…</header>    the version header
      <footer>text with <page/> and <pages/></footer>       the page footer
      <h1>–<h3 id="..">, <p class="..">, <ul>/<ol> of <li>, <table class=".." widths="1 3">
      of <tr> of <th scope="..">/<td> (a cell holds text or <p>s)
    inline: text, <strong>, <a href=".."> (external) or <a ref="role-id"> (another role)

`parse` turns that into the dataclasses below; writers never see the XML. Text arrives escaped by
Jinja's autoescape, so text from YAML can never become markup here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree


@dataclass(frozen=True)
class Span:
    """A run of text: plain, strong, a link, or a page field (PAGE / NUMPAGES)."""

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


Block = Heading | Para | ListBlock | Table


@dataclass(frozen=True)
class Section:
    """A run of blocks with its own page header and footer; a role in the handbook."""

    anchor: str
    header: tuple[tuple[str, str], ...]
    footer: Spans
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    """A whole output document: metadata, links for the HTML page's frame, and sections."""

    meta: dict[str, str]
    links: dict[str, str]
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @property
    def lang(self) -> str:
        return self.meta.get("lang", "zh-CN")


def parse(xml: str) -> Document:
    """Returns the Document written in `xml` by a template; raises ValueError if malformed."""
    root = etree.fromstring(xml.encode("utf-8"), _PARSER)
    meta = {m.get("name"): m.get("content", "") for m in root.iterfind("meta")}
    links = {m.get("rel"): m.get("href", "") for m in root.iterfind("link")}
    return Document(meta, links, tuple(_section(s) for s in root.iterfind("section")))


_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


def _section(el) -> Section:
    header = el.find("header")
    footer = el.find("footer")
    fields = () if header is None else tuple(
        (f.get("label", ""), _text(f)) for f in header.iterfind("field"))
    blocks = tuple(_block(child) for child in el if child.tag not in ("header", "footer"))
    return Section(el.get("id", ""), fields, () if footer is None else _spans(footer), blocks)


def _block(el) -> Block:
    """Returns the block for one element of a section."""
    if el.tag in ("h1", "h2", "h3"):
        return Heading(int(el.tag[1]), _spans(el), el.get("id", ""))
    if el.tag == "p":
        return Para(_spans(el), el.get("class", ""))
    if el.tag in ("ul", "ol"):
        items = tuple(_spans(li) for li in el.iterfind("li"))
        return ListBlock(items, el.tag == "ol", int(el.get("start", "1")))
    if el.tag == "table":
        rows = tuple(tuple(_cell(c) for c in tr) for tr in el.iter("tr"))
        widths = tuple(int(w) for w in el.get("widths", "").split())
        return Table(rows, el.get("class", ""), widths)
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
        if child.tag in ("page", "pages"):
            out.append(Span("1", strong, field="PAGE" if child.tag == "page" else "NUMPAGES"))
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
