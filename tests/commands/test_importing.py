"""`import`: job descriptions in Word, text, Markdown and HTML files become draft role files.

The corpus: shared/source (three job descriptions flattened into one scraped text) must give the
hand-made sample roles item for item, modulo the conversion errors OUTLINE.md lists (fixing them
is left to HR); the fixtures in tests/fixtures/import/ (made by tools/make_import_fixtures.py)
must each give their expected YAML. Bad input is refused with one line, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from conftest import REPO
from ruamel.yaml import YAML

# shared/ lies beside the repository (in CI's clone too); ROLEBOOK_SHARED names another place,
# for a work tree kept elsewhere.
SHARED = Path(os.environ.get("ROLEBOOK_SHARED", REPO.parent / "shared"))
SOURCE = SHARED / "source" / "vip-job-descriptions.zh.txt"
# The conversion errors of the source (OUTLINE.md), which the hand-made roles corrected.
CORRECTIONS = {
    "当口": "当日",
    "像关": "相关",
    "研窕": "研究",
    "浮现": "出现",
    "匡助": "帮助",
    "目生": "陌生",
    "凝结力": "凝聚力",
    "催促": "督促",
    "检查检查": "检查",
}
SECTIONS = ("duties", "workflow", "principles", "precautions", "qualifications", "reporting")


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def normal(text: str) -> str:
    """Returns text compared modulo the source's conversion errors, case, punctuation and
    spaces."""
    for wrong, right in CORRECTIONS.items():
        text = text.replace(wrong, right)
    return "".join(c for c in text.casefold() if unicodedata.category(c)[0] not in "PZS")


def items(role: dict, section: str, ids: dict[str, str]) -> list[str]:
    """Returns a role's items of one section as comparable strings."""
    value = role.get(section) or ([] if section != "qualifications" else {})
    if section == "workflow":
        return [
            f"{e.get('time') or e.get('period')}|{e.get('condition', '')}|{s}"
            for e in value
            for s in e["steps"]
        ]
    if section == "principles":  # a sample's principle may be the library's, by its id
        library = {p["id"]: p for p in load(REPO / "library/principles.yaml")["principles"]}
        value = [library.get(p.get("ref"), p) for p in value]
        return [f"{p['name']}|{p['rule']}" for p in value]
    if section in ("qualifications", "reporting"):
        return [f"{k}|{ids.get(v, v)}" for k, vs in value.items() for v in map(_text, vs)]
    return list(value)


def _text(line) -> str:
    """Returns a line as printed: a reference to a standard qualification, the library's text."""
    if not isinstance(line, dict):
        return line
    shelf = load(REPO / "library/qualifications.yaml")["qualifications"]
    return next(q["text"] for q in shelf if q["id"] == line["ref"])


def compare(sample: list[str], imported: list[str]) -> tuple[int, int]:
    """Returns how many sample items the import gives exactly, and how many only as the
    beginning of the sample's item (cut off in the source, completed by HR)."""
    exact = completed = 0
    for mine, theirs in zip(imported, sample, strict=False):
        if normal(mine) == normal(theirs):
            exact += 1
        elif normal(theirs).startswith(normal(mine)) and len(normal(mine)) > 4:
            completed += 1
    return exact, completed


@pytest.fixture(scope="module")
def imported_corpus(tmp_path_factory) -> Path:
    if not SOURCE.is_file():
        pytest.skip(f"the corpus is not here: {SOURCE} (shared/ beside the repository)")
    from rolebook.cli import main

    root = tmp_path_factory.mktemp("corpus")
    (root / "roles").mkdir()
    (root / "handbook.yaml").write_bytes((REPO / "handbook.yaml").read_bytes())
    assert main(["import", str(SOURCE), "--root", str(root), "--date", "2026-11-30"]) == 0
    return root / "roles"


