"""Role ids for imported roles, made from their titles: the English title as words, else the
Chinese title in pinyin (贵宾部经理 → gui-bin-bu-jing-li), so that the file name can be read and
typed anywhere; HR may rename a role later (file name and id together)."""

from __future__ import annotations

import re

from rolebook.model.scalars import FileNameKind

NOT_ID = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Returns `text` as a role id: lower-case letters and digits joined by single hyphens, at
    most as long as an id may be, cut at a hyphen."""
    words = NOT_ID.sub("-", text.lower()).strip("-")
    while len(words) > FileNameKind.MAX_LENGTH:
        words = words.rsplit("-", 1)[0] if "-" in words else words[: FileNameKind.MAX_LENGTH]
    return words


def role_id(zh: str, en: str, fallback: str) -> str:
    """Returns an id for a role titled `zh` and `en` (either may be ""), else from `fallback`;
    never a name Windows reserves."""
    if en:
        found = slug(en)
    elif zh:
        from pypinyin import lazy_pinyin  # its dictionaries load only for Chinese titles

        found = slug("-".join(lazy_pinyin(zh)))
    else:
        found = ""
    found = found or slug(fallback) or "imported-role"
    return f"{found}-role" if found in FileNameKind.RESERVED else found


def unique(wanted: str, taken: set[str]) -> str:
    """Returns `wanted`, or `wanted-2`, `wanted-3`… if it is taken."""
    found, n = wanted, 1
    while found in taken:
        n += 1
        found = f"{wanted[: FileNameKind.MAX_LENGTH - 1 - len(str(n))].rstrip('-')}-{n}"
    return found
