"""Checks across fields and files: references, reporting lines, document control, compliance.

Each test changes the sample project in one way and asserts the exact problems `check` prints.
"""

from __future__ import annotations

import shutil

from conftest import edit

MANAGER = "roles/vip-department-manager.yaml"
SUPERVISOR = "roles/vip-department-supervisor.yaml"
SPECIALIST = "roles/vip-specialist.yaml"


def problems(result, severity: str = "error") -> list[str]:
    """Returns the first line of each diagnostic of `severity` that check printed."""
    return [line for line in result.err.splitlines() if f": {severity}: " in line]


def check(cli, project, *options):
    return cli("check", "--root", project, *options)


# -- References --------------------------------------------------------------------------------


def test_a_misspelt_external_position_is_an_error_with_the_nearest_name(project, cli):
    edit(project / SPECIALIST, "    - 客服主管\n", "    - 客服主任\n")
    result = check(cli, project)
    assert result.code == 1
    assert problems(result) == [
        f"{SPECIALIST}:32:7: error: '客服主任' in reports_to is neither a role id in roles/ "
        "nor one of the external_positions in handbook.yaml; did you mean '客服主管'?"
    ]


def test_a_role_named_by_its_title_is_an_error_asking_for_its_id(project, cli):
    edit(
        project / SUPERVISOR,
        "  promotion:\n    - vip-department-manager",
        "  promotion:\n    - 贵宾部经理",
    )
    assert problems(check(cli, project)) == [
        f"{SUPERVISOR}:38:7: error: '贵宾部经理' in promotion is the title of the role "
        f"'vip-department-manager' ({MANAGER}); write its id 'vip-department-manager' instead"
    ]


def test_an_unknown_name_without_a_near_one_says_how_to_declare_it(project, cli):
    edit(project / MANAGER, "    - 店内其他部门经理", "    - 财务总监助理")
    assert problems(check(cli, project)) == [
        f"{MANAGER}:42:7: error: '财务总监助理' in rotation is neither a role id in roles/ nor one "
        "of the external_positions in handbook.yaml; write a role id or add '财务总监助理' to "
        "external_positions"
    ]


def test_an_external_position_declared_in_the_settings_is_accepted(project, cli):
    edit(project / MANAGER, "    - 店内其他部门经理", "    - 财务总监助理")
    edit(project / "handbook.yaml", "  - 总监\n", "  - 总监\n  - 财务总监助理\n")
    assert problems(check(cli, project)) == []


def test_an_outside_position_named_as_a_roles_title_is_two_errors_each_with_its_fix(project, cli):
    # Both names would be drawn: the role's box, and a box for the position of the same name.
    edit(project / "handbook.yaml", "  - 总监\n", "  - 总监\n  - 贵宾部经理\n")
    edit(
        project / SUPERVISOR,
        "  reports_to:\n    - vip-department-manager",
        "  reports_to:\n    - 贵宾部经理",
    )
    edit(project / MANAGER, "    - vip-department-supervisor\n", "    - 贵宾部主管\n")
    assert problems(check(cli, project)) == [
        "handbook.yaml:21:5: error: '贵宾部经理' in external_positions is the title of the role "
        f"'vip-department-manager' ({MANAGER}), and the org chart would draw it twice; delete it "
        "here, and write 'vip-department-manager' wherever a reporting line names it",
        f"{MANAGER}:36:7: error: '贵宾部主管' in direct_reports is the title of the role "
        f"'vip-department-supervisor' ({SUPERVISOR}); write its id 'vip-department-supervisor' "
        "instead",
        f"{SUPERVISOR}:33:7: error: '贵宾部经理' in reports_to is the title of the role "
        f"'vip-department-manager' ({MANAGER}); write its id 'vip-department-manager' instead",
    ]


def test_a_roles_title_left_among_the_outside_positions_is_an_error(project, cli):
    # The role was added after its position was declared outside; no line names it any more.
    edit(project / "handbook.yaml", "  - 总监\n", "  - 总监\n  - vip department supervisor\n")
    assert problems(check(cli, project)) == [
        "handbook.yaml:21:5: error: 'vip department supervisor' in external_positions is the "
        f"title of the role 'vip-department-supervisor' ({SUPERVISOR}), and the org chart would "
        "draw it twice; delete it here, and write 'vip-department-supervisor' wherever a "
        "reporting line names it"
    ]


