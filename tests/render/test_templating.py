"""Rendering: templates fail loudly, YAML text is data (escaped, never evaluated)."""

from __future__ import annotations

from dataclasses import dataclass

from conftest import REPO, edit
from docx import Document
from lxml import html as lxml_html

from rolebook.load import resources
from rolebook.model.schema import GROUNDS, Role, doc, is_printed


def test_a_typo_in_a_template_fails_the_build_naming_file_and_line(project, cli):
    edit(
        project / "templates" / "_role.xml.j2",
        "<p>{{ role.summary }}</p>",
        "<p>{{ role.sumary }}</p>",
    )
    result = cli("build", "--root", project)
    assert result.code == 1
    assert result.err.splitlines() == [
        "templates/_role.xml.j2:69: error: 'rolebook.model.schema.Role object' has no attribute "
        "'sumary'; fix the template, or restore it from git"
    ]
    assert not (project / "output").exists()


def test_a_template_syntax_error_names_file_and_line(project, cli):
    edit(project / "templates" / "index.xml.j2", "{% endfor %}\n</table>", "{% endfro %}\n</table>")
    result = cli("build", "--root", project)
    assert result.code == 1
    assert result.err.startswith(
        "templates/index.xml.j2:40: error: Encountered unknown tag 'endfro'."
    )


def test_markup_and_template_syntax_in_yaml_are_printed_literally(project, cli):
    hostile = "<script>alert(1)</script> {{ 7*7 }} {% if true %}x{% endif %} a & b"
    edit(
        project / "roles" / "vip-specialist.yaml",
        "  - 咨询信息服务",
        f"  - '{hostile}'\n  - 咨询信息服务",
    )
    assert cli("build", "--root", project).code == 0
    html = (project / "output/html/vip-specialist.html").read_text(encoding="utf-8")
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} {% if true %}x{% endif %} a &amp; b"
    ) in html
    assert "<script>" not in html and "49" not in html
    docx_text = [p.text for p in Document(project / "output/docx/vip-specialist.docx").paragraphs]
    assert hostile in docx_text


def test_an_empty_optional_value_never_prints_none(built):
    html = (built / "html/vip-department-manager.html").read_text(encoding="utf-8")
    doc = Document(built / "docx/vip-department-manager.docx")
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "None" not in html
    assert "None" not in cells
    assert "—" in cells  # the manager's approved_by is empty: shown as a dash


def test_an_unquoted_version_prints_as_written(project, cli):
    path = project / "roles" / "vip-specialist.yaml"
    text = path.read_text(encoding="utf-8").replace('"1.1"', "1.10")
    path.write_text(text, encoding="utf-8")
    assert cli("build", "--root", project).code == 0
    html = (project / "output/html/vip-specialist.html").read_text(encoding="utf-8")
    header = Document(project / "output/docx/vip-specialist.docx").sections[0].header
    assert "<dd>1.10</dd>" in html
    assert "版本：1.10" in header.paragraphs[0].text


# -- Errors inside included templates ------------------------------------------------------------

DUTY_TYPO = ("{{ duty }}", "{{ duty.text }}")
DUTY_TYPO_MESSAGE = (
    "templates/_role.xml.j2:87: error: 'str object' has no attribute 'text'; fix the template, "
    "or restore it from git"
)


def test_an_error_in_an_included_template_is_named_there_with_the_default_root(
    project, cli, monkeypatch
):
    # `build` run in the project folder: Jinja names the templates relative to it.
    edit(project / "templates" / "_role.xml.j2", *DUTY_TYPO)
    monkeypatch.chdir(project)
    result = cli("build")
    assert (result.code, result.err.splitlines()) == (1, [DUTY_TYPO_MESSAGE])


def test_an_error_in_an_included_template_is_named_there_through_a_linked_folder(
    project, cli, tmp_path
):
    edit(project / "templates" / "_role.xml.j2", *DUTY_TYPO)
    (tmp_path / "link").symlink_to(project)
    result = cli("build", "--root", tmp_path / "link")
    assert (result.code, result.err.splitlines()) == (1, [DUTY_TYPO_MESSAGE])


def test_a_malformed_line_is_found_in_its_template_whatever_the_roles_text_holds(project, cli):
    # The roles' text holds the very markup the template got wrong, escaped: it cannot mislead
    # the search for the template line that wrote the fault.
    edit(project / "templates" / "_role.xml.j2", "<li>{{ duty }}</li>", "<li>{{ duty }}")
    edit(
        project / "roles" / "vip-specialist.yaml",
        "  - 咨询信息服务",
        "  - '<li>\n\n</ol></li>'\n  - 咨询信息服务",
    )
    result = cli("build", "--root", project)
    assert result.err.splitlines() == [
        "templates/_role.xml.j2:89: error: the template wrote a malformed document: Opening and "
        "ending tag mismatch: li line 87 and ol; fix the template, or restore it from git"
    ]


# -- Acknowledged requirements are printed ------------------------------------------------------

ACKNOWLEDGED = """
acknowledged_warnings:
  - rule: height
    text: 身高1.70米以上
    reason: 岗位需登高作业，经法务部2026-12-01审核保留。
  - rule: marital-status
    text: 已婚
    reason: 无对应条目，提醒删除。
"""


