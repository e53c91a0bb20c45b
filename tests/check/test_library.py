"""The library's checks: unknown references, unused items, repeated ids, and a principle that is
both written out and a reference. Each test changes the sample in one way and asserts the exact
problems `check` prints."""

from __future__ import annotations

from check.test_rules import MANAGER, SPECIALIST, SUPERVISOR, check, problems
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


COMPETENCIES = "library/competencies.yaml"


def test_an_unknown_competency_is_an_error_with_the_nearest_id(project, cli):
    edit(project / SPECIALIST, "  - ref: customer-service", "  - ref: customer-servise")
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:135:10: error: 'customer-servise' is not the id of a competency in "
        "library/; did you mean 'customer-service'?"
    ]


def test_a_level_the_competency_does_not_define_names_its_levels(project, cli):
    edit(project / SPECIALIST, "    level: 2\n", "    level: 5\n")
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:136:12: error: the competency 'customer-service' has no level 5; "
        "its levels are 1, 2, 3, 4"
    ]


def test_a_competency_no_role_requires_is_a_warning(project, cli):
    for role in (SPECIALIST, MANAGER, SUPERVISOR):
        text = (project / role).read_text(encoding="utf-8")
        (project / role).write_text(text[: text.index("competencies:")], encoding="utf-8")
    result = check(cli, project)
    assert result.code == 0
    assert problems(result, "warning")[0] == (
        f"{COMPETENCIES}:7:9: warning: no role refers to the competency 'customer-service'; "
        "use it or delete it"
    )


def test_a_competency_that_writes_out_its_name_is_an_error(project, cli):
    edit(project / SPECIALIST, "    level: 2\n", "    level: 2\n    name: 服务意识\n")
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:137:5: error: a competency gives only 'ref' and 'level'; its name comes "
        "from library/"
    ]


def test_a_competency_prints_its_name_level_and_what_the_level_asks(project, cli):
    assert cli("build", "--root", project, "-q").code == 0
    page = (project / "output/html/vip-specialist.html").read_text(encoding="utf-8")
    row = page[page.index("客户服务意识") :]
    assert row.index("<td>2</td>") < row.index("主动观察和问询客户需求，及时解决权限内的问题。")
    assert "能力要求" in page and "按规定流程接待客户" not in page


SAFETY = """\
safety_rules:
  - id: fire-exits
    text: 保持安全出口畅通，熟悉消防器材的位置和使用方法。
"""
ETHICS = "    - ref: professional-ethics\n"


def with_safety_rule(project, rule: str = "fire-exits"):
    """Writes library/safety.yaml (a safety rule) and has the specialist refer to it first
    among its precautions."""
    (project / "library/safety.yaml").write_text(SAFETY, encoding="utf-8")
    edit(project / SPECIALIST, "precautions:\n", f"precautions:\n  - ref: {rule}\n")


def test_a_qualification_line_and_a_precaution_print_the_librarys_text(project, cli):
    # The sample's roles share the line 良好的敬业精神和职业道德操守 (library/qualifications.yaml).
    with_safety_rule(project)
    assert check(cli, project).code == 0
    assert cli("build", "--root", project, "-q").code == 0
    page = (project / "output/html/vip-specialist.html").read_text(encoding="utf-8")
    assert page.index("严守客户秘密。") < page.index("良好的敬业精神和职业道德操守。")
    precautions = page[page.index("注意事项") :]
    assert precautions.index("保持安全出口畅通") < precautions.index("查看其所负责的VIP室日常用品")
    assert "professional-ethics" not in page and "fire-exits" not in page


def test_an_unknown_qualification_or_safety_rule_is_an_error_and_the_item_unused(project, cli):
    for role in (SPECIALIST, SUPERVISOR):  # the manager's line is its own, as transcribed
        edit(project / role, ETHICS, "    - ref: profesional-ethics\n")
    with_safety_rule(project, "fire-exit")
    result = check(cli, project)
    assert [p for p in problems(result) if p.startswith(SPECIALIST)] == [
        f"{SPECIALIST}:61:12: error: 'profesional-ethics' is not the id of a standard "
        "qualification in library/; did you mean 'professional-ethics'?",
        f"{SPECIALIST}:118:10: error: 'fire-exit' is not the id of a safety rule in library/; "
        "did you mean 'fire-exits'?",
    ]
    assert [w for w in problems(result, "warning") if "library/" in w] == [
        "library/qualifications.yaml:6:9: warning: no role refers to the standard qualification "
        "'professional-ethics'; use it or delete it",
        "library/safety.yaml:2:9: warning: no role refers to the safety rule 'fire-exits'; use "
        "it or delete it",
    ]


def test_a_line_that_is_a_mapping_of_other_keys_is_still_a_text_with_a_colon(project, cli):
    edit(project / SPECIALIST, ETHICS, f"{ETHICS}    - 要求: 本科\n")
    assert problems(check(cli, project))[0].startswith(
        f"{SPECIALIST}:62:9: error: ASCII colon ': ' after '要求' makes YAML read the text as "
        "'key: value'"
    )


def test_a_standard_qualification_that_may_discriminate_is_a_warning_at_the_library(project, cli):
    edit(project / "library/qualifications.yaml", "职业道德操守。", "职业道德操守，年龄35岁以下。")
    result = check(cli, project)
    # A warning where the library has it; an error only where an open posting publishes it.
    assert result.code == 1
    assert [e.split(": error: ")[1][:45] for e in problems(result)] == [
        "the job posting would publish a requirement o"
    ]
    assert [w for w in problems(result, "warning") if w.startswith("library/")] == [
        "library/qualifications.yaml:7:26: warning: requirement on age ('年龄35岁以下'): an age "
        "limit excludes applicants regardless of ability; anti-discrimination rules in "
        "employment law allow one only where the job requires it; reword this standard "
        "qualification, or write the line out in the roles that keep it"
    ]
