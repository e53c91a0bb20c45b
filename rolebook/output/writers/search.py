"""The search index writer: the roles' Documents in, html/search-index.js out.

The index holds one entry per line a reader looks for: a role's title, each heading, each duty,
workflow step, qualification, principle, precaution, reporting line…, each with the anchor of
its element in the role's page (`items` finds them; the HTML writer gives the elements those
ids). Page furniture is left out: the version header, the document control, the revision
history, the sign-off. The script sets `window.ROLEBOOK_SEARCH`, so the HTML handbook searches
offline, even opened straight from disk where a page may not fetch a JSON file;
templates/search.js matches in the browser.

The index is compact, for 10,000 roles: each distinct text and heading is stored once (roles
share many lines) and the entries refer to them by number:

    {"lang": …, "suggest": a word to put in the placeholder,
     "headings": [[text, anchor key], …], "texts": [text, …],
     "roles": [[url, title, [heading, …], [heading, number, text, …]], …]}

A role's entries are flat triples: an item's anchor is "<key of its heading>-<number>"; number 0
is a line under the title, whose link is the page itself.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field

from rolebook.model.document import (
    Block,
    Cell,
    Document,
    Heading,
    ListBlock,
    Para,
    Section,
    Table,
    plain,
)
from rolebook.output.writers.base import Resources

# The parts of a role that are page furniture, by the label key of their heading.
FURNITURE = frozenset(
    {"document-control", "revision-history", "approval", "acknowledgement", "acknowledged"}
)
# A Latin word, and the runs of CJK characters whose bigrams suggest a word in Chinese.
_WORD = re.compile(r"[A-Za-z]{4,}")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
# Common English words a placeholder should not suggest.
_STOP = frozenset(
    [
        "with",
        "that",
        "this",
        "from",
        "have",
        "will",
        "shall",
        "their",
        "they",
        "each",
        "when",
        "what",
        "which",
    ]
)
# Texts read for the placeholder's word: enough to find a common one, few enough to be quick.
_SUGGEST_SAMPLE = 5000


@dataclass(frozen=True)
class Item:
    """One line of a section the search finds: the block it is in (its index in the section)
    and its place in that block (list item; table row; row, cell and paragraph), its anchor
    ("" for the page itself), its kind ("title", "heading" or "text"), the heading it sits
    under (text and anchor key) and its text."""

    block: int
    part: tuple[int, ...]
    anchor: str
    kind: str
    heading: tuple[str, str]
    text: str


def anchor_keys(labels: dict[str, str]) -> dict[str, str]:
    """Returns the anchor key of each heading text that is a label ("岗位职责" → "duties"), so
    that anchors are the same in every language; the first key of a text wins."""
    return {
        text: key.replace("_", "-")
        for key, text in reversed(list(labels.items()))
        if isinstance(text, str)
    }


def items(section: Section, keys: dict[str, str]) -> list[Item]:
    """Returns the lines of `section` the search finds, with their anchors, in order."""
    walk = _Walk(keys, {section.anchor})
    for i, block in enumerate(section.blocks):
        walk.block(i, block)
    return walk.found


@dataclass
class _Walk:
    """Walks a section's blocks, keeping the heading each block is under."""

    keys: dict[str, str]
    used: set[str]
    heading: tuple[str, str] = ("", "")
    skip: bool = False
    counts: Counter = field(default_factory=Counter)
    found: list[Item] = field(default_factory=list)

    def block(self, i: int, block: Block) -> None:
        """Adds the items of one block."""
        if isinstance(block, Heading):
            self.enter(i, block)
        elif self.skip:
            return
        elif isinstance(block, Para):
            self.add(i, (), plain(block.spans))
        elif isinstance(block, ListBlock):
            for k, spans in enumerate(block.items):
                self.add(i, (k,), plain(spans))
        elif isinstance(block, Table):
            for part, text in _table_lines(block):
                self.add(i, part, text)

    def enter(self, i: int, h: Heading) -> None:
        """Starts the part under heading `h`: the title's (level 1) or a section's."""
        text = plain(h.spans)
        if h.level == 1:
            self.heading, self.skip = ("", ""), False
            self.found.append(Item(i, (), h.anchor, "title", self.heading, text))
            return
        key = base = h.anchor or self.keys.get(text) or _slug(text)
        self.skip = base in FURNITURE
        for n in range(2, len(self.used) + 2):  # a heading met again: key2, key3…
            if key not in self.used:
                break
            key = f"{base}{n}"
        self.used.add(key)
        self.heading = (text, key)
        if not self.skip:
            self.found.append(Item(i, (), key, "heading", self.heading, text))

    def add(self, i: int, part: tuple[int, ...], text: str) -> None:
        """Adds a line under the current heading, numbered within it."""
        if not text.strip():
            return
        key = self.heading[1]
        self.counts[key] += 1
        anchor = f"{key}-{self.counts[key]}" if key else ""
        self.found.append(Item(i, part, anchor, "text", self.heading, text))


