"""What every writer shares: the resources it is built from and the signature it keeps.

A writer is built once per build from Resources (loaded by the pipeline, which does all file
I/O) and then turns Documents into bytes: `write(doc) -> bytes`, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import jinja2

from rolebook.document import Document


@dataclass(frozen=True)
class Resources:
    """What writers may use: the template environment, labels by language, reference.docx."""

    env: jinja2.Environment
    labels: dict[str, dict[str, str]]
    reference_docx: bytes


class Writer(Protocol):
    """Turns a Document into the bytes of one output file."""

    extension: str

    def write(self, doc: Document) -> bytes: ...
