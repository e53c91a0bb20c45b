"""Writes one redline page on its own (`diff --html`): the changes between two versions of a
role, in the handbook's language and style, rendered and written as every output is."""

from __future__ import annotations

from pathlib import Path

from rolebook.build.workers import Runner
from rolebook.check import gather
from rolebook.load.history import Earlier
from rolebook.model.changes import Change
from rolebook.model.schema import Role
from rolebook.output import publish
from rolebook.render import redline


def write(root: Path, old: Earlier, role: Role, changes: list[Change], target: Path) -> None:
    """Writes the redline page of `changes` from `old` to `role` to the file `target`."""
    # The build's renderer and writers, so that a broken template or a language without labels
    # is reported as the build reports it; no template here needs the handbook's context.
    runner = Runner(gather.with_settings(root), shared={})
    heading = redline.heading(runner.renderer, old, role, None)
    doc = redline.document(runner.renderer, changes, heading)
    publish.write_file(target, runner.writers["html"].write(doc))
