"""Redlines: the changes between two versions of a role as a Document, which the HTML writer
makes a page of (templates/changes.xml.j2, in the standalone frame).

`documents` makes one for each role with a previous version (html/changes/<role-id>.html in the
build); `document` makes one, which `diff --html` also writes.
"""

from __future__ import annotations

from collections.abc import Iterable

from rolebook.load.history import Earlier
from rolebook.model.changes import Change, compare
from rolebook.model.document import Document
from rolebook.model.schema import Role
from rolebook.render.templating import Renderer

TEMPLATE = "changes.xml.j2"
# Where labels.yaml names a field by another key than the schema's.
_LABEL_KEYS = {"number": "document_number"}


def label(path: tuple, labels: dict[str, str]) -> str:
    """Returns the handbook's name of a field: its section, then the field inside it."""
    names = [labels.get(_LABEL_KEYS.get(p, p), p) for p in path[:2]]
    return " · ".join(dict.fromkeys(names))


def marks(change: Change) -> list[tuple[str, str]]:
    """Returns the text of `change` as (equal | delete | insert, text): the words changed in a
    text; a short text or a name replaced whole (old → new); an item removed or added whole;
    an item moved as it is."""
    if change.segments:
        return list(change.segments)
    if change.kind == "changed" or (change.kind == "moved" and not change.where):
        return [("delete", change.old), ("equal", " → "), ("insert", change.new)]
    if change.kind == "removed":
        return [("delete", change.old)]
    if change.kind == "added":
        return [("insert", change.new)]
    return [("equal", change.new or change.old)]


def rows(changes: list[Change], labels: dict[str, str]) -> list[dict]:
    """Returns the template's rows for `changes`: the field with its item, the kind, the marks."""
    return [
        {
            "field": f"{label(c.path, labels)} {c.where}" if c.where else label(c.path, labels),
            "kind": c.kind,
            "marks": marks(c),
        }
        for c in changes
    ]


def document(renderer: Renderer, changes: list[Change], heading: dict) -> Document:
    """Returns the redline of `changes`; `heading` holds the title, the two versions' labels
    and the link back to the role's page (empty for a page on its own)."""
    return renderer.render(TEMPLATE, rows=rows(changes, renderer.labels), **heading)


def documents(
    roles: Iterable[Role], renderer: Renderer, previous: dict[str, Earlier]
) -> dict[str, Document]:
    """Returns, by role id, the redline of each of `roles` with a previous version in
    `previous`; each links back to its role's page, one folder up."""
    return {
        role.id: document(
            renderer,
            compare(previous[role.id].role, role),
            heading(renderer, previous[role.id], role, "../"),
        )
        for role in roles
        if role.id in previous
    }


def heading(renderer: Renderer, old: Earlier, role: Role, back: str | None) -> dict:
    """Returns the heading of a redline: title, versions and the link back to the role's page
    (the page's folder relative to the redline's, or None for no link)."""
    return {
        "title": renderer.title_of(role),
        "old_label": f"{old.role.document_control.version} ({old.label})",
        "new_label": role.document_control.version,
        "back": f"{back}{role.id}.html" if back is not None else "",
    }
