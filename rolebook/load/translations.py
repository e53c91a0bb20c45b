"""Reads the translation files: translations/<language>/<role id>.yaml and handbook.yaml.

Each file maps an item's key (`summary`, `duties[3]`…) to its translation (see
rolebook/model/translations.py); it is read as strictly as a role file, and a file that cannot be
read is an error at its place. Which keys and files belong there is for the checks to say
(rolebook/check/translations.py): the reader knows no role.
"""

from __future__ import annotations

import os
import typing
from pathlib import Path

from rolebook.load.files import TRANSLATIONS_DIR, Refused, contents, is_folder
from rolebook.load.reader import Reading, read
from rolebook.model.translations import Translation, TranslationFile

LANGUAGES = {"en": "English"}  # the languages a handbook can be translated into, by name

# A language's translation files, each read, by the name of the file without .yaml.
Files = dict[str, Reading[TranslationFile]]


def folder(language: str) -> str:
    """Returns the folder of a language's translation files, relative to the project."""
    return f"{TRANSLATIONS_DIR}/{language}"


def file_path(language: str, name: str) -> str:
    """Returns the path of the translation file `name` (a role id or "handbook")."""
    return f"{folder(language)}/{name}.yaml"


def load(root: Path) -> dict[str, Files]:
    """Returns the translation files of each language that has a folder under translations/;
    raises Refused for a folder that cannot be listed."""
    return {
        language: {name: _read(root, file_path(language, name)) for name in names(root, language)}
        for language in LANGUAGES
        if is_folder(root, folder(language))
    }


def names(root: Path, language: str) -> list[str]:
    """Returns the names of the language's translation files, sorted; [] without a folder."""
    if not is_folder(root, folder(language)):
        return []
    try:
        found = os.listdir(root / folder(language))
    except OSError as exc:
        raise Refused(
            f"cannot read the folder: {exc.strerror}; check its permissions",
            path=folder(language),
        ) from None
    return sorted(n[: -len(".yaml")] for n in found if n.endswith(".yaml") and n[0] != ".")


def input_bytes(root: Path) -> list[bytes]:
    """Returns each translation file's path and bytes, for the digest of a build's inputs."""
    out: list[bytes] = []
    for language in LANGUAGES:
        for name in names(root, language):
            path = file_path(language, name)
            out += [path.encode(), contents(root, path, False)[0]]
    return out


def _read(root: Path, path: str) -> Reading[TranslationFile]:
    """Returns the Reading of one translation file; a file that cannot be read is an error."""
    try:
        _, text = contents(root, path, False)
    except Refused as exc:
        reading: Reading[TranslationFile] = Reading(path, exc.lines)
        reading.report(exc.where, str(exc))
        return reading
    # A dict of entries, which the reader takes as it takes a dataclass.
    return read(path, text, typing.cast(type[TranslationFile], dict[str, Translation]))
