"""What every writer shares: the resources it is built from and the signature it keeps.

A writer is built once per build from Resources (loaded by the build, which does all file
I/O) and then turns Documents into bytes: `write(doc) -> bytes`, nothing else. A writer of a
file made of every role (the handbook, the search index) can also write it in pieces: each
role's piece with that role's own files, put together at the end, so that a rebuild after
editing one role writes one piece again, not the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import jinja2

from rolebook.model.document import Document


@dataclass(frozen=True)
class Resources:
    """What writers may use: the template environment, labels by language, and the Word
    reference document with its name as the user knows it (for messages about it)."""

    env: jinja2.Environment
    labels: dict[str, dict[str, str]]
    reference_docx: bytes
    reference_name: str


class Writer(Protocol):
    """Turns a Document into the bytes of one output file."""

    extension: str

    def write(self, doc: Document) -> bytes: ...


class AssemblingWriter(Writer, Protocol):
    """A Writer that also writes a file in pieces, one Document each, and puts them together:
    `assemble([piece(a, 0, …), piece(b, 1, …)])` is the file of a's sections then b's."""

    def piece(self, doc: Document, number: int, anchors: frozenset[str]) -> bytes:
        """Returns `doc` written as the piece `number` of a file whose sections have
        `anchors` (the targets its links may have)."""

    def assemble(self, pieces: list[bytes]) -> bytes:
        """Returns the file made of `pieces`, in order."""
