"""Checks on the translation files (translations/<language>/*.yaml) against what they translate.

Each file translates one role (it is named after the role's id) or handbook.yaml; each of its
entries must be an item of that source (rolebook/model/translations.py says which are). An unknown
file or item is an error, with "did you mean". Every item of every source needs a translation:
one missing, or still empty (a TODO), is a warning, and so is a stale one, whose source text
changed after it was translated (its recorded hash differs); the warning shows the new text.
A project without a translations/<language>/ folder is not translated into that language, and
nothing here is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rolebook.load.files import SETTINGS_FILE
from rolebook.load.reader import Reading
from rolebook.load.translations import LANGUAGES, Files, file_path
from rolebook.model.errors import WARNING, Diagnostic
from rolebook.model.scalars import closest
from rolebook.model.translations import (
    HANDBOOK,
    TranslationFile,
    handbook_items,
    library_name,
    role_items,
    source_hash,
    translated_from,
)

if TYPE_CHECKING:
    from rolebook.load.project import Project

# A source: what a translation file translates, and where it is read, by the file's name.
Sources = dict[str, tuple[Reading, dict[str, tuple[tuple, str]]]]


def check(project: Project) -> Iterator[Diagnostic]:
    """Yields the diagnostics of each language's translation files (see the module)."""
    if not project.translation_files:
        return  # a project without translations: nothing to list its items for
    translated = sources(project)
    departments = _in_roles(project)
    for language, files in project.translation_files.items():
        yield from _unknown_files(files, translated)
        for name, (reading, items) in translated.items():
            translation = files.get(name)
            if translation is None:
                yield _no_file(language, name, reading)
            elif translation.value is not None:
                yield from _entries(language, translation, reading, items, departments)


def _in_roles(project: Project) -> dict[str, Reading]:
    """Returns the file of the first role of each department, where a department's missing
    translation is reported: handbook.yaml does not name the departments."""
    found: dict[str, Reading] = {}
    for reading in project.readings.values():
        if reading.value is not None:
            found.setdefault(reading.value.department, reading)
    return found


def sources(project: Project) -> Sources:
    """Returns each source a translation file can translate, by the file's name."""
    found: Sources = {}
    if project.settings is not None and project.settings_reading is not None:
        items = handbook_items(project.settings, project.roles)
        found[HANDBOOK] = (project.settings_reading, items)
    for reading in project.readings.values():
        if reading.value is not None:
            found.setdefault(reading.value.id, (reading, role_items(reading.value)))
    for shelf in project.library:  # written once, translated once: not in each role's file
        if shelf.value is not None:
            found.setdefault(library_name(shelf.path), (shelf, role_items(shelf.value)))
    return found


def _unknown_files(files: Files, sources: Sources) -> Iterator[Diagnostic]:
    """Yields an error for each translation file named after no role."""
    for name, reading in files.items():
        if name not in sources:
            close = closest(name, list(sources))
            hint = f"did you mean '{close}.yaml'? " if close else ""
            yield reading.diagnostic(
                (1, 1),
                f"no role '{name}' to translate; {hint}a translation file is named after the "
                f"role it translates, <id>.yaml, or is {HANDBOOK}.yaml for {SETTINGS_FILE}",
            )


def _no_file(language: str, name: str, source: Reading) -> Diagnostic:
    """Returns the warning of a source without a translation file."""
    return source.diagnostic(
        (1, 1),
        f"no {LANGUAGES[language]} translation: {file_path(language, name)} is missing; "
        f"`rolebook translate --lang {language}` writes it, with a TODO for each item",
        WARNING,
    )


def _entries(
    language: str,
    translation: Reading[TranslationFile],
    source: Reading,
    items: dict[str, tuple[tuple, str]],
    departments: dict[str, Reading],
) -> Iterator[Diagnostic]:
    """Yields the diagnostics of the entries of one translation file: unknown items (errors),
    and missing, empty and stale translations (warnings); a department's missing one in the
    file of a role of that department (see _in_roles)."""
    entries = translation.value or {}
    for item in entries:
        if item not in items:
            yield translation.diagnostic(
                translation.at((item,), key=True), _unknown_item(item, list(items), source.path)
            )
    what = f"{LANGUAGES[language]} translation"
    for item, (path, text) in items.items():
        entry = entries.get(item)
        if entry is None:
            named = departments.get(text) if path == ("departments",) else None
            yield (named or source).diagnostic(
                named.at(("department",)) if named else source.at(path),
                f"no {what} of '{item}'; `rolebook translate --lang {language}` adds it as a TODO",
                WARNING,
            )
        elif not entry.text:
            where = translation.at((item,), key=True)
            yield translation.diagnostic(where, f"'{item}' is not translated yet", WARNING)
        elif translated_from(entry) != source_hash(text):
            yield translation.diagnostic(
                translation.at((item, "source")),
                f"stale {what} of '{item}': its source changed after it was translated; it "
                f"now reads: {text}",
                WARNING,
            )


def _unknown_item(item: str, items: list[str], source: str) -> str:
    """Returns the message for an entry that translates no item of `source`."""
    close = closest(item, items)
    if close:
        return f"unknown item '{item}'; did you mean '{close}'?"
    return (
        f"unknown item '{item}': {source} has no such text to translate; delete the entry "
        "(`rolebook translate` drops it)"
    )
