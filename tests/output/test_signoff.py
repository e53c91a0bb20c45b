"""Sign-off as controlled documents have it: the approval block (编制 / 审核 / 批准) of each
role and of the handbook, the employee acknowledgement page, the handbook's own document control
with the draft mark on its front matter, and the Word watermark of draft roles.

Word files are read back with python-docx and docx2python, the HTML with lxml; the tests marked
external print the .docx through LibreOffice and read the PDF's pages back with poppler.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import clients
import docx
import pytest
from conftest import REPO, edit
from docx.oxml.ns import qn
from docx2python import docx2python
from lxml import etree, html
from ruamel.yaml import YAML

from rolebook.check import gather
from rolebook.cli import main
from rolebook.model.document import PageBreak, SignOff
from rolebook.render import markup

PROJECT = gather.load(REPO)
ROLES = {role.id: role for role in PROJECT.roles}
SETTINGS = PROJECT.settings
LABELS = YAML(typ="safe").load((REPO / "templates" / "labels.yaml").read_text("utf-8"))
L = LABELS[SETTINGS.language]
DRAFTS = sorted(i for i, r in ROLES.items() if r.document_control.status != "approved")
APPROVED = sorted(i for i, r in ROLES.items() if r.document_control.status == "approved")
V = "urn:schemas-microsoft-com:vml"
COLUMNS = [L["signoff_as"], L["signoff_name"], L["signoff_date"], L["signoff_signature"]]


def date(value) -> str:
    return L["date_format"].format(y=value.year, m=value.month, d=value.day)


def signoff_tables(document) -> list[list[list[str]]]:
    """Returns the text of every sign-off table of a python-docx document, row by row."""
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return [t for t in tables if t and t[0] == COLUMNS]


def signature_lines(document) -> list[int]:
    """Returns, for each sign-off table, how many of its cells are lines to write on."""
    counts = []
    for table in document.tables:
        if [c.text for c in table.rows[0].cells] == COLUMNS:
            borders = table._tbl.findall(f".//{qn('w:pBdr')}/{qn('w:bottom')}")
            counts.append(len(borders))
    return counts


def header_xml(path: Path) -> list[bytes]:
    """Returns the page-header parts of a .docx, in the order the sections use them."""
    document = docx.Document(str(path))
    return [etree.tostring(s.header._element) for s in document.sections]


def watermarks(header: bytes) -> list[etree._Element]:
    return etree.fromstring(header).findall(f".//{{{V}}}shape")


def build(cli, project: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    result = cli("build", "--root", project, "--output", out, "--no-cache")
    assert result.code == 0, result.err
    return out


def test_markup_reads_signoff_pagebreak_and_watermark():
    doc = markup.parse(
        '<document><section id="a"><header mark="草稿" watermark="草稿"/>'
        '<signoff unsigned="未签署"><th>职责</th><th>姓名</th><th>日期</th><th>签名</th>'
        '<signer as="编制" name="人力资源部" date="2026年1月1日"/><signer as="批准"/></signoff>'
        "<pagebreak/></section></document>"
    )
    section = doc.sections[0]
    assert section.watermark == "草稿" and section.mark == "草稿"
    block, page_break = section.blocks
    assert isinstance(block, SignOff) and isinstance(page_break, PageBreak)
    assert block.columns == ("职责", "姓名", "日期", "签名") and block.unsigned == "未签署"
    assert [(s.role, s.name, s.date) for s in block.signers] == [
        ("编制", "人力资源部", "2026年1月1日"),
        ("批准", "", ""),
    ]


@pytest.mark.parametrize("role_id", sorted(ROLES))
def test_role_docx_ends_with_its_approval_block(built, role_id):
    role = ROLES[role_id]
    dc = role.document_control
    document = docx.Document(str(built / "docx" / f"{role_id}.docx"))
    [table] = signoff_tables(document)
    drafted = date(role.revision_history[-1].date)
    if dc.status == "approved":
        signed = date(dc.effective_date)
        assert table[1:] == [
            [L["signoff_drafted"], dc.drafted_by, drafted, ""],
            [L["signoff_reviewed"], dc.reviewed_by, signed, ""],
            [L["signoff_approved"], dc.approved_by, signed, ""],
        ]
        assert signature_lines(document) == [3]  # a line to sign on in each row
    else:
        assert table[1:] == [
            [L["signoff_drafted"], dc.drafted_by, drafted, L["unsigned"]],
            [L["signoff_reviewed"], dc.reviewed_by or "—", "—", L["unsigned"]],
            [L["signoff_approved"], dc.approved_by or "—", "—", L["unsigned"]],
        ]
        assert signature_lines(document) == [0]  # nothing to sign on in a draft
        assert L["unsigned_note"] in docx2python(str(built / "docx" / f"{role_id}.docx")).text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[-1].endswith(L["approval"])


@pytest.mark.parametrize("role_id", sorted(ROLES))
def test_a_draft_role_has_a_watermark_in_its_header_and_an_approved_one_none(built, role_id):
    status = ROLES[role_id].document_control.status
    [header] = header_xml(built / "docx" / f"{role_id}.docx")
    shapes = watermarks(header)
    if status == "approved":
        assert shapes == []
        return
    [shape] = shapes
    assert shape.get("id").startswith("PowerPlusWaterMarkObject")
    assert shape.get("type") == "#_x0000_t136"
    style = dict(item.split(":", 1) for item in shape.get("style").split(";"))
    assert style["rotation"] == "315" and int(style["z-index"]) < 0  # diagonal, behind the text
    assert style["mso-position-horizontal"] == style["mso-position-vertical"] == "center"
    [path] = shape.findall(f"{{{V}}}textpath")
    assert path.get("string") == L[f"mark_{status}"]
    shapetype = etree.fromstring(header).find(f".//{{{V}}}shapetype")
    assert shapetype.get("id") == "_x0000_t136"


def test_handbook_watermarks_every_draft_roles_section_and_no_other(built):
    headers = header_xml(built / "docx" / "handbook.docx")
    marked = [h for h in headers if watermarks(h)]
    assert len(marked) == len(DRAFTS)
    ids = [watermarks(h)[0].get("id") for h in marked]
    assert len(set(ids)) == len(ids)  # each shape its own id
    texts = ["".join(etree.fromstring(h).itertext()) for h in marked]
    assert all(ROLES[i].document_control.number in "".join(texts) for i in DRAFTS)


def test_acknowledgement_page_is_off_in_the_sample(built):
    for name in [*ROLES, "handbook"]:
        assert L["acknowledgement"] not in docx2python(str(built / "docx" / f"{name}.docx")).text
    assert L["acknowledgement"] not in (built / "html" / f"{DRAFTS[0]}.html").read_text("utf-8")


@pytest.fixture(scope="module")
def acknowledged(tmp_path_factory) -> Path:
    """Returns the output of the sample built with the acknowledgement page switched on."""
    root = tmp_path_factory.mktemp("ack") / "handbook"
    root.mkdir()
    shutil.copy(REPO / "handbook.yaml", root)
    shutil.copytree(REPO / "roles", root / "roles")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "library", root / "library")
    edit(root / "handbook.yaml", "acknowledgement_page: false", "acknowledgement_page: true")
    out = root.parent / "out"
    assert main(["build", "--root", str(root), "--output", str(out), "--no-cache"]) == 0
    return out


@pytest.mark.parametrize("role_id", sorted(ROLES))
def test_acknowledgement_page_when_switched_on(acknowledged, role_id):
    role = ROLES[role_id]
    document = docx.Document(str(acknowledged / "docx" / f"{role_id}.docx"))
    body = document.element.body
    breaks = body.findall(f".//{qn('w:br')}[@{qn('w:type')}='page']")
    assert len(breaks) == 1
    after = breaks[0].getparent().getparent().itersiblings()
    following = [
        "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in after if p.tag == qn("w:p")
    ]
    assert following[0].endswith(L["acknowledgement"])  # the page opens on its heading
    assert role.document_control.number in following[1]
    assert L["acknowledgement_holder_text"] in following
    assert L["acknowledgement_supervisor_text"] in following
    approval, holder, supervisor = signoff_tables(document)
    assert holder[1][0] == L["acknowledgement_holder"]
    assert supervisor[1][0] == L["acknowledgement_supervisor"]
    if role.document_control.status == "approved":
        assert holder[1][1:] == supervisor[1][1:] == ["", "", ""]
        assert signature_lines(document) == [3, 3, 3]  # name, date and signature by hand
    else:
        assert holder[1][3] == supervisor[1][3] == L["unsigned"]
    page = html.fromstring((acknowledged / "html" / f"{role_id}.html").read_bytes())
    [brk] = page.xpath("//div[@class='page-break']")
    assert brk.getnext().text_content().endswith(L["acknowledgement"])
    assert len(page.xpath("//table[@class='signoff']")) == 3


def test_handbook_has_its_control_page_after_the_cover(built):
    text = docx2python(str(built / "docx" / "handbook.docx")).text
    control = text[text.index(L["handbook_control"]) : text.index(L["contents"])]
    for rev in SETTINGS.revision_history:
        assert rev.changes in control and date(rev.date) in control
    hc = SETTINGS.document_control
    assert hc.drafted_by in control and hc.reviewed_by in control
    document = docx.Document(str(built / "docx" / "handbook.docx"))
    tables = signoff_tables(document)
    assert tables[0][1][:2] == [L["signoff_drafted"], hc.drafted_by]
    assert len(tables) == 1 + len(ROLES)  # the handbook's, then each role's


def front_headers(path: Path) -> list[str]:
    """Returns the text of the page headers of the front matter and department pages."""
    document = docx.Document(str(path))
    numbers = {r.document_control.number for r in ROLES.values()}
    texts = [s.header.paragraphs[0].text for s in document.sections]
    return [t for t in texts if not any(n in t for n in numbers)]


def test_every_front_matter_page_says_draft_while_a_role_is(built):
    headers = front_headers(built / "docx" / "handbook.docx")
    departments = len({r.department for r in ROLES.values()})
    assert len(headers) == 4 + departments  # cover, control, contents, org chart
    assert all(h.startswith(L["mark_draft"]) for h in headers)
    index = html.fromstring((built / "html" / "index.html").read_bytes())
    assert index.xpath("//p[@class='mark']/text()") == [L["mark_draft"]]
    assert index.xpath("//table[@class='signoff']")


def approve_everything(project: Path) -> None:
    """Approves the handbook and every role of the project (with an approver each)."""
    for path in (project / "roles").glob("*.yaml"):
        text = path.read_text("utf-8")
        text = re.sub(r"status: \w+", "status: approved", text)
        text = re.sub(r"approved_by:\s*\n", "approved_by: 总经理\n", text)
        path.write_text(text, "utf-8")
    edit(project / "handbook.yaml", "status: draft", "status: approved")
    edit(project / "handbook.yaml", "approved_by:\n", "approved_by: 总经理\n")


def test_an_approved_handbook_has_no_mark_and_a_signed_block(cli, project, tmp_path):
    approve_everything(project)
    out = build(cli, project, tmp_path)
    assert not any(L["mark_draft"] in h for h in front_headers(out / "docx" / "handbook.docx"))
    document = docx.Document(str(out / "docx" / "handbook.docx"))
    handbook_block = signoff_tables(document)[0]
    signed = date(SETTINGS.effective_date)
    assert handbook_block[3] == [L["signoff_approved"], "总经理", signed, ""]
    assert not any(watermarks(h) for h in header_xml(out / "docx" / "handbook.docx"))
    index = html.fromstring((out / "html" / "index.html").read_bytes())
    assert index.xpath("//p[@class='mark']") == []


def test_the_handbook_alone_a_draft_marks_the_front_matter(cli, project, tmp_path):
    approve_everything(project)
    edit(project / "handbook.yaml", "status: approved", "status: review")
    out = build(cli, project, tmp_path)
    headers = front_headers(out / "docx" / "handbook.docx")
    assert all(h.startswith(L["mark_review"]) for h in headers)
    text = docx2python(str(out / "docx" / "handbook.docx")).text
    assert f"{L['status']}\n\n{L['status_review']}" in text  # the cover's status row


@pytest.mark.parametrize("role_id", sorted(ROLES))
def test_role_page_shows_the_approval_block(built, role_id):
    page = html.fromstring((built / "html" / f"{role_id}.html").read_bytes())
    [table] = page.xpath("//table[@class='signoff']")
    rows = table.xpath(".//tr")
    assert [c.text_content() for c in rows[0]] == COLUMNS
    assert [r[0].text_content() for r in rows[1:]] == [
        L["signoff_drafted"],
        L["signoff_reviewed"],
        L["signoff_approved"],
    ]
    if ROLES[role_id].document_control.status == "approved":
        assert len(table.xpath(".//td[@class='line']")) == 3
    else:
        assert [c.text for c in table.xpath(".//td[@class='unsigned']")] == [L["unsigned"]] * 3


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "acknowledgement_page: yes",
            "handbook.yaml:{n}:23: error: 'yes' is not true or false; write true to switch it on",
        ),
        (
            "acknowledgement_page: true\ndocument_control:\n  status: signed",
            "handbook.yaml:{n2}:11: error: 'signed' is not one of draft, review, approved, retired",
        ),
        (
            "revision_history:\n  - version: '1.0'\n    date: 2026-02-30\n    author: HR\n"
            "    changes: x",
            "handbook.yaml:{n2}:11: error: '2026-02-30' is not a real date: day is out of "
            "range for month",
        ),
    ],
)
def test_bad_signoff_settings_are_one_line_each(cli, project, line, message):
    settings = project / "handbook.yaml"
    text = settings.read_text("utf-8")
    for key in ("document_control", "revision_history", "acknowledgement_page"):
        text = re.sub(rf"(?ms)^{key}:.*?(?=^[a-z#]|\Z)", "", text)  # drop the sample's own
    settings.write_text(text + line + "\n", "utf-8")
    n = len(text.splitlines()) + 1
    result = cli("check", "--root", project)
    assert result.code == 1
    errors = [e for e in result.err.splitlines() if "error:" in e]
    assert errors == [message.format(n=n, n2=n + 2)]


@pytest.mark.external
def test_libreoffice_prints_the_watermark_on_every_page_of_a_draft_role(built, tmp_path):
    """The watermark is drawn (pale silver pixels) on every page of a draft role and on none of
    an approved one. LibreOffice exports it as outlines, not text: pdftotext finds the header's
    mark on each draft page, not the watermark's text."""
    clients.need("soffice", "libreoffice-writer-nogui")
    for role_id in sorted(ROLES):
        pdf = clients.docx_to_pdf(built / "docx" / f"{role_id}.docx", tmp_path)
        pages = clients.pdf_pages_text(pdf)
        draft = role_id in DRAFTS
        for number, page in enumerate(pages, start=1):
            width, height, pixels = clients.pdf_page_rgb(pdf, number)
            silver = pixels.count(b"\xdf\xdf\xdf")  # silver at half opacity over white
            assert (silver > 3000) == draft, (role_id, number, silver)
            first = page.strip().splitlines()[0].strip()
            assert first.startswith(L["mark_draft"]) == draft, (role_id, number)
        unsigned = [p.count(L["unsigned"]) for p in pages if L["unsigned"] in p]
        assert unsigned == ([3] if draft else [])  # the whole block on one page


@pytest.mark.external
def test_libreoffice_prints_the_acknowledgement_on_a_page_of_its_own(acknowledged, tmp_path):
    clients.need("soffice", "libreoffice-writer-nogui")
    role_id = APPROVED[0]
    pdf = clients.docx_to_pdf(acknowledged / "docx" / f"{role_id}.docx", tmp_path)
    pages = [re.sub(r"\s+", "", p) for p in clients.pdf_pages_text(pdf)]
    holder_text = re.sub(r"\s+", "", L["acknowledgement_holder_text"])
    [page] = [p for p in pages if holder_text in p]
    assert page is pages[-1]
    assert re.sub(r"\s+", "", L["acknowledgement_supervisor_text"]) in page
    assert re.sub(r"\s+", "", L["approval"]) not in page  # the approval block is before it
