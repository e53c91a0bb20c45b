"""The Word package (.docx): the reference document's parts, the zip, and document properties.

A .docx is written from its parts: those of the reference document (styles, settings, fonts),
read once, and each document's own body, numbering, headers, footers and properties. Nothing
here edits XML as text but the one seam where a document's body goes into the reference's
document part (see `Package`). Names follow ECMA-376 Part 2 (Open Packaging Conventions).
"""

from __future__ import annotations

import copy
import io
import zipfile
import zlib
from dataclasses import dataclass
from dataclasses import field as dataclass_field

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.spec import default_content_types
from docx.oxml.ns import qn
from lxml import etree

from rolebook.model.errors import LocatedError
from rolebook.output.oxml import east_asian_language, list_of_style

# Zip entries carry this date, so the same inputs give the same bytes (the zip format's epoch).
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
LEVEL = 6  # zlib's default level, as zipfile's
_ZEROS = bytes(1 << 16)


@dataclass
class Deflated:
    """Text deflated ahead of time: raw deflate data that ends on a byte boundary and holds no
    final block, so that such pieces can follow one another in one zip entry, which is then
    copied, not compressed again; with the CRC-32 and the length of the text."""

    data: bytes | memoryview
    crc: int
    size: int

    @classmethod
    def of(cls, text: bytes) -> Deflated:
        """Returns `text` deflated on its own (a full flush: it refers to nothing before it)."""
        packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        return cls(
            packer.compress(text) + packer.flush(zlib.Z_FULL_FLUSH), zlib.crc32(text), len(text)
        )

    @classmethod
    def stored(cls, text: bytes) -> Deflated:
        """Returns `text` as stored (uncompressed) deflate blocks: quicker than compressing
        for the few bytes that join pieces."""
        blocks = [
            b"\0"
            + len(chunk).to_bytes(2, "little")
            + (len(chunk) ^ 0xFFFF).to_bytes(2, "little")
            + chunk
            for chunk in (text[i : i + 0xFFFF] for i in range(0, len(text), 0xFFFF))
        ]
        return cls(b"".join(blocks), zlib.crc32(text), len(text))


def deflated_entry(parts: list[Deflated]) -> Deflated:
    """Returns `parts` one after the other, ended: the data of a zip entry holding their texts."""
    crc, size = 0, 0
    for part in parts:
        # After nothing, the CRC is the part's: a header's entry (20,000 at 10,000 roles) is
        # one part, whose length of zeros need not be run through twice.
        crc = _crc_combined(crc, part.crc, part.size) if size else part.crc
        size += part.size
    # An empty final block of fixed codes: what zlib's Z_FINISH adds after a flush.
    return Deflated(b"".join(part.data for part in parts) + b"\x03\x00", crc, size)


def _crc_combined(crc: int, then: int, length: int) -> int:
    """Returns the CRC-32 of a text of CRC `crc` followed by one of CRC `then` and `length`
    bytes. CRC-32 is affine: crc(A + B) = crc(A + zeros) ^ crc(zeros) ^ crc(B)."""
    zeros_a, zeros = crc, 0
    while length:
        chunk = memoryview(_ZEROS)[: min(length, len(_ZEROS))]
        zeros_a, zeros = zlib.crc32(chunk, zeros_a), zlib.crc32(chunk, zeros)
        length -= len(chunk)
    return zeros_a ^ zeros ^ then


@dataclass
class Relationship:
    """A relationship of a package part: its id, type, target and whether that is a URL."""

    rid: str
    reltype: str
    target: str
    external: bool = False


@dataclass
class Parts:
    """What a document adds to the reference package: parts by name (content type, bytes),
    relationships of the main document part, and numbering instances (serialized w:num)."""

    files: dict[str, tuple[str, bytes | Deflated]] = dataclass_field(default_factory=dict)
    rels: list[Relationship] = dataclass_field(default_factory=list)
    numbering: list[str] = dataclass_field(default_factory=list)