def test_a_role_id_among_the_outside_positions_is_an_error(project, cli):
    edit(project / "handbook.yaml", "  - 总监\n", "  - 总监\n  - vip-specialist\n")
    assert problems(check(cli, project)) == [
        "handbook.yaml:21:5: error: 'vip-specialist' in external_positions is the id of the role "
        f"in {SPECIALIST}, not a position outside the handbook; delete it here"
    ]


def test_an_outside_position_spelt_twice_is_an_error(project, cli):
    edit(project / "handbook.yaml", "  - 总监\n", "  - Director\n  - 总监\n  - director \n")
    assert problems(check(cli, project)) == [
        "handbook.yaml:22:5: error: 'director' in external_positions repeats 'Director' (line "
        "20), and the org chart would draw it twice; delete it here, and write 'Director' "
        "wherever a reporting line names it"
    ]


def test_a_direct_report_must_report_back(project, cli):
    edit(
        project / SUPERVISOR,
        "  reports_to:\n    - vip-department-manager",
        "  reports_to:\n    - 总监",
    )
    assert problems(check(cli, project)) == [
        f"{MANAGER}:36:7: error: direct_reports names 'vip-department-supervisor', but "
        f"{SUPERVISOR} does not name 'vip-department-manager' in reports_to; add it there or "
        "remove it here"
    ]


def test_reports_to_a_role_must_be_listed_there_as_a_direct_report(project, cli):
    edit(
        project / MANAGER,
        "  direct_reports:\n    - vip-department-supervisor\n",
        "  direct_reports: []\n",
    )
    assert problems(check(cli, project)) == [
        f"{SUPERVISOR}:33:7: error: reports_to names 'vip-department-manager', but {MANAGER} "
        "does not name 'vip-department-supervisor' in direct_reports; add it there or remove it "
        "here"
    ]


def test_an_indirect_report_that_reports_directly_is_an_error(project, cli):
    edit(
        project / MANAGER,
        "    - 贵宾部领班\n",
        "    - 贵宾部领班\n    - vip-department-supervisor\n",
    )
    assert problems(check(cli, project)) == [
        f"{MANAGER}:39:7: error: 'vip-department-supervisor' reports to this role directly "
        f"({SUPERVISOR}); move it to direct_reports"
    ]


def test_an_indirect_report_must_be_below_the_role(project, cli):
    edit(project / MANAGER, "  reports_to:\n    - 总监\n", "  reports_to: []\n")
    edit(
        project / SUPERVISOR,
        "  indirect_reports: []",
        "  indirect_reports: [vip-department-manager]",
    )
    assert problems(check(cli, project)) == [
        f"{SUPERVISOR}:36:22: error: 'vip-department-manager' is an indirect report, but no line "
        f"of reports_to leads from {MANAGER} up to this role; correct the reporting lines or "
        "remove it"
    ]


def test_an_indirect_report_whose_line_leaves_the_handbook_is_accepted(project, cli):
    # The specialist reports to 客服主管, a position outside the handbook: the line stops there.
    edit(project / MANAGER, "    - 贵宾部领班\n", "    - 贵宾部领班\n    - vip-specialist\n")
    assert problems(check(cli, project)) == []


def test_a_cycle_of_reporting_lines_is_an_error_naming_it(project, cli):
    edit(project / MANAGER, "    - 总监\n", "    - 总监\n    - vip-department-supervisor\n")
    edit(
        project / SUPERVISOR,
        "  direct_reports:\n",
        "  direct_reports:\n    - vip-department-manager\n",
    )
    assert problems(check(cli, project)) == [
        f"{MANAGER}:35:7: error: reporting lines go round in a cycle: vip-department-manager → "
        "vip-department-supervisor → vip-department-manager; one of these roles must report to "
        "someone outside it"
    ]


REPORTS_TO_ITSELF = (
    f"{SPECIALIST}:32:7: error: 'vip-specialist' in reports_to is this role itself; a role cannot "
    "report to itself: write the role or position it reports to"
)


