"""`diff`: field-level changes between two versions of a role, in the terminal and as a redline,
and the build's link from each role page to the changes since its previous version."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from clients import chromium_dom
from conftest import edit

from rolebook.commands.diff import terminal
from rolebook.load.reader import read
from rolebook.model.changes import compare, segments
from rolebook.model.schema import Role

MANAGER = "roles/vip-department-manager.yaml"
PERSONAL = "身体健康，气质佳，仪表端庄，慷慨得体，男，身高1.70米以上，年龄28-36岁。"
STAFFING = "制定部门各岗位人员编制，安排员工培训，根据营业需要合理组织调配人员，提高工作效率。"
FIRST = (
    "在总监的领导下，全面负责和主持贵宾俱乐部的日常工作贯彻酒店各项规章制度和总经理的指令，"
    "确保各项任务的顺利完成。"
)


def role(text: str) -> Role:
    reading = read("role.yaml", text, Role)
    assert reading.diagnostics == []
    return reading.value


def revise(project: Path) -> None:
    """Makes version 1.2 of the manager: a duty removed, one reworded, one added, a reporting
    line moved and the personal requirements rewritten."""
    path = project / MANAGER
    edit(path, f"  - {STAFFING}\n", "")
    edit(path, "调动下属的积极性，检查员工考勤情况", "调动下属的积极性，每日检查员工考勤情况")
    edit(path, "    - 总监\n    - 总经理\n", "    - 营运总监\n    - 总经理\n")
    edit(path, PERSONAL, "身体健康，能适应夜间营业的工作安排。")
    edit(path, "  - 保持与宾客", "  - 每月组织一次服务质量评审。\n  - 保持与宾客")
    edit(path, 'version: "1.1"\n  status', 'version: "1.2"\n  status')
    with open(path, "r+", encoding="utf-8") as f:
        text = f.read().replace(
            "# 来源：篇三 直接下级",
            (
                '  - version: "1.2"\n    date: 2026-11-28\n    author: 人力资源部\n'
                "    changes: 修订岗位职责。\n# 来源：篇三 直接下级"
            ),
        )
        f.seek(0)
        f.write(text)


EXPECTED = [
    "changed   document_control.version: 1.1 → 1.2",
    "added     revision_history 1.2: 2026-11-28; 人力资源部; 修订岗位职责。",
    "moved     reporting.reports_to: 总监 → 营运总监",
    "reworded  duties 4 → 3: 调动下属的积极性，{+每日+}检查员工考勤情况及员工工作状态、"
    "工作纪律等。",
    f"removed   duties 3: {STAFFING}",
    "added     duties 11: 每月组织一次服务质量评审。",
    f"removed   qualifications.personal 1: {PERSONAL}",
    "added     qualifications.personal 1: 身体健康，能适应夜间营业的工作安排。",
]


def git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=HR", "-c", "user.email=hr@example.org", *args],
        cwd=project,
        check=True,
        capture_output=True,
    )


def committed(project: Path) -> Path:
    """Returns the project as a git repository with the sample roles committed."""
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Handbook 1.1")
    return project


# -- Comparing -----------------------------------------------------------------------------------


def test_compare_names_each_changed_field_and_item(project):
    old = role((project / MANAGER).read_text(encoding="utf-8"))
    revise(project)
    new = role((project / MANAGER).read_text(encoding="utf-8"))
    assert terminal(compare(old, new)) == EXPECTED


def test_a_moved_duty_is_moved_not_removed_and_added(project):
    text = (project / MANAGER).read_text(encoding="utf-8")
    first = f"  - {FIRST}\n"
    moved = text.replace(first, "").replace(
        "# 来源：篇三 贵宾部经理 任职资格",
        first.rstrip("\n") + "\n# 来源：篇三 贵宾部经理 任职资格",
    )
    changes = compare(role(text), role(moved))
    assert [(c.kind, c.where) for c in changes] == [("moved", "1 → 13")]


def test_identical_versions_have_no_changes(project):
    text = (project / MANAGER).read_text(encoding="utf-8")
    assert compare(role(text), role(text)) == []


def test_segments_mark_words_in_latin_text_and_characters_in_chinese():
    assert segments("Checks the VIP room daily", "Checks the lounge daily") == [
        ("equal", "Checks the "),
        ("delete", "VIP room"),
        ("insert", "lounge"),
        ("equal", " daily"),
    ]
    assert segments("检查检查考勤", "检查考勤") == [("delete", "检查"), ("equal", "检查考勤")]


# -- The command -----------------------------------------------------------------------------


def test_diff_against_a_file(project, cli, tmp_path):
    shutil.copy(project / MANAGER, tmp_path / "old.yaml")
    revise(project)
    result = cli(
        "diff", "vip-department-manager", "--against", tmp_path / "old.yaml", "--root", project
    )
    assert result.code == 0
    assert result.out.splitlines() == [
        f"vip-department-manager: version 1.1 ({tmp_path / 'old.yaml'}) → 1.2 ({MANAGER})",
        *EXPECTED,
        "8 changes",
    ]


def test_diff_against_a_git_revision_and_by_default_the_previous_version(project, cli):
    committed(project)
    revise(project)
    against_head = cli("diff", "vip-department-manager", "--against", "HEAD", "--root", project)
    assert against_head.out.splitlines()[0] == (
        f"vip-department-manager: version 1.1 (git HEAD) → 1.2 ({MANAGER})"
    )
    git(project, "commit", "-q", "-am", "Manager 1.2")
    previous = cli("diff", "vip-department-manager", "--root", project)
    assert previous.out.splitlines()[0].startswith("vip-department-manager: version 1.1 (git ")
    assert previous.out.splitlines()[1:] == [*EXPECTED, "8 changes"]


def test_diff_without_an_earlier_version_says_what_to_give(project, cli):
    committed(project)
    result = cli("diff", "vip-specialist", "--root", project)
    assert (result.code, result.err) == (
        1,
        "error: git history has no earlier version of roles/vip-specialist.yaml; compare "
        "with --against <git-rev> or --against <file>\n",
    )


def test_diff_against_an_unknown_revision_is_an_error(project, cli):
    committed(project)
    result = cli("diff", "vip-specialist", "--against", "v9", "--root", project)
    assert result.code == 1
    assert result.err.startswith(
        "error: --against v9: git has no roles/vip-specialist.yaml there (fatal: "
    )


def test_diff_outside_git_needs_a_file(project, cli):
    result = cli("diff", "vip-specialist", "--against", "HEAD", "--root", project)
    assert (result.code, result.err) == (
        1,
        f"error: --against HEAD: {project} is not in a git repository; compare with a file "
        "instead\n",
    )


def test_diff_writes_an_html_redline(project, cli, tmp_path):
    shutil.copy(project / MANAGER, tmp_path / "old.yaml")
    revise(project)
    page = tmp_path / "redline.html"
    result = cli(
        "diff",
        "vip-department-manager",
        "--against",
        tmp_path / "old.yaml",
        "--html",
        page,
        "--root",
        project,
    )
    assert result.out.splitlines()[-1] == f"wrote {page}"
    dom = chromium_dom(page)
    assert (
        '<tr class="reworded"><td>岗位职责 4 → 3</td><td class="kind">改写</td>'
        '<td class="text">调动下属的积极性，<ins>每日</ins>检查员工考勤情况' in dom
    )
    assert (
        f'<tr class="removed"><td>任职资格 · 自身条件 1</td><td class="kind">删除</td>'
        f'<td class="text">{PERSONAL}</td></tr>' in dom
    )
    assert '<td class="text"><del>总监</del> → <ins>营运总监</ins></td>' in dom


# -- In the build ------------------------------------------------------------------------------


def test_the_built_role_page_links_to_its_changes_since_the_previous_version(project, cli):
    committed(project)
    revise(project)
    git(project, "commit", "-q", "-am", "Manager 1.2")
    assert cli("build", "--root", project).code == 0
    html = project / "output" / "html"
    assert sorted(p.name for p in (html / "changes").iterdir()) == ["vip-department-manager.html"]
    page = (html / "vip-department-manager.html").read_text(encoding="utf-8")
    assert (
        '<a class="changes" href="changes/vip-department-manager.html">与上一版本比较</a>' in page
    )
    assert 'class="changes"' not in (html / "vip-specialist.html").read_text(encoding="utf-8")
    dom = chromium_dom(html / "changes" / "vip-department-manager.html")
    assert '<a href="../vip-department-manager.html">← 贵宾部经理</a>' in dom
    assert '<tr class="added"><td>岗位职责 11</td>' in dom


def test_a_build_outside_git_has_no_changes_pages(project, cli):
    assert cli("build", "--root", project).code == 0
    assert not (project / "output" / "html" / "changes").exists()
