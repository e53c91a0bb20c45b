"""Every output file of a checked project, in memory: from the cache where still valid, else
rendered by the worker processes; then the assembled files and the redline pages.

Nothing here writes the output: rolebook/build/pipeline.py publishes what this returns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rolebook.build import cache as cache_module
from rolebook.build import pdf
from rolebook.build.cache import PIECE
from rolebook.build.jobs import (
    ASSEMBLED,
    HANDBOOK,
    Assembled,
    Job,
    current_reads,
    job_keys,
    plan,
    reads_to_record,
)
from rolebook.build.workers import Runner, run
from rolebook.load import resources
from rolebook.load.files import TEMPLATES_DIR
from rolebook.load.project import Project
from rolebook.render import redline
from rolebook.render.templating import handbook_context
from rolebook.util import parallel

IN_PROCESS = 8  # jobs to render, at most, that are not worth starting worker processes for
FORK_ABOVE = 2000  # pieces of an assembled file above which a forked process assembles it
STATIC_FILES = {"html/style.css": "style.css", "html/search.js": "search.js"}


@dataclass
class Rendered:
    """Every output file's bytes, keyed by path under output/ (or, with a `sink`, each
    handed to it as it comes and only its path kept), and which were rendered anew; and the
    pieces of the assembled files, by path and number."""

    files: dict[str, bytes] = field(default_factory=dict)
    fresh: list[str] = field(default_factory=list)
    pieces: dict[str, dict[int, bytes]] = field(default_factory=dict)
    fresh_pieces: set[str] = field(default_factory=set)
    # Given each file, and whether it is what the last build published (a job from the cache):
    # None for a file the cache did not read, as the output holds it as published.
    sink: Callable[[str, bytes | None, bool], None] | None = None
    # Whether the sink's output holds a file as the last build published it (Stage).
    as_published: Callable[[str], bool] | None = None
    names: set[str] = field(default_factory=set)  # every output file's path
    jobs_rendered: int = 0  # the jobs rendered anew

    def add(self, job: Job, files: Mapping[str, bytes | None], fresh: bool) -> None:
        """Adds the files and pieces of a job, rendered anew or (not `fresh`) from the cache,
        as the last build had them (None: unread, see Cache.get)."""
        self.jobs_rendered += fresh
        for path, data in files.items():
            if path.startswith(PIECE):
                assert data is not None  # the cache reads every piece
                self.pieces.setdefault(path.removeprefix(PIECE), {})[job.number] = data
                if fresh:
                    self.fresh_pieces.add(path.removeprefix(PIECE))
            else:
                self.put(path, data, fresh, as_published=not fresh)

    def put(self, path: str, data: bytes | None, fresh: bool, as_published: bool = False) -> None:
        """Adds the output file `path`, rendered anew or not; `as_published` if the last build
        published the same bytes as `path` (None if they were not read: see Cache.get)."""
        self.names.add(path)
        if self.sink is None:
            assert data is not None  # without a sink, the cache is asked for every file
            self.files[path] = data
        else:
            self.sink(path, data, as_published)
        if fresh:
            self.fresh.append(path)


def render_all(
    project: Project,
    workers: int = 1,
    cache: cache_module.Cache | None = None,
    on_render: Callable[[int, int], None] | None = None,
    on_pages: Callable[[dict[str, bytes]], None] | None = None,
    sink: Callable[[str, bytes | None, bool], None] | None = None,
    as_published: Callable[[str], bool] | None = None,
    checked: Callable[[], None] = lambda: None,
) -> Rendered:
    """Returns every output file's bytes: from the cache where still valid, else rendered;
    `on_render(done, total)` is told how many jobs are done, and `on_pages(files)` is given
    the files once the jobs are (the dictionary returned, to which the handbook, the search
    index and the changes pages are then added). With `sink`, each file is given to it as
    it is made, and only its path is kept (a handbook of 10,000 roles is never whole in
    memory); with `as_published` too, a file from the cache that the sink's output holds as
    published is not even read (it is given as None). `checked()` is called before the first
    job is rendered: it raises if the project must not be (see gather.ProjectChecks)."""
    templates = project.root / TEMPLATES_DIR
    rendered = Rendered(sink=sink, as_published=as_published if sink else None)
    for path, source in STATIC_FILES.items():
        rendered.put(path, resources.read(templates / source), fresh=False)
    runner = Runner(project, handbook_context(project))  # reports a broken template from here
    if cache is None:
        render_uncached(project, runner, rendered, workers, on_render, checked)
    else:
        render_cached(project, runner, rendered, workers, cache, on_render, checked)
    if on_pages is not None:
        on_pages(rendered.files)
    pdf_wanted = project.settings is not None and project.settings.pdf
    assemble_all(runner, rendered, keep_handbook_pieces=pdf_wanted)
    for path, data in changes_pages(project, runner).items():
        rendered.put(path, data, fresh=True)
    if pdf_wanted:
        add_pdfs(project, runner, rendered, workers, cache)
    return rendered


def assemble_all(runner: Runner, rendered: Rendered, keep_handbook_pieces: bool) -> None:
    """Adds each assembled file made of its pieces, then forgets the pieces (but the
    handbook's with `keep_handbook_pieces`: the PDFs are made of them)."""
    making = {a.path: _assembling(runner, rendered, a) for a in ASSEMBLED}
    for assembled in ASSEMBLED:
        data = making[assembled.path]()
        if not (keep_handbook_pieces and assembled is HANDBOOK):
            rendered.pieces.pop(assembled.path, None)
        rendered.put(assembled.path, data, assembled.path in rendered.fresh_pieces)


def _assembling(runner: Runner, rendered: Rendered, assembled: Assembled) -> Callable[[], bytes]:
    """Returns the function giving the file `assembled` made of its pieces. Of many pieces,
    after a few jobs rendered (a role edited), the files other than the handbook are assembled
    meanwhile in a forked process, while this one assembles the handbook (at 10,000 roles, the
    search index takes 0.5 s). Not after a full build: its process is at its largest then,
    and the fork's copy of it, with the search index's memory on top, came near 1 GiB."""
    pieces = rendered.pieces.get(assembled.path, {})
    writer = runner.writers[assembled.writer]
    ordered = [pieces[n] for n in sorted(pieces)]
    few_rendered = rendered.jobs_rendered <= IN_PROCESS
    if assembled is not HANDBOOK and len(ordered) > FORK_ABOVE and few_rendered:
        return parallel.in_fork(writer.assemble, ordered)
    return lambda: writer.assemble(ordered)


def add_pdfs(
    project: Project,
    runner: Runner,
    rendered: Rendered,
    workers: int,
    cache: cache_module.Cache | None,
) -> None:
    """Adds pdf/handbook.pdf and every role's PDF, converted from the handbook's pieces."""
    handbook = runner.writers[HANDBOOK.writer]
    pdfs = pdf.pdf_files(project, rendered.pieces[HANDBOOK.path], handbook.assemble, workers, cache)
    for path, data in pdfs.items():
        rendered.put(path, data, HANDBOOK.path in rendered.fresh_pieces)


def render_uncached(
    project: Project,
    runner: Runner,
    rendered: Rendered,
    workers: int,
    on_render: Callable[[int, int], None] | None = None,
    checked: Callable[[], None] = lambda: None,
) -> None:
    """Adds every job's files to `rendered`, rendered by up to `workers` processes, as
    render_cached does without a cache."""
    checked()
    jobs = plan(project)
    for done, (job, files, _) in enumerate(run(runner, jobs, workers), start=1):
        rendered.add(job, files, fresh=True)
        if on_render is not None:
            on_render(done, len(jobs))


def render_cached(
    project: Project,
    runner: Runner,
    rendered: Rendered,
    workers: int,
    cache: cache_module.Cache,
    on_render: Callable[[int, int], None] | None = None,
    checked: Callable[[], None] = lambda: None,
) -> None:
    """Adds every job's files to `rendered`: from `cache` where still valid, else rendered
    anew by up to `workers` processes and put in the cache (`on_render(done, total)` told of
    each job done, those from the cache counted at once); `checked()` is called once the
    cache is looked up, before any job is rendered."""
    keys = job_keys(project, runner.shared)
    read_now, to_record = current_reads(project), reads_to_record(project, runner.shared)
    todo, jobs = [], plan(project)
    for job in jobs:
        files = _from_cache(cache, keys(job), read_now, rendered)
        if files is None:
            todo.append(job)
        else:
            rendered.add(job, files, fresh=False)
    kept = len(jobs) - len(todo)
    checked()
    # A few jobs (a role edited) render sooner here than a pool of processes starts.
    workers = workers if len(todo) > IN_PROCESS else 1
    for done, (job, made, reads) in enumerate(run(runner, todo, workers), start=kept + 1):
        rendered.add(job, made, fresh=True)
        cache.put(keys(job), [(i, f, read_now(i, f)) for i, f in to_record(reads)], made)
        if on_render is not None:
            on_render(done, len(jobs))


def _from_cache(
    cache: cache_module.Cache, key: str, read_now: Callable[[str, str], str], rendered: Rendered
) -> Mapping[str, bytes | None] | None:
    """Returns the files of job `key` from `cache` if they are still valid, those that the
    output holds as published unread (None) where `rendered` can tell."""
    if rendered.as_published is None:  # files handed over (serve's MemoryCache): all read
        return cache.get(key, read_now)
    return cache.get_unless_published(key, read_now, rendered.as_published)


def changes_pages(project: Project, runner: Runner) -> dict[str, bytes]:
    """Returns html/changes/<role-id>.html: the redline page of each role with a previous
    version in git, in the standalone frame (the site's frame would link to the site's files
    from one folder too deep)."""
    docs = redline.documents(project.roles, runner.renderer, runner.shared["changes"])
    html = runner.writers["html"]
    return {f"html/changes/{role_id}.html": html.write(doc) for role_id, doc in docs.items()}
