"""Scalar kinds: how one YAML scalar's source text becomes a value of the model.

Scalars are read from the text as written, never through YAML's own typing, so `version: 1.10`
stays "1.10", `01234` stays "01234" and an empty value is "" — YAML 1.2 typing cannot leak into
a document. Each kind says what it accepts (for error messages) and its JSON Schema.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, cast

# Characters that have no place in a role's text: the control characters Word's XML cannot hold,
# DEL and the C1 controls (YAML refuses them), the line and paragraph separators (YAML would take
# them for line breaks), a byte-order mark inside the text, lone surrogates and non-characters.
# They arrive by copying out of other programs.
INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)
# In a value, a carriage return too: YAML reads line breaks as "\n", so one can only come from an
# escape ("\r"), and XML would turn it into a line feed.
_FORBIDDEN = re.compile(f"{INVISIBLE.pattern[:-1]}\r]")


def invisible_message(char: str) -> str:
    """Returns the message for a character of INVISIBLE (or a carriage return) in the text."""
    code = f"U+{ord(char):04X}"
    category = unicodedata.category(char)
    if category == "Cs":
        return (
            f"broken character {code} (half of a surrogate pair) in text; delete it and type "
            "the character again"
        )
    if category == "Cc":
        what = f"control character {code}"
    else:
        what = f"character {code} ({unicodedata.name(char, 'not a character').lower()})"
    return (
        f"invisible {what} in text; delete it (it often comes from copying out of another program)"
    )


class KindError(ValueError):
    """A scalar's text does not fit its kind; the message says what to write instead."""


class Kind:
    """Text of any content but no control characters."""

    what = "a text"
    json: dict = {"type": "string"}

    def parse(self, text: str) -> object:
        """Returns the value for `text`, or raises KindError saying how to fix it."""
        bad = _FORBIDDEN.search(text)
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
            raise KindError(f"'{text}' is not {self.what}")
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
Window = Annotated[TimeWindow, TimeWindowKind()]
Status = Annotated[str, Choice("draft", "review", "approved", "retired")]
Language = Annotated[str, Choice("zh-CN", "en")]