class Package:
    """The reference document read once, and each .docx made from it: its styles, settings
    and fonts, with a body, headers and footers of their own.

    Raises LocatedError at `source` (the reference's name, as the user knows it) if the
    reference lacks what the writer needs.
    """

    def __init__(self, data: bytes, source: str):
        word = docx.Document(io.BytesIO(data))
        styles = word.styles.element
        east_asian_language(styles)
        numbering = word.part.numbering_part.element
        self.abstract_list = list_of_style(styles, numbering, "ListNumber", source)
        self.first_free_list = (
            max((int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))), default=0) + 1
        )
        body = word.element.body
        self.section = copy.deepcopy(body.sectPr)
        for ref in self.section.findall(qn("w:headerReference")) + self.section.findall(
            qn("w:footerReference")
        ):
            self.section.remove(ref)
        self.text_width = _text_width(self.section)
        self.text_height = _text_height(self.section)
        self._read_parts(word, source)

    def _read_parts(self, word, source: str) -> None:
        """Keeps the reference's parts, but for those every document writes anew."""
        for child in list(word.element.body):
            word.element.body.remove(child)
        document = etree.tostring(
            word.element, xml_declaration=True, encoding="UTF-8", standalone=True
        ).decode()
        self.document_head, self.document_tail = _around(document, "<w:body/>", source)
        numbering = word.part.numbering_part.blob.decode()
        self.numbering_head, self.numbering_tail = _around(numbering, "</w:numbering>", source)
        # Deflated once: every .docx carries them (a build writes 10,000 of them).
        self.files: dict[str, tuple[str, Deflated]] = {}
        package = word.part.package
        for part in package.iter_parts():
            if part.partname in (
                "/word/document.xml",
                "/word/numbering.xml",
                "/docProps/core.xml",
                "/docProps/custom.xml",
            ):
                continue
            self.files[part.partname] = (part.content_type, _deflated(part.blob))
            if len(part.rels):
                self.files[part.partname.rels_uri] = (
                    CT.OPC_RELATIONSHIPS,
                    _deflated(part.rels.xml),
                )
        self.document_rels = [
            Relationship(r.rId, r.reltype, r.target_ref, r.is_external)
            for r in word.part.rels.values()
        ]
        self.package_rels = [
            Relationship(r.rId, r.reltype, r.target_ref)
            for r in package.rels.values()
            if r.reltype not in (RT.CORE_PROPERTIES, RT.CUSTOM_PROPERTIES)
        ]

    def docx(
        self,
        body: str | list[Deflated],
        parts: Parts,
        meta: dict[str, str],
        custom: dict[str, str],
    ) -> bytes:
        """Returns the .docx bytes of a document: the reference's parts, `body` (the content
        of w:body, or its pieces deflated ahead of time), the added `parts`, core properties
        from `meta` and custom ones."""
        files = {
            "/word/document.xml": (CT.WML_DOCUMENT_MAIN, self.document_part(body)),
            "/word/numbering.xml": (CT.WML_NUMBERING, self.numbering_part(parts.numbering)),
            "/word/_rels/document.xml.rels": (
                CT.OPC_RELATIONSHIPS,
                relationships([*self.document_rels, *parts.rels]),
            ),
            "/docProps/core.xml": (CT.OPC_CORE_PROPERTIES, core_properties(meta)),
            "/docProps/custom.xml": (CT.OFC_CUSTOM_PROPERTIES, custom_properties(custom)),
            "/_rels/.rels": (
                CT.OPC_RELATIONSHIPS,
                relationships(
                    [
                        *self.package_rels,
                        Relationship("rIdCore", RT.CORE_PROPERTIES, "docProps/core.xml"),
                        Relationship("rIdCustom", RT.CUSTOM_PROPERTIES, "docProps/custom.xml"),
                    ]
                ),
            ),
            **self.files,
            **parts.files,
        }
        return zip_package(files)

    def numbering_part(self, numbering: list[str]) -> bytes:
        """Returns the numbering part: the reference's, with the document's `numbering`."""
        return (
            self.numbering_head + "".join(numbering) + "</w:numbering>" + self.numbering_tail
        ).encode()

    def document_part(self, body: str | list[Deflated]) -> bytes | Deflated:
        """Returns the main document part around `body`: bytes, or deflated pieces ended."""
        head = (self.document_head + "<w:body>").encode()
        tail = ("</w:body>" + self.document_tail).encode()
        if isinstance(body, str):
            return head + body.encode() + tail
        return deflated_entry([Deflated.of(head), *body, Deflated.of(tail)])


def _deflated(data: bytes) -> Deflated:
    """Returns `data` deflated and ended, as a whole zip entry's data."""
    return deflated_entry([Deflated.of(data)])


def _around(xml: str, mark: str, source: str) -> tuple[str, str]:
    """Returns the text of a reference part before and after `mark`, where the content of
    each document goes. The elements written here use the w: prefix, as Word does; a part
    that names its namespace otherwise is refused rather than given undeclared prefixes."""
    if xml.count(mark) != 1:
        raise LocatedError(
            source,
            None,
            "its parts do not use Word's "
            "w: prefix; open it in Word and save it again as .docx, or restore "
            "it from git",
        )
    head, _, tail = xml.partition(mark)
    return head, tail


def _text_width(sect_pr) -> int:
    """Returns the width between the page margins of a section, in twentieths of a point."""
    return int((sect_pr.page_width - sect_pr.left_margin - sect_pr.right_margin) / 635)


def _text_height(sect_pr) -> int:
    """Returns the height between the page margins of a section, in twentieths of a point."""
    return int((sect_pr.page_height - sect_pr.top_margin - sect_pr.bottom_margin) / 635)


