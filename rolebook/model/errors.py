"""The one exception family of rolebook, and the diagnostics it carries.

Everything a user can cause (bad YAML, a broken template, an unwritable output folder) is raised
as a `RolebookError`; the CLI catches it in one place, prints it and exits with its `exit_code`.
Anything else that escapes is a bug in rolebook, not in the user's files.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in one file, at a 1-based line and column."""

    path: str
    line: int
    col: int
    message: str
    severity: str = ERROR
    source_line: str = field(default="", compare=False)

    def format(self) -> str:
        """Returns `path:line:col: severity: message`, then the source line with a caret."""
        head = f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"
        if not self.source_line.strip():
            return head
        caret = " " * display_width(self.source_line[: self.col - 1]) + "^"
        return f"{head}\n    {self.source_line}\n    {caret}"


def display_width(text: str) -> int:
    """Returns how many terminal columns `text` takes: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class RolebookError(Exception):
    """Base of every error the user can cause; printed by the CLI without a traceback."""

    exit_code = 1

    def lines(self) -> list[str]:
        """Returns the text the CLI prints for this error."""
        return [f"error: {self}"]


class CheckFailed(RolebookError):
    """The roles or settings have errors; carries every diagnostic of every file."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__(f"{sum(d.severity == ERROR for d in diagnostics)} errors")

    def lines(self) -> list[str]:
        """Returns each diagnostic, formatted."""
        return [d.format() for d in self.diagnostics]


class LocatedError(RolebookError):
    """An error at a known place in a file that is not a role (a template, the settings)."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line = path, line
        super().__init__(message)

    def __reduce__(self):
        # Raised in a worker process, it crosses to the main process pickled.
        return type(self), (self.path, self.line, str(self))

    def lines(self) -> list[str]:
        """Returns `path:line: error: message` (`path: error: message` for a whole file)."""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return [f"{where}: error: {self}"]


class OutputError(RolebookError):
    """The output could not be written; the previous output is left as it was."""
