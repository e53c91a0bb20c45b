"""The Word handbook's fields after an update, as Word users (and print policies) do: LibreOffice
opens handbook.docx through UNO, refreshes every field and updates every index, and exports a PDF
(tests/uno_update.py, run by Debian's /usr/bin/python3, which has python3-uno); pdftotext reads
the pages. The same checks run on the PDF of the file as built, without an update.

Every contents entry leads to the page where its heading is printed: the label it shows ("2.1-1")
is printed in the footer corner of that page and of no other; each role's "第 X 页，共 Y 页"
counts the role's own pages.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import clients
import pytest
from conftest import REPO
from ruamel.yaml import YAML

from rolebook.check import gather

pytestmark = pytest.mark.external  # LibreOffice through UNO, poppler

UNO_PYTHON = "/usr/bin/python3"  # Debian's python3-uno is importable by this one only
UPDATE_TIMEOUT = 300
LANG = gather.load(REPO).settings.language
LABELS = YAML(typ="safe").load((REPO / "templates" / "labels.yaml").read_text("utf-8"))[LANG]
# A contents line: the entry, dot leaders, the page label ("2.1-1").
CONTENTS_LINE = re.compile(r"(?P<entry>\S.*?)\.{3,}(?P<label>\d+(?:\.\d+)*-\d+)$")
FOOTER_LABEL = re.compile(r"(\d+(?:\.\d+)*)-(\d+)$")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def lines_of(page: str) -> list[str]:
    """Returns the page's non-blank lines, whitespace removed."""
    return [squash(line) for line in page.splitlines() if line.strip()]


def updated_pdf(docx: Path, outdir: Path) -> Path:
    """Returns the PDF that LibreOffice exports of `docx` after updating every field and index
    through UNO (tests/uno_update.py)."""
    clients.need("soffice", "libreoffice-writer-nogui")
    has_uno = subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    if has_uno.returncode != 0:
        clients.need("python3-uno-is-missing", "python3-uno")  # skips, or fails under CI
    pdf = outdir / f"{docx.stem}-updated.pdf"
    script = Path(__file__).parents[1] / "uno_update.py"
    code, out, err = clients.run_as_group(
        [UNO_PYTHON, str(script), str(docx), str(pdf)], UPDATE_TIMEOUT
    )
    assert code == 0 and pdf.is_file(), out + err
    return pdf


@pytest.fixture(scope="module", params=["updated", "as built"])
def handbook_pages(request, built, tmp_path_factory) -> list[str]:
    """Returns the text of each page of handbook.pdf, after a field update or as built."""
    outdir = tmp_path_factory.mktemp("fields")
    docx = built / "docx" / "handbook.docx"
    convert = updated_pdf if request.param == "updated" else clients.docx_to_pdf
    return clients.pdf_pages_text(convert(docx, outdir))


def contents(pages: list[str]) -> dict[str, str]:
    """Returns {entry: label} of every contents line, on the pages before the org chart's."""
    entries = {}
    for page in pages[1:]:
        lines = lines_of(page)
        if lines[-1].endswith("1-1"):  # the org chart's page, chapter 1
            break
        for line in lines:
            found = CONTENTS_LINE.fullmatch(line)
            if found:
                entries[found["entry"]] = found["label"]
    return entries


def footer_labels(pages: list[str]) -> list[str]:
    """Returns the label printed in each page's footer corner ("2.1-3"), "" where none is."""
    labels = []
    for page in pages:
        found = FOOTER_LABEL.search(lines_of(page)[-1])
        labels.append(found[0] if found else "")
    return labels


def test_every_contents_entry_leads_to_the_page_of_its_heading(handbook_pages):
    """Each entry's label is in the footer of exactly one page, and that page prints the
    entry's heading (its number and title); no entry shows a page number alone ("1")."""
    entries = contents(handbook_pages)
    labels = footer_labels(handbook_pages)
    assert len(entries) >= 3, entries
    assert not any(e[0].isdigit() and e.count(".") == 2 for e in entries), "level-3 entries"
    for entry, label in entries.items():
        assert labels.count(label) == 1, f"{entry}: label {label} on pages {labels}"
        page = lines_of(handbook_pages[labels.index(label)])
        title = re.sub(r"^\d+(\.\d+)*", "", entry)
        assert any(line.endswith(title) for line in page[1:5]), f"{entry} not on {label}: {page}"


def test_every_role_page_counts_the_roles_own_pages(handbook_pages):
    """A page labelled "2.1-X" says "第 X 页，共 Y 页", Y the number of pages labelled 2.1-…;
    the handbook's own pages (cover, contents, org chart, departments) print no page count."""
    labels = footer_labels(handbook_pages)
    parts = [label.rpartition("-")[0] for label in labels]
    for page, label, part in zip(handbook_pages, labels, parts, strict=True):
        footer = lines_of(page)[-1]
        if "." not in part:
            assert LABELS["page_before"].strip() not in footer, footer
            continue
        x, y = int(label.rpartition("-")[2]), parts.count(part)
        count = f"{LABELS['page_before']}{x}{LABELS['page_middle']}{y}{LABELS['page_after']}"
        assert squash(count) in footer, f"{label}: {footer}"
