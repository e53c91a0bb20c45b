"""Writes one redline page on its own (`diff --html`): the changes between two versions of a
role, in the handbook's language and style."""

from __future__ import annotations

from pathlib import Path

from rolebook.build.workers import load_resources
from rolebook.check import gather
from rolebook.load.files import TEMPLATES_DIR
from rolebook.load.history import Earlier
from rolebook.model.changes import Change
from rolebook.model.schema import Role
from rolebook.output import publish
from rolebook.render import redline


def write(root: Path, old: Earlier, role: Role, changes: list[Change], target: Path) -> None:
    """Writes the redline page of `changes` from `old` to `role` to the file `target`."""
    project = gather.with_settings(root)
    resources = load_resources(root / TEMPLATES_DIR)
    labels = resources.labels[project.settings.language]
    page = redline.redline(
        resources.env, labels, changes, redline.heading(project, old, role, None)
    )
    publish.write_file(target, page)
