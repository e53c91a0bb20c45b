"""Redline pages: the changes between two versions of a role as an HTML page.

`pages` makes html/changes/<role-id>.html for each role with a previous version; `redline`
makes one page, which `diff --html` also writes.
"""

from __future__ import annotations

from rolebook.model.changes import Change, compare
from rolebook.model.schema import Role

# Where labels.yaml names a field by another key than the schema's.
_LABEL_KEYS = {"number": "document_number"}


def label(path: tuple, labels: dict[str, str]) -> str:
    """Returns the handbook's name of a field: its section, then the field inside it."""
    names = [labels.get(_LABEL_KEYS.get(p, p), p) for p in path[:2]]
    return " · ".join(dict.fromkeys(names))


def redline(env, labels: dict[str, str], changes: list[Change], heading: dict) -> bytes:
    """Returns the HTML redline page of `changes`; `heading` holds the title, the two versions'
    labels and the link back to the role page (empty for a page on its own)."""
    rows = [
        {
            "field": label(c.path, labels),
            "where": c.where,
            "kind": c.kind,
            "kind_label": labels[f"change_{c.kind}"],
            "old": c.old,
            "new": c.new,
            "segments": c.segments,
        }
        for c in changes
    ]
    return env.get_template("changes.html.j2").render(L=labels, rows=rows, **heading).encode()


def pages(project, env, labels: dict[str, str], previous: dict) -> dict[str, bytes]:
    """Returns html/changes/<role-id>.html for each role with a previous version in `previous`."""
    out = {}
    for role in project.roles:
        if role.id in previous:
            old = previous[role.id]
            out[f"html/changes/{role.id}.html"] = redline(
                env, labels, compare(old.role, role), heading(project, old, role, "../")
            )
    return out


def heading(project, old, role: Role, back: str | None) -> dict:
    """Returns the heading of a redline page: title, versions and the link back to the role."""
    title = role.title.in_language(project.settings.language)
    return {
        "title": title,
        "lang": project.settings.language,
        "old_label": f"{old.role.document_control.version} ({old.label})",
        "new_label": role.document_control.version,
        "back": f"{back}{role.id}.html" if back is not None else "",
    }
