"""Make the README's pictures: docs/html-handbook.png, docs/html-role-phone.png and
docs/word-handbook-page.png.

It builds the sample handbook into a temporary folder, photographs the HTML handbook in Debian's
Chromium (headless, through Playwright) and converts handbook.docx with LibreOffice to PDF, of
which pdftoppm renders the first page of the first draft role. It needs what the tests need
(`pip install -e '.[test]'`, chromium, libreoffice-writer-nogui, poppler-utils)::

    .venv/bin/python tools/screenshots.py
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
sys.path.insert(0, str(REPO / "tests"))

import clients  # noqa: E402  (tests/clients.py: the same Chromium and LibreOffice as the tests)

from rolebook.build import pipeline  # noqa: E402


def photograph_html(output: Path) -> list[Path]:
    """Returns the screenshots taken of the HTML handbook in `output`: the index at 1280 px
    with a search under way, and a draft role on a 375 px phone."""
    shots = [DOCS / "html-handbook.png", DOCS / "html-role-phone.png"]
    with clients.serve(output) as base, clients.chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 820})
        page.goto(base + "html/index.html")
        page.fill("#search-input", "客户")
        page.screenshot(path=str(shots[0]))
        phone = browser.new_page(viewport={"width": 375, "height": 740}, device_scale_factor=1)
        phone.goto(base + "html/vip-department-manager.html")
        phone.screenshot(path=str(shots[1]))
    return shots


def photograph_word(output: Path, workdir: Path) -> Path:
    """Returns the PNG of the handbook's page where the first draft role starts, as
    LibreOffice prints it."""
    pdf = clients.docx_to_pdf(output / "docx" / "handbook.docx", workdir)
    pages = clients.pdf_pages_text(pdf)
    number = next(
        i
        for i, text in enumerate(pages, 1)
        if text.strip().startswith("草稿") and re.search(r"\.\d+-1\s*$", text)
    )
    png = clients.pdf_page_png(pdf, number, workdir / "page", dpi=60)
    target = DOCS / "word-handbook-page.png"
    shutil.copyfile(png, target)
    return target


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rolebook-shots-") as tmp:
        output = Path(tmp) / "output"
        pipeline.build(REPO, output)
        made = [*photograph_html(output), photograph_word(output, Path(tmp))]
    for path in made:
        print(f"wrote {path.relative_to(REPO)} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
