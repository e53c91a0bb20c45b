"""Hostile and broken projects: settings, links, unreadable files, templates, reference.docx.

Each tests/fixtures/hostile/<case>.expected holds the first line a build must print for that case;
the case is the sample project with the files of tests/fixtures/hostile/<case>/ laid over it, or
changed by SETUPS[<case>] (for what git cannot hold: links, pipes, permissions, edits of large
files). `{outside}` in an expected line stands for a folder outside the project. Every case exits
1 without a traceback and leaves the previous output exactly as it was.

Hostile input that must build (a byte-order mark, markup and template syntax in every text, YAML's
typing traps) is tested below the corpus.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from clients import chromium_dom
from conftest import edit
from docx import Document
from faults import rolebook, unprivileged
from lxml import etree
from lxml import html as lxml_html
from readback import docx_text, snapshot
from rolegen import FieldPath, filled_role, yaml_text

FIXTURES = Path(__file__).parent.parent / "fixtures" / "hostile"
MINIMAL = Path(__file__).parent.parent / "fixtures" / "minimal.yaml"


def role(project: Path, name: str, text: str | None = None) -> Path:
    """Writes a valid role roles/<name>.yaml (the minimal one, or `text`); returns its path."""
    path = project / "roles" / f"{name}.yaml"
    path.write_text(
        text
        or MINIMAL.read_text(encoding="utf-8")
        .replace("id: minimal", f"id: {name}")
        .replace("T-001", f"T-{name}"),
        encoding="utf-8",
    )
    return path


def link_outside(project: Path, outside: Path) -> None:
    role(outside, "linked")
    (project / "roles" / "linked.yaml").symlink_to(outside / "roles" / "linked.yaml")


def link_settings_outside(project: Path, outside: Path) -> None:
    shutil.copy(project / "handbook.yaml", outside / "handbook.yaml")
    (project / "handbook.yaml").unlink()
    (project / "handbook.yaml").symlink_to(outside / "handbook.yaml")


def unreadable(project: Path, outside: Path) -> None:
    role(project, "secret").chmod(0)


def no_list_numbering(project: Path, outside: Path) -> None:
    """Takes the numbering out of the List Number style, as restyling it in Word can."""

    def change(styles, w):
        for num in styles.iterfind(f".//{{{w}}}style[@{{{w}}}styleId='ListNumber']//{{{w}}}numPr"):
            num.getparent().remove(num)

    rewrite_reference_part(project, "word/styles.xml", in_xml(change))


def no_list_instances(project: Path, outside: Path) -> None:
    """Leaves the List Number style pointing at a list that numbering.xml no longer has."""

    def change(numbering, w):
        for num in numbering.findall(f"{{{w}}}num"):
            numbering.remove(num)

    rewrite_reference_part(project, "word/numbering.xml", in_xml(change))


def other_prefix(project: Path, outside: Path) -> None:
    """Names WordprocessingML "ww:" instead of "w:" in the main part: valid XML, but not
    what Word writes."""
    rewrite_reference_part(
        project,
        "word/document.xml",
        lambda data: re.sub(rb"(</?| |xmlns:)w:", rb"\1ww:", data).replace(
            b"xmlns:w=", b"xmlns:ww="
        ),
    )


def in_xml(change):
    """Returns a change of a part's bytes made by change(root element, w namespace)."""

    def changed(data: bytes) -> bytes:
        root = etree.fromstring(data)
        change(root, root.nsmap["w"])
        return etree.tostring(root)

    return changed


def rewrite_reference_part(project: Path, name: str, change) -> None:
    """Rewrites the part `name` of the project's reference.docx: its bytes become
    change(bytes)."""
    path = project / "templates" / "reference.docx"
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, change(data) if item.filename == name else data)
    path.write_bytes(out.getvalue())


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


