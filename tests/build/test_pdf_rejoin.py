"""build.pdf.LastJoin: the last handbook.pdf read and rejoined by a forked process, which
gives what joining gives, ends when it is not asked, and reports what went wrong in it."""

from __future__ import annotations

import io
import multiprocessing

import pikepdf
import pytest

from rolebook.build import pdf
from rolebook.output import pdf_pages

pytestmark = pytest.mark.external  # a forked process


def blank(pages: int) -> bytes:
    """Returns a PDF of `pages` blank pages, `pages` points wider than the usual."""
    made = pikepdf.Pdf.new()
    for _ in range(pages):
        made.add_blank_page(page_size=(612 + pages, 792))
    buffer = io.BytesIO()
    made.save(buffer)
    return buffer.getvalue()


def test_the_last_pdf_is_rejoined_by_a_process_of_its_own():
    whole, layouts = pdf_pages.join([blank(1), blank(2), blank(3)], "手册", "zh-CN")
    last = pdf.LastJoin(whole, layouts, [1])
    (child,) = multiprocessing.active_children()
    assert last.rejoin({1: blank(4)}) == pdf_pages.join(
        [blank(1), blank(4), blank(3)], "手册", "zh-CN"
    )
    assert not child.is_alive() and child.exitcode == 0


def test_a_last_pdf_not_rejoined_ends_its_process():
    whole, layouts = pdf_pages.join([blank(1), blank(2)], "手册", "zh-CN")
    last = pdf.LastJoin(whole, layouts, [1])
    (child,) = multiprocessing.active_children()
    last.close()
    assert not child.is_alive() and child.exitcode == 0


def test_what_goes_wrong_in_the_process_is_raised_in_the_build():
    last = pdf.LastJoin(b"not a PDF", [], [1])
    with pytest.raises(RuntimeError, match="^rejoining handbook.pdf failed: PdfError: "):
        last.rejoin({1: blank(1)})
    assert multiprocessing.active_children() == []