def test_an_acknowledged_requirement_and_its_reason_are_printed_in_word_and_html(project, cli):
    with open(project / "roles/vip-department-manager.yaml", "a", encoding="utf-8") as f:
        f.write(ACKNOWLEDGED)
    assert cli("build", "--root", project).code == 0
    rows = [
        [cell.text for cell in row.cells]
        for table in Document(project / "output/docx/vip-department-manager.docx").tables
        for row in table.rows
        if table.rows[0].cells[0].text == "要求"
    ]
    expected = [
        ["要求", "类别", "保留理由"],
        ["身高1.70米以上", "身高", "岗位需登高作业，经法务部2026-12-01审核保留。"],
        ["已婚", "婚育状况", "无对应条目，提醒删除。"],
    ]
    assert rows == expected
    page = lxml_html.fromstring((project / "output/html/vip-department-manager.html").read_bytes())
    assert page.xpath("//h3[. = '经审核保留的要求']")
    table = page.xpath("//h3[. = '经审核保留的要求']/following-sibling::table[1]")[0]
    assert [[c.text_content() for c in tr.xpath("th|td")] for tr in table.iter("tr")] == expected


def test_every_ground_has_its_label_in_every_language():
    labels = resources.labels(REPO / "templates" / "labels.yaml")
    for language, words in labels.items():
        missing = [g for g in GROUNDS if f"ground_{g}" not in words]
        assert not missing, (language, missing)


@dataclass(frozen=True)
class _Note:
    text: str = doc("A text that is printed.")
    aside: str = doc("A text that is not.", printed=False)


@dataclass(frozen=True)
class _Holder:
    notes: list[_Note] = doc("Notes.", default_factory=list)
    hidden: list[_Note] = doc("Notes not printed at all.", default_factory=list, printed=False)


def test_a_text_is_printed_only_if_every_field_on_its_way_says_so():
    assert is_printed(_Holder, ("notes", 0, "text"))
    assert not is_printed(_Holder, ("notes", 2, "aside"))
    assert not is_printed(_Holder, ("hidden", 0, "text"))
    assert is_printed(Role, ("acknowledged_warnings", 0, "reason"))  # the compliance record


def test_a_template_is_compiled_once_per_process_and_again_when_its_text_changed(
    tmp_path, monkeypatch
):
    # serve rebuilds in one process: unchanged templates are not compiled again, edited ones are.
    import jinja2

    from rolebook.render.templating import environment

    compiled: list[str | None] = []
    compile_ = jinja2.Environment.compile

    def counted(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return compile_(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    (tmp_path / "t.xml.j2").write_text("one", encoding="utf-8")
    assert environment(tmp_path).get_template("t.xml.j2").render() == "one"
    assert environment(tmp_path).get_template("t.xml.j2").render() == "one"
    assert compiled == ["t.xml.j2"]
    (tmp_path / "t.xml.j2").write_text("two", encoding="utf-8")
    assert environment(tmp_path).get_template("t.xml.j2").render() == "two"
    assert compiled == ["t.xml.j2", "t.xml.j2"]


# -- Grouping by job family ----------------------------------------------------------------------


def _index_groups(project) -> list[tuple[str, list[str]]]:
    """Returns the index's groups as built: each heading and the ids of the roles it lists."""
    page = lxml_html.fromstring((project / "output/html/index.html").read_bytes())
    groups = []
    for heading in page.xpath("//h2[starts-with(@id, 'dept-')]"):
        table = heading.xpath("following-sibling::*[1]")[0]
        ids = [a.get("href").removesuffix(".html") for a in table.xpath(".//a[@href]")]
        groups.append((heading.text_content(), [i for i in ids if "/" not in i]))
    return groups


def test_the_index_groups_by_organisation_and_department_unless_the_grid_says_family(project, cli):
    assert cli("build", "--root", project).code == 0
    assert _index_groups(project) == [
        ("证券营业部 · 客户服务部", ["vip-specialist"]),
        ("酒店贵宾俱乐部 · 贵宾部", ["vip-department-manager", "vip-department-supervisor"]),
    ]


def test_without_organisations_the_index_groups_by_department(project, cli):
    text = (project / "handbook.yaml").read_text(encoding="utf-8")
    start, end = text.index("organisations:\n"), text.index("# The statement every job posting")
    (project / "handbook.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    for path in (project / "roles").glob("*.yaml"):
        edit(path, "organisation: ", "# organisation: ")
    assert cli("build", "--root", project).code == 0
    assert _index_groups(project) == [
        ("客户服务部", ["vip-specialist"]),
        ("贵宾部", ["vip-department-manager", "vip-department-supervisor"]),
    ]


def test_grouped_by_family_the_index_lists_families_in_order_highest_level_first(project, cli):
    edit(project / "handbook.yaml", "group_by: department", "group_by: family")
    # The supervisor's document number sorts before the manager's: the level orders them.
    edit(project / "roles/vip-department-manager.yaml", "number: VIP-JD-002", "number: VIP-JD-009")
    assert cli("build", "--root", project, "--lang", "en").code == 0
    assert _index_groups(project) == [
        ("Management", ["vip-department-manager", "vip-department-supervisor"]),
        ("Customer Service", ["vip-specialist"]),
    ]
    handbook = Document(str(project / "output/docx/handbook.docx"))
    headings = [p.text for p in handbook.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert [h for h in headings if h.count(".") < 2] == [
        "1 Organisation chart",
        "2 Management",
        "2.1 VIP Department Manager",
        "2.2 VIP Department Supervisor",
        "3 Customer Service",
        "3.1 VIP Specialist",
    ]


def test_a_role_in_no_family_comes_last(project, cli):
    edit(project / "handbook.yaml", "group_by: department", "group_by: family")
    edit(project / "roles/vip-department-manager.yaml", "family: management\n", "")
    assert cli("build", "--root", project).code == 0
    assert _index_groups(project) == [
        ("管理序列", ["vip-department-supervisor"]),
        ("客户服务序列", ["vip-specialist"]),
        ("—", ["vip-department-manager"]),
    ]
