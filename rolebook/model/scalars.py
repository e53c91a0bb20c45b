"""Scalar kinds: how one YAML scalar's source text becomes a value of the model.

Scalars are read from the text as written, never through YAML's own typing, so `version: 1.10`
stays "1.10", `01234` stays "01234" and an empty value is "" — YAML 1.2 typing cannot leak into
a document. Each kind says what it accepts (for error messages) and its JSON Schema.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, cast

# Bidirectional controls: they display the text around them in another order than it is stored,
# so "VIP专员\u202eexe.txt" shows as "VIP专员txt.exe" and no search finds what is shown (the
# "Trojan Source" trick, CVE-2021-42574).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Characters that take no space: zero-width space, non-joiner and joiner, word joiner and the
# invisible operators, soft hyphen, Mongolian vowel separator, the deprecated format controls,
# interlinear annotation marks and tags. Hidden inside a word, they make it another word to
# search and compare. (Refused, not stripped: the file must say what the handbook prints.)
ZERO_WIDTH = (
    "\u00ad\u180e\u200b-\u200d\u2060-\u2064\u206a-\u206f\ufff9-\ufffb\U000e0001"
    "\U000e0020-\U000e007f"
)
# Characters that have no place in a role's text: the control characters Word's XML cannot hold,
# DEL and the C1 controls (YAML refuses them), the line and paragraph separators (YAML would take
# them for line breaks), a byte-order mark inside the text, lone surrogates and non-characters,
# bidirectional controls and zero-width characters. They arrive by copying out of other programs.
INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef\ufeff\ufffe\uffff"
    f"{BIDI_CONTROLS}{ZERO_WIDTH}]"
)
# In a value, a carriage return too: YAML reads line breaks as "\n", so one can only come from an
# escape ("\r"), and XML would turn it into a line feed.
_FORBIDDEN = re.compile(f"{INVISIBLE.pattern[:-1]}\r]")
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
# Pictographs and symbols that emoji sequences join (an approximation of Extended_Pictographic).
_EMOJI = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2190-\u21ff\u2300-\u23ff\u24c2\u25a0-\u27bf"
    "\u2900-\u297f\u2b00-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
)
# Where an invisible character is part of an emoji: a zero-width joiner between two pictographs
# (👩‍💻, after a variation selector or a skin tone too), and the tags of a subdivision flag (🏴 and
# tag letters up to CANCEL TAG).
_EMOJI_PARTS = re.compile(
    f"(?<=[{_EMOJI}])\u200d(?=[{_EMOJI}])"
    f"|(?<=[{_EMOJI}][\ufe0f\U0001f3fb-\U0001f3ff])\u200d(?=[{_EMOJI}])"
    "|(?<=\U0001f3f4)[\U000e0020-\U000e007e]+\U000e007f"
)
_EMOJI_PART_CHARS = re.compile("[\u200d\U000e0020-\U000e007f]")


def find_invisible(text: str, pattern: re.Pattern[str] = INVISIBLE) -> re.Match[str] | None:
    """Returns the first match of `pattern` (INVISIBLE, or the stricter set for values) in
    `text` that is not part of an emoji, or None."""
    found = pattern.search(text)
    if found is None or not _EMOJI_PART_CHARS.match(found.group()):
        return found
    # Each emoji part becomes as many spaces, so what is found keeps its place.
    return pattern.search(_EMOJI_PARTS.sub(lambda part: " " * len(part.group()), text))


def invisible_message(char: str) -> str:
    """Returns the message for a character of INVISIBLE (or a carriage return) in the text."""
    code = f"U+{ord(char):04X}"
    category = unicodedata.category(char)
    if category == "Cs":
        return (
            f"broken character {code} (half of a surrogate pair) in text; delete it and type "
            "the character again"
        )
    name = unicodedata.name(char, "not a character").lower()
    if _BIDI.match(char):
        return (
            f"bidirectional control character {code} ({name}) in text: it shows the text "
            "around it in another order than it is stored; delete it"
        )
    what = f"control character {code}" if category == "Cc" else f"character {code} ({name})"
    return (
        f"invisible {what} in text; delete it (it often comes from copying out of another program)"
    )


def closest(name: object, names: list[str]) -> str:
    """Returns the one of `names` nearest to the unknown `name`, or "" if none is near: the
    "did you mean" of every unknown key, word or name."""
    if not isinstance(name, str):
        return ""
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return close[0] if close else ""


# What Kind.parse looks for first: a text in which it finds nothing is its own value, as the
# reading cache restores hundreds of thousands of them (rolebook/load/reader.py).
needs_a_closer_look = _FORBIDDEN.search


class KindError(ValueError):
    """A scalar's text does not fit its kind; the message says what to write instead."""


class Kind:
    """Text of any content but no control characters."""

    what = "a text"
    json: dict = {"type": "string"}

    def parse(self, text: str) -> object:
        """Returns the value for `text`, or raises KindError saying how to fix it."""
        if _FORBIDDEN.search(text):  # rare: only then look closer, at emoji
            bad = find_invisible(text, _FORBIDDEN)
            if bad:
                raise KindError(invisible_message(bad.group()))
        return text


