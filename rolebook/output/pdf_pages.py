"""PDF pages: a converted batch of the handbook cut into its pieces' pages, and PDFs joined,
keeping what LibreOffice's export gives them: the tags (the structure tree that screen
readers follow), PDF/A-2b and the outline.

Bytes in, bytes out (pikepdf, over qpdf). Every piece of the handbook starts on a new page with
a heading numbered as the handbook numbers it ("3" a department's title page, "3.2" a role),
and LibreOffice writes each heading into the PDF's outline: a piece's pages run from its
heading's page to the page before the next piece's. The PDFs written here carry no dates and
an /ID made from their content, so the same pages give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, Pdf

# 2000-01-01 00:00:00, as an ICC profile's header writes a date.
ICC_DATE = b"".join(n.to_bytes(2, "big") for n in (2000, 1, 1, 0, 0, 0))


class PagesNotFound(ValueError):
    """A piece's heading is not in the converted PDF's outline."""


@dataclass
class Part:
    """Pages of a source PDF to copy: their range, and the top-level structure elements whose
    content is on them."""

    source: Pdf
    pages: range
    elements: list[pikepdf.Object]


@dataclass
class _Target:
    """A PDF being written: its Document structure element and its structure parent tree."""

    pdf: Pdf
    document: pikepdf.Object
    parents: list[pikepdf.Object] = field(default_factory=list)
    roles: dict[str, pikepdf.Object] = field(default_factory=dict)


def split(pdf: bytes, labels: list[str | None]) -> list[bytes]:
    """Returns each piece of `pdf` as a tagged PDF of its own pages, cut where the outline has
    the piece's heading (its label, e.g. "3.2"; None for the front matter, which starts it)."""
    source = _open(pdf)
    starts = piece_starts(source, labels)
    ranges = [range(s, e) for s, e in zip(starts, [*starts[1:], len(source.pages)], strict=True)]
    owners = _elements_by_range(source, ranges)
    return [write([Part(source, r, owners[i])], "", "") for i, r in enumerate(ranges)]


def join(pdfs: list[bytes], title: str, lang: str) -> bytes:
    """Returns one tagged PDF/A of the pages of `pdfs`, in order, titled `title` in `lang`."""
    parts = []
    for pdf in pdfs:
        source = _open(pdf)
        parts.append(Part(source, range(len(source.pages)), _top_elements(source)))
    return write(parts, title, lang)


def _open(pdf: bytes) -> Pdf:
    """Returns `pdf` opened, its links to places in the document dropped (see _drop_links)."""
    source = Pdf.open(io.BytesIO(pdf))
    dropped = _drop_links(source)
    for element in _top_elements(source):
        _forget_objects(element, dropped)
    return source


def piece_starts(source: Pdf, labels: list[str | None]) -> list[int]:
    """Returns the 0-based page where each piece starts: the page of the outline entry whose
    number is the piece's label; a piece without a label (the front matter) starts the PDF."""
    pages: dict[str, int] = {}
    with source.open_outline() as outline:
        for title, page in _outline_pages(_page_numbers(source), outline.root):
            pages.setdefault(title.split(" ", 1)[0], page)
    starts = []
    for label in labels:
        if label is not None and label not in pages:
            raise PagesNotFound(f"no heading numbered {label} in the converted PDF")
        starts.append(0 if label is None else pages[label])
    return starts


def _outline_pages(
    numbers: dict[tuple[int, int], int], items: list[OutlineItem]
) -> Iterator[tuple[str, int]]:
    """Yields each outline entry's title and 0-based page, in document order."""
    for item in items:
        page = _destination_page(numbers, item)
        if page is not None:
            yield item.title, page
        yield from _outline_pages(numbers, item.children)


def _destination_page(numbers: dict[tuple[int, int], int], item: OutlineItem) -> int | None:
    """Returns the 0-based page an outline entry leads to, or None; `numbers` are the
    document's pages' numbers by their ids (see _page_numbers)."""
    destination: object = item.destination
    if destination is None and item.action is not None:
        destination = item.action.get("/D")
    if isinstance(destination, Array) and len(destination) and destination[0].is_indirect:
        return numbers.get(destination[0].objgen)
    return None


def _page_numbers(source: Pdf) -> dict[tuple[int, int], int]:
    """Returns the 0-based number of each page of `source` by its object's id."""
    return {page.obj.objgen: i for i, page in enumerate(source.pages)}


def _drop_links(source: Pdf) -> set[tuple[int, int]]:
    """Drops from every page its links to places in the document, and returns their ids.

    Such a link names a page of the document it came from: copying it would drag that page
    along, and it leads nowhere once the pages are cut apart. Links to the web are kept."""
    dropped = set()
    for page in source.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        kept = Array([a for a in annotations if not _internal_link(a)])
        dropped |= {a.objgen for a in annotations if _internal_link(a)}
        page.obj.Annots = kept
    return dropped


def _internal_link(annotation: pikepdf.Object) -> bool:
    """Returns whether `annotation` is a link to a place in the document."""
    if annotation.get("/Subtype") != Name.Link:
        return False
    action = annotation.get("/A")
    return "/Dest" in annotation or (action is not None and action.get("/S") == Name.GoTo)


