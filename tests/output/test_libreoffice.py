"""The Word output as a real word processor lays it out: LibreOffice (headless) converts each
.docx to PDF once, and poppler reads the pages back (pdftotext, pdffonts, pdftoppm).

These tests see what a reader sees on paper: page headers (with the draft mark on draft roles),
"第 X 页，共 Y 页" and the uncontrolled-copy note on every page, the handbook's cover and
contents whose page labels match where each role starts on a new page, lists numbered from 1,
and Chinese text set in an embedded CJK font.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from pathlib import Path

import clients
import pytest
from conftest import REPO, handbook_numbers
from ruamel.yaml import YAML

from rolebook.check import gather
from rolebook.cli import main
from rolebook.load import library
from rolebook.model.schema import Role

pytestmark = pytest.mark.external  # LibreOffice and poppler

PROJECT = gather.load(REPO)
# As the documents print them: with the library's items in place of references.
ROLES = {role.id: role for role in library.resolved_roles(PROJECT)}
SETTINGS = PROJECT.settings
LANG = PROJECT.settings.language
# Each role's group in the handbook: its organisation and department ("证券营业部 · 客户服务部").
GROUPS = {
    r.id: f"{org.name.zh} · {r.department}"
    for org in SETTINGS.organisations
    for r in ROLES.values()
    if r.organisation == org.id
}
LABELS_ALL = YAML(typ="safe").load((REPO / "templates" / "labels.yaml").read_text("utf-8"))
LABELS = LABELS_ALL[LANG]
TEXT_HEIGHT = (16838 - 2 * 1440) / 20  # points: A4 less the reference's top and bottom margins
PDF_NAMES = [*ROLES, "handbook"]
# The front matter carries the draft mark while the handbook, or a role in it, is not approved.
HANDBOOK_DRAFT = SETTINGS.document_control.status != "approved" or any(
    r.document_control.status != "approved" for r in ROLES.values()
)
CJK_FONT = re.compile(r"CJK|Song|Hei|Noto ?Sans ?SC|Noto ?Serif ?SC", re.IGNORECASE)


def squash(text: str) -> str:
    """Returns `text` without any whitespace (pdftotext spaces out CJK next to Latin letters:
    "VIP 专员")."""
    return re.sub(r"\s+", "", text)


def lines_of(page: str) -> list[str]:
    """Returns the page's non-blank lines, whitespace removed."""
    return [squash(line) for line in page.splitlines() if line.strip()]


def title_of(role) -> str:
    return role.title.en if LANG == "en" else role.title.zh


def printed_date(value, labels: dict | None = None) -> str:
    """Returns a date the way the templates print it (labels.yaml date_format)."""
    return (labels or LABELS)["date_format"].format(
        y=value.year, m=value.month, d=value.day, month=calendar.month_name[value.month]
    )


def page_x_of_y(x: int, y: int) -> str:
    return squash(f"{LABELS['page_before']}{x}{LABELS['page_middle']}{y}{LABELS['page_after']}")


@pytest.fixture(scope="module")
def pdfs(built, tmp_path_factory) -> dict[str, Path]:
    """Returns {name: PDF} of each role's .docx and of handbook.docx, converted once."""
    clients.need("soffice", "libreoffice-writer-nogui")
    outdir = tmp_path_factory.mktemp("pdf")
    sources = sorted((built / "docx").glob("*.docx"))
    assert sorted(p.stem for p in sources) == sorted(PDF_NAMES)
    return {source.stem: clients.docx_to_pdf(source, outdir) for source in sources}


@pytest.fixture(scope="module")
def pages(pdfs) -> dict[str, list[str]]:
    """Returns {name: the text of each page} of every PDF."""
    clients.need("pdftotext", "poppler-utils")
    return {name: clients.pdf_pages_text(pdf) for name, pdf in pdfs.items()}


def header_mark(role: Role | None) -> str:
    """Returns the lifecycle mark a page header starts with: "" for an approved role."""
    if role is None or role.document_control.status == "approved":
        return ""
    return LABELS[f"mark_{role.document_control.status}"]