def relationships(rels: list[Relationship]) -> bytes:
    """Returns a relationships part (.rels) listing `rels`."""
    ns = "http://schemas.openxmlformats.org/package/2006/relationships"
    root = etree.Element(f"{{{ns}}}Relationships", nsmap={None: ns})
    for rel in rels:
        attrs = {"Id": rel.rid, "Type": rel.reltype, "Target": rel.target}
        if rel.external:
            attrs["TargetMode"] = "External"
        etree.SubElement(root, f"{{{ns}}}Relationship", attrs)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def content_types(names: dict[str, str]) -> bytes:
    """Returns [Content_Types].xml for parts named with their content types: a default per
    extension where the type is the usual one for it, else an override per part."""
    ns = "http://schemas.openxmlformats.org/package/2006/content-types"
    defaults = {"rels": CT.OPC_RELATIONSHIPS, "xml": CT.XML}
    overrides = {}
    for name, content_type in names.items():
        ext = name.rpartition(".")[2]
        if (ext.lower(), content_type) in default_content_types:
            defaults[ext] = content_type
        elif content_type != defaults.get(ext):
            overrides[name] = content_type
    root = etree.Element(f"{{{ns}}}Types", nsmap={None: ns})
    for ext in sorted(defaults):
        etree.SubElement(root, f"{{{ns}}}Default", {"Extension": ext, "ContentType": defaults[ext]})
    for name in sorted(overrides):
        etree.SubElement(
            root, f"{{{ns}}}Override", {"PartName": name, "ContentType": overrides[name]}
        )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def zip_package(files: dict[str, tuple[str, bytes | Deflated]]) -> bytes:
    """Returns the .docx (zip) of parts by name, with [Content_Types].xml first and every
    entry dated ZIP_EPOCH, so the same parts always give the same bytes."""
    out = io.BytesIO()
    types = content_types(
        {name: ct for name, (ct, _) in files.items() if not name.endswith(".rels")}
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        _zip_entry(zf, "[Content_Types].xml", types)
        for name in sorted(files, key=_part_order):
            data = files[name][1]
            if isinstance(data, Deflated):
                _zip_deflated(zf, name.lstrip("/"), data)
            else:
                _zip_entry(zf, name.lstrip("/"), data)
    return out.getvalue()


def _part_order(name: str) -> tuple:
    """Orders parts as Word does: package relationships, the main document, then the rest."""
    first = ("/_rels/.rels", "/word/document.xml", "/word/_rels/document.xml.rels")
    return (first.index(name) if name in first else len(first), name)


def _zip_entry(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    zf.writestr(_zip_info(name), data)


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _zip_deflated(zf: zipfile.ZipFile, name: str, data: Deflated) -> None:
    """Adds an entry whose data is deflated already, as ZipFile.writestr would write it.

    zipfile compresses whatever it is given, so the local header and the data are written
    here, and the entry recorded for the central directory that closing the zip writes.
    """
    info = _zip_info(name)
    info.file_size, info.compress_size, info.CRC = data.size, len(data.data), data.crc
    info.header_offset = zf.fp.tell()  # type: ignore[union-attr]  # open for writing
    zf.fp.write(info.FileHeader(zip64=data.size > zipfile.ZIP64_LIMIT))  # type: ignore[union-attr]
    zf.fp.write(data.data)  # type: ignore[union-attr]
    zf.filelist.append(info)
    zf.NameToInfo[name] = info
    zf.start_dir = zf.fp.tell()  # type: ignore[union-attr]
    zf._didModify = True  # type: ignore[attr-defined]


_CORE = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
# Core property element names, with the Document meta each is filled from.
_CORE_FIELDS = (
    ("dc:title", "title"),
    ("dc:subject", "subject"),
    ("dc:creator", "author"),
    ("cp:keywords", "keywords"),
    ("dc:description", "description"),
    ("cp:lastModifiedBy", "author"),
    ("cp:version", "version"),
    ("dc:language", "lang"),
)


def core_properties(meta: dict[str, str]) -> bytes:
    """Returns docProps/core.xml, the core properties (Word: File › Properties › Summary),
    from a Document's metadata; created and modified are its date at midnight UTC."""

    def name(qualified):
        prefix, local = qualified.split(":")
        return f"{{{_CORE[prefix]}}}{local}"

    root = etree.Element(name("cp:coreProperties"), nsmap=_CORE)
    # A bilingual document (zh-CN+en) is in its first language; the other is its translation.
    meta = {**meta, "lang": meta.get("lang", "").split("+")[0]}
    for tag, key in _CORE_FIELDS:
        etree.SubElement(root, name(tag)).text = meta.get(key, "")
    etree.SubElement(root, name("cp:revision")).text = "1"
    for tag in ("dcterms:created", "dcterms:modified"):
        when = etree.SubElement(root, name(tag), {name("xsi:type"): "dcterms:W3CDTF"})
        when.text = f"{meta['date']}T00:00:00Z"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
# The format id that every user-defined custom property carries (ECMA-376 Part 1, §22.3.2.1).
_USER_DEFINED = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def custom_properties(values: dict[str, str]) -> bytes:
    """Returns docProps/custom.xml, the custom document properties (Word: File › Properties ›
    Custom; usable in DOCPROPERTY fields and document libraries), holding `values` as text."""
    root = etree.Element(f"{{{_CUSTOM}}}Properties", nsmap={None: _CUSTOM, "vt": _VT})
    for pid, (name, value) in enumerate(values.items(), start=2):  # pids 0 and 1 are reserved
        prop = etree.SubElement(
            root, f"{{{_CUSTOM}}}property", {"fmtid": _USER_DEFINED, "pid": str(pid), "name": name}
        )
        etree.SubElement(prop, f"{{{_VT}}}lpwstr").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