class Pattern(Kind):
    """Text matching a regular expression, described for people by `example`."""

    def __init__(self, regex: str, what: str, example: str):
        self.regex, self.what, self.example = re.compile(regex), what, example
        self.json = {"type": "string", "pattern": f"^(?:{regex})$"}

    def parse(self, text: str) -> str:
        """Returns `text` if it matches, else raises KindError with an example."""
        text = cast(str, super().parse(text))  # Kind.parse returns the text itself
        if not self.regex.fullmatch(text):
            raise KindError(f"'{text}' is not {self.what}; write it like {self.example}")
        return text


class Choice(Kind):
    """One of a fixed set of words."""

    def __init__(self, *choices: str):
        self.choices = choices
        self.what = "one of " + ", ".join(choices)
        self.json = {"type": "string", "enum": list(choices)}

    def parse(self, text: str) -> str:
        """Returns `text` if it is one of the choices, else raises KindError listing them."""
        text = cast(str, super().parse(text))
        if text not in self.choices:
            close = closest(text, list(self.choices))
            hint = f"; did you mean '{close}'?" if close else ""
            raise KindError(f"'{text}' is not {self.what}{hint}")
        return text


class DateKind(Kind):
    """A calendar date written YYYY-MM-DD."""

    what = "a date"
    json = {"type": "string", "format": "date"}
    _shape = re.compile(r"\d{4}-\d{2}-\d{2}")

    def parse(self, text: str) -> dt.date:
        """Returns the date, or raises KindError for a wrong shape or a day that does not exist."""
        text = cast(str, super().parse(text))
        if not self._shape.fullmatch(text):
            raise KindError(f"'{text}' is not a date; write it as YYYY-MM-DD, like 2024-03-01")
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise KindError(f"'{text}' is not a real date: {exc}") from None


@dataclass(frozen=True)
class TimeWindow:
    """A time window of the working day, such as 08:30–09:00."""

    start: str
    end: str

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"


class TimeWindowKind(Kind):
    """A window HH:MM–HH:MM within one day; a hyphen or an en dash separates the times."""

    what = "a time window"
    json = {"type": "string", "pattern": r"^\d{2}:\d{2}\s*[-–]\s*\d{2}:\d{2}$"}
    _shape = re.compile(r"(\d{2}):(\d{2})\s*[-–]\s*(\d{2}):(\d{2})")

    def parse(self, text: str) -> TimeWindow:
        """Returns the window, or raises KindError for a wrong shape, time or order."""
        m = self._shape.fullmatch(cast(str, super().parse(text)))
        hint = "write it as HH:MM–HH:MM, like 08:30–09:00"
        if not m:
            raise KindError(f"'{text}' is not a time window; {hint}")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise KindError(f"'{text}' has a time that does not exist; {hint}")
        if (h1, m1) >= (h2, m2):
            raise KindError(f"time window '{text}' ends before it starts; {hint}")
        return TimeWindow(f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}")


Text = Annotated[str, Kind()]


class FileNameKind(Pattern):
    """A name that becomes a file name (<id>.yaml, .docx, .html) on every system, Windows too."""

    # Windows cannot open files with these names, whatever their extension.
    RESERVED = {
        "con",
        "prn",
        "aux",
        "nul",
        *(f"{d}{n}" for d in ("com", "lpt") for n in range(1, 10)),
    }
    MAX_LENGTH = 64

    def __init__(self, regex: str, what: str, example: str):
        super().__init__(regex, what, example)
        self.json = {**self.json, "maxLength": self.MAX_LENGTH}

    def parse(self, text: str) -> str:
        """Returns `text` if it matches and makes a file name anywhere, else raises KindError."""
        text = super().parse(text)
        if text in self.RESERVED:
            raise KindError(
                f"'{text}' cannot be a file name on Windows; choose another, like {self.example}"
            )
        if len(text) > self.MAX_LENGTH:
            raise KindError(
                f"'{text[:20]}…' is {len(text)} characters long; keep it to "
                f"{self.MAX_LENGTH}, like {self.example}"
            )
        return text


# The kind of a role id, for code that parses one outside a role file (RoleId's metadata).
ROLE_ID = FileNameKind(
    r"[a-z0-9]+(-[a-z0-9]+)*",
    "a valid role id (lower-case letters, digits and single hyphens)",
    "vip-department-manager",
)
RoleId = Annotated[str, ROLE_ID]
Version = Annotated[
    str,
    Pattern(r"[0-9]+\.[0-9]+", "a version (MAJOR.MINOR)", '"1.0" or "2.13"'),
]
Date = Annotated[dt.date, DateKind()]


class GridIdKind(Pattern):
    """The id of a job family or a level of the grid, which roles name (see check/grid.py)."""

    def __init__(self) -> None:
        super().__init__(
            # Empty for a role placed in no family or level.
            r"([A-Za-z0-9]+([-_][A-Za-z0-9]+)*)?",
            "an id of the job architecture (letters, digits, single - or _)",
            "service or P3",
        )


GridId = Annotated[str, GridIdKind()]
Window = Annotated[TimeWindow, TimeWindowKind()]
Status = Annotated[str, Choice("draft", "review", "approved", "retired")]
Language = Annotated[str, Choice("zh-CN", "en", "zh-CN+en")]
