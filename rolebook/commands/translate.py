"""`translate`: write or update the translation files of a language, a TODO for each item to do.

`rolebook translate --lang en` writes translations/en/<role id>.yaml and handbook.yaml with an
entry for every translatable item: entries already there are kept, each item without a
translation gets an empty one marked TODO, each stale one a TODO note with the new source text,
and entries of items that are gone are dropped.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rolebook.check import gather
from rolebook.load import translations
from rolebook.load.files import SETTINGS_FILE, contents
from rolebook.load.project import Project
from rolebook.load.splice import scalar
from rolebook.model.errors import CheckFailed
from rolebook.model.translations import (
    HANDBOOK,
    Translation,
    TranslationFile,
    handbook_items,
    role_items,
    source_hash,
    translated_from,
)
from rolebook.output import publish

SUMMARY = "write the translation files of a language, with a TODO for each item to translate"


def arguments(p: argparse.ArgumentParser) -> None:
    """Adds the options of `translate`."""
    p.add_argument(
        "--lang",
        choices=list(translations.LANGUAGES),
        required=True,
        help="the language to translate into",
    )


def run(args: argparse.Namespace) -> int:
    """Writes the language's translation files and says how many items wait for a translator."""
    project = gather.with_settings(args.root)
    _refuse_errors(project)
    (Path(args.root) / translations.folder(args.lang)).mkdir(parents=True, exist_ok=True)
    wanted = 0
    for name, source, items in _sources(project):
        files = project.translation_files.get(args.lang, {})
        entries = files[name].value if name in files else None
        text = updated(args.lang, source, items, entries or {})
        wanted += text.count("# TODO")
        path = translations.file_path(args.lang, name)
        if name not in files or text != _current(args.root, path):
            publish.write_file(Path(args.root) / path, text.encode("utf-8"))
            print(f"wrote {path}")
    print(f"{wanted} item{'s' * (wanted != 1)} to translate")
    return 0


def _current(root: Path, path: str) -> str:
    """Returns the text of the file at root/path as it is now."""
    return contents(root, path, False)[1]


def _sources(project: Project) -> list[tuple[str, str, dict[str, tuple[tuple, str]]]]:
    """Returns each translation file's name, the file it translates and its items."""
    assert project.settings is not None  # with_settings raises without them
    found = [(HANDBOOK, SETTINGS_FILE, handbook_items(project.settings, project.roles))]
    for path, reading in project.readings.items():
        if reading.value is not None:
            found.append((reading.value.id, path, role_items(reading.value)))
    return found


def _refuse_errors(project: Project) -> None:
    """Raises CheckFailed if a file has errors: a role's or the settings' items are not known,
    and a translation file that cannot be read would lose its entries. Entries of unknown items
    are not in the way: the files are written without them."""
    unreadable = {
        r.path
        for files in project.translation_files.values()
        for r in files.values()
        if not r.value
    }
    errors = [
        d
        for d in project.diagnostics
        if d.severity == "error"
        and (d.path in unreadable or not d.path.startswith(translations.TRANSLATIONS_DIR + "/"))
    ]
    if errors:
        raise CheckFailed(errors)


def updated(
    language: str, source: str, items: dict[str, tuple[tuple, str]], entries: TranslationFile
) -> str:
    """Returns the text of the translation file of the items of `source` (a role file or
    handbook.yaml), in the items' order: each entry of `entries` kept as it is, a TODO entry for
    each item without one, a TODO note on each stale one; entries of no item are left out."""
    lines = [
        f"# {translations.LANGUAGES[language]} translations of {source}, an entry per item; see",
        "# the README's section Translations. `source` is the hash of the text translated, `was`",
        "# that text.",
    ]
    for item, (_, text) in items.items():
        entry = entries.get(item)
        lines.append(f"{scalar(item)}:")
        if entry is None or not entry.text:
            lines.append("  # TODO: translate")
        elif translated_from(entry) != source_hash(text):
            lines.append(f"  # TODO: stale; the source now reads: {' '.join(text.split())}")
            lines.append("  # Revise text, copy the new source into was, delete the source line")
            lines.append(f"  # and run `rolebook translate --lang {language}` again.")
        lines += _entry_lines(entry, text)
    return "\n".join(lines) + "\n"


def _entry_lines(entry: Translation | None, text: str) -> list[str]:
    """Returns the lines of an item's entry: as it is, or new for the source `text`."""
    if entry is None:
        entry = Translation(source_hash(text), "", text)
    return [
        f"  source: {translated_from(entry)}",
        f"  was: {scalar(' '.join(entry.was.split()))}",
        f"  text: {scalar(entry.text)}" if entry.text else "  text:",
    ]
