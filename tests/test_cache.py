"""Incremental builds: each kind of change rebuilds exactly what depends on it, and the cache
never changes a byte of the output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import edit
from test_pipeline import EXPECTED, snapshot

import rolebook
from rolebook import cache, pipeline

ROLES = ("vip-department-manager", "vip-department-supervisor", "vip-specialist")
RENDERED = EXPECTED - set(pipeline.STATIC_FILES)


def pages(*roles: str) -> set[str]:
    """Returns the paths of the Word and HTML pages of `roles`."""
    return {f"{fmt}/{role}.{fmt}" for role in roles for fmt in ("docx", "html")}


ASSEMBLED = {"docx/handbook.docx", "html/search-index.js"}  # made of every role's piece
WHOLE_HANDBOOK = ASSEMBLED | {"html/index.html"}


def build(root: Path, output: Path | None = None) -> set[str]:
    """Builds with the cache and returns the paths rendered anew."""
    report = pipeline.build(root, output or root / "output", workers=1)
    return set(report.rendered)


def clean_build(root: Path) -> dict[str, bytes]:
    """Returns the output of a build of `root` without any cache."""
    out = root.parent / "clean"
    shutil.rmtree(out, ignore_errors=True)
    pipeline.build(root, out, workers=1, use_cache=False)
    return snapshot(out)


def test_the_first_build_renders_everything_and_the_second_nothing(project):
    assert build(project) == RENDERED
    stamps = {p: p.stat().st_mtime_ns for p in (project / "output").rglob("*")}
    report = pipeline.build(project, project / "output", workers=1)
    assert report.up_to_date and report.rendered == [] and report.files == len(EXPECTED)
    assert {p: p.stat().st_mtime_ns for p in (project / "output").rglob("*")} == stamps


def test_a_role_edited_rebuilds_that_role_and_the_files_made_of_every_role(project):
    build(project)
    # The supervisor's page links to the manager by title, and the index and the handbook's
    # front matter show titles, numbers and versions: the manager's duties are on none of them.
    edit(project / "roles" / "vip-department-manager.yaml", "全面负责", "全面主管")
    assert build(project) == pages("vip-department-manager") | ASSEMBLED
    assert snapshot(project / "output") == clean_build(project)


def test_a_field_the_index_shows_rebuilds_the_index_too(project):
    build(project)
    # The index's table of roles shows each role's effective date; no other page shows it.
    edit(project / "roles" / "vip-department-manager.yaml", "effective_date: 2026-12-01",
         "effective_date: 2026-12-02")
    assert build(project) == pages("vip-department-manager") | WHOLE_HANDBOOK
    assert "2026年12月2日" in (project / "output/html/index.html").read_text()
    assert snapshot(project / "output") == clean_build(project)


def test_a_title_edited_also_rebuilds_the_pages_that_link_to_the_role(project):
    build(project)
    edit(project / "roles" / "vip-department-manager.yaml", "zh: 贵宾部经理", "zh: 贵宾部总经理")
    # A role's page is keyed on every role's id, department, number and titles (it shows
    # those of its department's roles and its neighbours): all pages are rendered again.
    assert build(project) == pages(*ROLES) | WHOLE_HANDBOOK
    assert "贵宾部总经理" in (project / "output/html/vip-department-supervisor.html").read_text()
    assert snapshot(project / "output") == clean_build(project)


def test_a_new_role_rebuilds_the_pages_that_named_it_before_it_existed(project):
    # Before the role exists its name is an outside position, so check accepts it.
    edit(project / "handbook.yaml", "external_positions:", "external_positions:\n  - vip-desk-lead")
    edit(project / "roles" / "vip-specialist.yaml", "  promotion: []",
         "  promotion:\n    - vip-desk-lead")
    build(project)
    assert 'href="vip-desk-lead.html"' not in \
        (project / "output/html/vip-specialist.html").read_text()
    text = (project / "roles" / "vip-department-supervisor.yaml").read_text(encoding="utf-8")
    text = text.replace("id: vip-department-supervisor", "id: vip-desk-lead")
    text = text.replace("  reports_to:\n    - vip-department-manager", "  reports_to:\n    - 总监")
    (project / "roles" / "vip-desk-lead.yaml").write_text(
        text.replace("number: VIP-JD-003", "number: VIP-JD-009"), encoding="utf-8")
    # So is a new role: all pages are rendered again.
    assert build(project) == pages("vip-desk-lead", *ROLES) | WHOLE_HANDBOOK
    assert 'href="vip-desk-lead.html"' in (project / "output/html/vip-specialist.html").read_text()
    assert snapshot(project / "output") == clean_build(project)


def test_a_comment_edited_rebuilds_nothing(project):
    build(project)
    edit(project / "roles" / "vip-specialist.yaml", "# 来源：篇二 一、岗位职责", "# 来源：篇二")
    report = pipeline.build(project, project / "output", workers=1)
    assert not report.up_to_date and report.rendered == []


@pytest.mark.parametrize("changed", ["templates/_role.xml.j2", "templates/reference.docx",
                                     "templates/labels.yaml"])
def test_a_template_changed_rebuilds_everything(project, changed):
    build(project)
    path = project / changed
    if path.suffix == ".docx":
        path.write_bytes(path.read_bytes() + b"\0")  # still a zip: its directory is at the end
    else:
        path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert build(project) == RENDERED


def test_a_setting_changed_rebuilds_everything(project):
    build(project)
    edit(project / "handbook.yaml", "organisation: 示例集团人力资源部", "organisation: 示例集团")
    assert build(project) == RENDERED
    assert snapshot(project / "output") == clean_build(project)


def test_a_new_version_of_rolebook_rebuilds_everything(project, monkeypatch):
    build(project)
    monkeypatch.setattr(rolebook, "__version__", rolebook.__version__ + ".1")
    assert build(project) == RENDERED


def test_the_cache_never_changes_the_output(project):
    build(project)
    edit(project / "roles" / "vip-specialist.yaml", "applies_to: 客户服务部VIP室专职及兼职服务人员",
         "applies_to: 客户服务部VIP室服务人员")
    edit(project / "templates" / "_role.xml.j2", "{{ L.duties }}</h2>",
         "{{ L.duties }}（共{{ role.duties | length }}条）</h2>")
    build(project)
    assert snapshot(project / "output") == clean_build(project)


def test_the_cache_is_safe_to_delete(project):
    build(project)
    shutil.rmtree(project / cache.FOLDER)
    assert build(project) == RENDERED
    assert snapshot(project / "output") == clean_build(project)


def test_a_damaged_cache_file_is_rendered_again_not_published(project):
    build(project, project / "first")
    for path in (project / cache.FOLDER / "files").iterdir():
        path.write_bytes(b"damaged")
    assert build(project) == RENDERED
    assert snapshot(project / "output") == snapshot(project / "first")


def test_a_damaged_cache_index_is_an_empty_cache(project):
    build(project)
    (project / cache.FOLDER / "index.json").write_text("{not json", encoding="utf-8")
    assert build(project) == RENDERED


def test_an_output_folder_changed_by_hand_is_rebuilt(project):
    build(project)
    (project / "output" / "docx" / "vip-specialist.docx").unlink()
    (project / "output" / "stale.txt").write_text("old")
    report = pipeline.build(project, project / "output", workers=1)
    assert not report.up_to_date and report.rendered == []
    assert snapshot(project / "output") == clean_build(project)


def test_a_cache_that_cannot_be_written_only_costs_time(project):
    (project / ".cache").write_text("not a folder")
    assert build(project) == RENDERED
    assert build(project) == RENDERED
    assert snapshot(project / "output") == clean_build(project)
