"""pdf_pages: a LibreOffice PDF of the sample handbook cut into its pieces and joined again,
with its tags, PDF/A claim and outline kept (read back by poppler and pikepdf)."""

from __future__ import annotations

import io
from pathlib import Path

import clients
import pdftags
import pikepdf
import pytest
from conftest import REPO

from rolebook.build import pdf, pipeline
from rolebook.output import pdf_pages

pytestmark = pytest.mark.external  # LibreOffice and poppler

LABELS = [None, "1", "2", "2.1", "3", "3.1", "3.2"]  # the sample's front matter, chart, pieces
TITLES = ["前言", "组织结构图", "客户服务部", "VIP专员", "贵宾部", "贵宾部经理", "贵宾部主管"]


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> Path:
    """Returns the PDF that LibreOffice makes of the sample's handbook.docx, tagged PDF/A."""
    clients.need("soffice", "libreoffice-writer-nogui")
    out = tmp_path_factory.mktemp("pages") / "output"
    pipeline.build(REPO, out, workers=1, use_cache=False)
    (data,) = pdf.convert([(out / "docx" / "handbook.docx").read_bytes()], 1)
    return written(out.parent, "handbook.pdf", data)


def written(tmp: Path, name: str, data: bytes) -> Path:
    """Returns the path of `data` written to tmp/name, for poppler to read."""
    (tmp / name).write_bytes(data)
    return tmp / name


def test_pieces_joined_again_have_the_structure_of_the_whole(converted, tmp_path):
    whole = converted.read_bytes()
    pieces = [p for p in pdf_pages.split(whole, LABELS, TITLES, "zh-CN") if p is not None]
    assert [len(pikepdf.open(io.BytesIO(p)).pages) for p in pieces][3:] == [6, 1, 4, 4]
    joined, layouts = pdf_pages.join(pieces, "手册", "zh-CN")
    assert [layout.pages for layout in layouts] == [3, 2, 1, 6, 1, 4, 4]
    structure = clients.pdf_structure(written(tmp_path, "j.pdf", joined))
    # Each piece joined is a Part of the Document: without them, the whole's structure.
    assert structure.count("  Part") == len(pieces)
    unparted = [line[2:] for line in structure[1:] if line != "  Part"]
    assert ["Document", *unparted] == clients.pdf_structure(converted)
    assert clients.pdf_pages_text(tmp_path / "j.pdf") == clients.pdf_pages_text(converted)
    for piece in [*pieces, joined]:
        assert pdftags.problems(piece) == []


def test_slimmed_it_has_the_same_tags_and_text_in_fewer_objects(converted, tmp_path):
    whole = converted.read_bytes()
    slim = pdf_pages.slim(whole, "zh-CN")
    before, after = (len(pikepdf.open(io.BytesIO(data)).objects) for data in (whole, slim))
    assert after < before / 2  # 3,187 objects before, 1,401 after
    assert pdftags.problems(slim) == []  # each mark's element in the parent tree holds it
    structure = clients.pdf_structure(written(tmp_path, "slim.pdf", slim))
    # The sample's Spans all say zh-CN and nothing else: they go, and nothing more.
    spanless = [
        line for line in clients.pdf_structure(converted) if line.strip() != "Span (inline)"
    ]
    assert structure == spanless
    assert clients.pdf_pages_text(tmp_path / "slim.pdf") == clients.pdf_pages_text(converted)


def test_the_tag_checks_find_a_pdf_exported_without_tags(converted):
    # LibreOffice's plain export: neither tagged nor PDF/A, what pypdf's cut used to give.
    plain = clients.docx_to_pdf(
        converted.parent / "output" / "docx" / "handbook.docx", converted.parent / "plain"
    )
    assert pdftags.problems(plain.read_bytes())[:1] == [
        "not tagged: no structure tree or not marked"
    ]


def test_a_part_replaced_gives_what_joining_gives(converted):
    pieces = pdf_pages.split(converted.read_bytes(), LABELS, TITLES, "zh-CN")
    old, layouts = pdf_pages.join(pieces, "手册", "zh-CN")  # type: ignore[arg-type]
    swapped = [pieces[0], pieces[1], pieces[2], pieces[6], pieces[4], pieces[5], pieces[3]]
    fresh = pdf_pages.join(swapped, "手册", "zh-CN")  # type: ignore[arg-type]
    again = pdf_pages.rejoin(pdf_pages.opened(old), layouts, {3: pieces[6], 6: pieces[3]})  # type: ignore[dict-item]
    assert again == fresh  # the same bytes, and the same layouts
    assert pdftags.problems(again[0]) == []
    with pytest.raises(ValueError, match="^the first part gives"):
        pdf_pages.rejoin(pdf_pages.opened(old), layouts, {0: pieces[1]})  # type: ignore[dict-item]


def test_a_piece_is_titled_and_keeps_its_own_outline(converted):
    titles = [None, None, None, "VIP专员", None, None, None]
    pieces = pdf_pages.split(converted.read_bytes(), LABELS, titles, "zh-CN")
    assert [p is not None for p in pieces] == [t is not None for t in titles]
    piece = pikepdf.open(io.BytesIO(pieces[3]))  # type: ignore[arg-type]
    assert str(piece.docinfo.Title) == "VIP专员" and piece.Root.Lang == "zh-CN"
    with piece.open_outline() as outline:
        (entry,) = outline.root
        assert entry.title == "2.1 VIP专员"
        assert [kid.title for kid in entry.children][:2] == ["2.1.1 文件控制", "2.1.2 修订记录"]


def test_a_piece_without_its_heading_is_named(converted):
    with pytest.raises(pdf_pages.PagesNotFound, match="^no heading numbered 4.1 in the"):
        pdf_pages.split(converted.read_bytes(), [None, "4.1"], [None, "x"], "zh-CN")
