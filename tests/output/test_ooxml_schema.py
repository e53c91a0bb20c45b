"""Every XML part of every .docx that a build writes is valid against the ISO/IEC 29500
transitional schemas (RELAX NG, tests/schemas/ooxml/, checked with jing), after Markup
Compatibility processing as a consumer does it (ISO/IEC 29500-3): mc:AlternateContent replaced
by its mc:Fallback, then mc:Ignorable dropped with the elements and attributes of the namespaces
it lists (w14, w15…).

Parts the schemas do not cover are not validated: the package's own parts ([Content_Types].xml,
the .rels relationship parts) and the core properties (docProps/core.xml) are defined in ISO/IEC
29500-2 (Open Packaging Conventions) by XSDs that tests/schemas/ooxml does not have. A part of any
other content type fails the test, so none is skipped unnoticed.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import clients
import pytest
from lxml import etree

pytestmark = pytest.mark.external  # Java (jing)

SCHEMAS = Path(__file__).parents[1] / "schemas" / "ooxml"
JING_TIMEOUT = 300
_OFFICE = "application/vnd.openxmlformats-officedocument"
# The entry schema of each content type a .docx of rolebook holds.
ENTRY_SCHEMAS = {
    f"{_OFFICE}.wordprocessingml.document.main+xml": "WordprocessingML_Main_Document.rnc",
    f"{_OFFICE}.wordprocessingml.header+xml": "WordprocessingML_Header.rnc",
    f"{_OFFICE}.wordprocessingml.footer+xml": "WordprocessingML_Footer.rnc",
    f"{_OFFICE}.wordprocessingml.styles+xml": "WordprocessingML_Style_Definitions.rnc",
    f"{_OFFICE}.wordprocessingml.numbering+xml": "WordprocessingML_Numbering_Definitions.rnc",
    f"{_OFFICE}.wordprocessingml.settings+xml": "WordprocessingML_Document_Settings.rnc",
    f"{_OFFICE}.wordprocessingml.fontTable+xml": "WordprocessingML_Font_Table.rnc",
    f"{_OFFICE}.wordprocessingml.webSettings+xml": "WordprocessingML_Web_Settings.rnc",
    f"{_OFFICE}.theme+xml": "DrawingML_Theme.rnc",
    f"{_OFFICE}.custom-properties+xml": "Shared_Custom_File_Properties.rnc",
    f"{_OFFICE}.extended-properties+xml": "Shared_Extended_File_Properties.rnc",
}
# Defined in ISO/IEC 29500-2 (OPC), whose XSDs are not among the schemas: not validated.
NOT_COVERED = {
    "application/vnd.openxmlformats-package.core-properties+xml",
    "application/vnd.openxmlformats-package.relationships+xml",
}
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"


def content_types(package: zipfile.ZipFile) -> dict[str, str]:
    """Returns {part name (no leading /): content type} of every part but [Content_Types].xml."""
    types = etree.fromstring(package.read("[Content_Types].xml"))
    defaults = {
        d.get("Extension").lower(): d.get("ContentType") for d in types.iter(f"{{{CT}}}Default")
    }
    overrides = {
        o.get("PartName").lstrip("/"): o.get("ContentType") for o in types.iter(f"{{{CT}}}Override")
    }
    return {
        name: overrides.get(name) or defaults.get(name.rpartition(".")[2].lower(), "")
        for name in package.namelist()
        if name != "[Content_Types].xml"
    }


def compatibility_processed(xml: bytes) -> bytes:
    """Returns a part as a consumer that understands none of the ignorable namespaces sees it."""
    root = etree.fromstring(xml)
    for alternate in list(root.iter(f"{{{MC}}}AlternateContent")):
        fallback = alternate.find(f"{{{MC}}}Fallback")
        parent = alternate.getparent()
        at = parent.index(alternate)
        parent.remove(alternate)
        for child in reversed(list(fallback) if fallback is not None else []):
            parent.insert(at, child)
    ignorable = set()
    for node in root.iter():
        prefixes = node.attrib.pop(f"{{{MC}}}Ignorable", "")
        ignorable |= {node.nsmap[p] for p in prefixes.split() if p in node.nsmap}
    for node in list(root.iter()):
        if not isinstance(node.tag, str):
            continue
        if etree.QName(node).namespace in ignorable and node.getparent() is not None:
            node.getparent().remove(node)
            continue
        for name in [a for a in node.attrib if etree.QName(a).namespace in ignorable | {MC}]:
            del node.attrib[name]
    etree.cleanup_namespaces(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def jing_errors(schema: str, files: list[Path]) -> list[str]:
    """Returns jing's error lines for `files` against the entry schema `schema`."""
    jing = clients.need("jing", "jing")
    proc = subprocess.run(
        [jing, "-c", str(SCHEMAS / schema), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=JING_TIMEOUT,
        check=False,
    )
    # Errors go to stdout; Debian's wrapper script warns on stderr about optional jars.
    errors = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode and not errors:
        errors = [f"jing exited {proc.returncode}: {proc.stderr.strip()}"]
    return errors


def test_every_part_of_every_docx_is_valid(built, tmp_path):
    """Each part of each .docx (each role's and handbook.docx) is processed, written out and
    validated with jing against its content type's entry schema; any error fails the test."""
    by_schema: dict[str, list[Path]] = {}
    docx_files = sorted((built / "docx").glob("*.docx"))
    assert len(docx_files) >= 2
    for docx in docx_files:
        with zipfile.ZipFile(docx) as package:
            for name, content_type in content_types(package).items():
                if content_type in NOT_COVERED:
                    continue
                assert content_type in ENTRY_SCHEMAS, f"{docx.name}/{name}: {content_type}"
                target = tmp_path / docx.stem / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(compatibility_processed(package.read(name)))
                by_schema.setdefault(ENTRY_SCHEMAS[content_type], []).append(target)
    for kind in ("Main_Document", "Header", "Footer", "Style_Definitions", "Numbering_Definitions"):
        assert f"WordprocessingML_{kind}.rnc" in by_schema, sorted(by_schema)
    errors = [e for schema, files in sorted(by_schema.items()) for e in jing_errors(schema, files)]
    assert not errors, "\n".join(e.replace(str(tmp_path) + "/", "") for e in errors[:40])


def test_markup_compatibility_drops_ignorable_namespaces_and_takes_the_fallback():
    xml = (
        f'<w:document xmlns:w="urn:w" xmlns:w14="urn:w14" xmlns:mc="{MC}" mc:Ignorable="w14">'
        '<w:p w14:paraId="1"><w14:x/><mc:AlternateContent><mc:Choice Requires="w14"><w14:y/>'
        "</mc:Choice><mc:Fallback><w:r/></mc:Fallback></mc:AlternateContent></w:p></w:document>"
    ).encode()
    out = compatibility_processed(xml).decode()
    assert out.endswith('<w:document xmlns:w="urn:w"><w:p><w:r/></w:p></w:document>'), out


def test_a_schema_error_is_reported(tmp_path):
    """The check can fail: a paragraph holding an element WordprocessingML has not is an error."""
    part = tmp_path / "document.xml"
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    part.write_text(
        f'<w:document xmlns:w="{w}"><w:body><w:p><w:bogus/></w:p></w:body></w:document>'
    )
    (error,) = jing_errors("WordprocessingML_Main_Document.rnc", [part])
    assert "bogus" in error, error
