"""The Word output as a real word processor lays it out: LibreOffice (headless) converts each
.docx to PDF once, and poppler reads the pages back (pdftotext, pdffonts, pdftoppm).

These tests see what a reader sees on paper: page headers and "第 X 页，共 Y 页" on every page,
each role of the handbook starting on a new page, lists numbered from 1, and Chinese text set in
an embedded CJK font.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from pathlib import Path

import clients
import pytest
from conftest import REPO
from ruamel.yaml import YAML

from rolebook import project as project_module
from rolebook.schema import Role

PROJECT = project_module.load(REPO)
ROLES = {role.id: role for role in PROJECT.roles}
LANG = PROJECT.settings.language
LABELS = YAML(typ="safe").load((REPO / "templates" / "labels.yaml").read_text("utf-8"))[LANG]
PDF_NAMES = [*ROLES, "handbook"]
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


def printed_date(value) -> str:
    """Returns a date the way the templates print it (labels.yaml date_format)."""
    return LABELS["date_format"].format(y=value.year, m=value.month, d=value.day,
                                       month=calendar.month_name[value.month])


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


def role_at_top(page: str) -> Role | None:
    """Returns the role whose title (its h1) is the first line under the page header, if any."""
    lines = lines_of(page)
    top = lines[1] if len(lines) > 1 else ""
    return next((r for r in ROLES.values() if squash(title_of(r)) == top), None)


def header_role(page: str) -> Role:
    """Returns the one role whose document number is in the page's first line (its header)."""
    lines = lines_of(page)
    found = [r for r in ROLES.values() if lines and r.document_control.number in lines[0]]
    assert len(found) == 1, f"page header {lines[:1]} names {len(found)} roles"
    return found[0]


def roles_by_page(name: str, pages: list[str]) -> list[Role]:
    """Returns the role each page belongs to: the role of the file, or in the handbook the role
    whose title last started a page."""
    if name != "handbook":
        return [ROLES[name]] * len(pages)
    current, out = None, []
    for number, page in enumerate(pages, 1):
        current = role_at_top(page) or current
        assert current is not None, f"handbook page {number} comes before any role's title"
        out.append(current)
    return out


@pytest.mark.parametrize("name", PDF_NAMES)
def test_every_page_has_the_version_header_and_page_x_of_y(pages, name):
    """Every printed page starts with its role's version header (document number, version,
    effective date) and ends with "第 X 页，共 Y 页", X its page number and Y the PDF's page
    count: the PAGE and NUMPAGES fields really work in a word processor."""
    texts = pages[name]
    assert texts, f"{name}.pdf has no pages"
    total = len(texts)
    for number, (page, role) in enumerate(zip(texts, roles_by_page(name, texts), strict=True), 1):
        lines = lines_of(page)
        assert lines, f"{name}.pdf page {number} is blank"
        dc = role.document_control
        header = lines[0]
        for part in (f"{LABELS['document_number']}：{dc.number}",
                     f"{LABELS['version']}：{dc.version}",
                     f"{LABELS['effective_date']}：{squash(printed_date(dc.effective_date))}"):
            assert part in header, f"{name}.pdf page {number}: {part!r} not in header {header!r}"
        assert lines[-1] == page_x_of_y(number, total), f"{name}.pdf page {number} footer"


def test_handbook_starts_each_role_on_a_new_page(pages):
    """In the handbook each role's title heads a fresh page, and the page header switches from
    one role's document number to the next exactly at that page (never mid-role)."""
    texts = pages["handbook"]
    starts = {}
    for number, page in enumerate(texts, 1):
        role = role_at_top(page)
        if role is not None:
            assert role.id not in starts, f"{role.id} starts twice (pages {starts[role.id]}, "\
                                          f"{number})"
            starts[role.id] = number
    assert sorted(starts) == sorted(ROLES), f"roles whose title heads no page: {starts}"
    assert 1 in starts.values(), "the first page is not a role's first page"
    headers = [header_role(page) for page in texts]
    for number in range(2, len(texts) + 1):
        switched = headers[number - 1] is not headers[number - 2]
        assert switched == (number in starts.values()), \
            f"page {number}: header {headers[number - 1].id} after {headers[number - 2].id}"
    for role_id, number in starts.items():
        assert headers[number - 1].id == role_id


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
            return tuple(pixels[i:i + 3])
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
    fills = {role_id: cell_fill(pdfs[role_id], role.document_control.number)
             for role_id, role in ROLES.items()}
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
