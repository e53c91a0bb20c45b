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

import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

from rolebook.output import type1

# 2000-01-01 00:00:00, as an ICC profile's header writes a date.
ICC_DATE = b"".join(n.to_bytes(2, "big") for n in (2000, 1, 1, 0, 0, 0))


class PagesNotFound(ValueError):
    """A piece's heading is not in the converted PDF's outline."""


@dataclass
class Part:
    """Pages of a source PDF to copy: their range, the structure elements and the outline
    entries that go with them (all top-level, detached from their parents as they are copied)."""

    source: Pdf
    pages: range
    elements: list[pikepdf.Object]
    outline: list[pikepdf.Object]


@dataclass
class _Target:
    """A PDF being written: its Document structure element, its structure parent tree and
    the top-level outline entries gathered from its parts."""

    pdf: Pdf
    document: pikepdf.Object
    parents: dict[int, pikepdf.Object] = field(default_factory=dict)
    outline: list[pikepdf.Object] = field(default_factory=list)


@dataclass(frozen=True)
class Layout:
    """What a joined PDF holds of one of its parts: its pages, its top-level outline entries,
    and the names its role map maps; what `rejoin` needs to replace the part."""

    pages: int
    entries: int
    roles: tuple[str, ...]
    elements: int = 1  # Part elements: none for a part without a structure tree


# Each part of a joined PDF numbers its structure parents from its own multiple of KEYS, so
# that replacing a part renumbers no other part's pages (a sparse number tree is allowed).
KEYS = 1 << 16


def split(
    pdf: bytes, labels: list[str | None], titles: list[str | None], lang: str
) -> list[bytes | None]:
    """Returns each piece of `pdf` whose title is not None as a tagged PDF of its own pages,
    titled so in `lang`; a piece is cut where the outline has its heading (its label, e.g.
    "3.2"; None for the front matter, which starts the PDF)."""
    source = _open(pdf)
    starts = piece_starts(source, labels)
    ranges = [range(s, e) for s, e in zip(starts, [*starts[1:], len(source.pages)], strict=True)]
    numbers = _page_numbers(source)
    elements = _by_range(_top_elements(source), ranges, lambda e: _first_page(e, numbers))
    outline = _by_range(_top_entries(source), ranges, lambda e: _entry_page(e, numbers))
    return [
        None if title is None else write([Part(source, r, elements[i], outline[i])], title, lang)[0]
        for i, (r, title) in enumerate(zip(ranges, titles, strict=True))
    ]


def slim(pdf: bytes, lang: str) -> bytes:
    """Returns `pdf`, as LibreOffice exports it, with the same tags in fewer objects, for
    PDFs in `lang` (its /Lang becomes that): each layout attribute dictionary made part of
    its element rather than an object of its own; and each Span that says nothing but a
    language its parent has already dropped, with its marked content given to its parent.

    A tagged handbook of 1,000 roles has some 750,000 objects, a third of them attribute
    dictionaries and a quarter such Spans; qpdf reads, writes and frees every one of them
    each time handbook.pdf is joined or a part of it replaced.

    Its Type 1 fonts are numbered by their content (type1.renumber), not by the order in
    which one run of LibreOffice wrote them."""
    source = _read(pdf)
    renumbered = type1.renumber(source)
    root = source.Root.get("/StructTreeRoot")
    if root is None:
        return _bytes(source) if renumbered else pdf
    source.Root.Lang = lang
    moved: dict[tuple[int, int], pikepdf.Object] = {}
    stack = [(element, lang) for element in _as_list(root.get("/K"))]
    while stack:
        element, inherited = stack.pop()
        if not isinstance(element, Dictionary) or "/S" not in element:
            continue  # marked content or an object reference, not an element
        _inline_attributes(element)
        own = str(element.get("/Lang", inherited))
        _hoist_spans(element, own, moved)
        stack += [(kid, own) for kid in _as_list(element.get("/K"))]
    _repoint_parents(root, moved)
    return _bytes(source)


def _inline_attributes(element: pikepdf.Object) -> None:
    """Makes the attribute dictionaries of `element` (/A: one, or an array) direct objects."""
    attributes = element.get("/A")
    if isinstance(attributes, Array):
        element.A = Array([_direct(a) for a in attributes])
    elif attributes is not None:
        element.A = _direct(attributes)


def _direct(value: pikepdf.Object) -> pikepdf.Object:
    """Returns a direct copy of `value` if it is an indirect dictionary, else `value`."""
    if isinstance(value, Dictionary) and value.is_indirect:
        return Dictionary(dict(value.items()))
    return value


