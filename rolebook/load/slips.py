"""Slips of a Chinese keyboard where YAML needs ASCII: found by the line, named with their fix.

A Chinese input method in full-width mode types '：' for ':', '－' for '-' and an ideographic
space U+3000 for a space. In a text they are fine; where YAML expects its own punctuation they
throw the parser off, and its message comes lines later, about something else. So the lines of a
file with problems are searched for them where YAML's structure starts (the indentation, a list's
bullet, a key's colon); the reader reports those that are not inside a text it read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

IDEOGRAPHIC_SPACE = "\u3000"
# Indentation (ASCII or ideographic spaces), then what starts the line.
_LINE = re.compile(f"([ {IDEOGRAPHIC_SPACE}]*)(.*)")
# What YAML's structure starts with: a list's bullet, or a word and a colon (of either width).
_STRUCTURE = re.compile(r"[-－](?:[ \u3000]|$)|[A-Za-z_][A-Za-z0-9_]*[ \u3000]*[:：]")
# A key (after a list's bullet, if any) with a full-width colon after it.
_FULL_WIDTH_COLON = re.compile(r"(?:-[ ]+)?([A-Za-z_][A-Za-z0-9_]*)[ \u3000]*(：)(.?)")

Slip = tuple[tuple[int, int], str]


def slips(lines: list[str], keys: frozenset[str]) -> Iterator[Slip]:
    """Yields each slip of `lines` (at most one a line) with its 1-based (line, column) and its
    message; `keys` are the keys of the file's schema, so '：' after any other word is text."""
    for number, line in enumerate(lines, 1):
        found = _slip(line, keys)
        if found is not None:
            col, message = found
            yield (number, col), message


def _slip(line: str, keys: frozenset[str]) -> tuple[int, str] | None:
    """Returns the 1-based column and the message of the slip that starts `line`, or None."""
    match = _LINE.match(line)
    assert match is not None  # anything matches: both groups may be empty
    indent, rest = match.groups()
    if IDEOGRAPHIC_SPACE in indent and _STRUCTURE.match(rest):
        return indent.index(IDEOGRAPHIC_SPACE) + 1, (
            f"ideographic space '{IDEOGRAPHIC_SPACE}' (U+3000) used as indentation; indent "
            "with ASCII spaces (switch the input method to half-width)"
        )
    if rest.startswith("－"):
        return len(indent) + 1, (
            "full-width '－' used as a list bullet; type '-' followed by a space"
        )
    colon = _FULL_WIDTH_COLON.match(rest)
    if colon and colon.group(1) in keys:
        space = "" if colon.group(3) in ("", " ") else " followed by a space"
        return len(indent) + colon.start(2) + 1, (
            f"full-width colon '：' after '{colon.group(1)}'; type ':'{space}"
        )
    return None
