"""What several test modules read back or set up: a build's files, a .docx's text, and a project
with problems of every kind."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import edit
from docx import Document

FIXTURES = Path(__file__).parent / "fixtures" / "errors"
SPECIALIST = "roles/vip-specialist.yaml"

EXPECTED = {
    "docx/handbook.docx",
    "docx/vip-department-manager.docx",
    "docx/vip-department-supervisor.docx",
    "docx/vip-specialist.docx",
    "html/index.html",
    "html/search-index.js",
    "html/search.js",
    "html/style.css",
    "html/vip-department-manager.html",
    "html/vip-department-supervisor.html",
    "html/vip-specialist.html",
}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Returns every file under `folder` with its bytes, keyed by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def troubled(project: Path) -> Path:
    """Returns the sample project with problems of every kind: files that cannot be read, checks
    of one role, checks across roles, and both at the same place of the same file."""
    for case in ("duplicate-key", "bad-date", "unknown-key", "wrong-type-list", "deep-nesting"):
        shutil.copy(FIXTURES / f"{case}.yaml", project / "roles" / f"{case}.yaml")
    # Named after neither its id nor anything else: its id is both misnamed and taken.
    shutil.copy(project / SPECIALIST, project / "roles" / "zz-copy.yaml")
    edit(project / SPECIALIST, "  - 其他服务内容：未明确内容可及时做到补充。", "  - TODO 第五项")
    edit(project / SPECIALIST, "    - 客服主管\n", "    - 客服主任\n")
    return project


def docx_text(path: Path) -> str:
    """Returns all the text of a .docx as python-docx reads it: body, tables, headers."""
    doc = Document(path)
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    parts += [p.text for section in doc.sections for p in section.header.paragraphs]
    return "\n".join(parts)


MINIMAL = Path(__file__).parent / "fixtures" / "minimal.yaml"
# More role files than one chunk of work (32 files): a load spreads them over worker processes.
MANY = 40


def many_roles(project: Path, count: int = MANY) -> Path:
    """Returns the project with `count` more valid roles, extra-01…, each its own title and
    number: enough files for a load to start worker processes."""
    text = MINIMAL.read_text(encoding="utf-8")
    for n in range(1, count + 1):
        role_id = f"extra-{n:02d}"
        (project / "roles" / f"{role_id}.yaml").write_text(
            text.replace("id: minimal", f"id: {role_id}")
            .replace("T-001", f"T-{n:03d}")
            .replace("测试岗位", f"测试岗位{n}")
            .replace("Test Role", f"Test Role {n}"),
            encoding="utf-8",
        )
    return project
