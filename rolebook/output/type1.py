"""Type 1 font programs in a PDF, given /UniqueID numbers made from their content.

LibreOffice embeds the CFF fonts it prints with (Noto CJK) as Type 1 programs, and numbers
each one it writes (/UniqueID 4100000, 4100001…) from a counter that lasts as long as the
soffice process: the same document converted after another one gets other numbers, and the
same pages would give other bytes. A Type 1 program is cleartext (/Length1 bytes), then its
private part encrypted with eexec (/Length2 bytes), then zeros; the number is in the first two
(Adobe, "Adobe Type 1 Font Format", chapter 7).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import pikepdf
from pikepdf import Name, Pdf

_UNIQUE_ID = re.compile(rb"/UniqueID \d+ def")
_EEXEC = 55665  # eexec's key, for a font's private part
# UniqueIDs 4,000,000 to 4,999,999 are for fonts used privately (Adobe's Technical Note #5048).
_PRIVATE_IDS = 4_000_000, 1_000_000


def renumber(pdf: Pdf) -> bool:
    """Gives every Type 1 program embedded in `pdf` a /UniqueID made from its content, the
    same whenever and after whatever it was converted; returns whether there was any."""
    programs = list(_programs(pdf))
    for program in programs:
        _renumber(program)
    return bool(programs)


def _programs(pdf: Pdf) -> Iterator[pikepdf.Stream]:
    """Yields the Type 1 programs (a font descriptor's /FontFile) of `pdf`, once each."""
    seen: set[tuple[int, int]] = set()
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == Name.FontDescriptor:
            program = obj.get("/FontFile")
            if isinstance(program, pikepdf.Stream) and program.objgen not in seen:
                seen.add(program.objgen)
                yield program


def _renumber(program: pikepdf.Stream) -> None:
    """Gives the Type 1 `program` the /UniqueID its content gives, in both of its parts."""
    data = program.read_bytes()
    ends = int(program.Length1), int(program.Length1) + int(program.Length2)
    clear, private = data[: ends[0]], decrypt(data[ends[0] : ends[1]])
    if not _UNIQUE_ID.search(clear + private):
        return
    content = _UNIQUE_ID.sub(b"", clear + private)
    number = int.from_bytes(hashlib.sha256(content).digest()[:4], "big") % _PRIVATE_IDS[1]
    unique = b"/UniqueID %d def" % (_PRIVATE_IDS[0] + number)
    clear, private = _UNIQUE_ID.sub(unique, clear), _UNIQUE_ID.sub(unique, private)
    program.write(clear + encrypt(private) + data[ends[1] :])
    program.Length1, program.Length2 = len(clear), len(private)


def decrypt(cipher: bytes, key: int = _EEXEC) -> bytes:
    """Returns `cipher` decrypted as eexec encrypts (its first four bytes included)."""
    plain = bytearray(len(cipher))
    for i, c in enumerate(cipher):
        plain[i] = c ^ (key >> 8)
        key = ((c + key) * 52845 + 22719) & 0xFFFF
    return bytes(plain)


def encrypt(plain: bytes, key: int = _EEXEC) -> bytes:
    """Returns `plain` encrypted as eexec does (decrypt's inverse)."""
    cipher = bytearray(len(plain))
    for i, p in enumerate(plain):
        cipher[i] = c = p ^ (key >> 8)
        key = ((c + key) * 52845 + 22719) & 0xFFFF
    return bytes(cipher)