def _forget_objects(element: pikepdf.Object, dropped: set[tuple[int, int]]) -> None:
    """Removes, under the structure element `element`, the references to dropped links."""
    kids = element.get("/K")
    if not isinstance(kids, Array):
        return
    kept = [k for k in kids if not _refers_to(k, dropped)]
    if len(kept) != len(kids):
        element.K = Array(kept)
    for kid in kept:
        if isinstance(kid, Dictionary) and kid.get("/Type") != Name.OBJR and "/K" in kid:
            _forget_objects(kid, dropped)


def _refers_to(kid: pikepdf.Object, dropped: set[tuple[int, int]]) -> bool:
    """Returns whether `kid` is an object reference to one of the `dropped` annotations."""
    return isinstance(kid, Dictionary) and "/Obj" in kid and kid.Obj.objgen in dropped


def _top_elements(source: Pdf) -> list[pikepdf.Object]:
    """Returns the children of the Document element of `source`'s structure tree, if any."""
    root = source.Root.get("/StructTreeRoot")
    if root is None:
        return []
    tops = _as_list(root.get("/K"))
    if len(tops) == 1 and tops[0].get("/S") == Name.Document:
        return _as_list(tops[0].get("/K"))
    return tops


def _as_list(value: pikepdf.Object | None) -> list[pikepdf.Object]:
    """Returns `value` as a list: an array's items, one object alone, or none."""
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def _elements_by_range(source: Pdf, ranges: list[range]) -> list[list[pikepdf.Object]]:
    """Returns, for each page range, the top-level structure elements whose content starts on
    its pages; an element with no content of its own goes with the one before it."""
    numbers = _page_numbers(source)
    owners: list[list[pikepdf.Object]] = [[] for _ in ranges]
    current = 0
    for element in _top_elements(source):
        page = _first_page(element, numbers)
        if page is not None:
            current = next(i for i, r in enumerate(ranges) if page in r or page < r.start)
        owners[current].append(element)
    return owners


def _first_page(element: pikepdf.Object, numbers: dict[tuple[int, int], int]) -> int | None:
    """Returns the first page that the structure element `element` has content on, or None."""
    if not isinstance(element, Dictionary):
        return None
    page = element.get("/Pg")
    if page is not None and page.objgen in numbers:
        return numbers[page.objgen]
    for kid in _as_list(element.get("/K")):
        found = _first_page(kid, numbers)
        if found is not None:
            return found
    return None


def write(parts: list[Part], title: str, lang: str) -> bytes:
    """Returns a tagged PDF/A-2b of the pages of `parts`, in order, with their structure,
    outline, and `title` and `lang` (none when empty) in its properties."""
    target = _new_target()
    outline: list[OutlineItem] = []
    for part in parts:
        first = len(target.pdf.pages)
        _copy_pages(target, part)
        outline += _copied_outline(part, first)
    _finish(target, parts[0].source, title, lang)
    with target.pdf.open_outline() as tree:
        tree.root.extend(outline)
    return _bytes(target.pdf)


def _new_target() -> _Target:
    """Returns an empty PDF with a structure tree holding one Document element."""
    pdf = Pdf.new()
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = pdf.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array())
    )
    root.K = Array([document])
    pdf.Root.StructTreeRoot = root
    return _Target(pdf, document)


def _copy_pages(target: _Target, part: Part) -> None:
    """Copies the pages of `part` and its structure elements into `target`, numbering their
    structure parents after those already there."""
    pdf, source = target.pdf, part.source
    tree = _parent_tree(source)
    # Each document maps its own styles' names to standard types: the joined one, all of them.
    structure = source.Root.get("/StructTreeRoot")
    if structure is not None and "/RoleMap" in structure:
        target.roles.update(structure.RoleMap.items())
    for element in part.elements:
        if "/P" in element:
            del element["/P"]  # else copying it would drag the whole source tree along
    for i in part.pages:
        pdf.pages.append(source.pages[i])
        _renumber_parents(target, pdf.pages[-1].obj, tree)
    for element in part.elements:
        copied = _copied(pdf, element)
        copied.P = target.document
        target.document.K.append(copied)


def _parent_tree(source: Pdf) -> dict[int, pikepdf.Object]:
    """Returns the structure parent tree of `source`: the elements each key stands for."""
    root = source.Root.get("/StructTreeRoot")
    tree = None if root is None else root.get("/ParentTree")
    return {} if tree is None else dict(number_tree(tree))


def number_tree(node: pikepdf.Object) -> Iterator[tuple[int, pikepdf.Object]]:
    """Yields the keys and values of the number tree under `node` (a parent tree)."""
    nums = node.get("/Nums", Array())
    for i in range(0, len(nums) - 1, 2):
        yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", Array()):
        yield from number_tree(kid)


def _renumber_parents(target: _Target, page: pikepdf.Object, tree: dict) -> None:
    """Gives the copied `page`, and its annotations, structure parent keys of `target`."""
    for holder, key in [(page, "/StructParents")] + [
        (a, "/StructParent") for a in page.get("/Annots", Array())
    ]:
        if key in holder and int(holder[key]) in tree:
            value = tree[int(holder[key])]
            holder[key] = len(target.parents)
            target.parents.append(_copied(target.pdf, value))


