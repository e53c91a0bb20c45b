"""PDF: LibreOffice (headless) converts Word documents to PDF, each run in a folder of its own.

`convert` hands the documents to one soffice process per worker, each with its own profile
(-env:UserInstallation), so that parallel builds never share or lock a profile; each process
converts its whole share in one run, so LibreOffice starts once per worker and stays warm for
the rest of its list. Nothing here touches the output folder: the PDFs come back as bytes.
"""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rolebook.build.cache import Cache
from rolebook.build.jobs import HANDBOOK, plan
from rolebook.load.project import Project
from rolebook.model.errors import RolebookError
from rolebook.model.schema import Role
from rolebook.util.digest import digest, tool_digest

INSTALL = "apt-get install -y --no-install-recommends libreoffice-writer-nogui"
# Tagged PDF (structure for screen readers) and PDF/A-2b, as writer_pdf_Export offers them.
FILTER = (
    'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
    '"UseTaggedPDF":{"type":"boolean","value":"true"}}'
)
TIMEOUT = 1800  # seconds for one worker's whole share
BATCH = 10  # roles at most in one converted document (see batches)


class NoLibreOffice(RolebookError):
    """PDFs were asked for and LibreOffice's soffice is not on PATH."""


class ConversionFailed(RolebookError):
    """LibreOffice ran but wrote no PDF for a document."""


def soffice() -> str:
    """Returns the path of soffice; raises NoLibreOffice, saying how to install it, without."""
    program = shutil.which("soffice")
    if program is None:
        raise NoLibreOffice(
            f"--pdf needs LibreOffice, and soffice is not on PATH; install it with: {INSTALL} "
            "(or build without --pdf and `pdf: true`)"
        )
    return program


def converter_digest() -> str:
    """Returns a digest that changes when the installed LibreOffice does (its program's path,
    size and date), for the cache keys of converted documents."""
    program = Path(soffice()).resolve()
    real = (
        program.with_name("soffice.bin") if program.with_name("soffice.bin").exists() else program
    )
    info = real.stat()
    return digest(str(real), str(info.st_size), str(info.st_mtime_ns), FILTER)


def convert(documents: list[bytes], workers: int) -> list[bytes]:
    """Returns the PDF of each .docx in `documents`, in order, converted by up to `workers`
    LibreOffice processes; raises NoLibreOffice or ConversionFailed."""
    program = soffice()
    workers = max(1, min(workers, len(documents)))
    # Round robin over documents of similar sizes gives each worker a similar share.
    shares = [list(range(w, len(documents), workers)) for w in range(workers)]
    results: list[bytes] = [b""] * len(documents)
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        done = pool.map(
            lambda share: _convert_share(program, [documents[i] for i in share]), shares
        )
        for share, pdfs in zip(shares, done, strict=False):
            for i, pdf in zip(share, pdfs, strict=False):
                results[i] = pdf
    return results


def _convert_share(program: str, documents: list[bytes]) -> list[bytes]:
    """Returns the PDFs of `documents`, converted by one soffice run in a folder of its own."""
    if not documents:
        return []
    with tempfile.TemporaryDirectory(prefix="rolebook-pdf-") as tmp:
        folder = Path(tmp)
        names = [folder / f"d{i:05d}.docx" for i in range(len(documents))]
        for name, data in zip(names, documents, strict=False):
            name.write_bytes(data)
        _run(program, folder, names)
        pdfs = []
        for name in names:
            pdf = folder / "pdf" / f"{name.stem}.pdf"
            if not pdf.is_file() or pdf.stat().st_size == 0:
                raise ConversionFailed(f"LibreOffice ({program}) wrote no PDF for a document")
            pdfs.append(pdf.read_bytes())
        return pdfs


def _run(program: str, folder: Path, names: list[Path]) -> None:
    """Runs soffice over `names` with a profile in `folder`, writing into folder/pdf/."""
    command = [
        program,
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        FILTER,
        "--outdir",
        str(folder / "pdf"),
        *map(str, names),
    ]
    # soffice is a wrapper around soffice.bin: on a timeout its whole process group goes.
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ConversionFailed(
            f"LibreOffice took more than {TIMEOUT} s to convert to PDF"
        ) from None


@dataclass(frozen=True)
class Piece:
    """One piece of the handbook: its number, the heading number it starts with (None for the
    front matter) and its role, if it is one's section."""

    number: int
    label: str | None
    role: Role | None = None


def handbook_pieces(project: Project) -> list[Piece]:
    """Returns the pieces of handbook.docx in the handbook's order, with their labels."""
    pieces = [Piece(0, None)]
    in_department = 0
    for job in plan(project):
        if HANDBOOK not in job.pieces or job.number == 0:
            continue
        if job.role is None:
            in_department = 0
            pieces.append(Piece(job.number, str(job.department + 1)))  # chapter 1: the org chart
        else:
            in_department += 1
            label = f"{pieces[-1].label.split('.')[0]}.{in_department}"  # type: ignore[union-attr]
            pieces.append(Piece(job.number, label, job.role))
    return sorted(pieces, key=lambda p: p.number)


