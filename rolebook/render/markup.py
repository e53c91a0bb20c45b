"""Reads the templates' output, a small XML vocabulary, into the document model.

Templates (templates/*.xml.j2) write a document in a small XML vocabulary, close to HTML:

    <document>              root; <meta name=".." content=".."/> and <link rel=".." href=".."
                            title=".."/> (prev, next, index, docx…); the meta "frame" names
                            the HTML page's frame (rolebook/output/writers/html.py)
      <nav><group label=".." href=".."><item ref="..">title</item>…</group>…</nav>
                            the site's navigation: departments, and a role page's own
                            department's roles (HTML)
      <crumb href="..">text</crumb>…                    breadcrumbs to this page (HTML)
      <data type="Occupation"><field name="..">value</field>…</data>   (a field with type=".."
                            key="..": an object {"@type": type, key: value}, key "name" if none)
                            structured data about the page (schema.org JSON-LD in HTML)
    <section id=".." label="..">   a run of pages with its own header and footer (in Word a
                            section whose page numbers restart at 1); label prefixes its pages
      <header mark=".." watermark=".."><field label="..">value</field>…</header>    the version
                            header; mark is a lifecycle mark (草稿 / DRAFT) printed on every
                            page, watermark a text set large, diagonal and pale behind every
                            page (in Word, a watermark as Design › Watermark makes it)
      <footer>text with <page/>, <pages/> (pages of this section) and <tab/></footer>
      <h1>–<h4 id=".." number="2.1">, <p class="..">, <ul>/<ol> of <li>,
      <table class=".." widths="1 3"> of <tr> of <th scope="..">/<td> (a cell holds text or
      <p>s), <toc><entry level="1" ref=".." page="2.1-1">text</entry>…</toc>,
      <orgchart label=".."><node id=".." ref=".." group="..">label</node>…
      <edge from=".." to=".." line="dotted"/>… (line: solid when absent)</orgchart>,
      <signoff unsigned=".."><th>as</th><th>name</th><th>date</th><th>signature</th>
      <signer as="编制" name=".." date=".."/>…</signoff>   a block to sign: a row per signer with
                            a line to sign on (an empty name or date: a line to write on);
                            unsigned, when given, stands in every signature line (a draft),
      <pagebreak/>          what follows starts on a new page
    inline: text, <strong>, <a href=".."> (external) or <a ref="role-id"> (another role),
    <ins>/<del> (text a later version added / took out: the redline), <span lang="en"> (a
    bilingual text's translation, set as the translations below are)

In a bilingual build, a text holding model.translations.SECOND has its translation after that
character: in inline content the translation becomes a span of its own (Span.lang), on a line
of its own; in an attribute or a plain text (a header field, a table of contents entry) the two
languages are joined by " / ".

`parse` turns that into the model's dataclasses; writers never see the XML. Text arrives escaped by
Jinja's autoescape, so text from YAML can never become markup here.
"""

from __future__ import annotations

from dataclasses import replace

from lxml import etree

from rolebook.model import translations
from rolebook.model.document import (
    Block,
    Cell,
    Document,
    Heading,
    ListBlock,
    NavGroup,
    OrgChart,
    OrgNode,
    PageBreak,
    Para,
    Section,
    Signer,
    SignOff,
    Span,
    Spans,
    Table,
    Toc,
    TocEntry,
)


def parse(xml: str) -> Document:
    """Returns the Document written in `xml` by a template; raises ValueError if malformed."""
    root = etree.fromstring(xml.encode("utf-8"), _PARSER)
    if translations.SECOND in xml:
        _join_attributes(root)
    meta = {m.get("name", ""): m.get("content", "") for m in root.iterfind("meta")}
    links = {m.get("rel", ""): m.get("href", "") for m in root.iterfind("link")}
    titles = {m.get("rel", ""): m.get("title", "") for m in root.iterfind("link")}
    nav = tuple(
        NavGroup(
            g.get("label", ""),
            g.get("href", ""),
            tuple((i.get("ref", ""), _text(i)) for i in g.iterfind("item")),
        )
        for g in root.iter("group")
    )
    crumbs = tuple((c.get("href", ""), _text(c)) for c in root.iterfind("crumb"))
    sections = tuple(_section(s) for s in root.iterfind("section"))
    return Document(meta, links, sections, titles, nav, crumbs, _data(root.find("data")))


def _join_attributes(root) -> None:
    """Joins the two languages of each bilingual attribute value of the tree by " / "."""
    for el in root.iter():
        for name, value in el.attrib.items():
            if translations.SECOND in value:
                el.set(name, value.replace(translations.SECOND, _JOINED))