MARKS = [LABELS[f"mark_{s}"] for s in ("draft", "review", "retired")]


def check_role_header(where: str, header: str, role: Role) -> None:
    """Asserts that a page header is the role's: its mark exactly when it is not approved,
    then its document number, version and effective date."""
    dc = role.document_control
    mark = header_mark(role)
    assert header.startswith(mark) if mark else not any(header.startswith(m) for m in MARKS), (
        f"{where}: header {header!r} and status {dc.status}"
    )
    for part in (
        f"{LABELS['header_document_number']}：{dc.number}",
        f"{LABELS['version']}：{dc.version}",
    ):
        assert part in header, f"{where}: {part!r} not in header {header!r}"
    # The date is the header's last field: on its first line, the header is one line.
    date = f"{LABELS['header_effective_date']}：{squash(printed_date(dc.effective_date))}"
    assert header.endswith(date), f"{where}: header {header!r} is not one line ending {date!r}"


@pytest.mark.parametrize("role_id", ROLES)
def test_every_role_page_has_header_mark_page_x_of_y_and_the_uncontrolled_note(pages, role_id):
    """Every printed page of a role starts with its version header (with 草稿 first exactly
    when the role is not approved) and ends with "受控文件，打印件不受控", "第 X 页，共 Y
    页", X its page number and Y the PDF's page count, and the page's label in the handbook
    ("2.1-X"): the fields really work."""
    texts = pages[role_id]
    assert texts, f"{role_id}.pdf has no pages"
    d, k = handbook_numbers(ROLES.values())[role_id]
    for number, page in enumerate(texts, 1):
        lines = lines_of(page)
        assert lines, f"{role_id}.pdf page {number} is blank"
        check_role_header(f"{role_id}.pdf page {number}", lines[0], ROLES[role_id])
        assert (
            lines[-1]
            == squash(LABELS["uncontrolled"])
            + page_x_of_y(number, len(texts))
            + f"{d}.{k}-{number}"
        ), f"{role_id}.pdf page {number} footer {lines[-1]!r}"


def test_a_role_prints_the_pages_it_has_in_the_handbook(pages):
    """A role's PDF is page for page its part of the handbook's PDF."""
    handbook = pages["handbook"]
    labels = [page_label(page) for page in handbook]
    for role_id, (d, k) in handbook_numbers(ROLES.values()).items():
        own = [
            page
            for page, label in zip(handbook, labels, strict=True)
            if label and label[0] == f"{d}.{k}"
        ]
        assert [lines_of(p) for p in pages[role_id]] == [lines_of(p) for p in own], role_id


def page_label(page: str) -> tuple[str, int] | None:
    """Returns the label a handbook page's footer ends with, ("2.1", 3) for "2.1-3", if any."""
    found = re.search(r"(\d+(?:\.\d+)*)-(\d+)$", lines_of(page)[-1])
    return (found[1], int(found[2])) if found else None


