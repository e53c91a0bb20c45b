"""From source blocks to role mappings: which text goes to which section, and what fits none.

The pieces of the blocks (segments.py) are read in order, as a person reads the document: a
label opens its section (or fills its field), numbers and list paragraphs make items, a title
after content starts the next role. Every piece that fits no section is kept, with where it
was, as the role's unmapped text. What the mapping read beyond labels (a superior named in a
duty, a time window starting a step) is listed in `notes` for the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rolebook.load.importers import sections
from rolebook.load.importers.blocks import BREAK, CELL, HEADING, ITEM, Block
from rolebook.load.importers.sections import CONTROL, FIELD, PART, QUALIFICATION_PARTS, REPORTING
from rolebook.load.importers.segments import SECTION_STYLES, Numbering, Piece, pieces

LISTS = ("duties", "workflow", "principles", "precautions", *QUALIFICATION_PARTS)
REPORTING_SLOTS = ("reports_to", "direct_reports", "indirect_reports", "promotion", "rotation")
# The document-control fields a role file does not take from the source: the source's own number,
# version, page count and effective date are not those of the imported draft (number and version
# are the handbook's, the draft applies from its import), and stay as unmapped text for HR.
UNKEPT_CONTROL = ("number", "version", "pages", "effective_date")
TITLE_HEADING = re.compile(
    r"(?P<t>[^，,。；;：:、（(《》\s][^，,。；;：:、《》]{0,29}?)\s*"
    r"(?:岗位职责说明书|岗位说明书|职位说明书|工作说明书|职务说明书|岗位职责|岗位描述|职位描述)"
)
# Words that make a heading the title of a collection of job descriptions, not of one role.
COLLECTION = re.compile(r"汇编|汇总|合集|手册|大全|^各|各$")
TITLE_EN = re.compile(
    r"(?:(?:job|position|role)\s+description\s*[:：\-–—]\s*(?P<a>.+))"
    r"|(?:(?P<b>.+?)\s*[\-–—:：]\s*(?:job|position|role)\s+description)\s*$",
    re.IGNORECASE,
)
TITLE_SUFFIX = re.compile(r"(岗位职责说明书|岗位说明书|职位说明书|岗位职责|职责)$")
OPEN_END = re.compile(r"[^。.;；!！?？:：]$")
SENTENCE = re.compile(r"(?<=[;；])\s*")
HEADING_LIKE = re.compile(r"^[^，,。；;]{1,15}[:：]$")


@dataclass
class Entry:
    """One item of a list section, as the source writes it."""

    text: str
    where: str
    numbered: bool
    index: int = 0  # its place among all the draft's entries, in the source's order


@dataclass
class Draft:
    """One job description as the source holds it, section by section."""

    title: tuple[str, str] | None = None
    heading_title: tuple[str, str, str] | None = None  # title, where, the heading as written
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)
    lists: dict[str, list[Entry]] = field(default_factory=dict)
    unmapped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        """Returns whether any section has text yet (a title alone is not content)."""
        return any(self.lists.values()) or "summary" in self.fields

    def add(self, slot: str, text: str, where: str, numbered: bool) -> None:
        """Adds an item to the list section `slot`."""
        index = sum(len(entries) for entries in self.lists.values())
        self.lists.setdefault(slot, []).append(Entry(text, where, numbered, index))


class Mapper:
    """Reads pieces in order into drafts, one per job description."""

    def __init__(self) -> None:
        self.drafts = [Draft()]
        self.slot: str | None = None
        # A field label waiting for its value: its slot, where it is, the label as written.
        self.pending: tuple[str, str, str] | None = None
        self.group = ""  # the table row of the label that opened the slot
        self.row = ""  # the table row whose first cell is the last unmapped text
        self.numbering = Numbering()

    @property
    def draft(self) -> Draft:
        return self.drafts[-1]

    def read(self, blocks: list[Block]) -> list[Draft]:
        """Returns the drafts of the blocks; the first keeps what comes before any title."""
        for block in blocks:
            if block.kind == BREAK:
                self.slot, self.pending = None, None
                continue
            for piece in pieces(block, self.numbering):
                self.feed(piece)
        return [d for d in self.drafts if d.has_content or d.title or d.fields] or self.drafts[:1]

    def feed(self, piece: Piece) -> None:
        """Takes one piece: a part marker, a label, a numbered item or plain text."""
        if piece.style == "part":
            self.part(piece)
        elif piece.label is not None:
            self.label(piece)
        elif piece.style in SECTION_STYLES and (self.slot not in LISTS or _short(piece.text)):
            self.slot, self.pending = None, None  # 二、工作环境: a section rolebook does not know
            self.text(piece)
        elif piece.style:
            self.item(piece)
        else:
            self.text(piece)

    def new_draft(self) -> None:
        """Starts the next job description."""
        self.drafts.append(Draft())
        self.slot, self.pending = None, None

    def part(self, piece: Piece) -> None:
        """A part of the document (篇二, 第三节): the next job description may start here."""
        if self.draft.has_content:
            self.new_draft()
        self.slot, self.pending = None, None
        self.loose(piece, title_allowed=True)

    def label(self, piece: Piece) -> None:
        """A section name: opens its section, or fills its field with the text after it."""
        assert piece.label is not None
        slot, kind, value = piece.label.slot, piece.label.kind, piece.text.strip()
        self.slot, self.pending, self.group = None, None, piece.block.group
        if slot == "title" and (self.draft.has_content or self.draft.title):
            self.new_draft()
        if kind in (FIELD, CONTROL):
            self.field(slot, piece) if value else self.wait(slot, piece)
        elif kind == REPORTING:
            self.slot = slot
            self.names(slot, value, piece.where)
        elif kind == PART:
            self.slot = "qualifications" if slot == "qualifications" else None
            self.unmapped(value, piece.where)
        else:
            self.slot = slot
            if value:
                self.content(value, piece, numbered=False)
                if slot in QUALIFICATION_PARTS:  # 学历：本科; the next line may be of any part
                    self.slot = "qualifications"

    def wait(self, slot: str, piece: Piece) -> None:
        """A field label without its value: the next piece of text is the value."""
        self.pending = (slot, piece.where, piece.head)

    def field(self, slot: str, piece: Piece, where: str = "", head: str = "") -> None:
        """Fills a field (title, department, document control) with the piece's text; the
        fields of UNKEPT_CONTROL, and a field given twice, stay as unmapped text."""
        value = sections.tidy(piece.text.strip()).rstrip("。")
        where, head = where or piece.where, head or piece.head
        if slot == "title":
            self.draft.title = (TITLE_SUFFIX.sub("", value).strip() or value, where)
        elif slot in UNKEPT_CONTROL or slot in self.draft.fields:
            self.unmapped(labelled(head, piece.text), where)
        else:
            self.draft.fields[slot] = (value, where)

    def item(self, piece: Piece) -> None:
        """A numbered or bulleted piece: a new item of the open section."""
        if self.pending is not None:
            self.take_pending(piece)
        elif self.slot in REPORTING_SLOTS:
            self.names(self.slot, piece.text, piece.where)
        elif self.slot is not None:
            self.content(piece.text, piece, numbered=True)
        else:
            self.loose(piece)

    def text(self, piece: Piece) -> None:
        """Plain text: a pending field's value, an item or more of the open section, or loose."""
        value = piece.text.strip()
        if not value:
            return
        if self.pending is not None:
            self.take_pending(piece)
        elif self.is_heading(piece):
            self.slot = None
            self.loose(piece, title_allowed=True)
        elif self.slot in REPORTING_SLOTS and self.continues_names(piece):
            self.names(self.slot, value, piece.where)
        elif self.slot is not None and self.slot not in REPORTING_SLOTS:
            self.content(value, piece, numbered=piece.block.kind == ITEM and piece.first)
        else:
            self.slot = None
            self.loose(piece, title_allowed=piece.first)

    def take_pending(self, piece: Piece) -> None:
        assert self.pending is not None
        slot, where, head = self.pending
        self.pending = None
        self.field(slot, piece, where, head)

    def is_heading(self, piece: Piece) -> bool:
        """Returns whether plain text heads a section rolebook does not know (工作环境：, a
        Word heading, a table row's first cell): the open section ends there."""
        block = piece.block
        return piece.first and (
            block.kind == HEADING
            or bool(HEADING_LIKE.match(piece.text.strip()))
            or block.kind == CELL
            and block.first_cell
            and len(piece.text.strip()) <= 12
        )

    def continues_names(self, piece: Piece) -> bool:
        """Returns whether text after a reporting label still names positions: a list item,
        or the same table row."""
        return piece.block.kind == ITEM or bool(self.group) and piece.block.group == self.group

    def content(self, text: str, piece: Piece, numbered: bool) -> None:
        """Adds text to the open section: a new item, or the rest of an item cut in two."""
        assert self.slot is not None
        slot = self.slot
        if slot == "summary":
            old = self.draft.fields.get("summary")
            joined = old[0] + _gap(old[0], text) + text if old else text
            self.draft.fields["summary"] = (joined, old[1] if old else piece.where)
            return
        entries = self.draft.lists.get(slot, [])
        last = entries[-1] if entries else None
        numbered = numbered or piece.block.kind == ITEM and piece.first
        if last and not numbered and piece.first and last.numbered and OPEN_END.search(last.text):
            last.text += _gap(last.text, text) + text  # an item cut by a line or page break
        elif entries and not numbered and piece.first and all(e.numbered for e in entries):
            self.slot = None  # plain text after a numbered or bulleted list: not of the list
            self.loose(piece)
        else:
            self.draft.add(slot, text, piece.where, numbered)

    def names(self, slot: str, text: str, where: str) -> None:
        """Adds the positions a reporting label names (split at 、 , ; / and 和)."""
        for name in split_names(text):
            self.draft.add(slot, name, where, numbered=False)

    def loose(self, piece: Piece, title_allowed: bool = False) -> None:
        """Text outside any section: a title heading (X岗位说明书), else unmapped."""
        text = piece.text.strip()
        title = heading_title(text) if title_allowed else None
        if title and self.draft.has_content and piece.block.kind == HEADING:
            self.new_draft()
        if title and not self.draft.has_content and not self.draft.heading_title:
            self.draft.heading_title = (title, piece.where, text)
        elif self.unknown_label(piece):
            label, where = self.draft.unmapped.pop()
            self.unmapped(labelled(label, text), where)
        else:
            self.unmapped(text, piece.where)
        self.row = piece.block.group if piece.block.first_cell and _short(text) else ""

    def unknown_label(self, piece: Piece) -> bool:
        """Returns whether the piece is the value of the unknown label in its row's first cell
        (工作环境 | 办公室): the two are kept together."""
        return bool(self.row) and piece.block.group == self.row and bool(self.draft.unmapped)

    def unmapped(self, text: str, where: str) -> None:
        """Keeps text that fits no section, with where it was."""
        if text.strip(" \t,，、:：;；.。"):
            self.draft.unmapped.append((text.strip(), where))