def test_the_corpus_gives_the_sample_roles_item_for_item(imported_corpus, capsys):
    samples = {normal(r["title"]["zh"]): r for r in map(load, (REPO / "roles").glob("*.yaml"))}
    roles = {normal(r["title"]["zh"]): r for r in map(load, imported_corpus.glob("*.yaml"))}
    assert set(roles) == set(samples)
    ids = {roles[k]["id"]: samples[k]["id"] for k in roles}
    rates = {}
    for section in SECTIONS:
        total = exact = completed = 0
        for key, sample in samples.items():
            theirs, mine = items(sample, section, {}), items(roles[key], section, ids)
            if section == "qualifications" and not mine:
                continue  # the source has none for this role: HR wrote them
            got = compare(theirs, mine) if section != "reporting" else _sets(theirs, mine)
            total, exact, completed = total + len(theirs), exact + got[0], completed + got[1]
        rates[section] = (exact, completed, total)
    with capsys.disabled():
        print("\nmatch rate on shared/source, section by section (exact + completed by HR):")
        for section, (exact, completed, total) in rates.items():
            print(
                f"  {section:<15} {exact + completed:>3}/{total:<3} ({exact} exact, "
                f"{completed} cut off in the source and completed by HR)"
            )
    for section in SECTIONS[:-1]:
        exact, completed, total = rates[section]
        assert exact + completed == total, section
    # Not in the source's reporting lines: the supervisor's promotion and the specialist's
    # dotted line to the branch manager (read from the workflow), both HR's completions.
    assert rates["reporting"][0] >= 8


def _sets(theirs: list[str], mine: list[str]) -> tuple[int, int]:
    return len(set(theirs) & set(mine)), 0


# -- The fixtures: each gives its expected role files --------------------------------------------

FIXTURES = REPO / "tests" / "fixtures" / "import"
EXPECTED = FIXTURES / "expected"
DATE = "2026-11-30"  # the date the expected files were made with


def new_files(project: Path, before: set[str]) -> dict[str, str]:
    return {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted((project / "roles").iterdir())
        if p.name not in before
    }


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("name", sorted(p.name for p in EXPECTED.iterdir()))
def test_each_fixture_gives_its_expected_role_files(name, project, cli, monkeypatch):
    before = set(snapshot(project / "roles"))
    monkeypatch.chdir(FIXTURES)  # the source is named in the files as it was given: its name
    result = cli("import", name, "--root", project, "--date", DATE)
    assert result.code == 0, result.err
    expected = {p.name: p.read_text(encoding="utf-8") for p in (EXPECTED / name).iterdir()}
    assert new_files(project, before) == expected


def test_the_fixtures_cover_what_hr_writes():
    kinds = {p.suffix for p in FIXTURES.iterdir() if p.is_file()}
    assert kinds == {".docx", ".md", ".html", ".txt"}
    assert len(list(EXPECTED.iterdir())) >= 8


def test_the_report_says_what_went_where_what_did_not_and_what_check_needs(project, cli):
    result = cli("import", FIXTURES / "zh-table.docx", "--root", project, "--date", DATE)
    out = result.out
    assert "zh-table.docx: 1 role" in out
    assert "roles/xing-zheng-zhuan-yuan.yaml: 行政专员, VIP-JD-004, draft" in out
    assert "duties            5 items, from table 1 row 6 cell 2" in out
    assert "unmapped          4 entries kept as text:" in out
    assert "table 1 row 3 cell 1: 文件编号：XZ-JD-006" in out
    assert "check still needs: 3 errors, 4 warnings" in out
    assert "'行政经理' in reports_to is neither a role id" in out


def test_check_warns_about_each_unmapped_entry_until_it_is_gone(project, cli):
    cli("import", FIXTURES / "customer-service.html", "--root", project, "--date", DATE)
    result = cli("check", "--root", project, "--today", DATE)
    path = "roles/ke-fu-zhuan-yuan.yaml"
    warning = (
        f":5: warning: unmapped text from {FIXTURES / 'customer-service.html'}, line 36: "
        "'版权所有 © 示例集团'; move it into the section it belongs to, or delete this entry"
    )
    assert re.search(f"^{path}:[0-9]+{re.escape(warning)}$", result.err, re.M)
    role = project / path
    text = role.read_text(encoding="utf-8")
    role.write_text(text[: text.index("unmapped:")], encoding="utf-8")
    assert "unmapped text" not in cli("check", "--root", project, "--today", DATE).err