def test_handbook_pages_have_header_mark_page_x_of_y_and_the_uncontrolled_note(pages):
    """Every page of handbook.pdf ends with the uncontrolled-copy note. The cover has no page
    number; nor do the contents; the org chart's, each department's and each role's pages are
    labelled "1-X", "2-X", "2.1-X"…, and a role's pages count the role's pages ("第 X 页，共 Y
    页", X = the label's X), the handbook's own pages none. Each role's pages carry that role's
    header, with the draft mark exactly on the pages of roles not approved; the other pages
    carry the handbook's header, with the mark exactly while the handbook (or a role in it) is
    not approved."""
    texts = pages["handbook"]
    by_number = {f"{d}.{i}": ROLES[r] for r, (d, i) in handbook_numbers(ROLES.values()).items()}
    labels = [page_label(page) for page in texts]
    totals = {}
    for label in filter(None, labels):
        totals[label[0]] = max(totals.get(label[0], 0), label[1])
    assert lines_of(texts[0])[-1] == squash(LABELS["uncontrolled"]), "cover footer"
    for number, (page, label) in enumerate(zip(texts, labels, strict=True), 1):
        lines = lines_of(page)
        assert lines[-1].startswith(squash(LABELS["uncontrolled"])), f"page {number} footer"
        if number == 1:
            continue
        role = by_number.get(label[0]) if label else None
        if role is None:
            marked = any(lines[0].startswith(m) for m in MARKS)
            assert marked == HANDBOOK_DRAFT, f"page {number}: {lines[0]}"
            assert SETTINGS.document_number in lines[0], f"page {number}: {lines[0]}"
            date = squash(printed_date(SETTINGS.effective_date))
            assert lines[0].endswith(date), f"page {number}: header {lines[0]!r} wraps"
        else:
            check_role_header(f"handbook page {number}", lines[0], role)
        if role is not None:
            assert page_x_of_y(label[1], totals[label[0]]) in lines[-1], f"page {number}"
        else:  # the handbook's own pages: front matter, counted by no "page X of Y"
            assert squash(LABELS["page_middle"]) not in lines[-1], f"page {number}"
    departments = {str(d) for d, _ in handbook_numbers(ROLES.values()).values()}
    assert sorted(totals) == sorted(["1", *departments, *by_number]), totals


def test_handbook_contents_show_the_pages_where_the_roles_start(pages):
    """The contents (page 3, after the cover and the document control) list the org chart,
    each department and each role with its number and the label of its first page; that page is
    where the department's or role's numbered title is printed, right under the header, on a
    new page: the page before it belongs to another part."""
    texts = pages["handbook"]
    contents = lines_of(texts[2])
    labels = [page_label(page) for page in texts]
    expected = {f"1{LABELS['org_chart']}": "1-1"}
    for role_id, (d, i) in handbook_numbers(ROLES.values()).items():
        role = ROLES[role_id]
        expected[f"{d}.{i}{squash(title_of(role))}"] = f"{d}.{i}-1"
        expected[f"{d}{squash(GROUPS[role_id])}"] = f"{d}-1"
    for entry, page in expected.items():
        line = next((x for x in contents if x.startswith(entry)), None)
        assert line is not None, f"contents have no {entry!r}: {contents}"
        assert re.fullmatch(re.escape(entry) + r"\.*" + re.escape(page), line), line
        number, _, x = page.rpartition("-")
        at = labels.index((number, int(x)))
        assert labels[at - 1] is None or labels[at - 1][0] != number, f"{entry} starts mid-page"
        heading = re.sub(r"^\d+(\.\d+)?", "", entry) if "." not in entry else entry
        top = lines_of(texts[at])[1:4]
        assert any(line.endswith(heading) for line in top), f"{entry} not at the top: {top}"
    assert len([x for x in contents if re.search(r"\d-1$", x)]) == len(expected)


def test_cover_shows_the_handbook_document_control(pages):
    """The cover (page 1) shows the handbook's title, organisation, document number, version,
    effective date and status."""
    cover = squash(pages["handbook"][0])
    for value in (
        SETTINGS.title,
        SETTINGS.organisation,
        SETTINGS.document_number,
        SETTINGS.version,
        printed_date(SETTINGS.effective_date),
        LABELS["status_draft"],
    ):
        assert squash(value) in cover, value


@pytest.mark.parametrize("role_id", ROLES)
def test_ordered_lists_are_printed_from_1(pages, role_id):
    """Each ordered list (duties, principles, precautions) is printed 1., 2., 3.… from 1 in the
    role's PDF, never continuing the previous list's numbers."""
    text = squash("".join(pages[role_id]))
    role = ROLES[role_id]
    lists = [role.duties, [f"{p.name}：{p.rule}" for p in role.principles], role.precautions]
    for items in lists:
        for i, item in enumerate(items, 1):
            start = squash(item)[:12]
            assert f"{i}.{start}" in text, f"item {i} of a list is not numbered {i}: {start}"


@pytest.mark.parametrize("name", PDF_NAMES)
def test_a_cjk_font_is_embedded(pdfs, name):
    """The PDF embeds a CJK font, so the Chinese text prints the same anywhere."""
    clients.need("pdffonts", "poppler-utils")
    fonts = clients.pdf_fonts(pdfs[name], embedded_only=True)
    assert [f for f in fonts if CJK_FONT.search(f)], f"no embedded CJK font in {fonts}"