def batches(pieces: list[Piece]) -> list[list[Piece]]:
    """Returns the pieces grouped into the documents LibreOffice converts: the front matter
    alone, then each department's title page and roles, BATCH roles at most to a document.

    A batch is converted again only when one of its pieces changed, so an edited role costs
    the conversion of its batch; and batches are cut by department, so a new role shifts the
    batches of its own department only.
    """
    groups: list[list[Piece]] = []
    for piece in pieces:
        new_department = piece.role is None
        if new_department or len(groups[-1]) >= BATCH:
            groups.append([])
        groups[-1].append(piece)
    return groups


def pdf_files(
    project: Project,
    pieces: dict[int, bytes],
    assemble: Callable[[list[bytes]], bytes],
    workers: int,
    cache: Cache | None,
) -> dict[str, bytes]:
    """Returns pdf/handbook.pdf and pdf/<role-id>.pdf: the handbook's pieces (`pieces`, by
    number) assembled into batches by `assemble`, converted where `cache` has no PDF of the
    very same batch, and cut into each role's pages."""
    assert project.settings is not None
    converted = converted_batches(
        batches(handbook_pieces(project)), pieces, assemble, workers, cache
    )
    lang = project.settings.language
    files = {
        "pdf/handbook.pdf": joined(
            [pdfs["batch"] for _, pdfs in converted], project.settings.title, lang, cache
        )
    }
    for group, pdfs in converted:
        for piece in group:
            if piece.role is not None:
                title = piece.role.title.en if lang == "en" else piece.role.title.zh
                files[f"pdf/{piece.role.id}.pdf"] = joined(
                    [pdfs[str(piece.number)]], title, lang, cache
                )
    return files


def joined(pdfs: list[bytes], title: str, lang: str, cache: Cache | None) -> bytes:
    """Returns pdf_pages.join of `pdfs`, from `cache` when the very same PDFs were joined
    under the same title and language before: pypdf's join costs far more than LibreOffice's
    conversion of a batch, so an edited role joins again its own PDF and the handbook only."""
    key = digest("pdf-join", tool_digest(), title, lang, *pdfs)
    found = None if cache is None else cache.get(key, _no_reads)
    if found is not None and "pdf" in found:
        return found["pdf"]
    from rolebook.output import pdf_pages  # pypdf: only a build with PDFs needs it

    pdf = pdf_pages.join(pdfs, title, lang)
    if cache is not None:
        cache.put(key, [], {"pdf": pdf})
    return pdf


def converted_batches(
    groups: list[list[Piece]],
    pieces: dict[int, bytes],
    assemble: Callable[[list[bytes]], bytes],
    workers: int,
    cache: Cache | None,
) -> list[tuple[list[Piece], dict[str, bytes]]]:
    """Returns each batch with its PDFs: "batch", the whole converted document, and each
    piece's own pages by its number; from `cache` when the batch's .docx is the same."""
    documents = [assemble(batch_pieces(group, pieces)) for group in groups]
    converter = converter_digest()
    keys = [digest("pdf", converter, document) for document in documents]
    found = [None if cache is None else cache.get(key, _no_reads) for key in keys]
    todo = [i for i, files in enumerate(found) if files is None]
    for i, pdf in zip(todo, convert([documents[i] for i in todo], workers), strict=True):
        from rolebook.output import pdf_pages  # pypdf: only a build with PDFs needs it

        parts = pdf_pages.split(pdf, [p.label for p in groups[i]])
        files = {str(p.number): part for p, part in zip(groups[i], parts, strict=True)}
        found[i] = files = {"batch": pdf, **files}
        if cache is not None:
            cache.put(keys[i], [], files)
    return [(group, files) for group, files in zip(groups, found, strict=True) if files is not None]


def batch_pieces(group: list[Piece], pieces: dict[int, bytes]) -> list[bytes]:
    """Returns the pieces of the batch `group`, the first with the handbook's properties.

    A document takes its properties (title, dates) from its first piece, and a department's
    title page has none of its own: it borrows the front matter's. They never reach the PDFs,
    which are titled when joined, but the Word writer needs them.
    """
    from rolebook.output.writers.docx import piece_meta, with_meta  # python-docx: with PDFs

    data = [pieces[p.number] for p in group]
    meta = {**piece_meta(pieces[0]), **piece_meta(data[0])}
    return [with_meta(data[0], meta), *data[1:]]


def _no_reads(role_id: str, field: str) -> str:
    """A converted batch depends on its .docx alone: it reads nothing of other roles."""
    return ""
