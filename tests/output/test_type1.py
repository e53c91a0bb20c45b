"""Tests of rolebook.output.type1: Type 1 programs numbered by their content."""

from __future__ import annotations

import io

from pikepdf import Dictionary, Name, Pdf

from rolebook.output import type1

PRIVATE = b"HDU dup\n/Private 8 dict dup begin\n/UniqueID %d def\n/lenIV 4 def\nend\n"
ZEROS = b"0" * 64 + b"\ncleartomark\n"


def program(number: int, glyphs: bytes = b"/a /b") -> bytes:
    """Returns a PDF whose one font descriptor embeds a Type 1 program numbered `number`, as
    LibreOffice writes them: cleartext, eexec-encrypted private part, zeros."""
    clear = b"%%!FontType1-1.0: Test\n/UniqueID %d def\n%s\ncurrentfile eexec\n" % (number, glyphs)
    private = type1.encrypt(PRIVATE % number)
    pdf = Pdf.new()
    stream = pdf.make_stream(clear + private + ZEROS)
    stream.Length1, stream.Length2, stream.Length3 = len(clear), len(private), len(ZEROS)
    pdf.Root.Descriptor = pdf.make_indirect(Dictionary(Type=Name.FontDescriptor, FontFile=stream))
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    return buffer.getvalue()


def renumbered(data: bytes) -> tuple[bytes, bytes]:
    """Returns the cleartext and the decrypted private part of the program in `data`, after
    type1.renumber."""
    pdf = Pdf.open(io.BytesIO(data))
    assert type1.renumber(pdf)
    stream = pdf.Root.Descriptor.FontFile
    data, ends = stream.read_bytes(), (int(stream.Length1), int(stream.Length1 + stream.Length2))
    assert data[ends[1] :] == ZEROS
    return data[: ends[0]], type1.decrypt(data[ends[0] : ends[1]])


def test_the_same_program_numbered_apart_gets_one_number_in_both_parts():
    first, second = renumbered(program(4100003)), renumbered(program(4100007))
    assert first == second
    clear, private = first
    (number,) = {int(part.split(b"/UniqueID ")[1].split()[0]) for part in first}
    assert 4_000_000 <= number < 5_000_000  # Adobe's private range
    assert private == PRIVATE % number  # decrypts whole, its first four bytes kept
    assert b"/UniqueID %d def" % number in clear


def test_other_programs_get_other_numbers():
    assert renumbered(program(4100003))[0] != renumbered(program(4100003, b"/a /c"))[0]


def test_eexec_decrypts_what_it_encrypts():
    text = bytes(range(256)) * 3
    assert type1.encrypt(text) != text
    assert type1.decrypt(type1.encrypt(text)) == text


def test_a_pdf_without_type1_programs_says_so():
    pdf = Pdf.new()
    pdf.Root.Descriptor = Dictionary(Type=Name.FontDescriptor, FontFile2=pdf.make_stream(b"x"))
    assert not type1.renumber(pdf)
