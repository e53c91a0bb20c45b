"""Rendering: templates fail loudly, YAML text is data (escaped, never evaluated)."""

from __future__ import annotations

from conftest import edit
from docx import Document


def test_a_typo_in_a_template_fails_the_build_naming_file_and_line(project, cli):
    edit(
        project / "templates" / "_role.xml.j2",
        "<p>{{ role.summary }}</p>",
        "<p>{{ role.sumary }}</p>",
    )
    result = cli("build", "--root", project)
    assert result.code == 1
    assert result.err.splitlines() == [
        "templates/_role.xml.j2:63: error: 'rolebook.model.schema.Role object' has no attribute "
        "'sumary'; fix the template, or restore it from git"
    ]
    assert not (project / "output").exists()


def test_a_template_syntax_error_names_file_and_line(project, cli):
    edit(project / "templates" / "index.xml.j2", "{% endfor %}\n</table>", "{% endfro %}\n</table>")
    result = cli("build", "--root", project)
    assert result.code == 1
    assert result.err.startswith(
        "templates/index.xml.j2:39: error: Encountered unknown tag 'endfro'."
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
    "templates/_role.xml.j2:81: error: 'str object' has no attribute 'text'; fix the template, "
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
        "templates/_role.xml.j2:83: error: the template wrote a malformed document: Opening and "
        "ending tag mismatch: li line 81 and ol; fix the template, or restore it from git"
    ]