@pytest.fixture(scope="module")
def english_handbook(tmp_path_factory) -> Path:
    """Returns the PDF of the handbook built in English (`build --lang en`)."""
    out = tmp_path_factory.mktemp("english") / "output"
    assert (
        main(["build", "--root", str(REPO), "--output", str(out), "--no-cache", "--lang", "en"])
        == 0
    )
    return clients.docx_to_pdf(out / "docx" / "handbook.docx", out.parent / "pdf")


def test_english_page_headers_are_one_line(english_handbook):
    """In English too, every page's header (but the cover's, the draft mark alone) is one
    line: its first line ends with the effective date, the header's last field, even for the
    longest role title."""
    labels = LABELS_ALL["en"]
    dates = {
        squash(printed_date(r.document_control.effective_date, labels)) for r in ROLES.values()
    }
    dates.add(squash(printed_date(SETTINGS.effective_date, labels)))
    texts = clients.pdf_pages_text(english_handbook)
    for number, page in enumerate(texts[1:], 2):
        header = lines_of(page)[0]
        assert any(header.endswith(d) for d in dates), f"page {number}: header {header!r} wraps"


@pytest.fixture(scope="module")
def bilingual_pages(tmp_path_factory) -> list[str]:
    """Returns the text of each page of the handbook built in both languages, with the
    sample's translations (`build --lang zh-CN+en`)."""
    out = tmp_path_factory.mktemp("bilingual") / "output"
    argv = ["build", "--root", str(REPO), "--output", str(out), "--no-cache", "--lang", "zh-CN+en"]
    assert main(argv) == 0
    return clients.pdf_pages_text(clients.docx_to_pdf(out / "docx/handbook.docx", out.parent))


def test_bilingual_page_headers_are_one_line(bilingual_pages):
    """The bilingual handbook's page headers are in Chinese only, and stay on one line."""
    dates = {squash(printed_date(r.document_control.effective_date)) for r in ROLES.values()}
    dates.add(squash(printed_date(SETTINGS.effective_date)))
    for number, page in enumerate(bilingual_pages[1:], 2):
        header = lines_of(page)[0]
        assert any(header.endswith(d) for d in dates), f"page {number}: header {header!r} wraps"


def test_a_bilingual_item_prints_its_english_on_the_line_after_its_chinese(bilingual_pages):
    lines = [line for page in bilingual_pages for line in lines_of(page)]
    chinese = lines.index(squash("5.其他服务内容：未明确内容可及时做到补充。"))
    assert lines[chinese + 1].startswith(squash("Other services: anything not set out"))
    heading = lines.index(squash("2.1.5岗位职责"))
    assert lines[heading + 1] == "Duties"


def test_revision_dates_are_printed_on_one_line(pages, english_handbook):
    """A date in the handbook's revision history is never broken over two lines ("27
    November" / "2026"), in Chinese or in English."""
    english = lines_of(clients.pdf_pages_text(english_handbook)[1])
    chinese = lines_of(pages["handbook"][1])
    for revision in SETTINGS.revision_history:
        for labels, lines in ((LABELS, chinese), (LABELS_ALL["en"], english)):
            date = squash(printed_date(revision.date, labels))
            assert any(date in line for line in lines), f"{date!r} is broken: {lines}"


def test_the_org_chart_fills_most_of_its_page(pdfs):
    """The handbook's first org chart (one per organisation, a page each), from under its
    heading to its lowest box, takes more than half the page's text height (it once filled only
    the top fifth); the caption follows the last chart."""
    pdf = pdfs["handbook"]
    heading, caption = LABELS["org_chart"].split()[-1], LABELS["org_chart_note_paper"]
    texts = clients.pdf_pages_text(pdf)
    for number in range(1, len(texts) + 1):
        words = clients.pdf_words(pdf, number)
        tops = [w[4] for w in words if w[0] == heading]
        if tops:
            footer = min(w[2] for w in words if LABELS["uncontrolled"].startswith(w[0]))
            bottom = max(w[4] for w in words if tops[0] < w[2] < footer)
            assert bottom - tops[0] > TEXT_HEIGHT / 2, (bottom, tops[0], TEXT_HEIGHT)
            last = number + len(SETTINGS.organisations) - 1
            assert squash(caption) in squash(texts[last - 1]), f"page {last}: no caption"
            return
    raise AssertionError(f"no page has the heading {heading!r}")


