"""The job postings' checks: a requirement the compliance rules flag in what a posting shows is an
error, an open role needs its place, and the handbook the equal-opportunity statement. Each test
changes the sample in one way and asserts the exact problems `check` prints."""

from __future__ import annotations

from check.test_rules import MANAGER, SPECIALIST, check, problems
from conftest import edit

from rolebook.check.gather import load
from rolebook.check.postings import posting_role


def test_the_sample_posting_passes(project, cli):
    assert check(cli, project).code == 0


def test_a_flagged_requirement_in_a_posted_duty_is_an_error_not_a_warning(project, cli):
    edit(project / SPECIALIST, "  - 其他服务内容：", "  - 限男性，其他服务内容：")
    result = check(cli, project)
    assert result.code == 1
    assert problems(result) == [
        f"{SPECIALIST}:45:5: error: the job posting would publish a requirement on sex ('限男性'): "
        "the PRC Employment Promotion Law (art. 27) and Labour Law (art. 13) forbid refusing or "
        "raising the bar for applicants because of their sex; reword the line, or close the "
        "posting"
    ]


def test_a_flagged_library_line_a_posting_takes_is_an_error_at_the_roles_line(project, cli):
    edit(project / "library/qualifications.yaml", "    text: 良好的", "    text: 限男性，良好的")
    result = check(cli, project)
    assert result.code == 1
    posted = [p for p in problems(result) if "job posting" in p]
    assert posted == [
        f"{SPECIALIST}:61:7: error: the job posting would publish a requirement on sex ('限男性'): "
        "the PRC Employment Promotion Law (art. 27) and Labour Law (art. 13) forbid refusing or "
        "raising the bar for applicants because of their sex; reword the line, or close the "
        "posting"
    ]


def test_a_closed_role_is_not_held_to_the_posting_rules(project, cli):
    edit(project / SPECIALIST, "  - 其他服务内容：", "  - 限男性，其他服务内容：")
    edit(project / SPECIALIST, "  open: true", "  open: false")
    assert problems(check(cli, project)) == []


def test_flagged_personal_requirements_are_left_out_of_the_posting_not_reported(project, cli):
    # The manager's 自身条件 line sets sex, age, height and looks: the posting omits it.
    with (project / MANAGER).open("a", encoding="utf-8") as f:
        f.write("posting:\n  open: true\n  location: 酒店贵宾俱乐部\n")
    assert problems(check(cli, project)) == []
    manager = next(r for r in load(project).roles if r.id == "vip-department-manager")
    assert manager.qualifications.personal and posting_role(manager).qualifications.personal == []


def test_an_open_role_needs_its_place_and_the_statement(project, cli):
    edit(project / SPECIALIST, "  location: 证券营业部VIP室（示例市示例路1号）\n", "")
    text = (project / "handbook.yaml").read_text(encoding="utf-8")
    start = text.index("equal_opportunity:")
    end = text.index("\n", start)
    (project / "handbook.yaml").write_text(text[:start] + text[end + 1 :], encoding="utf-8")
    assert problems(check(cli, project)) == [
        f"{SPECIALIST}:131:9: error: an open role's posting needs its place: fill in "
        "posting.location",
        f"{SPECIALIST}:131:9: error: an open role's posting ends with the equal-opportunity "
        "statement: fill in equal_opportunity in handbook.yaml",
    ]
