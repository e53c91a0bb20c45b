"""Rendering jobs in worker processes: each process holds one Runner, built once.

A Runner renders a job's template into a Document (rolebook/render/) and has the writers
(rolebook/output/writers/) turn it into the job's files and pieces, in memory.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import jinja2

from rolebook.build.cache import PIECE
from rolebook.build.jobs import Job
from rolebook.load import resources
from rolebook.load.files import TEMPLATES_DIR
from rolebook.load.project import Project
from rolebook.model.errors import LocatedError
from rolebook.output.writers import WRITERS, Resources
from rolebook.render.language import BILINGUAL
from rolebook.render.language import labels as localised_labels
from rolebook.render.templating import RecordedRoles, Renderer, environment, template_error
from rolebook.util import parallel


class Runner:
    """Renders jobs of one project with the context `shared` by every template; one per
    process that renders."""

    def __init__(self, project: Project, shared: dict):
        templates = project.root / TEMPLATES_DIR
        self.resources = load_resources(templates)
        assert project.settings is not None  # a build renders only a checked project
        language = project.settings.language
        if any(part not in self.resources.labels for part in language.split("+")):
            raise LocatedError(
                f"{TEMPLATES_DIR}/labels.yaml",
                None,
                f"no labels for the "
                f"language '{language}' of handbook.yaml; add a '{language}:' "
                "section",
            )
        self.roles = {role.id: role for role in project.roles}
        self.anchors = frozenset(self.roles)  # a link to a role goes to its section
        labels = localised_labels(self.resources.labels, language)
        self.renderer = Renderer(self.resources.env, project.settings, project.roles, labels)
        if project.show_pay and project.pay_bands is not None and project.pay_bands.value:
            # Confidential: only a build that asks for them (--with-pay) prints the bands.
            self.renderer.base["pay"] = project.pay_bands.value
        try:
            self.writers = {name: cls(self.resources) for name, cls in WRITERS.items()}
        except jinja2.TemplateError as exc:  # a writer's own template, such as page.html.j2
            raise template_error(exc, getattr(exc, "name", None) or "", templates) from None
        self.shared = shared

    def run(self, job: Job) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
        """Returns the job's files (its pieces under PIECE) and what its templates read of
        other roles."""
        roles = RecordedRoles(self.roles)
        context = {
            **self.shared,
            "roles": roles,
            **({"role": job.role} if job.role else self.recorded_lists(roles)),
        }
        if job.department:
            context["department"] = job.department
        doc = self.renderer.render(job.template, **context)
        anchors = self.anchors.union(s.anchor for s in doc.sections)
        pieces = {
            a.writer: self.writers[a.writer].piece(doc, job.number, anchors) for a in job.pieces
        }
        files = {PIECE + a.path: pieces[a.writer] for a in job.pieces}
        for path, name in job.outputs:
            writer = self.writers[name]
            files[path] = writer.assemble([pieces[name]]) if name in pieces else writer.write(doc)
        return files, sorted(roles.reads)

    def recorded_lists(self, roles: RecordedRoles) -> dict:
        """Returns the handbook's lists of roles with each role read through `roles`."""
        return {
            "ordered_roles": [roles[r.id] for r in self.shared["ordered_roles"]],
            "departments": [
                (d, [roles[r.id] for r in members]) for d, members in self.shared["departments"]
            ],
        }


_runner: Runner | None = None  # the jobs' renderer in this process


def _start_runner(runner: Runner | None) -> None:
    global _runner
    _runner = runner
    if multiprocessing.parent_process() is not None:
        # A worker, forked from a build that paused the collector: it renders thousands of
        # jobs, whose templates do leave cycles behind. What it was forked with is frozen
        # first, as Python's gc docs advise for a forked process: a collection walking the
        # build's objects would write to their pages, copying them into the worker's memory.
        gc.freeze()
        gc.enable()


def _run_job(job: Job):
    assert _runner is not None  # run's initializer started one in this process
    return _runner.run(job)


def run(runner: Runner, jobs: list[Job], workers: int) -> Iterator[tuple[Job, dict, list]]:
    """Yields each job with its files and reads, rendered by up to `workers` processes."""
    try:
        results = parallel.map_in_order(
            _run_job, jobs, workers, initializer=_start_runner, initargs=(runner,)
        )
        for job, (files, reads) in zip(jobs, results, strict=True):
            yield job, files, reads
    finally:
        _start_runner(None)


def load_resources(templates: Path) -> Resources:
    """Returns the writers' resources read from the templates folder."""
    labels = resources.labels(templates / "labels.yaml")
    # The writers print their labels (a caption, a search box) on one line in a bilingual build.
    labels |= {BILINGUAL: localised_labels(labels, BILINGUAL, " / ")} if "en" in labels else {}
    reference = resources.word_document(templates / "reference.docx")
    return Resources(environment(templates), labels, reference, f"{TEMPLATES_DIR}/reference.docx")