def latin_words(value) -> set[str]:
    """Returns every word in Latin letters of the texts in `value` (a role, settings, labels)."""
    if dataclasses.is_dataclass(value):
        value = [getattr(value, f.name) for f in dataclasses.fields(value)]
    elif isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return set().union(*(latin_words(v) for v in value))
    return set(re.findall(r"[A-Za-z]+", str(value)))


def test_latin_words_are_never_split_across_lines(pages):
    """Words in Latin letters (VIP, msn, Specialist…) are printed whole: every such word in the
    PDFs is a word of the role texts, settings or labels, never a piece like "V" + "IP" (as
    LibreOffice prints them when docDefaults mark Latin text zh-CN)."""
    known = latin_words([list(ROLES.values()), PROJECT.settings, LABELS])
    pieces = {}
    for name, texts in pages.items():
        for number, page in enumerate(texts, 1):
            for word in set(re.findall(r"[A-Za-z]+", page)) - known:
                pieces.setdefault(word, []).append(f"{name}.pdf p{number}")
    assert not pieces, f"Latin words broken into pieces: {pieces}"


def cell_fill(pdf: Path, word: str) -> tuple[int, int, int]:
    """Returns the colour printed 8 pt right of `word` (a whole pdftotext word, once on its
    page), at mid-height: the fill of the table cell holding it."""
    dpi = 144
    for number in range(1, len(clients.pdf_pages_text(pdf)) + 1):
        boxes = [b for b in clients.pdf_words(pdf, number) if b[0] == word]
        if boxes:
            assert len(boxes) == 1, f"{word!r} is {len(boxes)} times on page {number}"
            _, _, y_min, x_max, y_max = boxes[0]
            width, _, pixels = clients.pdf_page_rgb(pdf, number, dpi)
            x, y = round((x_max + 8) * dpi / 72), round((y_min + y_max) / 2 * dpi / 72)
            i = (y * width + x) * 3
            return tuple(pixels[i : i + 3])
    raise AssertionError(f"{word!r} is on no page of {pdf.name}")


def is_white(rgb) -> bool:
    return min(rgb) >= 250


@pytest.mark.parametrize("role_id", ROLES)
def test_table_header_rows_are_printed_shaded(pdfs, role_id):
    """The revision table's header row gets the table style's shading (checked on the
    rendered pixels, which also shows cell_fill really sees fills)."""
    rgb = cell_fill(pdfs[role_id], LABELS["revision_date"])
    assert not is_white(rgb) and max(rgb) < 240, rgb


def test_tables_without_header_row_print_their_first_row_plain(pdfs):
    """The document-control table has row headers only: its first row (the document number)
    is printed like the others, unshaded, not as a column-header row (as LibreOffice prints it
    when w:tblLook lacks its w:val bitmask)."""
    fills = {
        role_id: cell_fill(pdfs[role_id], role.document_control.number)
        for role_id, role in ROLES.items()
    }
    assert all(is_white(rgb) for rgb in fills.values()), fills


def test_handbook_first_page_renders_to_png(pdfs):
    """pdftoppm renders page 1 of the handbook to a PNG of real size (not a blank stub)."""
    clients.need("pdftoppm", "poppler-utils")
    pdf = pdfs["handbook"]
    png = clients.pdf_page_png(pdf, 1, pdf.with_name("handbook-page-1"))
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert 700 < width < height, (width, height)  # an A4-ish portrait page at 100 dpi
    assert len(data) > 20_000, f"{png} is only {len(data)} bytes"
