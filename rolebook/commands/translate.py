"""`translate`: write or update the translation files of a language, a TODO for each item to do.

`rolebook translate --lang en` writes translations/en/<role id>.yaml and handbook.yaml with an
entry for every translatable item: entries already there are kept, each item without a
translation gets an empty one marked TODO, each stale one a TODO note with the new source text,
and entries of items that are gone are dropped.

`--export FILE.xlsx` writes instead a workbook for a translator, a row per item with its source
text, its translation and whether it is to translate or stale; `--merge FILE.xlsx` brings the
translator's workbook back: each translation filled in is recorded as one of the source text in
its row (stale at once if that text has changed since), then the files are written as above.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from rolebook.check import gather
from rolebook.check import translations as translation_checks
from rolebook.load import translations
from rolebook.load.files import contents
from rolebook.load.project import Project
from rolebook.load.splice import scalar
from rolebook.model.errors import CheckFailed, Diagnostic, RolebookError
from rolebook.model.scalars import closest
from rolebook.model.translations import (
    Translation,
    TranslationFile,
    source_hash,
    translated_from,
)
from rolebook.output import publish, translation_sheet
from rolebook.output.translation_sheet import Row

# Editors that read it (VS Code's YAML extension) complete and check the entries.
MODELINE = "# yaml-language-server: $schema=../../schema/translation.schema.json"
SUMMARY = "write the translation files of a language, with a TODO for each item to translate"


def arguments(p: argparse.ArgumentParser) -> None:
    """Adds the options of `translate`."""
    p.add_argument(
        "--lang",
        choices=list(translations.LANGUAGES),
        required=True,
        help="the language to translate into",
    )
    hand = p.add_mutually_exclusive_group()
    hand.add_argument(
        "--export",
        type=Path,
        metavar="FILE.xlsx",
        help="write a workbook for a translator instead: a row per item, with its status",
    )
    hand.add_argument(
        "--merge",
        type=Path,
        metavar="FILE.xlsx",
        help="bring a translator's workbook back into the translation files, then update them",
    )


@dataclass
class Source:
    """What one translation file translates: its name, the source file and its items, and the
    entries the translation file has now."""

    name: str
    path: str
    items: dict[str, tuple[tuple, str]]
    entries: TranslationFile


def run(args: argparse.Namespace) -> int:
    """Writes the language's translation files and says how many items wait for a translator."""
    project = gather.with_settings(args.root)
    _refuse_errors(project)
    sources = _sources(project, args.lang)
    if args.export:
        rows = export_rows(sources)
        publish.write_file(args.export, translation_sheet.write(rows))
        todo = sum(row.status != "" for row in rows)
        print(f"wrote {args.export}: {len(rows)} items, {todo} to translate or stale")
        return 0
    if args.merge:
        rows = translation_sheet.read(_workbook(args.merge), str(args.merge))
        merged = merge(sources, rows, str(args.merge))
        print(f"merged {merged} translation{'s' * (merged != 1)} from {args.merge}")
    (Path(args.root) / translations.folder(args.lang)).mkdir(parents=True, exist_ok=True)
    wanted = sum(_write(args.root, args.lang, source) for source in sources)
    print(f"{wanted} item{'s' * (wanted != 1)} to translate")
    return 0


def _workbook(path: Path) -> bytes:
    """Returns the bytes of the workbook at `path`; raises RolebookError if it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RolebookError(f"cannot read {path}: {exc.strerror or exc}") from None


def _write(root: Path, language: str, source: Source) -> int:
    """Writes the translation file of `source` if it changes; returns its count of TODOs."""
    text = updated(language, source.path, source.items, source.entries)
    path = translations.file_path(language, source.name)
    if not (root / path).exists() or text != _current(root, path):
        publish.write_file(root / path, text.encode("utf-8"))
        print(f"wrote {path}")
    return text.count("# TODO")


def export_rows(sources: list[Source]) -> list[Row]:
    """Returns a workbook row for every item of every source, with its translation and status."""
    rows = []
    for source in sources:
        for item, (_, text) in source.items.items():
            entry = source.entries.get(item)
            status = "to translate" if entry is None or not entry.text else ""
            if entry and entry.text and translated_from(entry) != source_hash(text):
                status = "stale"
            rows.append(Row(source.path, item, text, entry.text if entry else "", status))
    return rows


def merge(sources: list[Source], rows: list[Row], file: str) -> int:
    """Records each translation of `rows` in its source's entries; returns how many; raises
    CheckFailed naming each row whose file or item is unknown."""
    by_path = {source.path: source for source in sources}
    problems, merged = [], 0
    for row in (row for row in rows if row.translation):
        source = by_path.get(row.file)
        problem = _unknown(row, source, list(by_path))
        if problem or source is None:
            problems.append(Diagnostic(file, row.number, 1, problem))
            continue
        source.entries[row.item] = Translation(source_hash(row.source), row.translation, row.source)
        merged += 1
    if problems:
        raise CheckFailed(problems)
    return merged


def _unknown(row: Row, source: Source | None, files: list[str]) -> str:
    """Returns what is wrong with a row's file or item, or "" if both are known."""
    if source is None:
        close = closest(row.file, files)
        return f"no file '{row.file}' to translate" + (
            f"; did you mean '{close}'?" if close else ""
        )
    if row.item not in source.items:
        close = closest(row.item, list(source.items))
        hint = f"; did you mean '{close}'?" if close else ""
        return f"unknown item '{row.item}' of {row.file}{hint}"
    return ""


def _current(root: Path, path: str) -> str:
    """Returns the text of the file at root/path as it is now."""
    return contents(root, path, False)[1]


def _sources(project: Project, language: str) -> list[Source]:
    """Returns what each translation file of `language` translates, with its entries now."""
    files = project.translations.get(language, {})
    return [
        Source(name, reading.path, items, dict(files.get(name, {})))
        for name, (reading, items) in translation_checks.sources(project).items()
    ]


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
        MODELINE,
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
