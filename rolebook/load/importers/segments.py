"""Cutting source blocks into pieces at section names and list numbers.

A block may hold one item (a Word paragraph) or a whole page (a flattened copy: `一、岗位职责本
营业部…:1、咨询…;2、交易…`). Each place where a label, a part or a number may begin
(sections.CANDIDATES) is judged in order: numbers must continue their list (1 or one more than
the last), labels must stand where a label can (at the start, after punctuation or a number,
followed by a colon or by nothing), so that 5年, 1.70米 or 岗位职责 inside a sentence stay text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rolebook.load.importers import sections
from rolebook.load.importers.blocks import Block
from rolebook.load.importers.sections import PART, SECTION, Label

# Numbering styles that make list items, and those that make sections (一、 and （一）).
ITEM_STYLES = ("arabic", "paren", "circled", "letter", "bullet", "garbled")
SECTION_STYLES = ("chapter", "sub")
_SEPARATORS = " /／|（()）"


@dataclass(frozen=True)
class Piece:
    """A run of a block's text that starts with at most one label, number or part marker."""

    text: str
    where: str
    block: Block
    first: bool  # the first piece of its block
    label: Label | None = None
    colon: bool = False
    style: str = ""  # the numbering style, or "part" for 篇二 and 第三节
    number: int = 0
    head: str = ""  # the label, number or marker as written


@dataclass
class _Token:
    start: int
    end: int
    label: Label | None = None
    colon: bool = False
    style: str = ""
    number: int = 0


@dataclass
class Numbering:
    """The numbers seen so far in each style, carried from block to block."""

    last: dict[str, int] = field(default_factory=dict)
    timed: bool = False  # whether the last item began with a time window

    def fits(self, style: str, number: int) -> bool:
        """Returns whether `number` may start (1) or continue a list in `style`."""
        return number == 1 or number == self.last.get(style, 0) + 1

    def take(self, style: str, number: int) -> None:
        """Records a number; a section's number starts its items' numbering afresh."""
        self.last[style] = number
        if style in SECTION_STYLES:
            for other in ITEM_STYLES + (("sub",) if style == "chapter" else ()):
                self.last.pop(other, None)

    def restart(self) -> None:
        """Starts the items' numbering afresh, as a new label does."""
        for style in ITEM_STYLES:
            self.last.pop(style, None)


def pieces(block: Block, numbering: Numbering) -> Iterator[Piece]:
    """Yields the pieces of `block`: its text cut before each label, part marker and number."""
    text = sections.plain(block.text)
    tokens = list(_tokens(text, block, numbering))
    if not tokens or tokens[0].start > 0:
        tokens.insert(0, _Token(0, 0))
    for i, token in enumerate(tokens):
        end = tokens[i + 1].start if i + 1 < len(tokens) else len(text)
        yield Piece(
            text[token.end : end],
            block.at(token.start),
            block,
            i == 0,
            token.label,
            token.colon,
            token.style,
            token.number,
            text[token.start : token.end],
        )


def _tokens(text: str, block: Block, numbering: Numbering) -> Iterator[_Token]:
    """Yields the labels, part markers and numbers that begin pieces of `text`, in order."""
    previous_end = -1
    for match in sections.CANDIDATES.finditer(text):
        token = _judge(match, text, numbering, match.start() == previous_end)
        if token is not None and token.start >= max(previous_end, 0):
            previous_end = token.end
            if token.label is not None:
                numbering.restart()
            yield token


def _judge(match: re.Match, text: str, numbering: Numbering, after_token: bool) -> _Token | None:
    """Returns the token a candidate is, or None if it is ordinary text."""
    kind = "label" if match.group("label") else str(match.lastgroup)
    start = match.start()
    boundary = after_token or sections.at_boundary(text, start)
    if kind == "label":
        return _label(match, text, boundary, after_token)
    if kind == "part":
        return _Token(start, match.end(), style="part")
    if not boundary and kind != "circled":  # ① is a number wherever it stands
        return None
    if kind in ("chapter", "sub"):
        number = sections.cn_number(match.group(kind))
        return _numbered(numbering, kind, number, start, match.end(), text)
    return _item(match, kind, text, numbering)


