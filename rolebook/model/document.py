"""The document model every writer takes: blocks, spans, sections and the document.

Templates write a document in a small XML vocabulary (rolebook/render/markup.py reads it into
these dataclasses); writers (rolebook/output/writers/) turn a Document into bytes. The model
knows neither the templates' XML nor any output format.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A run of text: plain, strong, a link, a tab, or a page field (PAGE / PAGES: the pages of
    the section); `change` marks text that one version of a document has and the other lacks:
    "insert" (the later one added it) or "delete" (the later one took it out); `lang` names the
    language of an item's translation in a bilingual document (中英文对照), set lighter than
    the source text before it; the first span of a translation starts a line of its own."""

    text: str
    strong: bool = False
    href: str = ""
    ref: str = ""
    field: str = ""
    change: str = ""
    lang: str = ""


Spans = tuple[Span, ...]


def with_starts(spans: Spans) -> Iterator[tuple[Span, bool]]:
    """Yields each span with whether a translation starts there (a span in another language
    after one in the text's own): where a bilingual text goes over to its second line."""
    before = ""
    for span in spans:
        yield span, bool(span.lang) and not before
        before = span.lang


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
    """The org chart: positions and who reports to whom (edges go from boss to report), solid
    lines in `edges` and dotted (functional) ones in `dotted`; `label` names the organisation
    it is the chart of ("" for the only one)."""

    nodes: tuple[OrgNode, ...]
    edges: tuple[tuple[str, str], ...]
    dotted: tuple[tuple[str, str], ...] = ()
    label: str = ""


@dataclass(frozen=True)
class Signer:
    """One row of a sign-off block: what the person signs as (编制 / Drafted), their name and
    the date; an empty name or date is a line to fill in by hand."""

    role: str
    name: str = ""
    date: str = ""


@dataclass(frozen=True)
class SignOff:
    """A block to sign: column headings (as, name, date, signature) and a row per signer, each
    with a line to sign on; `unsigned` (a draft's "未签署") stands in every signature line of a
    document that must not be signed yet."""

    columns: tuple[str, ...]
    signers: tuple[Signer, ...]
    unsigned: str = ""


@dataclass(frozen=True)
class PageBreak:
    """What follows starts on a new page (on paper; a printable HTML page too)."""


Block = Heading | Para | ListBlock | Table | Toc | OrgChart | SignOff | PageBreak


@dataclass(frozen=True)
class Section:
    """A run of blocks with its own page header and footer; a role in the handbook."""

    anchor: str
    header: tuple[tuple[str, str], ...]
    footer: Spans
    blocks: tuple[Block, ...]
    label: str = ""  # prefix of this section's page labels in the handbook: "2.1" → 2.1-1
    mark: str = ""  # lifecycle mark on every page (草稿 / DRAFT); empty when approved
    watermark: str = ""  # text set large and diagonal behind every page (Word); empty for none

    def header_text(self, separator: str, gap: str) -> str:
        """Returns the header's fields on one line: label, separator, value, gap, label…; a
        line too long for the page breaks between fields, never inside one."""
        return gap.join(
            f"{label}{separator}{value}".replace(" ", "\u00a0") for label, value in self.header
        )


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


def plain(spans: Spans) -> str:
    """Returns the text of `spans` without formatting, a translation after " / "."""
    return "".join(f" / {s.text}" if starts else s.text for s, starts in with_starts(spans))


def text_of(block: Block) -> str:
    """Returns the plain text of a block, its parts separated by newlines."""
    if isinstance(block, (Heading, Para)):
        return (f"{block.number} " if isinstance(block, Heading) and block.number else "") + plain(
            block.spans
        )
    if isinstance(block, ListBlock):
        return "\n".join(plain(item) for item in block.items)
    if isinstance(block, Table):
        return "\n".join(plain(p) for row in block.rows for cell in row for p in cell.paras)
    if isinstance(block, Toc):
        return "\n".join(e.text for e in block.entries)
    if isinstance(block, SignOff):
        return "\n".join(f"{s.role} {s.name} {s.date}".strip() for s in block.signers)
    if isinstance(block, PageBreak):
        return ""
    return "\n".join(n.label for n in block.nodes)
