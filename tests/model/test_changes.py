"""`diff`: field-level changes between two versions of a role, in the terminal and as a redline,
and the build's link from each role page to the changes since its previous version."""

from __future__ import annotations

import dataclasses
import io
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from clients import chromium_dom
from conftest import REPO, edit
from gitrepo import committed, git
from lxml import etree

from rolebook.build.workers import load_resources
from rolebook.commands.diff import terminal
from rolebook.load.reader import read
from rolebook.model.changes import Change, compare, segments
from rolebook.model.document import Cell, Document, Para, Section, Span, Table
from rolebook.model.schema import LibraryRef, Role
from rolebook.output.writers import WRITERS
from rolebook.render.markup import parse

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
    edit(path, "    - 总监\n", "    - 营运总监\n")
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


@pytest.mark.external
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


@pytest.mark.external
def test_diff_without_an_earlier_version_says_what_to_give(project, cli):
    committed(project)
    result = cli("diff", "vip-specialist", "--root", project)
    assert (result.code, result.err) == (
        1,
        "error: git history has no earlier version of roles/vip-specialist.yaml; compare "
        "with --against <git-rev> or --against <file>\n",
    )


@pytest.mark.external
def test_diff_against_an_unknown_revision_is_an_error(project, cli):
    committed(project)
    result = cli("diff", "vip-specialist", "--against", "v9", "--root", project)
    assert (result.code, result.err) == (
        1,
        "error: --against v9: no such file, and git has no commit of that name; give a file, "
        "or a commit, branch or tag (HEAD, HEAD~2, v1.0)\n",
    )


def test_diff_outside_git_needs_a_file(project, cli):
    result = cli("diff", "vip-specialist", "--against", "HEAD", "--root", project)
    assert (result.code, result.err) == (
        1,
        f"error: --against HEAD: {project} is not in a git repository; compare with a file "
        "instead\n",
    )


def redline(project: Path, cli, old: Path, page: Path) -> str:
    """Returns the redline page `diff --html` writes of the manager against the file `old`."""
    result = cli(
        "diff", "vip-department-manager", "--against", old, "--html", page, "--root", project
    )
    assert result.out.splitlines()[-1] == f"wrote {page}"
    return page.read_text(encoding="utf-8")


