"""The benchmark: its generated roles are distinct and valid, its peers convert the same content,
and a run with a few roles prints every figure (no timing is asserted)."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import sys

import docx
import pytest
from conftest import REPO
from ruamel.yaml import YAML

from rolebook.bench import peers
from rolebook.bench.generate import Generator
from rolebook.build import pipeline
from rolebook.check import gather
from rolebook.load.project import Project
from rolebook.model.scalars import RoleId

LABELS = YAML(typ="safe").load((REPO / "templates" / "labels.yaml").read_text("utf-8"))["zh-CN"]
ID_PATTERN = RoleId.__metadata__[0].regex


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Project:
    """Returns a generated project of 7 roles: two branches of three, and a manager."""
    root = tmp_path_factory.mktemp("bench") / "project"
    Generator(REPO, 7).write_project(root)
    return gather.load(root)


def test_generated_roles_pass_check(generated):
    # The sample manager's personal requirements draw the compliance warnings the sample
    # shows on purpose; its copies draw the same ones, and nothing else.
    assert generated.errors == 0
    assert {d.message.split(":")[0] for d in generated.diagnostics} <= {
        "requirement on sex ('男')",
        "requirement on height ('身高1.70米以上')",
        "requirement on appearance ('气质佳', '仪表端庄')",
        "requirement on age ('年龄28-36岁')",
    }
    assert len(generated.roles) == 7


def test_generated_roles_are_distinct(generated):
    roles = generated.roles
    for field in (
        lambda r: r.id,
        lambda r: r.title.zh,
        lambda r: r.title.en,
        lambda r: r.document_control.number,
        lambda r: tuple(r.duties),
    ):
        assert len({field(r) for r in roles}) == len(roles)
    sizes = [(generated.root / path).stat().st_size for path in generated.readings]
    assert min(sizes) > 3000 and max(sizes) > 1.5 * min(sizes)


def test_generated_references_are_generated_ids_or_plain_names(generated):
    ids = {role.id for role in generated.roles}
    links = 0
    for role in generated.roles:
        for names in vars(role.reporting).values():
            for name in names:
                assert name in ids or not ID_PATTERN.fullmatch(name), name
                links += name in ids
    assert links >= 4
    # The third branch has only its manager: its direct report is named, not linked.
    manager = next(r for r in generated.roles if r.id == "vip-department-manager-00007")
    assert manager.reporting.direct_reports == ["贵宾部主管"]


def test_an_edit_changes_one_roles_summary_only(tmp_path):
    generator = Generator(REPO, 3)
    generator.write_project(tmp_path)
    before = (tmp_path / "roles" / "vip-specialist-00003.yaml").read_text(encoding="utf-8")
    generator.write_role(tmp_path, 2, revision=1)
    after = (tmp_path / "roles" / "vip-specialist-00003.yaml").read_text(encoding="utf-8")
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert len(changed) == 1 and changed[0][1].startswith("summary: ")
    assert changed[0][1].endswith("（第1次修订）")


def specialist(project: Project):
    return next(r for r in project.roles if r.id.startswith("vip-specialist"))


@pytest.mark.external
def test_pandoc_converts_the_roles_markdown_with_its_text_intact(generated, tmp_path):
    role = dataclasses.replace(specialist(generated), summary="含有 *星号*、<标签> 与 a|b 的文字")
    titles = {r.id: r.title.zh for r in generated.roles}
    source = tmp_path / f"{role.id}.md"
    source.write_text(peers.role_markdown(role, titles, LABELS), encoding="utf-8")
    assert peers.pandoc_batch([source], "html", tmp_path) > 0
    html = (tmp_path / "html" / f"{role.id}.html").read_text(encoding="utf-8")
    assert "含有 *星号*、&lt;标签&gt; 与 a|b 的文字" in html
    assert f">{role.title.zh}</h1>" in html
    assert peers.pandoc_batch([source], "docx", tmp_path) > 0
    word = docx.Document(tmp_path / "docx" / f"{role.id}.docx")
    text = "\n".join(p.text for p in word.paragraphs)
    assert role.title.zh in text and role.duties[0] in text


def test_docxtpl_renders_every_section_and_keeps_markup_characters(generated):
    role = specialist(generated)
    titles = {r.id: r.title.zh for r in generated.roles}
    template = peers.docxtpl_template((REPO / "templates" / "reference.docx").read_bytes(), LABELS)
    context = peers.docxtpl_context(role, titles, LABELS)
    context["summary"] = "A < B & C"
    data, seconds = peers.docxtpl_render(template, context)
    assert seconds > 0
    word = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "A < B & C" in text
    for value in (role.title.zh, role.duties[-1], role.precautions[0], role.principles[0].rule):
        assert value in text
    cells = {c.text for t in word.tables for row in t.rows for c in row.cells}
    assert role.document_control.number in cells and role.workflow[0].steps[0] in " ".join(cells)
    assert role.document_control.number in word.sections[0].header.paragraphs[0].text


@pytest.mark.external
def test_the_benchmark_prints_every_figure(tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "rolebook.bench",
            "--roles",
            "4",
            "--runs",
            "1",
            "--root",
            str(REPO),
            "--keep",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert out.startswith("rolebook benchmark: 4 roles (")
    assert re.search(r"\nmachine: \d+ cores, .+, Python 3\.\d+\.\d+, load average", out)
    for row in (
        "load + check, per role (CPU)",
        "`check`, all roles (wall)",
        "HTML per role",
        "DOCX per role",
        "full build",
        "no-op rebuild (wall)",
        "rebuild, one role edited (wall)",
        "rebuild, a template edited (wall)",
        "`serve`: save → page served (wall)",
        "`serve`: save → handbook.docx updated (wall)",
        "peak RSS",
    ):
        assert re.search(rf"\| {re.escape(row)}[^|]* \| \d+\.?\d* (ms|s|MiB)", out), row
    for peer in ("md → docx", "md → html", "docxtpl"):
        assert re.search(rf"{peer}[^|]* \| \d+\.\d+ ms \| \d+\.\d+× \|", out), peer
    assert len(list((tmp_path / "pandoc" / "docx").glob("*.docx"))) == 4
    # The edits the benchmark made are real ones: a rebuild of its project is up to date.
    report = pipeline.build(tmp_path / "project", tmp_path / "project" / "output")
    assert report.up_to_date