SETUPS = {
    "settings-missing": lambda p, o: (p / "handbook.yaml").unlink(),
    "settings-link-outside": link_settings_outside,
    "role-link-outside": link_outside,
    "role-link-broken": lambda p, o: (p / "roles" / "gone.yaml").symlink_to(o / "gone.yaml"),
    "role-folder": lambda p, o: (p / "roles" / "folder.yaml").mkdir(),
    "role-named-pipe": lambda p, o: os.mkfifo(p / "roles" / "pipe.yaml"),
    "role-unreadable": unreadable,
    "roles-folder-missing": lambda p, o: shutil.rmtree(p / "roles"),
    "reference-missing": lambda p, o: (p / "templates" / "reference.docx").unlink(),
    "reference-truncated": lambda p, o: truncate(p / "templates" / "reference.docx"),
    "reference-no-list-numbering": no_list_numbering,
    "reference-no-list-instances": no_list_instances,
    "reference-other-prefix": other_prefix,
    "labels-syntax-error": lambda p, o: edit(
        p / "templates" / "labels.yaml", "\nen:\n", "\nen: [\n"
    ),
    "template-syntax-error": lambda p, o: edit(
        p / "templates" / "_role.xml.j2", "{% if role.duties %}", "{% if role.duties }"
    ),
    "template-undefined-variable": lambda p, o: edit(
        p / "templates" / "_role.xml.j2", "{{ duty }}", "{{ duty.text }}"
    ),
    "template-missing": lambda p, o: (p / "templates" / "page.html.j2").unlink(),
    "stylesheet-missing": lambda p, o: (p / "templates" / "style.css").unlink(),
}
# Cases a privileged process would not notice: run as a process file permissions apply to.
UNPRIVILEGED = {"role-unreadable"}
CASES = sorted(p.stem for p in FIXTURES.glob("*.expected"))


def test_there_is_a_way_to_make_every_case():
    assert len(CASES) >= 25
    assert all((FIXTURES / c).is_dir() or c in SETUPS for c in CASES)
    assert set(SETUPS) <= set(CASES)


# The unprivileged case runs the build as a process of its own.
@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.external) if c in UNPRIVILEGED else c for c in CASES],
)
def test_a_hostile_project_fails_with_its_message_and_loses_nothing(
    project, built, cli, tmp_path, case
):
    shutil.copytree(built, project / "output")
    before = snapshot(project / "output")
    outside = tmp_path / "outside"
    (outside / "roles").mkdir(parents=True)
    if (FIXTURES / case).is_dir():
        shutil.copytree(FIXTURES / case, project, dirs_exist_ok=True)
    if case in SETUPS:
        SETUPS[case](project, outside)
    if case in UNPRIVILEGED:
        run = subprocess.run(
            unprivileged(rolebook("build", "--root", project)),
            capture_output=True,
            text=True,
            timeout=120,
        )
        code, err = run.returncode, run.stderr
    else:
        result = cli("build", "--root", project)
        code, err = result.code, result.err
    expected = (FIXTURES / f"{case}.expected").read_text(encoding="utf-8").strip()
    assert code == 1
    assert err.splitlines()[0] == expected.replace("{outside}", str(outside))
    assert "Traceback" not in err
    assert snapshot(project / "output") == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".rolebook")] == []


# Hostile input that must build.


def test_a_byte_order_mark_and_windows_line_ends_are_fine(project, cli):
    path = role(project, "bom")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert cli("build", "--root", project).code == 0
    assert "测试岗位" in (project / "output/html/bom.html").read_text(encoding="utf-8")


def test_editor_files_and_links_inside_the_project_are_fine(project, cli, tmp_path):
    (project / "roles" / ".#vip-specialist.yaml").symlink_to("root@host.1234:1700000000")
    (project / "roles" / ".vip-specialist.yaml.swp").write_bytes(b"\x00binary")
    (project / "drafts" / "roles").mkdir(parents=True)
    role(project / "drafts", "linked")
    (project / "roles" / "linked.yaml").symlink_to(project / "drafts/roles/linked.yaml")
    result = cli("build", "--root", project)
    assert result.code == 0, result.err
    assert result.out.startswith("4 roles: 0 errors")


# Every free text of a role carries all of these at once; none may act as markup or template.
PAYLOAD = (
    '<script>document.title="pwned"</script> "><img src=x onerror=document.title="pwned">'
    " {{ 7*191 }} {% for x in range(3) %}loop{% endfor %} {#c#} a & b < c"
)