class Page(HTMLParser):
    """What a page is made of: its title, tags, the files it loads and its visible text."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[str] = []
        self.loads: list[str] = []
        self.text: list[str] = []
        self.title = self.open = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.open = tag
        self.loads += [v for k, v in attrs if k in ("src", "href") and tag in ("link", "script")]

    def handle_endtag(self, tag):
        self.open = ""

    def handle_data(self, data):
        if self.open == "title":
            self.title += data
        self.text.append(data)


def test_diff_writes_a_redline_page_that_stands_on_its_own(project, cli, tmp_path):
    shutil.copy(project / MANAGER, tmp_path / "old.yaml")
    revise(project)
    html = redline(project, cli, tmp_path / "old.yaml", tmp_path / "redline.html")
    page = Page(html)
    assert page.title == "贵宾部经理 · 修订对照"
    assert "<h1>贵宾部经理 · 修订对照</h1>" in html
    assert f'<p class="versions">版本 1.1 ({tmp_path / "old.yaml"}) → 1.2</p>' in html
    # Self-contained: its style inline, nothing loaded, no scripts, no way back to a role page.
    assert (page.loads, "script" in page.tags, "nav" in page.tags) == ([], False, False)
    assert "<style>" in html
    assert "<tr><td>岗位职责 4 → 3</td><td>改写</td><td>调动下属的积极性，<ins>每日</ins>" in html
    assert f"<tr><td>任职资格 · 自身条件 1</td><td>删除</td><td><del>{PERSONAL}</del></td>" in html
    assert "<td><del>总监</del> → <ins>营运总监</ins></td>" in html


def test_a_redline_of_identical_versions_says_so(project, cli, tmp_path):
    shutil.copy(project / MANAGER, tmp_path / "old.yaml")
    html = redline(project, cli, tmp_path / "old.yaml", tmp_path / "redline.html")
    assert "<p>两个版本内容相同。</p>" in html
    assert "<table" not in html


def test_text_in_a_redline_is_never_markup(project, cli, tmp_path):
    shutil.copy(project / MANAGER, tmp_path / "old.yaml")
    edit(project / MANAGER, "调动下属的积极性，", "调动下属的积极性<script>alert(1)</script>，")
    html = redline(project, cli, tmp_path / "old.yaml", tmp_path / "redline.html")
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in html
    assert "script" not in Page(html).tags
    assert "<script>alert(1)</script>" in "".join(Page(html).text)


@pytest.mark.external
def test_chromium_shows_the_redline_marks(project, cli, tmp_path):
    shutil.copy(project / MANAGER, tmp_path / "old.yaml")
    revise(project)
    page = tmp_path / "redline.html"
    redline(project, cli, tmp_path / "old.yaml", page)
    dom = chromium_dom(page)
    assert "<td>岗位职责 4 → 3</td><td>改写</td><td>调动下属的积极性，<ins>每日</ins>检查" in dom
    assert f"<td>任职资格 · 自身条件 1</td><td>删除</td><td><del>{PERSONAL}</del></td>" in dom
    assert "<td><del>总监</del> → <ins>营运总监</ins></td>" in dom


# -- Change marks in the document model ----------------------------------------------------------


def test_ins_and_del_in_a_template_become_change_marks_keeping_the_space_between():
    doc = parse(
        '<document><section id="s"><p><del>Open</del> <ins><strong>Shut</strong></ins> the '
        '<ins><a ref="door">door</a></ins></p></section></document>'
    )
    assert doc.sections[0].blocks[0] == Para(
        (
            Span("Open", change="delete"),
            Span(" "),
            Span("Shut", strong=True, change="insert"),
            Span(" the "),
            Span("door", ref="door", change="insert"),
        )
    )


def marked() -> Document:
    """Returns a hand-made document whose one paragraph and one table cell hold change marks."""
    spans = (Span("a "), Span("b<c", change="delete"), Span(" "), Span("d", True, change="insert"))
    table = Table(((Cell((spans,)),),))
    section = Section("s", (), (), (Para(spans), table))
    meta = {"lang": "zh-CN", "title": "t", "date": "2026-01-01", "frame": "standalone"}
    return Document(meta, {}, (section,))


def test_the_html_writer_writes_change_marks_as_ins_and_del():
    html = WRITERS["html"](load_resources(REPO / "templates")).write(marked()).decode()
    marks = "a <del>b&lt;c</del> <ins><strong>d</strong></ins>"
    assert f"<p>{marks}</p>" in html
    assert f"<td>{marks}</td>" in html


def test_a_document_naming_a_frame_the_html_writer_lacks_is_an_error():
    doc = marked()
    doc.meta["frame"] = "print"
    with pytest.raises(ValueError, match="no HTML frame 'print'; the frames are site, standalone"):
        WRITERS["html"](load_resources(REPO / "templates")).write(doc)


def test_the_word_writer_strikes_deleted_text_and_underlines_inserted_text():
    data = WRITERS["docx"](load_resources(REPO / "templates")).write(marked())
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    w = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    runs = body.xpath("//w:body/w:p[w:r][1]/w:r", namespaces=w)
    assert [
        (
            "".join(r.xpath("w:t/text()", namespaces=w)),
            [p.tag.split("}")[1] for p in r.iterfind("w:rPr/*", w)],
        )
        for r in runs
    ] == [("a ", []), ("b<c", ["strike"]), (" ", []), ("d", ["b", "u"])]


# -- In the build ------------------------------------------------------------------------------


@pytest.mark.external
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
    assert (
        "<tr><td>岗位职责 11</td><td>新增</td><td><ins>每月组织一次服务质量评审。</ins></td>" in dom
    )


def test_a_build_outside_git_has_no_changes_pages(project, cli):
    assert cli("build", "--root", project).code == 0
    assert not (project / "output" / "html" / "changes").exists()


def test_a_line_that_comes_to_name_the_library_is_a_change_of_its_text(project):
    manager = role((project / MANAGER).read_text(encoding="utf-8"))
    attitude = ["善于协调、沟通。", LibraryRef("professional-ethics")]
    old = dataclasses.replace(
        manager, qualifications=dataclasses.replace(manager.qualifications, attitude=attitude[:1])
    )
    new = dataclasses.replace(
        manager, qualifications=dataclasses.replace(manager.qualifications, attitude=attitude)
    )
    assert compare(old, new) == [
        Change("added", ("qualifications", "attitude"), "2", "", "ref: professional-ethics")
    ]