def test_several_roles_in_one_file_become_several_roles_with_the_next_numbers(project, cli):
    result = cli("import", FIXTURES / "two-roles.docx", "--root", project, "--date", DATE)
    assert result.code == 0
    shop, clerk = load(project / "roles/dian-zhang.yaml"), load(project / "roles/dian-yuan.yaml")
    assert (shop["document_control"]["number"], clerk["document_control"]["number"]) == (
        "VIP-JD-004",
        "VIP-JD-005",
    )
    # Both ways, as check requires: the clerk reports to the manager that lists it.
    assert shop["reporting"]["direct_reports"] == ["dian-yuan"]
    assert clerk["reporting"]["reports_to"] == ["dian-zhang"]
    for role in (shop, clerk):
        assert role["document_control"]["status"] == "draft"
        assert role["revision_history"] == [
            {
                "version": "1.0",
                "date": dt.date.fromisoformat(DATE),
                "author": "TODO: who drafted it",
                "changes": f"导入自 {(FIXTURES / 'two-roles.docx').as_posix()}。",
            }
        ]


def test_an_existing_role_file_is_replaced_only_with_force_which_keeps_a_backup(project, cli):
    source = FIXTURES / "cashier.txt"
    assert cli("import", source, "--root", project, "--date", DATE).code == 0
    role = project / "roles" / "shou-yin-yuan.yaml"
    role.write_text(role.read_text(encoding="utf-8") + "# HR's edit\n", encoding="utf-8")
    edited = role.read_bytes()
    again = cli("import", source, "--root", project, "--date", DATE)
    assert again.code == 1
    assert again.err == (
        "error: roles/shou-yin-yuan.yaml already exists; import with --force to replace it "
        "(the old file is kept as <id>.yaml.bak)\n"
    )
    assert role.read_bytes() == edited
    forced = cli("import", source, "--root", project, "--date", DATE, "--force")
    assert forced.code == 0
    assert "the old file is kept as roles/shou-yin-yuan.yaml.bak" in forced.out
    assert (project / "roles" / "shou-yin-yuan.yaml.bak").read_bytes() == edited
    # The replaced role keeps its number; the .bak file is no role.
    assert load(role)["document_control"]["number"] == "VIP-JD-004"
    assert cli("check", "--root", project).err.count("shou-yin-yuan.yaml.bak") == 0


ENCRYPTED = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le")
)


