"""The library's checks: unknown references, unused items, repeated ids, and a principle that is
both written out and a reference. Each test changes the sample in one way and asserts the exact
problems `check` prints."""

from __future__ import annotations

from check.test_rules import SPECIALIST, check, problems
from conftest import edit

LIBRARY = "library/principles.yaml"


def test_the_sample_uses_every_library_item(project, cli):
    result = check(cli, project)
    assert result.code == 0
    assert "library" not in result.err


def test_an_unknown_reference_is_an_error_with_the_nearest_id(project, cli):
    edit(project / SPECIALIST, "  - ref: diligence", "  - ref: diligense")
    result = check(cli, project)
    assert result.code == 1
    assert problems(result) == [
        f"{SPECIALIST}:113:10: error: 'diligense' is not the id of a principle in library/; "
        "did you mean 'diligence'?"
    ]
    assert problems(result, "warning")[0] == (
        f"{LIBRARY}:12:9: warning: no role refers to the principle 'diligence'; use it or delete it"
    )


def test_an_unknown_reference_without_a_near_id_says_what_to_do(project, cli):
    edit(project / SPECIALIST, "  - ref: diligence", "  - ref: punctuality")
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:113:10: error: 'punctuality' is not the id of a principle in library/; "
        "add it there or write it out here"
    ]


def test_an_unused_item_is_a_warning(project, cli):
    edit(project / SPECIALIST, "  - ref: no-errors\n", "")
    result = check(cli, project)
    assert result.code == 0
    assert problems(result, "warning")[0] == (
        f"{LIBRARY}:15:9: warning: no role refers to the principle 'no-errors'; use it or delete it"
    )
    assert check(cli, project, "--strict").code == 1


def test_an_id_given_twice_is_an_error_naming_the_first(project, cli):
    edit(project / LIBRARY, "  - id: no-errors", "  - id: diligence")
    edit(project / SPECIALIST, "  - ref: no-errors\n", "")
    assert problems(check(cli, project)) == [
        f"{LIBRARY}:15:9: error: principle id 'diligence' is given twice (first at "
        f"{LIBRARY}:12); give each item an id of its own"
    ]


def test_a_principle_both_written_and_referred_to_is_an_error(project, cli):
    edit(project / SPECIALIST, "  - ref: diligence\n", "  - ref: diligence\n    name: 勤勉\n")
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:113:5: error: give either 'ref' or 'name' and 'rule' in a principle, "
        "not both"
    ]


def test_a_principle_without_its_rule_is_an_error(project, cli):
    edit(project / SPECIALIST, "  - ref: diligence\n", "  - name: 勤勉性原则\n")
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:113:5: error: a principle needs a 'rule' beside its 'name'"
    ]