def _copied(pdf: Pdf, value: pikepdf.Object) -> pikepdf.Object:
    """Returns `value` copied into `pdf`; a direct array's or dictionary's items one by one."""
    if value.is_indirect:
        return pdf.copy_foreign(value)
    if isinstance(value, Array):
        return Array([_copied(pdf, item) for item in value])
    if isinstance(value, Dictionary):
        return Dictionary({key: _copied(pdf, item) for key, item in value.items()})
    return value


def _copied_outline(part: Part, first: int) -> list[OutlineItem]:
    """Returns the outline entries of `part`'s pages, leading to their pages after `first`."""
    with part.source.open_outline() as outline:
        return _outline_items(part, _page_numbers(part.source), outline.root, first)


def _outline_items(
    part: Part, numbers: dict[tuple[int, int], int], items: list[OutlineItem], first: int
) -> list[OutlineItem]:
    """Returns copies of `items` whose pages are in `part`; others give way to their kids."""
    copied = []
    for item in items:
        kids = _outline_items(part, numbers, item.children, first)
        page = _destination_page(numbers, item)
        if page is None or page not in part.pages:
            copied += kids
            continue
        entry = OutlineItem(item.title, first + page - part.pages.start)
        entry.children.extend(kids)
        copied.append(entry)
    return copied


def _finish(target: _Target, source: Pdf, title: str, lang: str) -> None:
    """Completes the catalogue of `target`: its structure parent tree and role map, marks,
    output intent (PDF/A), title and language."""
    pdf, root = target.pdf, target.pdf.Root
    numbers: list = []
    for key, value in enumerate(target.parents):
        numbers += [key, value]
    tree = root.StructTreeRoot
    tree.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(numbers)))
    tree.ParentTreeNextKey = len(target.parents)
    tree.RoleMap = Dictionary({key: target.roles[key] for key in sorted(target.roles)})
    if "/OutputIntents" in source.Root:
        root.OutputIntents = _copied(pdf, source.Root.OutputIntents)
        for intent in root.OutputIntents:
            _undate_profile(intent.get("/DestOutputProfile"))
    root.MarkInfo = Dictionary(Marked=True)
    root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    if lang:
        root.Lang = lang
    _set_properties(pdf, title, _pdfa(source))


def _undate_profile(profile: pikepdf.Object | None) -> None:
    """Gives the ICC colour profile `profile` a fixed creation date: LibreOffice makes its
    sRGB profile at each export, dated, and the same pages must give the same bytes."""
    if not isinstance(profile, pikepdf.Stream):
        return
    data = profile.read_bytes()
    # The header's dateTimeNumber (ICC.1, 7.2.8): six big-endian 16-bit numbers at 24-35. A
    # profile ID (84-99), a digest that covers the date, is zero in LibreOffice's profiles.
    if len(data) >= 128 and not any(data[84:100]):
        profile.write(data[:24] + ICC_DATE + data[36:])


def _pdfa(source: Pdf) -> tuple[str, str] | None:
    """Returns the PDF/A part and conformance that `source`'s metadata claims, if any."""
    metadata = source.open_metadata()
    part, conformance = metadata.get("pdfaid:part"), metadata.get("pdfaid:conformance")
    return (str(part), str(conformance)) if part and conformance else None


def _set_properties(pdf: Pdf, title: str, pdfa: tuple[str, str] | None) -> None:
    """Sets the document information and the XMP metadata, which PDF/A wants alike: the
    title and producer, and the PDF/A claim; no dates, so that the bytes are reproducible."""
    producer = "rolebook (LibreOffice, pikepdf)"
    info = Dictionary(Producer=producer)
    if title:
        info.Title = title
    pdf.trailer.Info = pdf.make_indirect(info)
    pdf.Root.Metadata = pdf.make_stream(
        _xmp(title, producer, pdfa).encode(), Type=Name.Metadata, Subtype=Name.XML
    )


def _xmp(title: str, producer: str, pdfa: tuple[str, str] | None) -> str:
    """Returns the XMP packet of the properties that _set_properties sets."""
    claim = (
        ""
        if pdfa is None
        else (
            '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
            f"<pdfaid:part>{pdfa[0]}</pdfaid:part>"
            f"<pdfaid:conformance>{pdfa[1]}</pdfaid:conformance></rdf:Description>"
        )
    )
    named = (
        ""
        if not title
        else (
            '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">'
            f"{escape(title)}</rdf:li></rdf:Alt></dc:title></rdf:Description>"
        )
    )
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f"{claim}{named}"
        '<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
        f"<pdf:Producer>{escape(producer)}</pdf:Producer></rdf:Description>"
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )


def _bytes(pdf: Pdf) -> bytes:
    """Returns what `pdf` saves to: compressed, with an /ID from its content and no dates, so
    the same pages give the same bytes."""
    buffer = io.BytesIO()
    pdf.save(
        buffer,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    return buffer.getvalue()