def hostile_roles(project: Path) -> dict[str, dict[FieldPath, str]]:
    """Writes two roles with PAYLOAD in every free text (one with a time window in its workflow,
    one with a named period); returns each role's texts by path."""
    texts: dict[str, dict[FieldPath, str]] = {}
    for name, when in (("hostile", "time"), ("hostile-period", "period")):

        def text(path: FieldPath, name=name) -> str:
            return f"{PAYLOAD} [{name}/{'/'.join(map(str, path))}]"

        value = filled_role(name, text, when)
        role(project, name, yaml_text(value, "block"))
        # Acknowledgements steer the check and unmapped text waits for HR: neither is printed;
        # every other text is.
        texts[name] = {
            path: text(path)
            for path in _paths(value)
            if path and path[0] not in ("acknowledged_warnings", "unmapped")
        }
    declare_external(
        project, [t for paths in texts.values() for p, t in paths.items() if p[0] == "reporting"]
    )
    return texts


def declare_external(project: Path, names: list[str]) -> None:
    """Adds `names` to the settings' external positions, so reporting lines may name them."""
    quoted = "".join(f"\n  - {json.dumps(n, ensure_ascii=False)}" for n in names)
    edit(project / "handbook.yaml", "external_positions:", "external_positions:" + quoted)


def _paths(value, path: FieldPath = ()) -> list[FieldPath]:
    """Returns the path of every text in a role mapping that carries PAYLOAD."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _paths(v, (*path, i))]
    return [path] if isinstance(value, str) and value.startswith(PAYLOAD) else []


def test_markup_and_template_syntax_in_every_text_are_printed_literally(project, cli):
    roles = hostile_roles(project)
    assert cli("build", "--root", project).code == 0
    for name, texts in roles.items():
        assert len(texts) >= 25  # every free text field of the schema
        page = lxml_html.fromstring((project / f"output/html/{name}.html").read_bytes())
        words = docx_text(project / f"output/docx/{name}.docx")
        for path, text in texts.items():
            assert text in page.text_content(), path
            assert text in words, path
        assert page.xpath("//img | //@*[starts-with(name(), 'on')]") == []
        assert_only_own_scripts(page)
        assert "1337" not in page.text_content() + words
        assert "looploop" not in page.text_content() + words


def assert_only_own_scripts(page) -> None:
    """Fails unless the page's scripts are the handbook's own: search files and JSON-LD data."""
    for script in page.xpath("//script"):
        if script.get("src"):
            assert script.get("src") in ("search-index.js", "search.js")
        else:
            assert script.get("type") == "application/ld+json"
            assert "<" not in script.text  # the data cannot close its own element


@pytest.mark.external
def test_no_text_of_a_role_runs_in_a_browser(project, cli, tmp_path):
    hostile_roles(project)
    assert cli("build", "--root", project).code == 0
    control = tmp_path / "control.html"  # the same text not escaped: the browser runs it
    control.write_text(f"<html><body><p>{PAYLOAD}</p></body></html>", encoding="utf-8")
    assert "<title>pwned</title>" in chromium_dom(control)
    dom = chromium_dom(project / "output/html/hostile.html")
    assert lxml_html.fromstring(dom).findtext(".//title").startswith(PAYLOAD)  # not "pwned"
    assert lxml_html.fromstring(dom).xpath("//img") == []
    assert_only_own_scripts(lxml_html.fromstring(dom))
    assert "&lt;script&gt;document.title" in dom


def test_yaml_typing_traps_print_as_written(project, cli):
    path = role(project, "traps")
    edit(path, 'version: "1.0"', "version: 1.10")
    edit(path, '- version: "1.0"', "- version: 1.10")  # the revision history agrees
    edit(path, "number: T-traps", "number: 01234")
    edit(path, "  status: draft", "  status: draft\n  approved_by:\n  applies_to: ~")
    assert cli("build", "--root", project).code == 0
    page = (project / "output/html/traps.html").read_text(encoding="utf-8")
    words = docx_text(project / "output/docx/traps.docx")
    header = Document(project / "output/docx/traps.docx").sections[0].header.paragraphs[0].text
    assert "版本：1.10" in header and "文件编号：01234" in header
    assert "<dd>1.10</dd>" in page and "<dd>01234</dd>" in page
    assert "None" not in page and "None" not in words and "1.1 " not in header
