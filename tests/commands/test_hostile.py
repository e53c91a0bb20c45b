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

from rolebook.commands import serve
from rolebook.model.schema import Role, is_printed
from rolebook.output import publish

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


def someones_files(project: Path, outside: Path) -> None:
    (project / "reports" / "2025").mkdir(parents=True)
    (project / "reports" / "2025" / "q4.txt").write_text("someone's report")


def fake_repository(project: Path, outside: Path) -> None:
    """Makes the project's .git, as far as a build pointed at it could see."""
    (project / ".git" / "refs" / "heads").mkdir(parents=True)
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (project / ".git" / "refs" / "heads" / "main").write_text("0" * 40 + "\n")


def unmarked_with_notes(project: Path, outside: Path) -> None:
    """Leaves a build's docx/ and html/ without the marker, as a rolebook before it wrote them,
    beside someone's notes."""
    (project / "output" / publish.MARKER).unlink()
    (project / "output" / "notes.txt").write_text("mine")


def marker_linked(project: Path, outside: Path) -> None:
    (outside / "marker").write_bytes(publish.MARKER_TEXT)
    (project / "output" / publish.MARKER).unlink()
    (project / "output" / publish.MARKER).symlink_to(outside / "marker")


def output_linked(project: Path, outside: Path) -> None:
    """Moves the output folder outside the project and leaves a link to it in its place."""
    shutil.move(project / "output", outside / "output")
    (project / "output").symlink_to(outside / "output")


def output_linked_nowhere(project: Path, outside: Path) -> None:
    shutil.rmtree(project / "output")
    (project / "output").symlink_to(outside / "gone")


def output_link_loop(project: Path, outside: Path) -> None:
    shutil.rmtree(project / "output")
    (project / "output").symlink_to(project / "loop")
    (project / "loop").symlink_to(project / "output")


def no_role_files(project: Path, outside: Path) -> None:
    for path in (project / "roles").glob("*.yaml"):
        path.unlink()


def only_other_files(project: Path, outside: Path) -> None:
    """Leaves in roles/ only files that are not roles: notes, a backup, an editor's file."""
    no_role_files(project, outside)
    for name in ("README.md", "vip-specialist.yaml.bak", ".vip-specialist.yaml.swp"):
        (project / "roles" / name).write_text("not a role")


def link_loop(project: Path, outside: Path) -> None:
    """Links roles/a.yaml to roles/b.yaml and back."""
    (project / "roles" / "a.yaml").symlink_to("b.yaml")
    (project / "roles" / "b.yaml").symlink_to("a.yaml")


def link_to_itself(path: Path) -> None:
    """Replaces the file or folder at `path` with a link to itself."""
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()
    path.symlink_to(path.name)


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
    "roles-folder-empty": no_role_files,
    "roles-folder-without-roles": only_other_files,
    "output-someones-files": someones_files,
    "output-git": fake_repository,
    "output-unmarked-with-other-files": unmarked_with_notes,
    "output-marker-is-a-link": marker_linked,
    "output-link": output_linked,
    "output-link-broken": output_linked_nowhere,
    "output-read-only": lambda p, o: (p / "output").chmod(0o555),  # refused also for root
    "output-unreadable": lambda p, o: (p / "output").chmod(0),
    "output-link-loop": output_link_loop,
    "output-inside-a-file": lambda p, o: None,  # OUTPUTS points --output into handbook.yaml
    "lock-folder": lambda p, o: (p / publish.LOCK).mkdir(),
    "lock-link": lambda p, o: (p / publish.LOCK).symlink_to(o / "lock"),
    "lock-named-pipe": lambda p, o: os.mkfifo(p / publish.LOCK),
    "role-link-loop": link_loop,
    "roles-folder-link-loop": lambda p, o: link_to_itself(p / "roles"),
    "templates-folder-link-loop": lambda p, o: link_to_itself(p / "templates"),
    "settings-link-loop": lambda p, o: link_to_itself(p / "handbook.yaml"),
    "roles-folder-unreadable": lambda p, o: (p / "roles").chmod(0),
    # Listable but not searchable: names can be read, nothing in it opened or stat'ed.
    "project-folder-unsearchable": lambda p, o: p.chmod(0o644),
    "template-malformed-in-include": lambda p, o: edit(
        p / "templates" / "_role.xml.j2", "<li>{{ duty }}</li>", "<li>{{ duty }}"
    ),
    "template-malformed-in-macro": lambda p, o: edit(
        p / "templates" / "_role.xml.j2", "</ul>", "</ul"
    ),
    "template-unknown-element-in-include": lambda p, o: edit(
        p / "templates" / "_role.xml.j2",
        "<p>{{ role.summary }}</p>",
        "<para>{{ role.summary }}</para>",
    ),
    "template-python-error-in-include": lambda p, o: edit(
        p / "templates" / "_role.xml.j2", "{{ role.summary }}", "{{ role.summary | date }}"
    ),
    "template-error-in-page-frame": lambda p, o: edit(
        p / "templates" / "page.html.j2", "<title>", "<title>{{ doc.nothing }}"
    ),
    "settings-external-is-a-role-title": lambda p, o: edit(
        p / "handbook.yaml", "  - 总监\n", "  - 总监\n  - 贵宾部经理\n"
    ),
    "settings-external-is-a-role-english-title": lambda p, o: edit(
        p / "handbook.yaml", "  - 总监\n", "  - 总监\n  - VIP specialist\n"
    ),
    "settings-external-is-a-role-id": lambda p, o: edit(
        p / "handbook.yaml", "  - 总监\n", "  - 总监\n  - vip-department-supervisor\n"
    ),
    "settings-external-spelt-twice": lambda p, o: edit(
        p / "handbook.yaml", "  - 总经理\n", "  - 总经理\n  - 总 经理\n"
    ),
}
# Cases a privileged process would not notice: run as a process file permissions apply to.
UNPRIVILEGED = {
    "role-unreadable",
    "output-unreadable",
    "roles-folder-unreadable",
    "project-folder-unsearchable",
}
# Cases that build with --output: the folder, in the project, they point it at.
OUTPUTS = {
    "output-someones-files": "reports",
    "output-git": ".git",
    "output-inside-a-file": "handbook.yaml/output",
}
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
    output, outside = make_case(case, project, built, tmp_path)
    before, litter = snapshot(output), rolebook_files(project)
    args = ["build", "--root", project, *output_option(case, output)]
    if case in UNPRIVILEGED:
        run = subprocess.run(
            unprivileged(rolebook(*args)), capture_output=True, text=True, timeout=120
        )
        code, err = run.returncode, run.stderr
    else:
        result = cli(*args)
        code, err = result.code, result.err
    assert code == 1
    assert err.splitlines()[0] == expected_line(case, project, outside)
    assert "Traceback" not in err
    assert snapshot(output) == before
    assert rolebook_files(project) == litter


