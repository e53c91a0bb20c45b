"""The handbook's texts in the language of a build: the source, a translation, or both.

The role files and handbook.yaml hold the source text (Chinese); translations/<language>/ holds
each item's translation (rolebook/model/translations.py). A build in `en` prints the English
wherever an item has a translation, and the source where it has none; a build in `zh-CN+en`
prints each item in both languages, the Chinese first (中英文对照): the two are joined by
translations.SECOND, which the document model turns into a second line (render/markup.py).
Labels are resolved the same way. Nothing here knows the templates: they print what they get.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from rolebook.load.project import Project
from rolebook.model.schema import Name, Role, Settings, Title
from rolebook.model.translations import HANDBOOK, SECOND, key, library_name, mapped

SOURCE = "zh-CN"  # the language the role files are written in
BILINGUAL = "zh-CN+en"  # both: each item in Chinese, then in English (中英文对照)
# Labels that are formats or punctuation, not words, and the page header's own labels: a
# bilingual handbook takes the source's. (The header is one line: the templates print only the
# source half of the other labels and texts there.)
SOURCE_ONLY = frozenset(
    {
        "header_document_number",
        "header_effective_date",
        "date_format",
        "page_before",
        "page_middle",
        "page_after",
        "field_separator",
        "field_gap",
        "org_chart_reports",
        "org_chart_reports_separator",
    }
)


def target(language: str) -> str:
    """Returns the language an item is translated into for a build in `language` ("en" for en
    and zh-CN+en), or "" for the source language."""
    return "" if language == SOURCE else language.rsplit("+", 1)[-1]


def resolve(source: str, translation: str, language: str) -> str:
    """Returns the text of an item in `language`: its translation (the source if it has none),
    or in a bilingual language both, joined by SECOND."""
    if not translation or language == SOURCE:
        return source
    return f"{source}{SECOND}{translation}" if "+" in language else translation


def halves(text: str) -> tuple[str, str]:
    """Returns a text's source and translation: (text, "") unless it is bilingual."""
    first, _, second = text.partition(SECOND)
    return first, second


def plain(text: str) -> str:
    """Returns a text on one line: a bilingual one's two languages joined by " / "."""
    return text.replace(SECOND, " / ")


def title(role_title: Title, language: str) -> str:
    """Returns a role's title in `language`: the schema's English title stands in for its
    translation."""
    return resolve(role_title.zh, role_title.en, language)


def name(value: Name, language: str) -> str:
    """Returns a name given in both languages (a job family, a level, an organisation) in
    `language`: in a bilingual language both, joined by SECOND."""
    return resolve(value.zh, value.en, language)


def joined(texts: list[str], separator: str) -> str:
    """Returns `texts` joined by `separator`, each language with its own: a bilingual text's
    source halves, then SECOND and their translations (a source stands in for a missing one)."""
    parts = [halves(text) for text in texts]
    first = separator.join(source for source, _ in parts)
    if not any(translation for _, translation in parts):
        return first
    second = separator.join(translation or source for source, translation in parts)
    return f"{first}{SECOND}{second}"


def labels(by_language: dict[str, dict[str, str]], language: str, joiner: str = SECOND) -> dict:
    """Returns the labels of `language`: a bilingual language's join each of its languages'
    words by `joiner` (SECOND in templates; writers print theirs on one line), and keep the
    source's formats."""
    if "+" not in language:
        return by_language[language]
    first, second = (by_language[part] for part in language.split("+"))
    return {
        name: text if name in SOURCE_ONLY else f"{text}{joiner}{second[name]}"
        for name, text in first.items()
    }


def localised(project: Project) -> Project:
    """Returns `project` with every translatable text of its roles and settings in the
    settings' language (see resolve), looked up in project.translations."""
    assert project.settings is not None  # a build localises only a checked project
    language = project.settings.language
    entries = project.translations.get(target(language)) if target(language) else None
    if entries is None:
        return project
    texts = {name: {k: t.text for k, t in file.items()} for name, file in entries.items()}

    def text_of(name: str) -> Callable[[tuple, str], str]:
        found = texts.get(name, {})
        return lambda path, text: resolve(text, found.get(key(path), ""), language)

    handbook = texts.get(HANDBOOK, {})
    ids = {role.id for role in project.roles}

    def named(kind: str, name: str) -> str:
        return name if name in ids else resolve(name, handbook.get(f"{kind}.{name}", ""), language)

    roles = [_role(mapped(role, text_of(role.id)), named) for role in project.roles]
    library = [
        dataclasses.replace(r, value=mapped(r.value, text_of(library_name(r.path))))
        for r in project.library
    ]
    settings: Settings = mapped(project.settings, text_of(HANDBOOK))
    positions = [named("external_positions", name) for name in settings.external_positions]
    lines = [
        dataclasses.replace(
            line,
            position=named("external_positions", line.position),
            reports_to=named("external_positions", line.reports_to),
        )
        for line in settings.position_lines
    ]
    settings = dataclasses.replace(settings, external_positions=positions, position_lines=lines)
    return dataclasses.replace(project, roles=roles, settings=settings, library=library)


def _role(role: Role, named: Callable[[str, str], str]) -> Role:
    """Returns `role` with its department and the positions its reporting lines name outside
    the handbook translated by `named`."""
    reporting = {
        f.name: [named("external_positions", name) for name in getattr(role.reporting, f.name)]
        for f in dataclasses.fields(role.reporting)
    }
    return dataclasses.replace(
        role,
        department=named("departments", role.department),
        reporting=dataclasses.replace(role.reporting, **reporting),
    )
