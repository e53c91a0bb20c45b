"""The PDF benchmark's table: each figure beside its target, wall and CPU time, and the load."""

from __future__ import annotations

from conftest import REPO

from rolebook.bench import pdf

FIGURES = {
    "sample": 9.0,
    "load": 2.5,
    "full": 80.0,
    "full_cpu": 110.0,
    "one_role": 12.5,
    "one_role_cpu": 8.0,
    "simple": 160.0,
}


def test_the_table_puts_wall_and_cpu_time_beside_the_targets():
    lines = pdf.table(FIGURES, 1000, 2).splitlines()
    assert lines[0].startswith("| PDF figure (build -j 2; load average 2.5 before) | wall |")
    assert (
        "| 1000 roles: handbook.pdf + every role's PDF | 80.0 s | 110.0 s | ≤ 120 s | met |"
        in lines
    )
    assert "| one role edited | 12.5 s | 8.0 s | ≤ 10 s | **not met** (1.2× the target) |" in lines
    assert lines[-1].endswith("| 160.0 s | | | 2.0× rolebook's |")


def test_the_sample_is_copied_into_the_folder_given(tmp_path):
    copy = pdf.sample_copy(REPO, tmp_path)
    assert copy == tmp_path / "sample"
    assert sorted(p.name for p in (copy / "roles").iterdir()) == sorted(
        p.name for p in (REPO / "roles").iterdir()
    )
    assert (copy / "handbook.yaml").read_bytes() == (REPO / "handbook.yaml").read_bytes()
