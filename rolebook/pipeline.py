"""The build: gather and check everything, render every output in memory, then publish.

Nothing is written until every role has been read and checked and every output rendered
(rolebook/rendering.py); then rolebook/publish.py swaps the new output in. A build whose inputs
and output are as the last build left them does nothing: it needs neither the renderer nor the
writers, which are imported only when something is rendered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rolebook import cache as cache_module
from rolebook import history, parallel, publish
from rolebook import project as project_module
from rolebook.project import TEMPLATES_DIR, Project


@dataclass
class Report:
    """What a build did: the diagnostics (formatted), how many roles and warnings, how many
    files it wrote and which of them were rendered anew (the rest came from the cache)."""

    diagnostics: list[str]
    roles: int
    warnings: int
    files: int
    rendered: list[str]
    up_to_date: bool = False  # the output was left as it was: nothing had changed


def check(root: Path, workers: int = 1, readings: cache_module.Readings | None = None
          ) -> Project:
    """Returns the loaded project (role files unchanged since `readings` kept them come from
    there); raises CheckFailed if any file has an error."""
    project = project_module.load(root, workers, readings=readings)
    project.raise_for_errors()
    return project


def build(root: Path, output: Path, lang: str | None = None,
          on_wait: Callable[[], None] | None = None, workers: int | None = None,
          use_cache: bool = True) -> Report:
    """Checks the project, renders every output and replaces `output` with the result.

    `lang`, if given, replaces the handbook's language; `on_wait` is called if another build
    is publishing to the same place and this one waits. `workers` processes render (default:
    one per core). With the cache (the project's .cache/rolebook/), files whose inputs did not
    change come from it, and a build whose inputs are all unchanged, with `output` as the last
    build left it, does nothing at all.
    """
    # Refused before anything is read or cached: --output must not replace the project.
    publish.refuse_to_replace(output.resolve(), project_module.sources(root))
    if not use_cache:
        return _build(root, output, lang, on_wait, workers, None)
    cache = cache_module.Cache(root / cache_module.FOLDER)
    inputs = input_digest(root, lang)
    last = cache.up_to_date(inputs, output) if inputs else None
    if last is not None:
        return Report(**{**last, "rendered": [], "up_to_date": True})
    report = _build(root, output, lang, on_wait, workers, cache)
    if inputs:
        cache.save(inputs, output, dataclasses.asdict(report))
    return report


def _build(root: Path, output: Path, lang: str | None, on_wait: Callable[[], None] | None,
           workers: int | None, cache: cache_module.Cache | None) -> Report:
    workers = workers or parallel.default_workers()
    project = check(root, workers, None if cache is None else cache_module.Readings(cache.folder))
    if lang:
        project.settings = dataclasses.replace(project.settings, language=lang)
    from rolebook import rendering  # the writers and Jinja: only a real build needs them

    rendered = rendering.render_all(project, workers, cache)
    publish.replace_folder(output, rendered.files, project_module.sources(root), on_wait)
    return Report([d.format() for d in project.diagnostics], len(project.readings),
                  project.warnings, len(rendered.files), rendered.fresh)


def input_digest(root: Path, lang: str | None = None) -> str:
    """Returns the digest of all a build reads (rolebook itself, `lang`, today's date for the
    checks, the git commit the changes pages compare with, the settings, the roles and the
    templates), or "" if some of it cannot be read: the build will say what."""
    try:
        # Read as the check reads them: a pipe, a device or a link out of the project put
        # where a role should be must neither hang nor leak into the digest.
        roles = [part for path_and_bytes in project_module.role_bytes(root)
                 for part in path_and_bytes]
        settings = project_module.read_bytes(root, project_module.SETTINGS_FILE)
        head = history.git(root, "rev-parse", "HEAD").stdout if shutil.which("git") else b""
        return cache_module.digest(cache_module.tool_digest(), lang or "",
                                   dt.date.today().isoformat(), head, settings, *roles,
                                   cache_module.folder_digest(root / TEMPLATES_DIR))
    except (OSError, project_module.Refused):
        return ""

