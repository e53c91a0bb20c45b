"""The job architecture's checks: family and level against the grid, job codes, promotions.

Each test changes the sample project in one way and asserts the exact problems `check` prints.
"""

from __future__ import annotations

from check.test_rules import MANAGER, SPECIALIST, SUPERVISOR, check, problems
from conftest import edit


def promotions(result) -> list[str]:
    """Returns the warnings about promotions that check printed."""
    return [line for line in problems(result, "warning") if "promotion" in line]


def test_the_sample_passes_the_grid(project, cli):
    result = check(cli, project)
    assert result.code == 0
    assert "grid" not in result.err and "job code" not in result.err


def test_a_misspelt_family_is_an_error_with_the_nearest_one(project, cli):
    edit(project / SPECIALIST, "family: service", "family: servce")
    result = check(cli, project)
    assert result.code == 1
    assert problems(result) == [
        f"{SPECIALIST}:127:9: error: family 'servce' is not one of the job_architecture families "
        "in handbook.yaml; did you mean 'service'?"
    ]


def test_an_unknown_level_lists_the_grid(project, cli):
    edit(project / MANAGER, "level: M2", "level: X9")
    assert problems(check(cli, project)) == [
        f"{MANAGER}:81:8: error: level 'X9' is not one of the job_architecture levels in "
        "handbook.yaml (P1, P2, P3, P4, P5, P6, P7, P8, M1, M2, M3, M4, M5); write one of them "
        "or declare it there"
    ]


def test_a_level_near_one_of_the_grid_is_suggested(project, cli):
    edit(project / MANAGER, "level: M2", "level: m2")
    assert problems(check(cli, project)) == [
        f"{MANAGER}:81:8: error: level 'm2' is not one of the job_architecture levels in "
        "handbook.yaml; did you mean 'M2'?"
    ]


def test_a_family_without_a_grid_says_to_declare_it(project, cli):
    text = (project / "handbook.yaml").read_text(encoding="utf-8")
    (project / "handbook.yaml").write_text(text[: text.index("job_architecture:")])
    assert problems(check(cli, project)) == [
        *(
            f"pay_bands.yaml:{line}:13: error: level '{level}' is not one of the job_architecture "
            "levels in handbook.yaml (it declares none); declare it there"
            for line, level in ((7, "P2"), (8, "M1"), (9, "M2"))
        ),
        f"{MANAGER}:80:9: error: family 'management' is not one of the job_architecture "
        "families in handbook.yaml (it declares none); declare it there",
        f"{MANAGER}:81:8: error: level 'M2' is not one of the job_architecture levels in "
        "handbook.yaml (it declares none); declare it there",
        f"{SUPERVISOR}:85:9: error: family 'management' is not one of the job_architecture "
        "families in handbook.yaml (it declares none); declare it there",
        f"{SUPERVISOR}:86:8: error: level 'M1' is not one of the job_architecture levels in "
        "handbook.yaml (it declares none); declare it there",
        f"{SPECIALIST}:127:9: error: family 'service' is not one of the job_architecture "
        "families in handbook.yaml (it declares none); declare it there",
        f"{SPECIALIST}:128:8: error: level 'P2' is not one of the job_architecture levels in "
        "handbook.yaml (it declares none); declare it there",
    ]


def test_a_grade_must_be_a_whole_number(project, cli):
    edit(project / "handbook.yaml", "{id: P3, grade: 3,", "{id: P3, grade: three,")
    assert problems(check(cli, project)) == [
        "handbook.yaml:74:23: error: 'three' is not a grade (a whole number from 1 to 99); "
        "write it like 3"
    ]


def test_a_promotion_at_the_same_grade_is_a_warning(project, cli):
    edit(project / MANAGER, "level: M2", "level: M1")
    result = check(cli, project)
    assert result.code == 0
    assert promotions(result) == [
        f"{SUPERVISOR}:38:7: warning: promotion to 'vip-department-manager' (M1, grade 4) goes "
        "sideways the grid from M1 (grade 4); correct the levels, or acknowledge it under "
        "acknowledged_warnings with rule 'promotion', text 'vip-department-manager' and the "
        "reason"
    ]
    assert check(cli, project, "--strict").code == 1


