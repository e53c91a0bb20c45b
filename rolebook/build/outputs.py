"""Every output file of a checked project, in memory: from the cache where still valid, else
rendered by the worker processes; then the assembled files and the redline pages.

Nothing here writes the output: rolebook/build/pipeline.py publishes what this returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rolebook.build import cache as cache_module
from rolebook.build.jobs import ASSEMBLED, Job, current_reads, job_keys, plan
from rolebook.build.workers import PIECE, Runner, run
from rolebook.load import resources
from rolebook.load.files import TEMPLATES_DIR
from rolebook.load.project import Project
from rolebook.render import redline
from rolebook.render.templating import handbook_context

STATIC_FILES = {"html/style.css": "style.css", "html/search.js": "search.js"}


@dataclass
class Rendered:
    """Every output file's bytes, keyed by path under output/, and which were rendered anew;
    and the pieces of the assembled files, by path and number."""

    files: dict[str, bytes] = field(default_factory=dict)
    fresh: list[str] = field(default_factory=list)
    pieces: dict[str, dict[int, bytes]] = field(default_factory=dict)
    fresh_pieces: set[str] = field(default_factory=set)

    def add(self, job: Job, files: dict[str, bytes], fresh: bool) -> None:
        """Adds the files and pieces of a job, rendered anew or not."""
        for path, data in files.items():
            if path.startswith(PIECE):
                self.pieces.setdefault(path.removeprefix(PIECE), {})[job.number] = data
                if fresh:
                    self.fresh_pieces.add(path.removeprefix(PIECE))
            else:
                self.files[path] = data
                if fresh:
                    self.fresh.append(path)


def render_all(
    project: Project, workers: int = 1, cache: cache_module.Cache | None = None
) -> Rendered:
    """Returns every output file's bytes: from the cache where still valid, else rendered."""
    templates = project.root / TEMPLATES_DIR
    rendered = Rendered(
        {path: resources.read(templates / source) for path, source in STATIC_FILES.items()}
    )
    runner = Runner(project, handbook_context(project))  # reports a broken template from here
    keys = job_keys(project, runner.shared) if cache is not None else None
    read_now = current_reads(project)
    todo = []
    for job in plan(project):
        files = cache.get(keys(job), read_now) if cache is not None else None
        if files is None:
            todo.append(job)
        else:
            rendered.add(job, files, fresh=False)
    for job, files, reads in run(runner, todo, workers):
        rendered.add(job, files, fresh=True)
        if cache is not None:
            cache.put(keys(job), [(i, f, read_now(i, f)) for i, f in reads], files)
    for assembled in ASSEMBLED:
        pieces = rendered.pieces.get(assembled.path, {})
        writer = runner.writers[assembled.writer]
        rendered.files[assembled.path] = writer.assemble([pieces[n] for n in sorted(pieces)])
        if assembled.path in rendered.fresh_pieces:
            rendered.fresh.append(assembled.path)
    changes = redline.pages(
        project, runner.resources.env, runner.renderer.labels, runner.shared["changes"]
    )
    rendered.files.update(changes)
    rendered.fresh += changes
    return rendered
