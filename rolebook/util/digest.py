"""Digests: the SHA-256 fingerprints that cache keys are made of.

A digest of rolebook's own code is part of every key, so that a new rolebook rebuilds all.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import rolebook


def digest(*parts: str | bytes) -> str:
    """Returns the SHA-256 hex digest of `parts`, each length-prefixed so none can run into the
    next."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(b"%d:" % len(data))
        h.update(data)
    return h.hexdigest()


def tool_digest() -> str:
    """Returns the digest of rolebook's version and source code: a new rolebook rebuilds all."""
    return digest(rolebook.__version__, _source_digest())


@functools.cache
def _source_digest() -> str:
    """Returns the digest of rolebook's source code, read once: the code this process runs."""
    package = Path(rolebook.__file__).parent
    sources = sorted(package.rglob("*.py"))
    return digest(
        *(part for p in sources for part in (p.relative_to(package).as_posix(), p.read_bytes()))
    )


def folder_digest(folder: Path) -> str:
    """Returns the digest of every file's name and bytes under `folder`."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return digest(
        *(part for p in files for part in (p.relative_to(folder).as_posix(), p.read_bytes()))
    )
