"""PDF pages: a converted batch of the handbook cut into its pieces' pages, and PDFs joined.

Bytes in, bytes out (pypdf). Every piece of the handbook starts on a new page with a heading
numbered as the handbook numbers it ("3" a department's title page, "3.2" a role), and
LibreOffice writes each heading into the PDF's outline: a piece's pages run from its heading's
page to the page before the next piece's. The PDFs written here carry no dates and no /ID, so
the same pages give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, NameObject, TextStringObject


class PagesNotFound(ValueError):
    """A piece's heading is not in the converted PDF's outline."""


def piece_starts(reader: PdfReader, labels: list[str | None]) -> list[int]:
    """Returns the 0-based page where each piece starts: the page of the outline entry whose
    number is the piece's label; a piece without a label (the front matter) starts the PDF."""
    pages: dict[str, int] = {}
    for title, page in _outline(reader, reader.outline):
        pages.setdefault(title.split(" ", 1)[0], page)
    starts = []
    for label in labels:
        if label is None:
            starts.append(0)
        elif label in pages:
            starts.append(pages[label])
        else:
            raise PagesNotFound(f"no heading numbered {label} in the converted PDF")
    return starts


def _outline(reader: PdfReader, items: list) -> Iterator[tuple[str, int]]:
    """Yields each outline entry's title and 0-based page, in document order."""
    for item in items:
        if isinstance(item, list):
            yield from _outline(reader, item)
        else:
            page = reader.get_destination_page_number(item)
            if page is not None:
                yield str(item.title), page


def split(pdf: bytes, labels: list[str | None]) -> list[bytes]:
    """Returns each piece of `pdf` (labelled as for piece_starts) as a PDF of its own pages."""
    try:
        return _split(_reader(pdf), labels)
    except PdfReadError:
        return _split(_reader(pdf, strict=False), labels)


def _split(reader: PdfReader, labels: list[str | None]) -> list[bytes]:
    """Returns the pieces of split, cut out of `reader`."""
    starts = piece_starts(reader, labels)
    ends = [*starts[1:], len(reader.pages)]
    return [_pages(reader, range(s, e)) for s, e in zip(starts, ends, strict=False)]


def _pages(reader: PdfReader, pages: range) -> bytes:
    """Returns the PDF of the pages `pages` of `reader`, without links into other pages."""
    writer = PdfWriter()
    for i in pages:
        _add(writer, reader.pages[i])
    return _bytes(writer)


def _add(writer: PdfWriter, page) -> None:
    """Adds `page` to `writer` without its links to places in the document."""
    # Such a link names a page of the document it came from: it would drag that page along,
    # and leads nowhere once the pages are cut apart. Links to the web are kept.
    if "/Annots" in page:
        kept = [a for a in page["/Annots"] if not _internal_link(a.get_object())]
        page[NameObject("/Annots")] = ArrayObject(kept)
    writer.add_page(page)


def _internal_link(annotation) -> bool:
    """Returns whether `annotation` is a link to a place in the document."""
    if annotation.get("/Subtype") != "/Link":
        return False
    action = annotation.get("/A")
    return "/Dest" in annotation or (action is not None and action.get("/S") == "/GoTo")


def _reader(pdf: bytes, strict: bool = True) -> PdfReader:
    """Returns a reader of `pdf`: strict, as LibreOffice's and pypdf's PDFs are well formed,
    for a lax reader checks every object's offset first (a third of a join's time on a
    tagged PDF); a PDF that a strict reader refuses is read again laxly."""
    try:
        return PdfReader(io.BytesIO(pdf), strict=strict)
    except PdfReadError:
        return PdfReader(io.BytesIO(pdf))


def join(pdfs: list[bytes], title: str, lang: str) -> bytes:
    """Returns one PDF of the pages of `pdfs`, in order, titled `title` in language `lang`."""
    try:
        return _join(pdfs, title, lang, strict=True)
    except PdfReadError:
        return _join(pdfs, title, lang, strict=False)


def _join(pdfs: list[bytes], title: str, lang: str, strict: bool) -> bytes:
    """Returns the PDF of join, read by strict readers or lax ones."""
    writer = PdfWriter()
    for pdf in pdfs:
        for page in _reader(pdf, strict).pages:
            _add(writer, page)
    writer.add_metadata({"/Title": title, "/Producer": "rolebook (LibreOffice, pypdf)"})
    writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
    return _bytes(writer)


def _bytes(writer: PdfWriter) -> bytes:
    """Returns what `writer` writes: no dates and no /ID, so the same pages, the same bytes."""
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