def _slug(text: str) -> str:
    """Returns an anchor key made of a heading's text: words joined by hyphens."""
    return re.sub(r"[\W_]+", "-", text.lower()).strip("-") or "section"


def _table_lines(table: Table) -> list[tuple[tuple[int, ...], str]]:
    """Returns the lines of a table's data rows, with their place: a row is one line (row,),
    unless a cell holds several paragraphs (a time window's steps), each then a line of its
    own (row, cell, paragraph). A line's text is its row's cells joined, with the row's label."""
    lines: list[tuple[tuple[int, ...], str]] = []
    for r, row in enumerate(table.rows):
        data = [c for c, cell in enumerate(row) if not cell.header]
        if not data:
            continue
        main = max(data, key=lambda c: len(row[c].paras))
        paras = row[main].paras if len(row[main].paras) > 1 else (None,)
        for p, para in enumerate(paras):
            texts = [
                plain(para) if c == main and para else _cell_text(cell)
                for c, cell in enumerate(row)
            ]
            part = (r,) if para is None else (r, main, p)
            lines.append((part, " · ".join(t for t in texts if t)))
    return lines


def _cell_text(cell: Cell) -> str:
    return " ".join(plain(p) for p in cell.paras).strip()


class SearchWriter:
    """Writes the search index of Documents whose sections are roles."""

    extension = "js"

    def __init__(self, resources: Resources):
        self.keys = {lang: anchor_keys(labels) for lang, labels in resources.labels.items()}

    def write(self, doc: Document) -> bytes:
        """Returns the JavaScript that defines the search index of `doc`'s sections."""
        return self.assemble([self.piece(doc, 0, frozenset())])

    def piece(self, doc: Document, number: int, anchors: frozenset[str]) -> bytes:
        """Returns the search entries of `doc`'s sections, as JSON: one role each."""
        keys = self.keys.get(doc.lang, {})
        roles = [_role(section, items(section, keys)) for section in doc.sections]
        return json.dumps(
            {"lang": doc.lang, "roles": roles}, ensure_ascii=False, separators=(",", ":")
        ).encode()

    def assemble(self, pieces: list[bytes]) -> bytes:
        """Returns the JavaScript that defines the search index of every piece's roles."""
        index = _Index()
        for piece in pieces:
            data = json.loads(piece)
            index.lang = index.lang or data["lang"]
            for role in data["roles"]:
                index.add(role)
        text = json.dumps(index.data(), ensure_ascii=False, separators=(",", ":"))
        return f"window.ROLEBOOK_SEARCH = {text};\n".encode()


def _role(section: Section, found: list[Item]) -> dict:
    """Returns a role's entries as a piece holds them: texts in full, not yet numbered."""
    title = next((i.text for i in found if i.kind == "title"), "")
    lines = []
    for item in found:
        if item.kind == "text":
            number = int(item.anchor.rsplit("-", 1)[1]) if item.anchor else 0
            lines.append([*item.heading, number, item.text])
    headings = [list(i.heading) for i in found if i.kind == "heading"]
    return {"url": f"{section.anchor}.html", "title": title, "headings": headings, "lines": lines}


@dataclass
class _Index:
    """The whole index, each distinct heading and text numbered once."""

    lang: str = ""
    headings: dict[tuple[str, str], int] = field(default_factory=dict)
    texts: dict[str, int] = field(default_factory=dict)
    roles: list[list] = field(default_factory=list)

    def add(self, role: dict) -> None:
        """Adds a role's entries, their headings and texts numbered."""
        lines: list[int] = []
        for text_h, key, number, text in role["lines"]:
            h = self.heading(text_h, key) if key else -1
            lines += [h, number, self.texts.setdefault(text, len(self.texts))]
        headings = [self.heading(text, key) for text, key in role["headings"]]
        self.roles.append([role["url"], role["title"], headings, lines])

    def heading(self, text: str, key: str) -> int:
        """Returns the number of a heading (its text and anchor key), numbering it if new."""
        return self.headings.setdefault((text, key), len(self.headings))

    def data(self) -> dict:
        """Returns the index as the script defines it."""
        return {
            "lang": self.lang,
            "suggest": suggestion(self.lang, [r[1] for r in self.roles], list(self.texts)),
            "headings": [list(h) for h in self.headings],
            "texts": list(self.texts),
            "roles": self.roles,
        }


def suggestion(lang: str, titles: list[str], texts: list[str]) -> str:
    """Returns a word of the handbook's language that its roles use most (among the first
    texts): for Chinese the commonest pair of characters, else the commonest word of four
    letters or more; "" when there is none."""
    sample = titles[:_SUGGEST_SAMPLE] + texts[:_SUGGEST_SAMPLE]
    counts: Counter = Counter()
    for text in sample:
        if lang.startswith("zh"):
            counts.update(r[k : k + 2] for r in _CJK.findall(text) for k in range(len(r) - 1))
        else:
            counts.update(w for w in map(str.lower, _WORD.findall(text)) if w not in _STOP)
    best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return best[0][0] if best else ""