def _hoist_spans(
    element: pikepdf.Object, lang: str, moved: dict[tuple[int, int], pikepdf.Object]
) -> None:
    """Replaces each plain Span among the kids of `element`, whose language is `lang`, by its
    marked content, and records in `moved` that the Span's content is now the element's."""
    kids = _as_list(element.get("/K"))
    if not any(_plain_span(kid, lang) for kid in kids):
        return
    new: list = []
    for kid in kids:
        if _plain_span(kid, lang):
            new += _marked_content(kid, element)
            moved[kid.objgen] = element
        else:
            new.append(kid)
    element.K = Array(new)


# What a Span may have and still say nothing but its language and its marked content.
_SPAN_KEYS = {"/Type", "/S", "/P", "/K", "/Pg", "/Lang"}


def _plain_span(kid: pikepdf.Object, lang: str) -> bool:
    """Returns whether `kid` is a Span of marked content on one page, in `lang`, and nothing
    else: no attributes, no alternate or actual text."""
    if not isinstance(kid, Dictionary) or kid.get("/S") != Name.Span or "/Pg" not in kid:
        return False
    return (
        set(kid.keys()) <= _SPAN_KEYS
        and str(kid.get("/Lang", lang)) == lang
        and all(isinstance(mcid, int) for mcid in _as_list(kid.get("/K")))
    )


def _marked_content(span: pikepdf.Object, parent: pikepdf.Object) -> list:
    """Returns the marked content of `span` as kids of `parent`: its numbers where both are
    on the same page, else marked-content references naming the span's page."""
    page = span.Pg
    if "/Pg" in parent and parent.Pg.objgen == page.objgen:
        return [int(mcid) for mcid in _as_list(span.K)]
    return [Dictionary(Type=Name.MCR, Pg=page, MCID=int(mcid)) for mcid in _as_list(span.K)]


def _repoint_parents(root: pikepdf.Object, moved: dict[tuple[int, int], pikepdf.Object]) -> None:
    """Makes the parent tree under `root` name, for each marked content that moved, the
    element it moved to (`moved`, by the id of the element it left)."""
    tree = root.get("/ParentTree")
    if tree is None or not moved:
        return
    for _, value in number_tree(tree):
        if not isinstance(value, Array):
            continue
        for i, item in enumerate(value):
            if item.is_indirect and item.objgen in moved:
                value[i] = moved[item.objgen]


def join(pdfs: list[bytes], title: str, lang: str) -> tuple[bytes, list[Layout]]:
    """Returns one tagged PDF/A of the pages of `pdfs`, in order, titled `title` in `lang`,
    with the layout of each part in it (for rejoin); each one's structure tree becomes a Part
    of the joined one's Document (one copy each, rather than one per element: a handbook of
    1,000 roles has some 100,000)."""
    return write([_whole(_open(pdf)) for pdf in pdfs], title, lang)


def opened(joined: bytes) -> Pdf:
    """Returns `joined`, a PDF that join or rejoin gave, opened for rejoin, every object of it
    read: qpdf reads them all before it adds the first new one, the longest step of a rejoin,
    which a build does while LibreOffice converts."""
    pdf = _read(joined)
    pdf.fix_dangling_references()  # what reads every object
    return pdf


def rejoin(
    previous: Pdf, layouts: list[Layout], replacements: dict[int, bytes]
) -> tuple[bytes, list[Layout]]:
    """Returns what join gives when the parts numbered as `replacements` keys are replaced by
    their values, made from `previous`, join's PDF with its `layouts` (see opened), by
    replacing their pages, structure and outline entries in it; every other part's pages stay
    where they are, so replacing one part costs its own copy and the writing of the whole."""
    if 0 in replacements:
        raise ValueError("the first part gives the joined PDF its properties: join again")
    tree = previous.Root.StructTreeRoot
    target = _Target(previous, tree.K[0], dict(number_tree(tree.ParentTree)))
    target.outline = _top_entries(previous)
    layouts = list(layouts)
    for index in sorted(replacements):
        layouts[index] = _replace_part(target, layouts, index, _whole(_open(replacements[index])))
    _number_parents(target, layouts)
    _set_outline(target)
    return _bytes(previous), layouts


