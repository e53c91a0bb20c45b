"""`build --pdf`: LibreOffice converts the handbook in batches, pikepdf cuts out each role's pages.

What a reader gets: output/pdf/handbook.pdf and one PDF per role, whose pages are the role's
pages of the handbook (its footer labels, in order), titled and with the handbook's language;
two builds give the same bytes; an edited role converts one batch again, not the handbook; and
without LibreOffice a one-line error says how to install it, and the output stays as it was.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import clients
import pdftags
import pikepdf
import pytest
from conftest import REPO, edit, handbook_numbers

from rolebook.build import pdf, pipeline
from rolebook.check import gather
from rolebook.output import pdf_pages

pytestmark = pytest.mark.external  # LibreOffice and poppler, or builds in other processes

ROLES = [role.id for role in gather.load(REPO).roles]


def pdf_build(root: Path, output: Path, **options) -> dict[str, bytes]:
    """Returns the files of output/pdf/ after `build --pdf` of `root` into `output`."""
    clients.need("soffice", "libreoffice-writer-nogui")
    pipeline.build(root, output, **{"workers": 2, "pdf": True, **options})
    return {p.name: p.read_bytes() for p in sorted((output / "pdf").iterdir())}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """Returns the output folder and the PDFs of one --pdf build of the sample (no cache)."""
    out = tmp_path_factory.mktemp("pdf") / "output"
    return out, pdf_build(REPO, out, use_cache=False)


def labels(pdf: Path) -> list[str]:
    """Returns the footer label ("2.1-3") of each page of `pdf` that has one, "" otherwise."""
    found = [re.findall(r"\b\d+\.\d+-\d+\b", page) for page in clients.pdf_pages_text(pdf)]
    return [f[-1] if f else "" for f in found]


def test_every_pdf_is_written_and_linked(pdfs):
    out, files = pdfs
    assert sorted(files) == sorted([*(f"{r}.pdf" for r in ROLES), "handbook.pdf"])
    index = (out / "html" / "index.html").read_text("utf-8")
    assert 'href="../pdf/handbook.pdf"' in index
    for role in ROLES:
        assert f'href="../pdf/{role}.pdf"' in index
        assert f'href="../pdf/{role}.pdf"' in (out / "html" / f"{role}.html").read_text("utf-8")


def test_a_roles_pdf_is_its_pages_of_the_handbook(pdfs):
    out, _ = pdfs
    handbook = labels(out / "pdf" / "handbook.pdf")
    numbers = handbook_numbers(gather.load(REPO).roles)
    for role, (department, number) in numbers.items():
        prefix = f"{department}.{number}-"
        own = labels(out / "pdf" / f"{role}.pdf")
        # The contents list each role's first label too: its pages are the last "X.Y-1" on.
        first = len(handbook) - 1 - handbook[::-1].index(f"{prefix}1")
        in_handbook = [label for label in handbook[first:] if label.startswith(prefix)]
        assert own == in_handbook == [f"{prefix}{i}" for i in range(1, len(own) + 1)]
        role_text = clients.pdf_pages_text(out / "pdf" / f"{role}.pdf")
        handbook_text = clients.pdf_pages_text(out / "pdf" / "handbook.pdf")
        assert role_text == handbook_text[first : first + len(own)]


def test_title_and_language_are_set(pdfs):
    out, files = pdfs
    settings = gather.load(REPO).settings
    reader = pikepdf.open(io.BytesIO(files["handbook.pdf"]))
    assert str(reader.docinfo["/Title"]) == settings.title
    assert reader.open_metadata()["dc:title"] == settings.title
    assert reader.Root.Lang == settings.language
    info = subprocess.run(
        ["pdfinfo", str(out / "pdf" / "handbook.pdf")], capture_output=True, text=True
    ).stdout
    assert f"Title:           {settings.title}" in info
    assert "CreationDate" not in info  # no clock in the output


def test_every_pdf_is_tagged_and_pdfa(pdfs):
    out, files = pdfs
    for name, data in files.items():
        assert pdftags.problems(data) == [], name
        info = clients.pdf_info(out / "pdf" / name)
        assert info["Tagged"] == "yes", name
        fonts = clients.pdf_fonts(out / "pdf" / name)
        assert fonts == clients.pdf_fonts(out / "pdf" / name, embedded_only=True), name


def test_a_roles_structure_is_its_part_of_the_handbooks(pdfs):
    out, _ = pdfs
    handbook = clients.pdf_structure(out / "pdf" / "handbook.pdf")
    assert handbook[0] == "Document"
    joined = "\n".join(handbook)
    for role in ROLES:
        own = clients.pdf_structure(out / "pdf" / f"{role}.pdf")
        # A draft role's pages begin with its watermark (a Div), then its heading.
        assert own[0] == "Document" and "  H1 (block):" in own[1:3]
        # In the handbook, each batch is a Part: a role's elements are two levels down.
        assert "\n".join("  " + line for line in own[1:]) in joined, role


def test_outlines_lead_to_the_headings_pages(pdfs):
    out, files = pdfs
    numbers = handbook_numbers(gather.load(REPO).roles)
    handbook = labels(out / "pdf" / "handbook.pdf")
    entries = outline(files["handbook.pdf"])
    for role, (department, number) in numbers.items():
        page = entries[f"{department}.{number}"]
        assert handbook[page] == f"{department}.{number}-1"
        own = outline(files[f"{role}.pdf"])
        assert own[f"{department}.{number}"] == 0
        assert own[f"{department}.{number}.1"] == 0  # 文件控制, on the first page


def outline(data: bytes) -> dict[str, int]:
    """Returns the 0-based page of each outline entry of the PDF `data`, by its number."""
    pdf = pikepdf.open(io.BytesIO(data))
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    found = {}
    with pdf.open_outline() as tree:
        for item in tree.root:
            for entry in [item, *item.children]:
                found[entry.title.split(" ")[0]] = pages[entry.destination[0].objgen]
    return found


def test_a_bilingual_handbooks_pdfs_name_both_titles_and_the_first_language(tmp_path):
    files = pdf_build(REPO, tmp_path / "out", use_cache=False, lang="zh-CN+en")
    role = pikepdf.open(io.BytesIO(files["vip-specialist.pdf"]))
    assert str(role.docinfo["/Title"]) == "VIP专员 / VIP Specialist"
    assert role.Root.Lang == "zh-CN"
    assert pdftags.problems(files["handbook.pdf"]) == []


def test_two_builds_give_the_same_bytes_whatever_order_libreoffice_converts_in(pdfs, tmp_path):
    _, first = pdfs
    # One soffice converts both batches (front matter, department) in turn, where two shared
    # them: LibreOffice numbers the fonts it embeds in the order its run writes them.
    assert pdf_build(REPO, tmp_path / "again", use_cache=False, workers=1) == first


def test_one_role_edited_converts_one_batch(project, tmp_path, monkeypatch):
    converted = counted_conversions(monkeypatch)
    cut, joined = counted(monkeypatch, "split"), counted(monkeypatch, "join")
    rejoined: list[dict] = []
    real_rejoin = pdf.LastJoin.rejoin  # in a process of its own: counted here, where it is asked

    def rejoin(self, replacements):
        rejoined.append(replacements)
        return real_rejoin(self, replacements)

    monkeypatch.setattr(pdf.LastJoin, "rejoin", rejoin)
    first = pdf_build(project, tmp_path / "out")
    batches = sum(converted)
    assert batches == 1 + len({r.department for r in gather.load(project).roles})
    converted.clear(), cut.clear(), joined.clear()
    edit(project / "roles" / "vip-specialist.yaml", "duties:\n", "duties:\n  - 新增一条职责。\n")
    second = pdf_build(project, tmp_path / "out")
    assert sum(converted) == 1  # the specialist's department alone
    assert len(cut) == 1  # its batch is cut again, the others' pieces come from the cache
    assert joined == []  # the handbook is not joined again, nor the role's PDF: it is cut
    assert len(rejoined) == 1  # the handbook's batch is replaced in the last one joined
    assert second["vip-specialist.pdf"] != first["vip-specialist.pdf"]
    assert second["vip-department-manager.pdf"] == first["vip-department-manager.pdf"]
    converted.clear()
    assert pdf_build(project, tmp_path / "fresh", use_cache=False) == second
    assert sum(converted) == batches  # and the spliced handbook is what a full build gives


def test_a_batch_whose_cache_entry_is_damaged_is_converted_again(project, tmp_path, monkeypatch):
    pdf_build(project, tmp_path / "out")
    converted = counted_conversions(monkeypatch)
    read: list[str] = []
    real = pdf._cached

    def damaged(cache, key):  # the second batch kept fails its check when it is read
        read.append(key)
        return None if len(read) == 2 else real(cache, key)

    monkeypatch.setattr(pdf, "_cached", damaged)
    edit(project / "roles" / "vip-specialist.yaml", "duties:\n", "duties:\n  - 新增一条职责。\n")
    second = pdf_build(project, tmp_path / "out")
    assert converted == [1, 1]  # the specialist's batch, then the damaged one
    # The damaged batch is converted in a run of its own, where a fresh build converts it
    # after others: the same bytes all the same (see type1.renumber).
    assert second == pdf_build(project, tmp_path / "fresh", use_cache=False)


def counted_conversions(monkeypatch) -> list[int]:
    """Returns a list that gets, for each soffice process started, how many documents it
    converts."""
    converted: list[int] = []
    real = pdf._start_share

    def counting(program, documents, stack):
        converted.append(len(documents))
        return real(program, documents, stack)

    monkeypatch.setattr(pdf, "_start_share", counting)
    return converted


def counted(monkeypatch, name: str) -> list[object]:
    """Returns a list that gets, on each call of pdf_pages.`name`, its first argument."""
    calls: list[object] = []
    real = getattr(pdf_pages, name)

    def counting(first, *args):
        calls.append(first)
        return real(first, *args)

    monkeypatch.setattr(pdf_pages, name, counting)
    return calls


def test_without_libreoffice_nothing_is_lost(project, tmp_path):
    out = tmp_path / "out"
    run = [sys.executable, str(REPO / "build.py"), "build", "--root", str(project)]
    assert subprocess.run([*run, "--output", str(out)], capture_output=True).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty)}
    proc = subprocess.run(
        [*run, "--output", str(out), "--pdf"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "error: --pdf needs LibreOffice, and soffice is not on PATH; install it with: "
        f"{pdf.INSTALL} (or build without --pdf and `pdf: true`)"
    ]
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