def test_a_role_reporting_to_itself_is_one_error_each_entry_with_its_fix(project, cli):
    edit(project / SPECIALIST, "    - 客服主管\n", "    - vip-specialist\n")
    edit(project / SPECIALIST, "  direct_reports: []", "  direct_reports: [vip-specialist]")
    assert problems(check(cli, project)) == [
        REPORTS_TO_ITSELF,
        f"{SPECIALIST}:35:20: error: 'vip-specialist' in direct_reports is this role itself; a "
        "role cannot be its own direct report: delete this entry",
    ]


def test_reporting_to_itself_alone_is_not_sent_on_to_the_cycle_error(project, cli):
    # Once "add it to direct_reports" was the hint, and following it made a cycle.
    edit(project / SPECIALIST, "    - 客服主管\n", "    - vip-specialist\n")
    assert problems(check(cli, project)) == [REPORTS_TO_ITSELF]


def test_a_role_naming_itself_by_title_in_any_line_is_the_same_error(project, cli):
    edit(project / SPECIALIST, "    - 客服主管\n", "    - VIP专员\n")
    edit(project / SPECIALIST, "  indirect_reports: []", "  indirect_reports: [vip specialist]")
    edit(project / SPECIALIST, "  promotion: []", "  promotion: [vip-specialist]")
    edit(project / SPECIALIST, "  rotation: []", "  rotation: [VIP Specialist]")
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:32:7: error: 'VIP专员' in reports_to is this role itself; a role cannot "
        "report to itself: write the role or position it reports to",
        f"{SPECIALIST}:36:22: error: 'vip specialist' in indirect_reports is this role itself; a "
        "role cannot be its own indirect report: delete this entry",
        f"{SPECIALIST}:37:15: error: 'vip-specialist' in promotion is this role itself; a role "
        "cannot be promoted to itself: delete this entry",
        f"{SPECIALIST}:38:14: error: 'VIP Specialist' in rotation is this role itself; a role "
        "cannot rotate to itself: delete this entry",
    ]


def test_the_hint_for_an_unknown_name_never_points_back_at_the_role(project, cli):
    # 'vip-specialis' is nearest to the specialist's own id: the hint must not offer it.
    edit(project / SPECIALIST, "    - 客服主管\n", "    - vip-specialis\n")
    message = problems(check(cli, project))[0]
    assert message.startswith(
        f"{SPECIALIST}:32:7: error: 'vip-specialis' in reports_to is neither a role id"
    )
    assert "vip-specialist'" not in message and "VIP专员" not in message


def test_duplicate_ids_and_numbers_name_both_files(project, cli):
    shutil.copy(project / SPECIALIST, project / "roles" / "vip-specialist.yml")
    assert problems(check(cli, project)) == [
        "roles/vip-specialist.yml:2:1: error: role id 'vip-specialist' is used by both "
        f"{SPECIALIST}:2 and roles/vip-specialist.yml:2; each role needs an id of its own",
        "roles/vip-specialist.yml:11:3: error: document number 'VIP-JD-001' is used by both "
        f"{SPECIALIST}:11 and roles/vip-specialist.yml:11; give each role a number of its own",
        "roles/vip-specialist.yml:126:1: error: job code 'SVC-P2-001' is used by both "
        f"{SPECIALIST}:126 and roles/vip-specialist.yml:126; give each role a code of its own",
    ]


def test_a_copy_that_sorts_first_names_the_original_too(project, cli):
    # The copy comes first in file order: the error is at the original, and names the copy.
    shutil.copy(project / SPECIALIST, project / "roles" / "vip-specialist-copy.yaml")
    edit(project / "roles" / "vip-specialist-copy.yaml", "number: VIP-JD-001", "number: X-1")
    assert [p for p in problems(check(cli, project)) if ": error: role id" in p] == [
        f"{SPECIALIST}:2:1: error: role id 'vip-specialist' is used by both "
        f"roles/vip-specialist-copy.yaml:2 and {SPECIALIST}:2; each role needs an id of its own"
    ]