def make_case(case: str, project: Path, built: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Makes `case` of the sample project, with a build in output/; returns the folder the
    case builds into and the folder outside the project that it may use."""
    shutil.copytree(built, project / "output")
    outside = tmp_path / "outside"
    (outside / "roles").mkdir(parents=True)
    if (FIXTURES / case).is_dir():
        shutil.copytree(FIXTURES / case, project, dirs_exist_ok=True)
    if case in SETUPS:
        SETUPS[case](project, outside)
    return project / OUTPUTS.get(case, "output"), outside


def output_option(case: str, output: Path) -> list:
    """Returns the --output option that `case` builds with, if any."""
    return ["--output", output] if case in OUTPUTS else []


def expected_line(case: str, project: Path, outside: Path) -> str:
    """Returns the first line a build of `case` prints, its placeholders filled in."""
    expected = (FIXTURES / f"{case}.expected").read_text(encoding="utf-8").strip()
    return expected.replace("{outside}", str(outside)).replace("{project}", str(project))


def rolebook_files(project: Path) -> list[str]:
    """Returns the names of what publishing keeps beside the output folder (a lock, staging)."""
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".rolebook"))


# Run in this process, so not the cases that need file permissions to apply.
@pytest.mark.parametrize(
    "case", [c for c in CASES if c.startswith("output-") and c not in UNPRIVILEGED]
)
def test_serve_refuses_the_output_folders_that_build_refuses(
    project, built, cli, tmp_path, monkeypatch, case
):
    output, outside = make_case(case, project, built, tmp_path)
    before = snapshot(output)

    def started(*args, **kwargs):
        raise AssertionError(f"serve started on {output}")

    monkeypatch.setattr(serve, "ThreadingHTTPServer", started)
    result = cli("serve", "--root", project, "--port", "0", *output_option(case, output))
    assert result.code == 1
    assert result.err.splitlines()[0] == expected_line(case, project, outside)
    assert snapshot(output) == before


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
        # The schema says which texts the documents print.
        texts[name] = {path: text(path) for path in _paths(value) if is_printed(Role, path)}
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


# Zero-width joiners and tag characters are refused, except inside emoji: those print as written.
EMOJI = "👩\u200d💻 ❤\ufe0f\u200d🔥 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


def test_emoji_sequences_print_with_their_joiners(project, cli):
    path = role(project, "emoji")
    edit(path, "第一项职责。", f"第一项职责 {EMOJI}")
    assert cli("build", "--root", project).code == 0
    assert f"第一项职责 {EMOJI}" in (project / "output/html/emoji.html").read_text(encoding="utf-8")
    assert f"第一项职责 {EMOJI}" in docx_text(project / "output/docx/emoji.docx")