def test_a_promotion_down_the_grid_is_a_warning(project, cli):
    edit(project / MANAGER, "level: M2", "level: P3")
    assert promotions(check(cli, project))[0].startswith(
        f"{SUPERVISOR}:38:7: warning: promotion to 'vip-department-manager' (P3, grade 3) goes "
        "down the grid from M1 (grade 4);"
    )


ACKNOWLEDGED = """acknowledged_warnings:
  - rule: promotion
    text: vip-department-manager
    reason: 2026年组织调整，经理与主管同级，人力资源部决定。
"""


def test_an_acknowledged_promotion_is_no_longer_reported(project, cli):
    edit(project / MANAGER, "level: M2", "level: M1")
    with (project / SUPERVISOR).open("a", encoding="utf-8") as f:
        f.write(ACKNOWLEDGED)
    assert "promotion" not in check(cli, project).err


def test_an_acknowledgement_of_a_promotion_that_goes_up_is_a_warning(project, cli):
    with (project / SUPERVISOR).open("a", encoding="utf-8") as f:
        f.write(ACKNOWLEDGED)
    assert promotions(check(cli, project)) == [
        f"{SUPERVISOR}:91:5: warning: nothing to acknowledge: no promotion to "
        "'vip-department-manager' stays at or below this role's grade; delete this entry"
    ]


# -- Organisations and the lines between outside positions ----------------------------------------


def test_an_unknown_organisation_is_an_error_with_the_nearest_one(project, cli):
    edit(project / SPECIALIST, "organisation: brokerage", "organisation: brokrage")
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:125:15: error: organisation 'brokrage' is not one of the organisations in "
        "handbook.yaml; did you mean 'brokerage'?"
    ]


def test_a_position_line_names_external_positions(project, cli):
    edit(
        project / "handbook.yaml",
        "{position: 总监, reports_to: 总经理}",
        "{position: 总监, reports_to: 总经里}",
    )
    edit(project / "handbook.yaml", "{position: 客服主管,", "{position: 客服主官,")
    assert problems(check(cli, project)) == [
        "handbook.yaml:30:32: error: '总经里' in position_lines is not one of the "
        "external_positions nor a role id; did you mean '总经理'?",
        "handbook.yaml:31:16: error: '客服主官' in position_lines is not one of the "
        "external_positions; did you mean '客服主管'?",
    ]


def test_a_dotted_line_to_an_unknown_position_is_an_error_like_any_reporting_line(project, cli):
    edit(project / SPECIALIST, "    - 营业部经理\n", "    - 营业部总经理\n")
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:34:7: error: '营业部总经理' in dotted_lines is neither a role id in roles/ "
        "nor one of the external_positions in handbook.yaml; did you mean '营业部经理'?"
    ]


# -- Pay bands ----------------------------------------------------------------------------------


def test_a_pay_band_of_an_unknown_level_or_upside_down_is_an_error(project, cli):
    edit(project / "pay_bands.yaml", "{level: P2, min: 6000", "{level: p2, min: 6000")
    edit(project / "pay_bands.yaml", "min: 10000, max: 15000", "min: 15000, max: 10000")
    assert problems(check(cli, project)) == [
        "pay_bands.yaml:7:13: error: level 'p2' is not one of the job_architecture levels in "
        "handbook.yaml; did you mean 'P2'?",
        "pay_bands.yaml:8:22: error: the band of M1 starts at 15000, above its top 10000; swap "
        "them or correct one",
    ]


def test_an_amount_is_a_whole_number(project, cli):
    edit(project / "pay_bands.yaml", "min: 6000", "min: 6k")
    assert problems(check(cli, project)) == [
        "pay_bands.yaml:7:22: error: '6k' is not an amount (a whole number); write it like 8000"
    ]


def test_a_job_code_used_twice_is_an_error_naming_both_files(project, cli):
    edit(project / SUPERVISOR, "job_code: MGT-M1-001", "job_code: MGT-M2-001")
    assert problems(check(cli, project)) == [
        f"{SUPERVISOR}:84:1: error: job code 'MGT-M2-001' is used by both {MANAGER}:79 and "
        f"{SUPERVISOR}:84; give each role a code of its own"
    ]