def test_three_files_with_one_id_are_named_at_each_repeat(project, cli):
    for copy in ("vip-specialist.yml", "zz.yaml"):
        shutil.copy(project / SPECIALIST, project / "roles" / copy)
        edit(project / "roles" / copy, "number: VIP-JD-001", f"number: X-{copy}")
    files = f"{SPECIALIST}:2, roles/vip-specialist.yml:2 and roles/zz.yaml:2"
    assert [
        p for p in problems(check(cli, project)) if "role id 'vip-specialist' is used" in p
    ] == [
        f"roles/vip-specialist.yml:2:1: error: role id 'vip-specialist' is used by {files}; "
        "each role needs an id of its own",
        f"roles/zz.yaml:2:1: error: role id 'vip-specialist' is used by {files}; each role needs "
        "an id of its own",
    ]


def test_a_duplicate_document_number_names_both_files(project, cli):
    edit(project / SUPERVISOR, "number: VIP-JD-003", "number: VIP-JD-002")
    assert problems(check(cli, project)) == [
        f"{SUPERVISOR}:12:3: error: document number 'VIP-JD-002' is used by both {MANAGER}:12 "
        f"and {SUPERVISOR}:12; give each role a number of its own"
    ]


# -- Document control ----------------------------------------------------------------------------


def test_the_newest_revision_must_be_the_version(project, cli):
    edit(project / MANAGER, 'version: "1.1"\n  status', 'version: "1.2"\n  status')
    assert problems(check(cli, project)) == [
        f"{MANAGER}:13:12: error: version 1.2 is not the newest entry of revision_history (1.1); "
        "add a revision for 1.2 at the end of revision_history or correct the version"
    ]


def test_revision_versions_must_rise(project, cli):
    edit(project / SPECIALIST, '  - version: "1.0"', '  - version: "1.1"')
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:25:14: error: revision 1.1 comes after revision 1.1; list revisions "
        "oldest first, each with a higher version"
    ]


def test_revision_dates_must_not_go_backwards(project, cli):
    edit(project / SPECIALIST, "date: 2023-01-01", "date: 2026-11-28")
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:26:11: error: revision date 2026-11-27 is before the revision above it "
        "(2026-11-28); list revisions oldest first"
    ]


def test_a_revision_after_the_effective_date_is_an_error(project, cli):
    edit(project / SPECIALIST, "date: 2026-11-27", "date: 2026-12-02")
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:26:11: error: revision date 2026-12-02 is after the effective date "
        "2026-12-01; correct the date, or set effective_date to when this version applies"
    ]


def test_approved_requires_approved_by(project, cli):
    edit(project / SPECIALIST, "approved_by: 营业部经理", "approved_by:")
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:13:11: error: status is 'approved' but approved_by is empty; fill in who "
        "approved it, or set the status to draft or review"
    ]


def test_a_version_with_a_leading_zero_is_an_error(project, cli):
    edit(project / SUPERVISOR, 'version: "1.1"\n  status', 'version: "1.01"\n  status')
    edit(project / SUPERVISOR, '  - version: "1.1"', '  - version: "1.01"')
    message = (
        "error: version '1.01' has a leading zero; write MAJOR.MINOR as whole numbers "
        "without leading zeros, like 1.2 or 2.0"
    )
    assert problems(check(cli, project)) == [
        f"{SUPERVISOR}:13:12: {message}",
        f"{SUPERVISOR}:26:14: {message}",
    ]


def test_a_review_date_in_the_past_is_a_warning(project, cli):
    result = check(cli, project, "--today", "2027-12-02")
    assert result.code == 0
    assert [line for line in problems(result, "warning") if "review" in line] == [
        f"{path}:{line}:16: warning: the review due on 2027-12-01 is overdue (today is "
        "2027-12-02); review the role and set the next next_review date"
        for path, line in ((MANAGER, 20), (SUPERVISOR, 20), (SPECIALIST, 19))
    ]


def test_a_review_due_today_is_not_overdue(project, cli):
    result = check(cli, project, "--today", "2027-12-01")
    assert [line for line in problems(result, "warning") if "review" in line] == []


def test_a_wrong_today_is_a_command_line_error(project, cli, capsys):
    try:
        cli("check", "--root", project, "--today", "2027-13-01")
    except SystemExit as exc:
        assert exc.code == 2
    assert "argument --today: '2027-13-01' is not a real date" in capsys.readouterr().err


# -- Placeholders ----------------------------------------------------------------------------


