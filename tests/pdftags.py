"""What makes a PDF tagged and PDF/A-2b, checked on the objects (pikepdf): each marked
content sequence on a page has its structure element, each structure element is in the tree
and on a page of the document, and the PDF/A claim comes with what PDF/A asks for."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name

from rolebook.output import pdf_pages


def problems(data: bytes) -> list[str]:
    """Returns what is wrong with the tags and the PDF/A claim of the PDF `data`."""
    pdf = pikepdf.open(io.BytesIO(data))
    found = _catalogue_problems(pdf)
    if found:
        return found
    elements = {e.objgen: e for e in _elements(pdf.Root.StructTreeRoot)}
    pages = {page.obj.objgen for page in pdf.pages}
    tree = dict(pdf_pages.number_tree(pdf.Root.StructTreeRoot.ParentTree))
    found += [
        f"element {e.S} on a page not in the PDF"
        for e in elements.values()
        if "/Pg" in e and e.Pg.objgen not in pages
    ]
    for number, page in enumerate(pdf.pages, 1):
        found += _page_problems(number, page, tree, elements)
    return found


def _catalogue_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Returns what the catalogue, the metadata and the trailer lack."""
    root, found = pdf.Root, []
    if "/StructTreeRoot" not in root or not root.get("/MarkInfo", {}).get("/Marked"):
        found.append("not tagged: no structure tree or not marked")
    if "/Lang" not in root:
        found.append("no language")
    meta = pdf.open_metadata()
    if (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) != ("2", "B"):
        found.append("no PDF/A-2b claim in the XMP metadata")
    intents = root.get("/OutputIntents", [])
    if not any(i.get("/S") == Name.GTS_PDFA1 and "/DestOutputProfile" in i for i in intents):
        found.append("no PDF/A output intent with a colour profile")
    if "/ID" not in pdf.trailer:
        found.append("no file identifier (/ID)")
    return found


def _elements(node: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """Yields the structure elements under `node`, checking each one's parent on the way."""
    kids = node.get("/K")
    for kid in kids if isinstance(kids, Array) else [kids]:
        element = isinstance(kid, Dictionary) and "/S" in kid
        if element and kid.get("/Type", Name.StructElem) == Name.StructElem:
            assert kid.P.objgen == node.objgen, f"{kid.S} names another parent"
            yield kid
            yield from _elements(kid)


def _page_problems(number: int, page: pikepdf.Page, tree: dict, elements: dict) -> list[str]:
    """Returns the marked content of page `number` whose structure element is missing."""
    mcids = [
        int(operands[1]["/MCID"])
        for operands, operator in pikepdf.parse_content_stream(page)
        if operator == pikepdf.Operator("BDC")
        and isinstance(operands[1], Dictionary)
        and "/MCID" in operands[1]
    ]
    if not mcids:
        return []
    parents = tree.get(int(page.obj.get("/StructParents", -1)))
    if parents is None:
        return [f"page {number}: marked content, but no entry in the parent tree"]
    found = [
        f"page {number}: MCID {mcid} has no structure element in the tree"
        for mcid in mcids
        if mcid >= len(parents) or parents[mcid].objgen not in elements
    ]
    return found or [
        f"page {number}: MCID {mcid}'s element in the parent tree does not hold it"
        for mcid in mcids
        if not holds(parents[mcid], mcid, page.obj)
    ]


def holds(element: pikepdf.Object, mcid: int, page: pikepdf.Object) -> bool:
    """Returns whether the structure element `element` has the marked content `mcid` of
    `page` among its kids: as a number (on the element's page) or a marked-content reference."""
    kids = element.get("/K")
    for kid in kids if isinstance(kids, Array) else [kids]:
        if isinstance(kid, int) and not isinstance(kid, bool) and kid == mcid:
            if "/Pg" in element and element.Pg.objgen == page.objgen:
                return True
        elif isinstance(kid, Dictionary) and kid.get("/MCID") == mcid:
            on = kid.get("/Pg", element.get("/Pg"))
            if on is not None and on.objgen == page.objgen:
                return True
    return False