def _item(match: re.Match, kind: str, text: str, numbering: Numbering) -> _Token | None:
    """Returns the token of a list number or bullet that fits its list, else None."""
    start, value = match.start(), str(match.group(kind))
    if kind == "arabic" and not match.group(0)[len(value) :].strip():
        # A number glued to the text: only the next one of the list, before a time or letter.
        expected = str(numbering.last.get("arabic", 0) + 1)
        end = start + len(expected)
        if not text.startswith(expected, start) or not sections.glued_number_fits(text, end):
            return None
        return _numbered(numbering, "arabic", int(expected), start, end, text)
    if kind == "bullet":
        return _Token(start, match.end(), style="bullet") if not text[:start].strip() else None
    if kind == "garbled":  # OCR for a number (Ih for 11), seen only among timed steps
        if not numbering.timed or text[start - 1 : start] in (":", "："):
            return None
        following = numbering.last.get("arabic", 0) + 1
        return _numbered(numbering, "arabic", following, start, match.end(), text)
    number = (
        ord(value) - ord("a") + 1
        if kind == "letter"
        else sections.CIRCLED.index(value) + 1
        if kind == "circled"
        else int(value)
    )
    return _numbered(numbering, kind, number, start, match.end(), text)


def _numbered(
    numbering: Numbering, style: str, number: int, start: int, end: int, text: str
) -> _Token | None:
    """Returns the token of a number that fits its list, recording it; else None."""
    if not numbering.fits(style, number):
        return None
    numbering.take(style, number)
    if style not in SECTION_STYLES:
        numbering.timed = sections.time_window(text[end:].lstrip(" ,，、")) is not None
    return _Token(start, end, style=style, number=number)


def _label(match: re.Match, text: str, boundary: bool, after_token: bool) -> _Token | None:
    """Returns the token of a section name standing where a label can, else None."""
    name, colon = match.group("label"), match.group("colon") is not None
    if name.isascii() and not _word(text, match.start(), match.end("label")):
        return None
    label = sections.label_of(name)
    end = _translation_end(text, match.end(), label, colon)
    colon = colon or text[:end].endswith((":", "："))
    whole = not text[: match.start()].strip() and not text[end:].strip(" :：")
    followed = _label_follows(text, end)
    if not (
        whole
        or colon
        and (boundary or sections.can_be_anywhere(name, label))
        or boundary
        and label.kind in (SECTION, PART)
        and (after_token or followed)
    ):
        return None
    return _Token(match.start(), end, label=label, colon=colon)


def _word(text: str, start: int, end: int) -> bool:
    """Returns whether text[start:end] is a whole word: no letter glued before or after."""
    before = text[start - 1 : start]
    after = text[end : end + 1]
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())


def _translation_end(text: str, end: int, label: Label, colon: bool) -> int:
    """Returns where a label ends, its translation included: 岗位职责 / Responsibilities："""
    rest = end
    while rest < len(text) and text[rest] in _SEPARATORS:
        rest += 1
    match = None if colon else sections.CANDIDATES.match(text, rest)
    if match is None or match.group("label") is None:
        return end
    name = match.group("label")
    if sections.label_of(name).slot != label.slot or not _word(text, rest, match.end("label")):
        return end
    end = match.end("label")
    while end < len(text) and text[end] in "）)":
        end += 1
    after = re.match(r"\s*[:：]", text[end:])
    return end + (after.end() if after else 0)


def _label_follows(text: str, end: int) -> bool:
    """Returns whether a label with a colon begins right at `end` (任职资格教育背景：)."""
    match = sections.CANDIDATES.match(text, end)
    return bool(match and match.group("label") and match.group("colon"))
