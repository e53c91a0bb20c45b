"""The build: gather and check everything, render every output in memory, then publish.

Nothing is written until every role has been read and checked; then each output file is
written, as it is rendered (rolebook/build/outputs.py), into a staging folder beside the output,
and once all are, rolebook/output/publish.py swaps the new output in: output/ holds the last
build or this one, whole, never a mix. A build
whose inputs and output are as the last build left them does nothing: it needs neither the
renderer nor the writers, which are imported only when something is rendered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rolebook.build import cache as cache_module
from rolebook.build import pdf as pdf_module
from rolebook.check import gather
from rolebook.load import files, history, library, translations
from rolebook.load.files import TEMPLATES_DIR
from rolebook.load.project import Project
from rolebook.load.readings import Readings
from rolebook.output import publish
from rolebook.render import language
from rolebook.util import collector, parallel
from rolebook.util.digest import digest, folder_digest, tool_digest

if TYPE_CHECKING:  # imported when rendering only: see build_with
    from rolebook.build.outputs import Rendered


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


# Told how far a build is: (stage, done, total), the stage "read" (role files) or "render" (jobs).
Progress = Callable[[str, int, int], None]


def check(
    root: Path,
    workers: int = 1,
    readings: Readings | None = None,
    on_read: Callable[[int, int], None] | None = None,
) -> Project:
    """Returns the loaded project (role files unchanged since `readings` kept them come from
    there; `on_read(done, total)` told of each file read); raises CheckFailed if any file has
    an error."""
    project = gather.load(root, workers, readings=readings, on_read=on_read)
    project.raise_for_errors()
    return project


def build(
    root: Path,
    output: Path,
    lang: str | None = None,
    on_wait: Callable[[], None] | None = None,
    workers: int | None = None,
    use_cache: bool = True,
    pdf: bool = False,
    progress: Progress | None = None,
    postings: bool = False,
    with_pay: bool = False,
) -> Report:
    """Checks the project, renders every output and replaces `output` with the result.

    `lang`, if given, replaces the handbook's language; `on_wait` is called if another build
    is publishing to the same place and this one waits. `workers` processes render (default:
    one per core). With the cache (the project's .cache/rolebook/), files whose inputs did not
    change come from it, and a build whose inputs are all unchanged, with `output` as the last
    build left it, does nothing at all. For `pdf`, `progress`, `postings` and `with_pay`, see
    Options; PDFs without LibreOffice are refused before anything is read or written.
    """
    # Refused before anything is read or cached: --output must not replace the project, nor
    # anything rolebook did not make.
    output = check_output(root, output)
    if pdf:
        pdf_module.soffice()  # no LibreOffice: refused before anything is read or written
    options = Options(lang, pdf, progress, postings, with_pay)
    if not use_cache:
        return _build(root, output, options, on_wait, workers, None)
    cache = cache_module.Cache(root / cache_module.FOLDER)
    role_files: dict[str, bytes] = {}
    inputs = input_digest(root, lang, pdf, postings, with_pay, role_files)
    last = cache.up_to_date(inputs, output) if inputs else None
    if last is not None:
        publish.tidy_beside(output, on_wait)
        return Report(**{**last, "rendered": [], "up_to_date": True})
    report = _build(root, output, options, on_wait, workers, cache, role_files)
    if inputs:
        cache.save(inputs, output, dataclasses.asdict(report))
    return report


@dataclass(frozen=True)
class Options:
    """What the command line changes of the settings: the language; PDFs (output/pdf/, as the
    setting); job postings (output/postings/ for the open roles, as the setting); pay bands
    (pay_bands.yaml), never printed otherwise; and who is told how many roles are read and
    jobs rendered."""

    lang: str | None = None
    pdf: bool = False
    progress: Progress | None = None
    postings: bool = False
    with_pay: bool = False  # print the pay bands (pay_bands.yaml), which are confidential


def _build(
    root: Path,
    output: Path,
    options: Options,
    on_wait: Callable[[], None] | None,
    workers: int | None,
    cache: cache_module.Cache | None,
    role_files: dict[str, bytes] | None = None,
) -> Report:
    readings = None if cache is None else Readings(cache.folder, read_already=role_files)
    return build_with(root, output, cache, readings, workers, options=options, on_wait=on_wait)


def build_with(
    root: Path,
    output: Path,
    cache: cache_module.Cache | None,
    readings: Readings | None,
    workers: int | None = None,
    on_pages: Callable[[dict[str, bytes]], None] | None = None,
    options: Options = Options(),
    on_wait: Callable[[], None] | None = None,
) -> Report:
    """Checks the project at `root` and replaces `output` with everything rendered, taking
    what it can from `cache` and `readings` (rolebook/build/session.py keeps both in memory);
    `on_pages(files)` is given the files rendered from the jobs before the assembled files
    are added to them and published."""
    with collector.paused():  # see collector: a second of an edit's build at 10,000 roles
        return _checked_and_rendered(
            root, output, cache, readings, workers, on_pages, options, on_wait
        )


def _checked_and_rendered(
    root: Path,
    output: Path,
    cache: cache_module.Cache | None,
    readings: Readings | None,
    workers: int | None,
    on_pages: Callable[[dict[str, bytes]], None] | None,
    options: Options,
    on_wait: Callable[[], None] | None,
) -> Report:
    """Does what build_with does, with the cycle collector as it finds it.

    The checks are finished before anything is rendered (and, for a large project, run
    meanwhile: see gather.ProjectChecks). Whatever fails before then, on a project the checks
    find errors in, fails for those errors: they are what is to be fixed.
    """
    workers = workers or parallel.default_workers()
    told = options.progress
    on_read = None if told is None else partial(told, "read")
    loaded, checks = gather.load_checking_later(root, workers, readings, on_read)
    try:
        rendered = _rendered(loaded, output, cache, workers, on_pages, options, on_wait, checks)
    except Exception:
        checks.finish()
        raise
    return Report(
        [d.format() for d in loaded.diagnostics],
        len(loaded.readings),
        loaded.warnings,
        len(rendered.names),
        rendered.fresh,
    )


def _rendered(
    loaded: Project,
    output: Path,
    cache: cache_module.Cache | None,
    workers: int,
    on_pages: Callable[[dict[str, bytes]], None] | None,
    options: Options,
    on_wait: Callable[[], None] | None,
    checks: gather.ProjectChecks,
) -> Rendered:
    """Returns what rendering `loaded` made, published into `output` (see build_with);
    `checks` are finished before the first job is rendered."""
    project = language.localised(_with_options(loaded, options))
    # The library's items, translated, as if written in the roles that refer to them.
    project.roles = library.resolved_roles(project)
    from rolebook.build import outputs  # the writers and Jinja: only a real build needs them

    told = options.progress
    on_render = None if told is None else partial(told, "render")
    if on_pages is None:  # each file is written as it is made: none is held longer
        rendered = _render_staged(project, output, cache, workers, on_render, on_wait, checks)
    else:  # the files are handed over, and held, before anything is published
        rendered = outputs.render_all(
            project, workers, cache, on_render, on_pages, checked=checks.finish
        )
        publish.replace_folder(output, rendered.files, files.sources(loaded.root), on_wait)
    checks.finish()  # done by render_all already: no report of a project left unchecked
    return rendered


def _render_staged(
    project: Project,
    output: Path,
    cache: cache_module.Cache | None,
    workers: int,
    on_render: Callable[[int, int], None] | None,
    on_wait: Callable[[], None] | None,
    checks: gather.ProjectChecks,
) -> Rendered:
    """Returns what rendering `project` made, each file written into the staging folder of
    `output` as it is made; the cache records the files staged, which output/ then holds.
    `checks` are finished before the first job is rendered."""
    from rolebook.build import outputs

    published = {} if cache is None else cache.published(output)
    with publish.Stage(output, files.sources(project.root), on_wait, published) as stage:
        rendered = outputs.render_all(
            project,
            workers,
            cache,
            on_render,
            sink=stage.add,
            as_published=stage.is_published,
            checked=checks.finish,
        )
    if cache is not None:  # no need to look at output/ again
        cache.published_state = stage.state
    return rendered


def _with_options(project: Project, options: Options) -> Project:
    """Returns `project` with the build's options (language, PDFs, postings, pay) in its
    settings; raises before anything is written when
    PDFs are asked for and LibreOffice is missing."""
    assert project.settings is not None  # check raises if they could not be read
    project.show_pay = options.with_pay
    if options.lang:
        project.settings = dataclasses.replace(project.settings, language=options.lang)
    if options.pdf:
        project.settings = dataclasses.replace(project.settings, pdf=True)
    if options.postings:
        project.settings = dataclasses.replace(project.settings, postings=True)
    if project.settings.pdf:
        pdf_module.soffice()  # `pdf: true` without LibreOffice: refused before anything is written
    return project


def check_output(root: Path, output: Path) -> Path:
    """Returns the absolute path of the output folder `output` of the project at `root`; raises
    OutputError if a build may not replace it (publish.check_output says when)."""
    return publish.check_output(output, files.sources(root))


def input_digest(
    root: Path,
    lang: str | None = None,
    pdf: bool = False,
    postings: bool = False,
    with_pay: bool = False,
    role_files: dict[str, bytes] | None = None,
) -> str:
    """Returns the digest of all a build reads (rolebook itself, `lang`, today's date for the
    checks, the git commit the changes pages compare with, the settings, the roles, their
    translations and the templates), or "" if some of it cannot be read: the build will say what.
    The role files' bytes are put in `role_files`, if given, by path."""
    try:
        head = history.head(root)
        return digest(
            tool_digest(),
            lang or "",
            repr(pdf),
            repr(postings),
            repr(with_pay),
            dt.date.today().isoformat(),
            head,
            *files.input_bytes(root, role_files),
            *translations.input_bytes(root),
            folder_digest(root / TEMPLATES_DIR),
        )
    except (OSError, files.Refused):
        return ""