def _replace_part(target: _Target, layouts: list[Layout], index: int, part: Part) -> Layout:
    """Replaces part `index` of `target` by `part`, and returns the new part's layout."""
    pdf, old = target.pdf, layouts[index]
    start = sum(layout.pages for layout in layouts[:index])
    for _ in range(old.pages):
        del pdf.pages[start]
    base = index * KEYS
    target.parents = {k: v for k, v in target.parents.items() if not base <= k < base + KEYS}
    entries = sum(layout.entries for layout in layouts[:index])
    elements = sum(layout.elements for layout in layouts[:index])
    outline, target.outline = target.outline, []
    kids = list(target.document.K)
    target.document.K = Array()
    layout = _copy_part(target, part, base, at=start)
    kids[elements : elements + old.elements] = list(target.document.K)
    target.document.K = Array(kids)
    target.outline = outline[:entries] + target.outline + outline[entries + old.entries :]
    return layout


def _whole(source: Pdf) -> Part:
    """Returns all of `source` as a part to join: its pages, its Document element (as a Part
    element) and its outline."""
    document = _document(source)
    if document is not None:
        document.S = Name.Part
    elements = [] if document is None else [document]
    return Part(source, range(len(source.pages)), elements, _top_entries(source))


def _open(pdf: bytes) -> Pdf:
    """Returns `pdf` opened, its links to places in the document dropped (see _drop_links),
    with their places in the structure tree."""
    source = _read(pdf)
    dropped = _drop_links(source)
    if dropped:
        tree = _parent_tree(source)
        for annotation in dropped:
            if "/StructParent" in annotation and int(annotation.StructParent) in tree:
                _forget_object(tree[int(annotation.StructParent)], annotation)
    return source


def piece_starts(source: Pdf, labels: list[str | None]) -> list[int]:
    """Returns the 0-based page where each piece starts: the page of the outline entry whose
    number is the piece's label; a piece without a label (the front matter) starts the PDF."""
    numbers = _page_numbers(source)
    pages: dict[str, int] = {}
    for entry in _entries(_top_entries(source)):
        page = _entry_page(entry, numbers)
        if page is not None:
            pages.setdefault(str(entry.get("/Title", "")).split(" ", 1)[0], page)
    starts = []
    for label in labels:
        if label is not None and label not in pages:
            raise PagesNotFound(f"no heading numbered {label} in the converted PDF")
        starts.append(0 if label is None else pages[label])
    return starts


def _top_entries(source: Pdf) -> list[pikepdf.Object]:
    """Returns the top-level entries of `source`'s outline, in order."""
    outlines = source.Root.get("/Outlines")
    return [] if outlines is None else _siblings(outlines.get("/First"))


def _siblings(entry: pikepdf.Object | None) -> list[pikepdf.Object]:
    """Returns `entry` and the entries after it on its level of the outline."""
    found: list[pikepdf.Object] = []
    while entry is not None and len(found) < 100_000:  # a cycle in a broken PDF stops here
        found.append(entry)
        entry = entry.get("/Next")
    return found


def _entries(entries: list[pikepdf.Object]) -> Iterator[pikepdf.Object]:
    """Yields `entries` and, after each, the entries under it, in document order."""
    for entry in entries:
        yield entry
        yield from _entries(_siblings(entry.get("/First")))


def _entry_page(entry: pikepdf.Object, numbers: dict[tuple[int, int], int]) -> int | None:
    """Returns the 0-based page an outline entry leads to, or None; `numbers` are the
    document's pages' numbers by their ids (see _page_numbers)."""
    destination = entry.get("/Dest")
    if destination is None and "/A" in entry:
        destination = entry.A.get("/D")
    if isinstance(destination, Array) and len(destination) and destination[0].is_indirect:
        return numbers.get(destination[0].objgen)
    return None


def _page_numbers(source: Pdf) -> dict[tuple[int, int], int]:
    """Returns the 0-based number of each page of `source` by its object's id."""
    return {page.obj.objgen: i for i, page in enumerate(source.pages)}


def _drop_links(source: Pdf) -> list[pikepdf.Object]:
    """Drops from every page its links to places in the document, and returns them.

    Such a link names a page of the document it came from: copying it would drag that page
    along, and it leads nowhere once the pages are cut apart. Links to the web are kept."""
    dropped = []
    for page in source.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        links = [a for a in annotations if _internal_link(a)]
        if links:
            page.obj.Annots = Array([a for a in annotations if not _internal_link(a)])
            dropped += links
    return dropped


def _internal_link(annotation: pikepdf.Object) -> bool:
    """Returns whether `annotation` is a link to a place in the document."""
    if annotation.get("/Subtype") != Name.Link:
        return False
    action = annotation.get("/A")
    return "/Dest" in annotation or (action is not None and action.get("/S") == Name.GoTo)