def test_a_todo_placeholder_is_an_error_until_filled(project, cli):
    edit(project / SPECIALIST, "  - 其他服务内容：未明确内容可及时做到补充。", "  - TODO 第五项")
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:45:5: error: item 5 of 'duties' still holds the placeholder "
        "'TODO 第五项'; replace it with the real text or delete it"
    ]


def test_a_placeholder_written_with_an_escape_is_found_too(project, cli):
    edit(
        project / SPECIALIST,
        "  - 其他服务内容：未明确内容可及时做到补充。",
        '  - "\\x54ODO 第五项"',
    )  # \x54 is T
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:45:5: error: item 5 of 'duties' still holds the placeholder "
        "'TODO 第五项'; replace it with the real text or delete it"
    ]


# -- Compliance ------------------------------------------------------------------------------

PERSONAL = "身体健康，气质佳，仪表端庄，慷慨得体，男，身高1.70米以上，年龄28-36岁。"
ACKNOWLEDGED = """
acknowledged_warnings:
  - rule: age
    text: 年龄28-36岁
    reason: 按源文件原样转录，法务审核中。
"""


def test_the_managers_personal_requirements_are_four_warnings(cli, project):
    result = check(cli, project)
    assert result.code == 0
    assert problems(result, "warning") == [
        f"{MANAGER}:76:12: warning: requirement on appearance ('气质佳', '仪表端庄'): a "
        "requirement on looks excludes applicants regardless of ability; anti-discrimination "
        "rules in employment law allow one only where the job requires it; reword the line, or "
        "acknowledge it under acknowledged_warnings with rule 'appearance' and the reason",
        f"{MANAGER}:76:26: warning: requirement on sex ('男'): the PRC Employment Promotion Law "
        "(art. 27) and Labour Law (art. 13) forbid refusing or raising the bar for applicants "
        "because of their sex; reword the line, or acknowledge it under acknowledged_warnings "
        "with rule 'sex' and the reason",
        f"{MANAGER}:76:28: warning: requirement on height ('身高1.70米以上'): a height requirement "
        "excludes applicants regardless of ability; anti-discrimination rules in employment law "
        "allow one only where the job requires it; reword the line, or acknowledge it under "
        "acknowledged_warnings with rule 'height' and the reason",
        f"{MANAGER}:76:38: warning: requirement on age ('年龄28-36岁'): an age limit excludes "
        "applicants regardless of ability; anti-discrimination rules in employment law allow one "
        "only where the job requires it; reword the line, or acknowledge it under "
        "acknowledged_warnings with rule 'age' and the reason",
    ]
    # The line follows each warning, with a caret under the words (a Chinese character is two
    # columns wide in a terminal).
    assert result.err.splitlines()[1:3] == ["        - " + PERSONAL, " " * 20 + "^"]


def test_an_acknowledged_line_is_no_longer_reported(cli, project):
    with open(project / MANAGER, "a", encoding="utf-8") as f:
        f.write(ACKNOWLEDGED)
    rules = [
        line.split("requirement on ")[1].split(" ")[0]
        for line in problems(check(cli, project), "warning")
    ]
    assert rules == ["appearance", "sex", "height"]


def test_an_acknowledgement_that_matches_nothing_is_a_warning(cli, project):
    with open(project / SPECIALIST, "a", encoding="utf-8") as f:
        f.write(ACKNOWLEDGED)
    assert problems(check(cli, project), "warning")[-1] == (
        f"{SPECIALIST}:139:5: warning: nothing to acknowledge: no qualification line contains "
        "'年龄28-36岁' with a requirement on age; delete this entry"
    )


def test_an_acknowledgement_needs_a_known_rule(cli, project):
    with open(project / MANAGER, "a", encoding="utf-8") as f:
        f.write(ACKNOWLEDGED.replace("rule: age", "rule: aged"))
    assert problems(check(cli, project)) == [
        f"{MANAGER}:87:11: error: 'aged' is not one of sex, age, height, marital-status, "
        "ethnicity, religion, appearance, health, origin, promotion; did you mean 'age'?"
    ]


def test_rewording_the_line_ends_the_warning(cli, project):
    edit(project / MANAGER, PERSONAL, "身体健康，精力充沛，能适应夜间营业的工作安排。")
    assert problems(check(cli, project), "warning") == []