def _short(text: str) -> bool:
    """Returns whether text after a section's number is only a name (工作环境), not an item."""
    return len(text.strip()) <= 12 and not re.search(r"[，。；,;.:：]", text)


def _gap(before: str, after: str) -> str:
    """Returns what goes between two joined texts: a space between Latin words, else none."""
    return " " if before[-1:].isascii() and after[:1].isascii() else ""


def labelled(label: str, value: str) -> str:
    """Returns `label：value` (`label: value` in English), however the source wrote the label."""
    label, value = label.strip().rstrip(":：").strip(), value.strip()
    return f"{label}{': ' if label.isascii() else '：'}{value}"


def split_names(text: str) -> list[str]:
    """Returns the positions named in `text`: split at 、 ， , ; ／ / and between Chinese names
    at 和; none for 无 or N/A."""
    names = []
    for part in re.split(r"[、，,;；/／\n]", sections.tidy(text).rstrip("。")):
        part = part.strip()
        if part.casefold() in ("", "无", "暂无", "none", "n/a", "-", "—"):
            continue
        names += [p for p in re.split(r"(?<=[\u4e00-\u9fff])[和及](?=[\u4e00-\u9fff])", part)]
    return [n.strip() for n in names if n.strip()]


def heading_title(text: str) -> str | None:
    """Returns the title a heading gives (`行政专员岗位说明书` → 行政专员,
    `Job Description: Sales Manager` → Sales Manager), or None."""
    text = sections.plain(text).strip()
    match = TITLE_HEADING.match(text)
    if match:
        title = match.group("t").strip()
        return None if COLLECTION.search(title) or COLLECTION.search(text[match.end() :]) else title
    match = TITLE_EN.match(text)
    if match:
        return (match.group("a") or match.group("b")).strip()
    return None
