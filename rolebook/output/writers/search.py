"""The search index writer: the roles' Documents in, html/search-index.js out.

The index is a script that sets `window.ROLEBOOK_SEARCH` (a list of {url, title, text}), so the
HTML handbook searches offline, even opened straight from disk where a page may not fetch a
JSON file. templates/search.js does the matching in the browser. Each role's page gives its
entries (`piece`), which the index puts together in the handbook's order (`assemble`).
"""

from __future__ import annotations

import json

from rolebook.model.document import Document, Heading, plain, text_of
from rolebook.output.writers.base import Resources


class SearchWriter:
    """Writes the search index of Documents whose sections are roles."""

    extension = "js"

    def __init__(self, resources: Resources):
        pass

    def write(self, doc: Document) -> bytes:
        """Returns the JavaScript that defines the search index of `doc`'s sections."""
        return self.assemble([self.piece(doc, 0, frozenset())])

    def piece(self, doc: Document, number: int, anchors: frozenset[str]) -> bytes:
        """Returns the search entries of `doc`'s sections (as a JSON list)."""
        entries = []
        for section in doc.sections:
            title = next((plain(b.spans) for b in section.blocks if isinstance(b, Heading)), "")
            text = "\n".join(
                [" ".join(v for _, v in section.header), *(text_of(b) for b in section.blocks)]
            )
            entries.append({"url": f"{section.anchor}.html", "title": title, "text": text})
        return json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode()

    def assemble(self, pieces: list[bytes]) -> bytes:
        """Returns the JavaScript that defines the search index of every piece's entries."""
        entries = [entry for piece in pieces for entry in json.loads(piece)]
        data = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
        return f"window.ROLEBOOK_SEARCH = {data};\n".encode()
