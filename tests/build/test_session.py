"""A project kept in memory between builds (serve): the same bytes as a fresh build, only the
edited role rendered again, its files handed over before the handbook is put together."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import edit
from readback import snapshot

from rolebook.build import pipeline
from rolebook.build.session import Session
from rolebook.model.errors import CheckFailed

SPECIALIST = "roles/vip-specialist.yaml"


def test_a_session_rebuilds_the_edited_role_from_memory_as_a_fresh_build_would(project: Path):
    session = Session(project, project / "output", workers=1)
    session.build()
    edit(project / SPECIALIST, "咨询信息服务", "咨询资讯服务")
    handed: dict[str, bytes] = {}
    report = session.build(lambda files: handed.update(files))
    assert "咨询资讯服务" in handed["html/vip-specialist.html"].decode()
    assert "docx/handbook.docx" not in handed  # put together after the pages are handed over
    assert set(report.rendered) == {
        "docx/vip-specialist.docx",
        "html/vip-specialist.html",
        "docx/handbook.docx",
        "html/search-index.js",
    }
    pipeline.build(project, project / "fresh", workers=1, use_cache=False)
    assert snapshot(project / "output") == snapshot(project / "fresh")


def test_a_failed_build_keeps_what_memory_holds(project: Path):
    session = Session(project, project / "output", workers=1)
    session.build()
    edit(project / SPECIALIST, "\nsummary:", "\nsummry:")
    with pytest.raises(CheckFailed):
        session.build()
    edit(project / SPECIALIST, "\nsummry:", "\nsummary:")
    assert session.build().rendered == []  # nothing changed since the last good build
    assert session.readings.memory and session.cache.memory
