"""The changes between two versions of a role, field by field (`compare`).

How they are shown is not this module's: `diff` prints them (rolebook/commands/diff.py), and
the build makes redline pages of them (rolebook/render/redline.py).

`compare` walks both versions along the schema: a text that differs is *changed*; in a list of
texts (duties, qualifications, steps…) an item is *added*, *removed*, *moved* (the same text
elsewhere) or *reworded* (a similar text in its place, matched by similarity); in a reporting
line, a name replaced by another is *moved*. Entries of revision history, principles and workflow
are matched by their version, name and time window.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass, field

from rolebook.model.schema import (
    Acknowledgement,
    Competency,
    LibraryRef,
    Principle,
    Revision,
    Role,
    Unmapped,
    WorkflowEntry,
)

# Similar enough to be the same item reworded rather than one removed and another added.
SIMILAR = 0.6
# Texts up to this long are shown whole, old → new, rather than marked word by word.
SHORT = 24
# How list entries that are mappings are told apart from one version to the next.
KEYS = {
    Revision: lambda r: r.version,
    Principle: lambda p: p.name,
    Competency: lambda c: c.ref,
    WorkflowEntry: lambda w: str(w.time) if w.time else w.period,
    Acknowledgement: lambda a: f"{a.rule}: {a.text}",
    Unmapped: lambda u: u.source,
}
_TOKEN = re.compile(r"[A-Za-z0-9_]+|\s+|.", re.DOTALL)


@dataclass(frozen=True)
class Change:
    """One difference: what happened, to which field, where in a list, and the texts."""

    kind: str  # added, removed, changed, reworded, moved
    path: tuple  # field names, e.g. ("qualifications", "personal")
    where: str = ""  # the item: "3", "2 → 4", "1.2"
    old: str = ""
    new: str = ""
    segments: tuple = field(default=(), compare=False)  # (op, text) for changed text

    @property
    def field(self) -> str:
        return ".".join(self.path)


def compare(old: Role, new: Role) -> list[Change]:
    """Returns the changes from `old` to `new`, in the order of the role file."""
    return list(_walk(old, new, ()))


def _walk(old, new, path: tuple):
    if dataclasses.is_dataclass(new) and type(old) is type(new):
        for f in dataclasses.fields(new):
            yield from _walk(getattr(old, f.name), getattr(new, f.name), path + (f.name,))
    elif isinstance(new, list):
        yield from _lists(old or [], new, path)
    elif old != new:
        yield _changed("changed", path, "", _str(old), _str(new))


def _lists(old: list, new: list, path: tuple):
    items = old + new
    if items and type(items[0]) in KEYS:
        yield from _entries(old, new, path, KEYS[type(items[0])])
    elif path[0] == "reporting":
        yield from _names(old, new, path)
    else:
        yield from _texts(list(map(_line, old)), list(map(_line, new)), path)


def _line(item) -> str:
    """Returns a list item as a text: a line naming the library as its file writes it."""
    return f"ref: {item.ref}" if isinstance(item, LibraryRef) else item


def _entries(old: list, new: list, path: tuple, key):
    """Yields the changes of a list of mappings matched by `key`."""
    before = {key(item): item for item in old}
    after = {key(item): item for item in new}
    for k, item in after.items():
        if k not in before:
            yield Change("added", path, k, "", _summary(item, k))
        else:
            yield from (
                dataclasses.replace(c, where=c.where or k) for c in _walk(before[k], item, path)
            )
    for k, item in before.items():
        if k not in after:
            yield Change("removed", path, k, _summary(item, k), "")


def _names(old: list[str], new: list[str], path: tuple):
    """Yields the changes of a reporting line: names added, removed, or one moved to another."""
    gone = [n for n in old if n not in new]
    came = [n for n in new if n not in old]
    if len(gone) == len(came) == 1:
        yield Change("moved", path, "", gone[0], came[0])
        return
    yield from (Change("removed", path, "", name, "") for name in gone)
    yield from (Change("added", path, "", "", name) for name in came)


def _texts(old: list[str], new: list[str], path: tuple):
    """Yields the changes of a list of texts, sorted by their place in the new list."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    gone: list[int] = []
    came: list[int] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            gone += range(i1, i2)
            came += range(j1, j2)
    found = [
        (j, Change("moved", path, f"{i + 1} → {j + 1}", old[i], new[j]))
        for i, j in _pairs(old, new, gone, came, exact=True)
    ]
    found += [
        (
            j,
            _changed(
                "reworded", path, str(j + 1) if i == j else f"{i + 1} → {j + 1}", old[i], new[j]
            ),
        )
        for i, j in _pairs(old, new, gone, came, exact=False)
    ]
    found += [(i, Change("removed", path, str(i + 1), old[i], "")) for i in gone]
    found += [(j, Change("added", path, str(j + 1), "", new[j])) for j in came]
    return [change for _, change in sorted(found, key=lambda pair: pair[0])]


def _pairs(old, new, gone: list[int], came: list[int], exact: bool) -> list[tuple[int, int]]:
    """Returns (old, new) index pairs of equal (or similar) texts, taking them out of
    `gone` and `came`; the most similar pairs are taken first."""
    scored = sorted(
        ((_similarity(old[i], new[j]), i, j) for i in gone for j in came),
        key=lambda s: (-s[0], s[1], s[2]),
    )
    pairs = []
    for score, i, j in scored:
        if (score == 1.0 if exact else score >= SIMILAR) and i in gone and j in came:
            gone.remove(i)
            came.remove(j)
            pairs.append((i, j))
    return pairs


def _similarity(a: str, b: str) -> float:
    return 1.0 if a == b else difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _changed(kind: str, path: tuple, where: str, old: str, new: str) -> Change:
    """Returns a change of text, with the words deleted and inserted marked unless both texts
    are short (a version, a date, a name: shown as old → new)."""
    short = kind == "changed" and max(len(old), len(new)) <= SHORT
    return Change(kind, path, where, old, new, () if short else tuple(segments(old, new)))


def segments(old: str, new: str) -> list[tuple[str, str]]:
    """Returns the inline diff of two texts as (equal|delete|insert, text), by words for Latin
    letters and by characters for Chinese."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("insert", "".join(b[j1:j2])))
    return out


def _summary(item, key: str) -> str:
    """Returns one line for a whole list entry: its values but the key, joined."""
    values = (_str(getattr(item, f.name)) for f in dataclasses.fields(item))
    return "; ".join(v for v in values if v and v != key)


def _str(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(_str(v) for v in value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