def _forget_object(element: pikepdf.Object, annotation: pikepdf.Object) -> None:
    """Removes from the structure element `element` its reference to `annotation`."""
    kids = element.get("/K")
    if isinstance(kids, Array):
        element.K = Array([k for k in kids if not _refers_to(k, annotation)])
    elif kids is not None and _refers_to(kids, annotation):
        del element["/K"]


def _refers_to(kid: pikepdf.Object, annotation: pikepdf.Object) -> bool:
    """Returns whether `kid` is an object reference to `annotation`."""
    return isinstance(kid, Dictionary) and "/Obj" in kid and kid.Obj.objgen == annotation.objgen


def _document(source: Pdf) -> pikepdf.Object | None:
    """Returns the Document element at the top of `source`'s structure tree, if it has one."""
    root = source.Root.get("/StructTreeRoot")
    tops = [] if root is None else _as_list(root.get("/K"))
    return tops[0] if len(tops) == 1 and tops[0].get("/S") == Name.Document else None


def _top_elements(source: Pdf) -> list[pikepdf.Object]:
    """Returns the children of the Document element of `source`'s structure tree, if any."""
    document = _document(source)
    if document is not None:
        return _as_list(document.get("/K"))
    root = source.Root.get("/StructTreeRoot")
    return [] if root is None else _as_list(root.get("/K"))


def _as_list(value: pikepdf.Object | None) -> list[pikepdf.Object]:
    """Returns `value` as a list: an array's items, one object alone, or none."""
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def _by_range(
    items: list[pikepdf.Object], ranges: list[range], page: Callable[[pikepdf.Object], int | None]
) -> list[list[pikepdf.Object]]:
    """Returns, for each page range, the `items` (structure elements or outline entries) whose
    `page` is in it; an item without a page goes with the one before it."""
    owners: list[list[pikepdf.Object]] = [[] for _ in ranges]
    current = 0
    for item in items:
        number = page(item)
        if number is not None:
            current = next(i for i, r in enumerate(ranges) if number in r or number < r.start)
        owners[current].append(item)
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


def write(parts: list[Part], title: str, lang: str) -> tuple[bytes, list[Layout]]:
    """Returns a tagged PDF/A-2b of the pages of `parts`, in order, with their structure and
    outline, and `title` and `lang` in its properties; and the layout of each part in it."""
    target = _new_target()
    layouts = [_copy_part(target, part, i * KEYS) for i, part in enumerate(parts)]
    _finish(target, layouts, parts[0].source, title, lang)
    _set_outline(target)
    return _bytes(target.pdf), layouts


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


def _copy_part(target: _Target, part: Part, base: int, at: int | None = None) -> Layout:
    """Copies the pages of `part` into `target` (at page `at`, else after the others), and
    its structure elements and outline entries after theirs, in one copy, numbering their
    structure parents from `base`; returns the part's layout."""
    pdf, source = target.pdf, part.source
    _detach(part.elements, "/P")  # else copying one would drag the whole source tree along
    _detach(part.outline, "/Parent", "/Prev", "/Next")
    first = len(pdf.pages) if at is None else at
    _insert_pages(pdf, [source.pages[i] for i in part.pages], first)
    tree = _parent_tree(source)
    pages = pdf.pages[first : first + len(part.pages)]
    holders = [h for h in _parent_holders(pages) if int(h[0][h[1]]) in tree]
    values = [tree[int(holder[key])] for holder, key in holders]
    bundle = source.make_indirect(Array([*values, *part.elements, *part.outline]))
    copied = list(pdf.copy_foreign(bundle))
    for number, ((holder, key), value) in enumerate(zip(holders, copied, strict=False)):
        holder[key] = base + number
        target.parents[base + number] = value
    for element in copied[len(values) : len(values) + len(part.elements)]:
        element.P = target.document
        target.document.K.append(element)
    target.outline += copied[len(values) + len(part.elements) :]
    return Layout(len(part.pages), len(part.outline), _role_names(source), len(part.elements))


def _insert_pages(pdf: Pdf, pages: list[pikepdf.Page], at: int) -> None:
    """Copies `pages` of another PDF into `pdf`, the first becoming page `at`."""
    if at == len(pdf.pages):
        pdf.pages.extend(pages)
        return
    for offset, page in enumerate(pages):
        pdf.pages.insert(at + offset, page)


def _detach(items: list[pikepdf.Object], *keys: str) -> None:
    """Removes `keys` from each of `items`, in its source document."""
    for item in items:
        for key in keys:
            if key in item:
                del item[key]


