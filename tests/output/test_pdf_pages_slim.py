"""pdf_pages.slim on a small tagged PDF made here: the layout attributes become part of their
elements, a Span that says nothing but its parent's language goes, its marked content (and
the parent tree's entries for it) going to its parent; anything else stays."""

from __future__ import annotations

import io

import pdftags
import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, String

from rolebook.output import pdf_pages

CONTENTS = [b" ".join(b"/Span <</MCID %d>> BDC EMC" % mcid for mcid in range(n)) for n in (4, 1)]


def tagged() -> bytes:
    """Returns a two-page tagged PDF: a paragraph on page 1 holding MCID 0 and four Spans:
    zh-CN (MCID 1), en (MCID 2), zh-CN with actual text (MCID 3), and zh-CN on page 2
    (MCID 0 there); the paragraph's layout attributes are an object of their own."""
    pdf = Pdf.new()
    for content in CONTENTS:
        pdf.add_blank_page()
        pdf.pages[-1].obj.Contents = pdf.make_stream(content)
    one, two = pdf.pages[0].obj, pdf.pages[1].obj
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
    layout = pdf.make_indirect(Dictionary(O=Name.Layout, Placement=Name.Block))
    paragraph = pdf.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.P, P=document, Pg=one, A=layout)
    )
    spans = [
        _span(pdf, paragraph, one, 1, "zh-CN"),
        _span(pdf, paragraph, one, 2, "en"),
        _span(pdf, paragraph, one, 3, "zh-CN", ActualText=String("x")),
        _span(pdf, paragraph, two, 0, "zh-CN"),
    ]
    paragraph.K = Array([0, *spans])
    document.K, root.K = Array([paragraph]), Array([document])
    parents = [Array([paragraph, *spans[:3]]), Array([spans[3]])]
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array([0, parents[0], 1, parents[1]])))
    one.StructParents, two.StructParents = 0, 1
    pdf.Root.StructTreeRoot, pdf.Root.Lang = root, "en-US"
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def _span(
    pdf: Pdf, parent: pikepdf.Object, page: pikepdf.Object, mcid: int, lang: str, **more
) -> pikepdf.Object:
    """Returns a new Span of `parent` in `lang`, holding `mcid` of `page`."""
    span = Dictionary(Type=Name.StructElem, S=Name.Span, P=parent, Pg=page, K=Array([mcid]))
    span.Lang = lang
    for key, value in more.items():
        span[f"/{key}"] = value
    return pdf.make_indirect(span)


def test_plain_spans_in_the_language_go_and_their_content_to_the_paragraph():
    before = tagged()
    after = pikepdf.open(io.BytesIO(pdf_pages.slim(before, "zh-CN")))
    (paragraph,) = after.Root.StructTreeRoot.K[0].K
    kids = list(paragraph.K)
    assert kids[:2] == [0, 1]  # MCID 1 was the first Span's: on the paragraph's page
    assert [(k.S, str(k.Lang)) for k in kids[2:4]] == [(Name.Span, "en"), (Name.Span, "zh-CN")]
    assert kids[3].ActualText == "x"
    # The last Span was on page 2: its content is referred to with its page.
    assert kids[4].Type == Name.MCR and kids[4].MCID == 0
    assert kids[4].Pg.objgen == after.pages[1].obj.objgen
    assert str(after.Root.Lang) == "zh-CN"


def test_the_parent_tree_leads_each_mark_to_the_element_holding_it():
    after = pikepdf.open(io.BytesIO(pdf_pages.slim(tagged(), "zh-CN")))
    (paragraph,) = after.Root.StructTreeRoot.K[0].K
    tree = dict(pdf_pages.number_tree(after.Root.StructTreeRoot.ParentTree))
    assert [e.objgen for e in tree[0]][:2] == [paragraph.objgen] * 2
    assert tree[0][2].objgen == paragraph.K[2].objgen  # the en Span stays
    assert [e.objgen for e in tree[1]] == [paragraph.objgen]
    for page in after.pages:
        for mcid, element in enumerate(tree[int(page.obj.StructParents)]):
            assert pdftags.holds(element, mcid, page.obj), (page, mcid)


def test_layout_attributes_become_part_of_their_element_and_objects_fall():
    before = tagged()
    after = pikepdf.open(io.BytesIO(pdf_pages.slim(before, "zh-CN")))
    (paragraph,) = after.Root.StructTreeRoot.K[0].K
    assert not paragraph.A.is_indirect
    assert dict(paragraph.A.items()) == {"/O": Name.Layout, "/Placement": Name.Block}
    # Fewer by the attributes and two Spans.
    assert len(after.objects) == len(pikepdf.open(io.BytesIO(before)).objects) - 3


def test_a_pdf_without_tags_is_given_back_as_it_is():
    buffer = io.BytesIO()
    pdf = Pdf.new()
    pdf.add_blank_page()
    pdf.save(buffer)
    assert pdf_pages.slim(buffer.getvalue(), "zh-CN") == buffer.getvalue()
