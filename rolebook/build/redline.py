"""Writes one redline page on its own (`diff --html`): the changes between two versions of a
role, in the handbook's language and style, rendered and written as every output is.

A report never replaces a project input: `check_target` refuses a file that is, or lies inside,
handbook.yaml, roles/, templates/ or a .git folder (after following links and `..`), and an
existing file unless the user asked to replace it.
"""

from __future__ import annotations

import os
from pathlib import Path

from rolebook.build.workers import Runner
from rolebook.check import gather
from rolebook.load import files
from rolebook.load.history import Earlier
from rolebook.model.changes import Change
from rolebook.model.errors import RolebookError
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


def check_target(root: Path, target: Path, force: bool) -> None:
    """Raises unless the report may be written to `target`: not a project input, not a folder,
    and not an existing file unless `force`."""
    where = resolved("--html", target)
    held = input_holding(root, where)
    if held:
        raise RolebookError(
            f"--html {target}: {where} is {held}; a report never replaces a project input: "
            "choose a file elsewhere"
        )
    if where.is_dir():
        raise RolebookError(f"--html {target}: {where} is a folder; name the file to write")
    if os.path.lexists(target) and not force:
        raise RolebookError(
            f"--html {target}: the file exists; add --force to replace it, or choose another file"
        )


def resolved(option: str, target: Path) -> Path:
    """Returns `target` (given with `option`) with its links and `..` followed; raises if they
    cannot be."""
    try:
        return target.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop of links, before Python 3.13
        raise RolebookError(
            f"{option} {target}: its links cannot be followed (a loop, or a folder that cannot be "
            "read); name another file"
        ) from None


def input_holding(root: Path, where: Path) -> str | None:
    """Returns which project input the resolved path `where` is or lies inside ("inside the
    project's roles/"), or None. A folder is recognised by what it is, not only by its name,
    so another spelling of it (a bind mount, a case-insensitive disk) is recognised too."""
    inputs = {_identity(p) or p.resolve(): p for p in [*files.sources(root), root / ".git"]}
    for place in (where, *where.parents):
        inside = "" if place == where else "inside "
        if place.name.casefold() == ".git":
            return f"{inside}a .git folder"
        found = inputs.get(_identity(place) or place)
        if found:
            return f"{inside}the project's {found.name}{'/' * found.is_dir()}"
    return None


def _identity(path: Path) -> tuple[int, int] | None:
    """Returns the (device, inode) of the file at `path`, or None if there is none."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino
