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
    pieces = pdf_pages.split(whole, LABELS)
    assert [len(pikepdf.open(io.BytesIO(p)).pages) for p in pieces][3:] == [6, 1, 3, 4]
    joined = pdf_pages.join(pieces, "手册", "zh-CN")
    assert clients.pdf_structure(written(tmp_path, "j.pdf", joined)) == clients.pdf_structure(
        converted
    )
    assert clients.pdf_pages_text(tmp_path / "j.pdf") == clients.pdf_pages_text(converted)
    for piece in [*pieces, joined]:
        assert pdftags.problems(piece) == (["no language"] if piece in pieces else [])


def test_a_piece_keeps_its_own_outline(converted):
    piece = pdf_pages.split(converted.read_bytes(), LABELS)[3]
    with pikepdf.open(io.BytesIO(piece)).open_outline() as outline:
        (entry,) = outline.root
        assert entry.title == "2.1 VIP专员"
        assert [kid.title for kid in entry.children][:2] == ["2.1.1 文件控制", "2.1.2 修订记录"]


def test_a_piece_without_its_heading_is_named(converted):
    with pytest.raises(pdf_pages.PagesNotFound, match="^no heading numbered 4.1 in the"):
        pdf_pages.split(converted.read_bytes(), [None, "4.1"])
