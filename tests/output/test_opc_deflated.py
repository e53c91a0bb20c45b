"""Text deflated ahead of time: pieces that follow one another in one zip entry."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from rolebook.output import opc


def test_deflated_pieces_make_one_entry_that_unzips_to_their_texts():
    texts = [b"<w:p/>" * 5000, "岗位职责".encode() * 3000, b"", b"x" * 70_000]
    parts = [opc.Deflated.of(texts[0]), opc.Deflated.stored(texts[1])]
    parts += [opc.Deflated.of(texts[2]), opc.Deflated.stored(texts[3])]
    data = opc.zip_package(
        {
            "/word/document.xml": ("application/xml", opc.deflated_entry(parts)),
            "/a.xml": ("application/xml", b"<a/>"),
        }
    )
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None  # the CRC-32 of the pieces put together is right
        assert package.read("word/document.xml") == b"".join(texts)
        assert package.read("a.xml") == b"<a/>"
    assert opc.zip_package({"/a.xml": ("application/xml", b"<a/>")}) == opc.zip_package(
        {"/a.xml": ("application/xml", b"<a/>")}
    )


def test_the_reference_documents_parts_are_deflated_once_for_every_document():
    reference = (Path(__file__).resolve().parents[2] / "templates" / "reference.docx").read_bytes()
    package = opc.Package(reference, "templates/reference.docx")
    assert package.files  # styles, settings, fonts, theme… and their relationships
    texts = {}
    for name, (_, part) in package.files.items():
        assert isinstance(part, opc.Deflated)
        texts[name] = zlib.decompressobj(-zlib.MAX_WBITS).decompress(part.data)
        assert (len(texts[name]), zlib.crc32(texts[name])) == (part.size, part.crc)
    with zipfile.ZipFile(io.BytesIO(opc.zip_package(dict(package.files)))) as docx:
        assert docx.testzip() is None
        assert {
            f"/{n}": docx.read(n) for n in docx.namelist() if n != "[Content_Types].xml"
        } == texts
