"""Loading a project: every file read and checked, the same diagnostics in the same order
whether one process reads the roles or several do."""

from __future__ import annotations

from pathlib import Path

import pytest
from readback import many_roles, troubled

from rolebook.check import rules
from rolebook.check.gather import load

FIXTURES = Path(__file__).parent.parent / "fixtures" / "errors"
SPECIALIST = "roles/vip-specialist.yaml"


def formatted(project) -> list[str]:
    return [d.format() for d in project.diagnostics]


@pytest.mark.external
def test_several_processes_give_the_same_diagnostics_in_the_same_order(project):
    many_roles(troubled(project))
    alone, shared = load(project, workers=1), load(project, workers=3)
    assert formatted(shared) == formatted(alone)
    assert shared.roles == alone.roles
    assert [r.value for r in shared.readings.values()] == [r.value for r in alone.readings.values()]


@pytest.mark.external
def test_checks_of_one_role_give_in_the_workers_what_they_give_here(project):
    many_roles(troubled(project))
    loaded = load(project, workers=2)
    here = [d for r in loaded.readings.values() for d in r.diagnostics] + rules.run(loaded)
    here.sort(key=lambda d: (d.path, d.line, d.col))
    assert formatted(loaded) == [d.format() for d in here]


def test_problems_at_the_same_place_are_listed_in_the_order_of_the_checks(project):
    troubled(project)
    at_the_id = [
        d.message
        for d in load(project, workers=2).diagnostics
        if d.path == "roles/zz-copy.yaml" and d.line == 2
    ]
    assert at_the_id == [
        "the role id 'vip-specialist' does not match the file name; rename the file to "
        "vip-specialist.yaml or change the id to 'zz-copy'",
        "role id 'vip-specialist' is used by both roles/vip-specialist.yaml:2 and "
        "roles/zz-copy.yaml:2; each role needs an id of its own",
    ]