def _broken_docx() -> bytes:
    data = (FIXTURES / "zh-table.docx").read_bytes()
    return data[: len(data) // 2]


def _not_word() -> bytes:
    buffer = __import__("io").BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("hello.txt", "not a Word document")
    return buffer.getvalue()


BAD = {
    "empty.docx": (b"", "the file is empty"),
    "empty.txt": (b"  \n\n", "the file is empty"),
    "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Word 97–2003 document"),
    "locked.docx": (ENCRYPTED, "it is protected by a password"),
    "broken.docx": (_broken_docx(), "it is damaged"),
    "other.docx": (_not_word(), "not a Word document (it has no main document part)"),
    "scan.pdf": (b"%PDF-1.4\n1 0 obj << /Type /XObject /Subtype /Image >>", "PDF files cannot"),
    "renamed.docx": (b"%PDF-1.7\n", "PDF files cannot"),
    "image.png": (b"\x89PNG\r\n\x1a\n", "rolebook imports .docx, .txt, .md and .html files"),
    "binary.txt": (b"\x00\x01\x02abc", "this is not a text file"),
    "nothing.html": (b"<html><body><script>x()</script></body></html>", "it holds no text"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_refused_with_one_line_and_nothing_written(name, project, cli, tmp_path):
    data, reason = BAD[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    before = snapshot(project / "roles")
    good = FIXTURES / "cashier.txt"
    result = cli("import", good, bad, "--root", project, "--date", DATE)
    assert result.code == 1
    assert result.err.startswith(f"error: {bad}: cannot import: ")
    assert reason in result.err
    assert result.err.count("\n") == 1 and not result.out
    assert snapshot(project / "roles") == before  # not even the good file's role


def test_a_missing_file_or_a_folder_is_refused(project, cli, tmp_path):
    for path, reason in ((tmp_path / "gone.docx", "file not found"), (tmp_path, "not a file")):
        result = cli("import", path, "--root", project)
        assert result.code == 1 and reason in result.err


def test_a_workbook_needs_the_spreadsheet_support(project, cli, tmp_path):
    workbook = tmp_path / "roles.xlsx"
    workbook.write_bytes(b"PK")
    result = cli("import", workbook, "--root", project)
    try:
        import rolebook.commands.workbook  # noqa: F401
    except ModuleNotFoundError:
        assert result.code == 1
        assert result.err == "error: importing .xlsx needs the spreadsheet support\n"
    mixed = cli("import", workbook, FIXTURES / "cashier.txt", "--root", project)
    assert mixed.code == 1 and "import a workbook (.xlsx) on its own" in mixed.err


def test_department_option_fills_in_a_department_the_source_does_not_name(project, cli, tmp_path):
    source = tmp_path / "jd.md"
    source.write_text("# 保洁员岗位说明书\n\n## 岗位职责\n\n1. 负责公共区域的清洁。\n", "utf-8")
    result = cli("import", source, "--root", project, "--department", "行政部", "--date", DATE)
    assert result.code == 0
    role = load(project / "roles" / "bao-jie-yuan.yaml")
    assert role["department"] == "行政部"
    assert "department: 行政部, from --department" in result.out
    # A department the source names wins over the option.
    result = cli("import", FIXTURES / "cashier.txt", "--root", project, "--department", "行政部")
    assert load(project / "roles" / "shou-yin-yuan.yaml")["department"] == "财务部"


def test_into_another_folder_and_the_same_input_gives_the_same_bytes(project, cli, tmp_path):
    outputs = []
    for n in (1, 2):
        into = tmp_path / f"drafts{n}"
        args = ("import", FIXTURES / "zh-headings.docx", FIXTURES / "hr-assistant.md")
        assert cli(*args, "--root", project, "--into", into, "--date", DATE).code == 0
        outputs.append(snapshot(into))
    assert outputs[0] == outputs[1]
    assert sorted(outputs[0]) == ["qian-tai-jie-dai.yaml", "ren-shi-zhu-li.yaml"]
    assert not (project / "roles" / "qian-tai-jie-dai.yaml").exists()


def test_imported_roles_are_valid_against_the_schema(project, cli):
    # Every file made from the fixtures reads with no schema error: what check still reports
    # are placeholders, names outside the handbook, missing sections and unmapped text.
    names = [FIXTURES / p.name for p in EXPECTED.iterdir() if p.name != "two-roles.docx"]
    assert cli("import", *names, "--root", project, "--date", DATE).code == 0
    result = cli("check", "--root", project, "--today", DATE)
    allowed = (
        "still holds the placeholder",
        "is neither a role id",
        "required section",
        "unmapped text",
        "requirement on",
    )
    problems = [
        line for line in result.err.splitlines() if ": error: " in line or ": warning: " in line
    ]
    assert problems and all(any(a in line for a in allowed) for line in problems), problems


def test_diff_shows_unmapped_text_moved_into_a_section(project, cli, tmp_path):
    assert cli("import", FIXTURES / "hr-assistant.md", "--root", project, "--date", DATE).code == 0
    role = project / "roles" / "ren-shi-zhu-li.yaml"
    old = tmp_path / "old.yaml"
    old.write_bytes(role.read_bytes())
    text = role.read_text(encoding="utf-8")
    text = text[: text.index("unmapped:")].replace(
        "  - 档案借阅须登记。\n", "  - 档案借阅须登记。\n  - 本说明书由人力资源部负责解释。\n"
    )
    role.write_text(text, encoding="utf-8")
    result = cli("diff", "ren-shi-zhu-li", "--against", old, "--root", project)
    assert "added     precautions 3: 本说明书由人力资源部负责解释。" in result.out
    assert (
        f"removed   unmapped {FIXTURES / 'hr-assistant.md'}, line 32, column 1: "
        "本说明书由人力资源部负责解释。" in result.out
    )


def test_dry_run_reports_and_writes_nothing(project, cli):
    before = snapshot(project / "roles")
    result = cli("import", FIXTURES / "two-roles.docx", "--root", project, "--dry-run")
    assert result.code == 0
    assert "roles/dian-zhang.yaml: 店长, VIP-JD-004, draft" in result.out
    assert result.out.endswith("--dry-run: 2 role files not written\n")
    assert snapshot(project / "roles") == before
