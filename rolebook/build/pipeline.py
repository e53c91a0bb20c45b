"""The build: gather and check everything, render every output in memory, then publish.

Nothing is written until every role has been read and checked and every output rendered
(rolebook/build/outputs.py); then rolebook/output/publish.py swaps the new output in. A build
whose inputs and output are as the last build left them does nothing: it needs neither the
renderer nor the writers, which are imported only when something is rendered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rolebook.build import cache as cache_module
from rolebook.build import pdf as pdf_module
from rolebook.check import gather
from rolebook.load import files, history, library
from rolebook.load.files import TEMPLATES_DIR
from rolebook.load.project import Project
from rolebook.load.readings import Readings
from rolebook.output import publish
from rolebook.util import parallel
from rolebook.util.digest import digest, folder_digest, tool_digest


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


def check(root: Path, workers: int = 1, readings: Readings | None = None) -> Project:
    """Returns the loaded project (role files unchanged since `readings` kept them come from
    there); raises CheckFailed if any file has an error."""
    project = gather.load(root, workers, readings=readings)
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
    postings: bool = False,
    with_pay: bool = False,
) -> Report:
    """Checks the project, renders every output and replaces `output` with the result.

    `lang`, if given, replaces the handbook's language; `on_wait` is called if another build
    is publishing to the same place and this one waits. `workers` processes render (default:
    one per core). With the cache (the project's .cache/rolebook/), files whose inputs did not
    change come from it, and a build whose inputs are all unchanged, with `output` as the last
    build left it, does nothing at all. `with_pay` prints each role's pay band (pay_bands.yaml),
    never printed otherwise. `postings` (or the setting) also writes output/postings/ for the
    open roles. `pdf` (or the setting) also writes output/pdf/; without LibreOffice that is
    refused before anything is read or written.
    """
    # Refused before anything is read or cached: --output must not replace the project, nor
    # anything rolebook did not make.
    output = check_output(root, output)
    if pdf:
        pdf_module.soffice()  # no LibreOffice: refused before anything is read or written
    options = Options(lang, pdf, postings, with_pay)
    if not use_cache:
        return _build(root, output, options, on_wait, workers, None)
    cache = cache_module.Cache(root / cache_module.FOLDER)
    inputs = input_digest(root, lang, pdf, postings, with_pay)
    last = cache.up_to_date(inputs, output) if inputs else None
    if last is not None:
        return Report(**{**last, "rendered": [], "up_to_date": True})
    report = _build(root, output, options, on_wait, workers, cache)
    if inputs:
        cache.save(inputs, output, dataclasses.asdict(report))
    return report


@dataclass(frozen=True)
class Options:
    """What the command line changes of the settings: the language, PDFs and job postings."""

    lang: str | None = None
    pdf: bool = False
    postings: bool = False
    with_pay: bool = False  # print the pay bands (pay_bands.yaml), which are confidential


def _build(
    root: Path,
    output: Path,
    options: Options,
    on_wait: Callable[[], None] | None,
    workers: int | None,
    cache: cache_module.Cache | None,
) -> Report:
    workers = workers or parallel.default_workers()
    project = check(root, workers, None if cache is None else Readings(cache.folder))
    assert project.settings is not None  # check raises if they could not be read
    project.roles = library.resolved_roles(project)  # the library's items, as if in the role
    project.show_pay = options.with_pay
    if options.lang:
        project.settings = dataclasses.replace(project.settings, language=options.lang)
    if options.pdf:
        project.settings = dataclasses.replace(project.settings, pdf=True)
    if options.postings:
        project.settings = dataclasses.replace(project.settings, postings=True)
    if project.settings.pdf:
        pdf_module.soffice()  # `pdf: true` without LibreOffice: refused before anything is written
    from rolebook.build import outputs  # the writers and Jinja: only a real build needs them

    rendered = outputs.render_all(project, workers, cache)
    publish.replace_folder(output, rendered.files, files.sources(root), on_wait)
    return Report(
        [d.format() for d in project.diagnostics],
        len(project.readings),
        project.warnings,
        len(rendered.files),
        rendered.fresh,
    )


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
) -> str:
    """Returns the digest of all a build reads (rolebook itself, `lang`, today's date for the
    checks, the git commit the changes pages compare with, the settings, the roles and the
    templates), or "" if some of it cannot be read: the build will say what."""
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
            *files.input_bytes(root),
            folder_digest(root / TEMPLATES_DIR),
        )
    except (OSError, files.Refused):
        return ""
