"""The template folder's data files, read and checked: labels.yaml and the Word reference.

The build reads them once, before anything is rendered; a missing or damaged one is the user's
error, named with the file and what to do.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from lxml import etree
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from rolebook.load.files import TEMPLATES_DIR
from rolebook.load.reader import syntax_error
from rolebook.model.errors import LocatedError


def labels(path: Path) -> dict:
    """Returns labels.yaml: a mapping of each language to its labels."""
    name = f"{TEMPLATES_DIR}/{path.name}"
    try:
        labels = YAML(typ="safe").load(read(path))
    except MarkedYAMLError as exc:
        (line, _), message = syntax_error(exc, [])
        raise LocatedError(name, line, message) from None
    except YAMLError:
        raise LocatedError(name, None, "is not YAML text; restore it from git") from None
    if not isinstance(labels, dict) or not all(isinstance(v, dict) for v in labels.values()):
        raise LocatedError(
            name, None, "must map each language (zh-CN:, en:) to its labels; restore it from git"
        )
    return labels


def word_document(path: Path) -> bytes:
    """Returns the bytes of a .docx file that every part of can be read, else LocatedError."""
    data = read(path)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for name in package.namelist():
                part = package.read(name)  # checks the part's checksum
                if name.endswith((".xml", ".rels")):
                    etree.fromstring(part, _XML)
        docx.Document(io.BytesIO(data))
    # A damaged package fails in many ways (zipfile, zlib, lxml, python-docx): all mean the same.
    except Exception:  # noqa: BLE001
        raise LocatedError(
            f"{TEMPLATES_DIR}/{path.name}",
            None,
            "is not a readable Word "
            "document; restore it from git, or open it in Word and save it "
            "again as .docx",
        ) from None
    return data


_XML = etree.XMLParser(resolve_entities=False, no_network=True)


def read(path: Path) -> bytes:
    """Returns the bytes of a file under templates/; a missing one is the user's error."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LocatedError(
            f"{TEMPLATES_DIR}/{path.name}",
            None,
            f"cannot read it ({exc.strerror}); restore it from git",
        ) from None
