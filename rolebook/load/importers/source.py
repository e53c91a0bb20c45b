"""One source file to the roles it holds: its kind told by name and by content, its reader run,
its blocks mapped and shaped. Files that cannot be imported are refused with a reason and what
to do instead: PDFs, old .doc files, encrypted or damaged Word files, empty files.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path, PurePath

from rolebook.load.importers.blocks import Block, Unreadable
from rolebook.load.importers.docx import read_docx
from rolebook.load.importers.html import read_html
from rolebook.load.importers.mapping import Mapper
from rolebook.load.importers.shape import Imported, shape
from rolebook.load.importers.text import read_markdown, read_text

READERS: dict[str, Callable[[bytes], list[Block]]] = {
    ".docx": read_docx,
    ".txt": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
}
# A source file is a job description or a few: larger files are refused before they are read.
MAX_SOURCE_BYTES = 20_000_000
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .doc, and of encrypted .docx
SAVE_AS_DOCX = "open it in Word and save it as a Word document (.docx), then import that"


def kind(name: str) -> str:
    """Returns the file's extension, lower-case, e.g. .docx."""
    return PurePath(name).suffix.lower()


def read_source(path: Path) -> bytes:
    """Returns the bytes of the file at `path`: a regular file of at most MAX_SOURCE_BYTES
    (a pipe or a device is refused without waiting on it); raises Unreadable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise Unreadable("file not found") from None
    except OSError as exc:
        raise Unreadable(f"cannot read it: {exc.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise Unreadable("it is not a file")
    with os.fdopen(fd, "rb") as file:
        data = file.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise Unreadable(
            f"the file is more than the {MAX_SOURCE_BYTES // 1_000_000} MB a job description "
            "may take"
        )
    return data


def roles_of(name: str, data: bytes) -> list[Imported]:
    """Returns the roles the file `name` with bytes `data` holds; raises Unreadable."""
    refuse(name, data)
    blocks = READERS[kind(name)](data)
    if not blocks:
        raise Unreadable("it holds no text")
    return [shape(draft) for draft in Mapper().read(blocks)]


def refuse(name: str, data: bytes) -> None:
    """Raises Unreadable for a file that cannot be imported, saying what to do instead."""
    if kind(name) not in READERS and kind(name) not in (".doc", ".pdf"):
        raise Unreadable(
            f"rolebook imports .docx, .txt, .md and .html files, not '{kind(name) or name}'"
        )
    if not data.strip():
        raise Unreadable("the file is empty")
    if data.startswith(b"%PDF") or kind(name) == ".pdf":
        raise Unreadable(
            "PDF files cannot be imported (a scanned PDF holds only pictures of text); open it "
            "in Word, which converts a PDF to a document, save it as .docx and import that, or "
            "copy its text into a .txt file"
        )
    if data.startswith(OLE):
        _refuse_compound(data)
    if kind(name) == ".doc" or data.lstrip().startswith(b"{\\rtf"):
        raise Unreadable(f"it is a Word 97–2003 or RTF document, not .docx; {SAVE_AS_DOCX}")


def _refuse_compound(data: bytes) -> None:
    """Raises Unreadable for an OLE compound file: an encrypted .docx or an old .doc."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise Unreadable(
            "it is protected by a password; open it in Word, remove the password (File › Info "
            "› Protect Document › Encrypt with Password, leave it empty), save it and import it "
            "again"
        )
    raise Unreadable(
        f"it is a Word 97–2003 document (.doc) or another old Office file; {SAVE_AS_DOCX}"
    )