def _role_names(source: Pdf) -> tuple[str, ...]:
    """Returns the names that `source`'s role map maps, with the type each maps to, as
    "/Name=/Type": each document maps its own styles' names, and a joined one all of its
    parts' (see _number_parents)."""
    structure = source.Root.get("/StructTreeRoot")
    if structure is None or "/RoleMap" not in structure:
        return ()
    return tuple(f"{name}={value}" for name, value in sorted(structure.RoleMap.items()))


def _parent_holders(pages: list[pikepdf.Page]) -> Iterator[tuple[pikepdf.Object, str]]:
    """Yields each of `pages`, and each annotation on them, that has a structure parent key,
    with the key's name."""
    for page in pages:
        if "/StructParents" in page.obj:
            yield page.obj, "/StructParents"
        for annotation in page.obj.get("/Annots", Array()):
            if "/StructParent" in annotation:
                yield annotation, "/StructParent"


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


def _set_outline(target: _Target) -> None:
    """Gives `target` the outline of the entries copied from its parts, in order."""
    entries = target.outline
    if not entries:
        if "/Outlines" in target.pdf.Root:
            del target.pdf.Root["/Outlines"]
        return
    root = target.pdf.make_indirect(Dictionary(Type=Name.Outlines))
    for before, entry, after in zip([None, *entries], entries, [*entries[1:], None], strict=False):
        entry.Parent = root
        for key, value in (("/Prev", before), ("/Next", after)):
            if value is not None:
                entry[key] = value
            elif key in entry:
                del entry[key]
    root.First, root.Last = entries[0], entries[-1]
    # Count: the entries shown, at every level; an open entry's own Count is its shown ones.
    root.Count = len(entries) + sum(max(0, int(e.get("/Count", 0))) for e in entries)
    target.pdf.Root.Outlines = root


def _number_parents(target: _Target, layouts: list[Layout]) -> None:
    """Sets `target`'s structure parent tree, in the order of its keys, and its role map:
    those of its parts, whose `layouts` name them."""
    numbers: list = []
    for key in sorted(target.parents):
        numbers += [key, target.parents[key]]
    tree = target.pdf.Root.StructTreeRoot
    tree.ParentTree = target.pdf.make_indirect(Dictionary(Nums=Array(numbers)))
    tree.ParentTreeNextKey = max(target.parents, default=-1) + 1
    pairs = sorted(role.split("=", 1) for layout in layouts for role in layout.roles)
    tree.RoleMap = Dictionary({name: Name(value) for name, value in pairs})


def _finish(target: _Target, layouts: list[Layout], source: Pdf, title: str, lang: str) -> None:
    """Completes the catalogue of `target`: its structure parent tree and role map (see
    _number_parents), marks, output intent (PDF/A), title and language."""
    pdf, root = target.pdf, target.pdf.Root
    _number_parents(target, layouts)
    if "/OutputIntents" in source.Root:
        intents = source.Root.OutputIntents
        root.OutputIntents = pdf.copy_foreign(
            intents if intents.is_indirect else source.make_indirect(intents)
        )
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
        # Written compressed, as read back: qpdf orders a stream's keys otherwise.
        profile.write(zlib.compress(data[:24] + ICC_DATE + data[36:]), filter=Name.FlateDecode)


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
    """Returns what `pdf` saves to: streams compressed, with an /ID from its content and no
    dates, so the same pages give the same bytes.

    No object streams: qpdf groups objects into them in the order of their numbers in the
    document it writes from, so a rejoined PDF and the same PDF joined afresh would differ;
    without them, objects are numbered as met from the trailer (and the file is 15% larger)."""
    if "/ID" in pdf.trailer:
        del pdf.trailer["/ID"]  # qpdf would keep its first half: made from content, it is new
    with tempfile.TemporaryFile() as file:  # see _read
        pdf.save(
            file,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
        )
        file.seek(0)
        return file.read()


def _read(data: bytes) -> Pdf:
    """Returns the PDF `data` opened, from a temporary file that qpdf maps into memory.

    pikepdf reads a Python stream (io.BytesIO) through a call into Python for each read, and
    writes one so too: at 100 MB, reading every object took three times as long as from a
    mapped file, and writing two and a half times as long as to a file. The map outlives
    the file: Python's mmap keeps a descriptor of its own."""
    with tempfile.TemporaryFile() as file:
        file.write(data)
        file.seek(0)
        return Pdf.open(file, access_mode=pikepdf.AccessMode.mmap)
