"""Translations of a handbook's text: which items can be translated, and how each is keyed.

The source text (Chinese) stays in roles/*.yaml and handbook.yaml; each translation lives in a
parallel file, translations/<language>/<role id>.yaml or translations/<language>/handbook.yaml,
keyed by the item's path in its source (`summary`, `duties[3]`, `workflow[1].steps[0]`,
`departments.客户服务部`, `external_positions.总监`). Each entry records the short hash of the
source text it translates (`source`): when the source changes, the hash no longer matches and the
translation is stale.

An item is translatable when it is printed text with at least one Chinese character in it: a
document number or a name in Latin letters is its own translation. A role's id, title (its
`title` has both languages already), department and reporting lines are not its own items: the
department names and the positions outside the handbook are translated once, in handbook.yaml's
translation file, and a reporting line to a role prints that role's title. Neither is any
other name the schema gives in both languages (a dataclass of `zh` and `en`, as Title).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Annotated, get_args, get_origin, get_type_hints

from rolebook.model.scalars import Kind, Pattern, Text
from rolebook.model.schema import Library, Role, Settings, doc

HANDBOOK = "handbook"  # the name of the settings' translation file (a role's is its id)


def library_name(path: str) -> str:
    """Returns the name of the translation file of the library file at `path`:
    library/principles.yaml is translated in library.principles.yaml (no role id has a dot)."""
    return "library." + path.rsplit("/", 1)[-1].rsplit(".", 1)[0]


# Between an item's two languages in a bilingual build: a Unicode non-character, which no text
# of a role can hold (the reader refuses it) and which the document model splits on
# (render/markup.py): the second language goes on a line of its own.
SECOND = "\ufdd0"
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_SPACES = re.compile(r"\s+")
# Fields that are not items of their own (see the module's docstring); `unmapped` is not printed.
_NOT_ITEMS = {
    Role: {"id", "department", "reporting", "unmapped"},
    Settings: {"external_positions", "position_lines"},  # names: translated once, by name
}

_BILINGUAL = {"zh", "en"}  # the fields of a name given in both languages (Title)

SourceHash = Annotated[str, Pattern(r"[0-9a-f]{8}", "a source hash (8 hex digits)", "3f2a1b9c")]


@dataclass(frozen=True)
class Translation:
    """One item's translation in translations/<language>/<file>.yaml, under the item's path."""

    source: SourceHash = doc(
        "The short hash of the source text this translates (8 hex digits of its SHA-256); "
        "`translate` writes it. When the source text changes, the translation is stale. "
        "Without it, the translation is of the text under `was`.",
        default="",
    )
    text: Text = doc(
        "The translation; empty while the item waits for a translator (a TODO).", default=""
    )
    was: Text = doc(
        "The source text that was translated, for the translator to read beside `text`; "
        "never printed.",
        default="",
        printed=False,
    )


TranslationFile = dict[str, Translation]
FILE_DOC = (
    "A translation file, translations/<language>/<role id>.yaml or handbook.yaml: each item's "
    "translation under the item's path in its source, e.g. duties[3] or workflow[1].steps[0]."
)


def has_chinese(text: str) -> bool:
    """Returns whether `text` has a Chinese character, and so needs translating."""
    return _HAN.search(text) is not None


def count_chinese(text: str) -> int:
    """Returns how many Chinese characters `text` holds."""
    return len(_HAN.findall(text))


def source_hash(text: str) -> str:
    """Returns the short hash of a source text: 8 hex digits of the SHA-256 of the text
    normalised (NFC, runs of white space as one space, trimmed), so that re-wrapping a line in
    YAML does not make its translation stale."""
    normal = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:8]


def translated_from(entry: Translation) -> str:
    """Returns the hash of the source text `entry` translates: its `source`, else its `was`'s."""
    return entry.source or source_hash(entry.was)


def key(path: tuple) -> str:
    """Returns the translation key of a model path: ("workflow", 1, "steps", 0) is
    workflow[1].steps[0]."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def role_items(role: Role | Library) -> dict[str, tuple[tuple, str]]:
    """Returns each translatable item of `role` (or of a library file) by its key, in file
    order, with its path in the file and its text."""
    found: dict[str, tuple[tuple, str]] = {}
    mapped(role, lambda path, text: found.setdefault(key(path), (path, text))[1])
    return found


def handbook_items(settings: Settings, roles: list[Role]) -> dict[str, tuple[tuple, str]]:
    """Returns each translatable item of the settings by its key, in file order, with its path
    in handbook.yaml (a department's is ("departments",): it is named in the roles) and its text:
    their own texts, then the departments of `roles` and the external positions by name."""
    found: dict[str, tuple[tuple, str]] = {}
    mapped(settings, lambda path, text: found.setdefault(key(path), (path, text))[1])
    for department in sorted({role.department for role in roles}):
        if has_chinese(department):
            found[f"departments.{department}"] = (("departments",), department)
    for i, name in enumerate(settings.external_positions):
        if has_chinese(name):
            found[f"external_positions.{name}"] = (("external_positions", i), name)
    return found


def mapped(value, text_of: Callable[[tuple, str], str]):
    """Returns `value` (a Role or Settings) with each translatable item's text replaced by
    text_of(path, text)."""
    return _mapped(value, type(value), (), text_of)


def _mapped(value, hint, path: tuple, text_of: Callable[[tuple, str], str]):
    if isinstance(value, str):
        return text_of(path, value) if _is_text(hint) and has_chinese(value) else value
    if isinstance(value, list):
        (item,) = get_args(hint)
        return [_mapped(v, item, path + (i,), text_of) for i, v in enumerate(value)]
    if not is_dataclass(value) or {f.name for f in fields(value)} >= _BILINGUAL:
        return value  # a date, a time window, None; or a name in both languages already
    skip = _NOT_ITEMS.get(type(value), set())
    hints = _hints(type(value))  # type: ignore[arg-type]  # a class is hashable
    changes = {
        f.name: _mapped(getattr(value, f.name), hints[f.name], path + (f.name,), text_of)
        for f in fields(value)
        if f.name not in skip and f.metadata.get("printed", True)
    }
    return replace(value, **changes)  # type: ignore[type-var]  # value is a dataclass instance


@functools.cache
def _hints(cls: type) -> dict:
    """Returns the type hints of the dataclass `cls`: worked out once, not for every value
    (at 1,000 roles, for each of their 12,000 parts, it took a second)."""
    return get_type_hints(cls, include_extras=True)


def _is_text(hint) -> bool:
    """Returns whether `hint` is free text (Text, or Text | None), not a kind of its own."""
    if get_origin(hint) is not Annotated:
        return any(_is_text(arg) for arg in get_args(hint))
    return type(hint.__metadata__[0]) is Kind