def _data(el) -> dict[str, object]:
    """Returns the structured data of a <data> element: a field given twice becomes a list."""
    if el is None:
        return {}
    out: dict[str, object] = {"@type": el.get("type", "Thing")}
    for f in el.iterfind("field"):
        name, value = (
            f.get("name", ""),
            _field_value(f),
        )  # a thing of its own: {"@type": "Place", "address": value}
        if name in out:
            previous = out[name]
            out[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            out[name] = [value] if f.get("list") else value
    return out


def _field_value(f) -> object:
    """Returns a <field>'s value: its text, or with a type a thing of its own, e.g.
    {"@type": "Place", "address": text}."""
    if f.get("type"):
        return {"@type": f.get("type"), f.get("key", "name"): _text(f)}
    return _text(f)


# Blank text is kept: between two inline elements ("<del>a</del> <ins>b</ins>") it is content.
# Blank text between blocks is never read, since blocks are read element by element.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _section(el) -> Section:
    header = el.find("header")
    footer = el.find("footer")
    fields = (
        ()
        if header is None
        else tuple((f.get("label", ""), _text(f)) for f in header.iterfind("field"))
    )
    blocks = tuple(_block(child) for child in el if child.tag not in ("header", "footer"))
    mark = "" if header is None else header.get("mark", "")
    watermark = "" if header is None else header.get("watermark", "")
    return Section(
        el.get("id", ""),
        fields,
        () if footer is None else _spans(footer),
        blocks,
        el.get("label", ""),
        mark,
        watermark,
    )


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
        return Toc(
            tuple(
                TocEntry(int(e.get("level", "1")), _text(e), e.get("ref", ""), e.get("page", ""))
                for e in el.iterfind("entry")
            )
        )
    if el.tag == "orgchart":
        nodes = tuple(
            OrgNode(n.get("id", ""), _text(n), n.get("ref", ""), n.get("group", ""))
            for n in el.iterfind("node")
        )
        edges = [
            (e.get("from", ""), e.get("to", ""), e.get("line", "")) for e in el.iterfind("edge")
        ]
        return OrgChart(
            nodes,
            tuple((a, b) for a, b, line in edges if line != "dotted"),
            tuple((a, b) for a, b, line in edges if line == "dotted"),
            el.get("label", ""),
        )
    if el.tag == "signoff":
        return _signoff(el)
    if el.tag == "pagebreak":
        return PageBreak()
    raise ValueError(f"line {el.sourceline}: <{el.tag}> is not part of the document vocabulary")


def _signoff(el) -> SignOff:
    """Returns the sign-off block of a <signoff> element."""
    signers = tuple(
        Signer(s.get("as", ""), s.get("name", ""), s.get("date", "")) for s in el.iterfind("signer")
    )
    columns = tuple(_text(th) for th in el.iterfind("th"))
    return SignOff(columns, signers, el.get("unsigned", ""))


def _cell(el) -> Cell:
    paras = (
        tuple(_spans(p) for p in el.iterfind("p")) if el.find("p") is not None else (_spans(el),)
    )
    return Cell(paras, el.tag == "th", el.get("scope", ""))


# Inline elements that mark text as changed from one version to the next, and their marks.
_CHANGES = {"ins": "insert", "del": "delete"}
_FIELDS = ("page", "pages", "tab")
_PLAIN = Span("")
_SECOND_LANGUAGE = "en"  # the language of a bilingual build's translations (zh-CN+en)
_JOINED = " / "  # between the two languages of a bilingual text where it cannot take two lines


def _spans(el, style: Span = _PLAIN) -> Spans:
    """Returns the inline content of `el` as spans in `style` (strong, link, change mark) but
    where nested inline elements change it; those elements are flattened."""
    out: list[Span] = []
    if el.text:
        out += _texts(el.text, style)
    for child in el:
        if child.tag in _FIELDS:
            text = "1" if child.tag != "tab" else "\t"
            out.append(Span(text, style.strong, field=child.tag.upper()))
        else:
            out.extend(_spans(child, _inside(child, style)))
        if child.tail:
            out += _texts(child.tail, style)
    return tuple(out)


def _texts(text: str, style: Span) -> list[Span]:
    """Returns the spans of a piece of text in `style`: one, or with a bilingual item's
    translation (after SECOND) in the translation's language."""
    first, *rest = text.split(translations.SECOND)
    out = [replace(style, text=first)] if first else []
    return out + [replace(style, text=part, lang=_SECOND_LANGUAGE) for part in rest if part]


def _inside(el, style: Span) -> Span:
    """Returns the style of the text inside the inline element `el` found in text of `style`."""
    return replace(
        style,
        strong=style.strong or el.tag == "strong",
        href=el.get("href", style.href),
        ref=el.get("ref", style.ref),
        change=_CHANGES.get(el.tag, style.change),
        lang=el.get("lang", style.lang),
    )


def _text(el) -> str:
    return "".join(el.itertext()).replace(translations.SECOND, _JOINED)
