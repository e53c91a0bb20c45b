"""Which files can be imported: told by name and by content, refused with what to do instead."""

from __future__ import annotations

import os

import pytest

from rolebook.load.importers.blocks import Unreadable
from rolebook.load.importers.source import MAX_SOURCE_BYTES, read_source, refuse, roles_of


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("a.docx", b"", "the file is empty"),
        ("a.pdf", b"%PDF-1.4", "PDF files cannot be imported"),
        ("a.txt", b"%PDF-1.4", "PDF files cannot be imported"),
        ("a.doc", b"{\\rtf1 x}", "Word 97–2003 or RTF document"),
        ("a.docx", b"{\\rtf1 x}", "Word 97–2003 or RTF document"),
        ("a.xls", b"x", "rolebook imports .docx, .txt, .md and .html files, not '.xls'"),
        ("README", b"x", "not 'README'"),
    ],
)
def test_files_that_cannot_be_imported(name, data, reason):
    with pytest.raises(Unreadable, match=reason.replace("(", r"\(").replace(".", r"\.")):
        refuse(name, data)


def test_a_file_too_large_or_not_a_file(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(MAX_SOURCE_BYTES + 1)
    with pytest.raises(Unreadable, match="more than the 20 MB"):
        read_source(big)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(Unreadable, match="it is not a file"):
        read_source(fifo)  # refused at once, without waiting for a writer


def test_a_text_with_two_roles_gives_two():
    text = "岗位名称：甲\n岗位职责：\n1、一\n岗位名称：乙\n岗位职责：\n1、二\n"
    found = roles_of("jd.txt", text.encode())
    assert [(r.title["zh"], r.values["duties"]) for r in found] == [("甲", ["一"]), ("乙", ["二"])]
