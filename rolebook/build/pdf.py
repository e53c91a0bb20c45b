"""PDF: LibreOffice (headless) converts Word documents to PDF, each run in a folder of its own.

`convert` (and `converting`, which lets the build work while LibreOffice does) hands the
documents to one soffice process per worker, each with its own profile
(-env:UserInstallation), so that parallel builds never share or lock a profile; each process
converts its whole share in one run, so LibreOffice starts once per worker and stays warm for
the rest of its list. Nothing here touches the output folder: the PDFs come back as bytes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from rolebook.build.cache import Cache
from rolebook.build.jobs import HANDBOOK, plan
from rolebook.load.project import Project
from rolebook.model.errors import RolebookError
from rolebook.model.schema import Role
from rolebook.render.language import plain
from rolebook.render.language import title as role_title
from rolebook.util import parallel
from rolebook.util.digest import digest, tool_digest

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    import pikepdf

    from rolebook.output import pdf_pages

INSTALL = "apt-get install -y --no-install-recommends libreoffice-writer-nogui"
# Tagged PDF (structure for screen readers) and PDF/A-2b, as writer_pdf_Export offers them.
FILTER = (
    'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
    '"UseTaggedPDF":{"type":"boolean","value":"true"}}'
)
TIMEOUT = 1800  # seconds for one worker's whole share (after the work done meanwhile)
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
    with converting(documents, workers) as pdfs:
        pass
    return pdfs


@contextlib.contextmanager
def converting(documents: list[bytes], workers: int) -> Iterator[list[bytes]]:
    """Yields a list that holds, once the block ends, the PDF of each .docx in `documents`, in
    order: up to `workers` LibreOffice processes convert them while the block runs, so that
    the build can do other work meanwhile; raises NoLibreOffice or ConversionFailed."""
    program = soffice()
    workers = max(1, min(workers, len(documents)))
    # Round robin over documents of similar sizes gives each worker a similar share.
    shares = [list(range(w, len(documents), workers)) for w in range(workers)]
    results: list[bytes] = [b""] * len(documents)
    with contextlib.ExitStack() as stack:
        started = [
            (share, _start_share(program, [documents[i] for i in share], stack))
            for share in shares
            if share
        ]
        yield results
        for share, run in started:
            for i, pdf in zip(share, _finish_share(program, run), strict=True):
                results[i] = pdf


@dataclass(frozen=True)
class _Share:
    """One soffice process converting its share of the documents in a folder of its own."""

    folder: Path
    names: list[Path]
    process: subprocess.Popen


def _start_share(program: str, documents: list[bytes], stack: contextlib.ExitStack) -> _Share:
    """Starts soffice converting `documents` in a temporary folder that `stack` removes,
    after stopping the process if it is still running then."""
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rolebook-pdf-")))
    names = [folder / f"d{i:05d}.docx" for i in range(len(documents))]
    for name, data in zip(names, documents, strict=True):
        name.write_bytes(data)
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
    # Its output goes nowhere: unread, a pipe would fill and stop it. soffice is a wrapper
    # around soffice.bin: it is stopped with its whole process group.
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    stack.callback(_stop, process)
    return _Share(folder, names, process)


def _finish_share(program: str, run: _Share) -> list[bytes]:
    """Returns the PDFs of a share once its soffice has finished; raises ConversionFailed."""
    try:
        run.process.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise ConversionFailed(
            f"LibreOffice took more than {TIMEOUT} s to convert to PDF"
        ) from None
    pdfs = []
    for name in run.names:
        pdf = run.folder / "pdf" / f"{name.stem}.pdf"
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise ConversionFailed(f"LibreOffice ({program}) wrote no PDF for a document")
        pdfs.append(pdf.read_bytes())
    return pdfs


def _stop(process: subprocess.Popen) -> None:
    """Stops `process` and its process group, if it is still running."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


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
    language = project.settings.language
    title, lang = plain(project.settings.title), first_language(language)
    groups = batches(handbook_pieces(project))
    inputs = [batch_pieces(group, pieces) for group in groups]
    keys = batch_keys(inputs, language)
    todo = [i for i, key in enumerate(keys) if cache is None or key not in cache.old]
    with converting([assemble(inputs[i]) for i in todo], workers) as converted:
        # While LibreOffice converts, the last handbook.pdf is read (qpdf reads every object
        # before rejoin changes one) by a process of its own, and the batches kept here.
        last = last_joined(keys, title, lang, cache)
        found = [None if i in todo else _cached(cache, key) for i, key in enumerate(keys)]
    new = dict(zip(todo, converted, strict=True))
    damaged = [i for i, files in enumerate(found) if files is None and i not in new]
    # A batch whose cache entry proved damaged when read is converted after all.
    redone = convert([assemble(inputs[i]) for i in damaged], workers) if damaged else []
    new.update(zip(damaged, redone, strict=True))
    try:
        _cut(groups, new, language, workers, found, keys, cache)
        handbook = joined(keys, [f["batch"] for f in found if f], title, lang, cache, last)
    finally:
        if last is not None:
            last.close()
    pdfs = {"pdf/handbook.pdf": handbook}
    for group, files in zip(groups, found, strict=True):
        for piece in group:
            if piece.role is not None and files is not None:
                pdfs[f"pdf/{piece.role.id}.pdf"] = files[str(piece.number)]
    return pdfs


def _cached(cache: Cache | None, key: str) -> dict[str, bytes] | None:
    """Returns the files of the batch `key` in `cache`, if it has them."""
    return None if cache is None else cache.get(key, _no_reads)


def _cut(
    groups: list[list[Piece]],
    converted: dict[int, bytes],
    language: str,
    workers: int,
    found: list[dict[str, bytes] | None],
    keys: list[str],
    cache: Cache | None,
) -> None:
    """Puts into `found` (and `cache`, under `keys`) the PDFs of each batch `converted` (by
    number) cut out (see _batch_pdfs): CPU work in Python, in worker processes."""
    cuts = [(groups[i], pdf, language) for i, pdf in converted.items()]
    for i, files in zip(converted, parallel.map_in_order(_batch_pdfs, cuts, workers), strict=True):
        found[i] = files
        if cache is not None:
            cache.put(keys[i], [], files)


def batch_keys(inputs: list[list[bytes]], language: str) -> list[str]:
    """Returns the cache key of each batch, given by its pieces (`inputs`): a batch's .docx is
    assembled only to be converted, so its pieces, rolebook's code, the language and the
    installed LibreOffice are its key, and an edited role assembles one batch, not all."""
    converter = converter_digest()
    return [digest("pdf", converter, tool_digest(), language, *data) for data in inputs]


def first_language(language: str) -> str:
    """Returns the language a PDF names as its own (/Lang): a bilingual handbook's first."""
    return language.split("+")[0]


def pdf_title(piece: Piece, language: str) -> str | None:
    """Returns the title of the PDF of `piece` in `language`: its role's, in both languages
    of a bilingual handbook; None if it gets none (the front matter and a department's title
    page are in handbook.pdf only)."""
    if piece.role is None:
        return None
    return plain(role_title(piece.role.title, language))


def joined(
    keys: list[str],
    pdfs: list[bytes],
    title: str,
    lang: str,
    cache: Cache | None,
    last: LastJoin | None,
) -> bytes:
    """Returns pdf_pages.join of the batches' `pdfs` (by their cache `keys`), from `cache`
    when the very same batches were joined under the same title and language before; else
    the `last` PDF joined with the batches that differ replaced, if given (see last_joined).
    Batches go by their keys, not their bytes: at 1,000 roles, hashing their 300 MB cost
    seconds."""
    key = digest("pdf-join", tool_digest(), title, lang, *keys)
    found = None if cache is None else cache.get(key, _no_reads)
    if found is not None and "pdf" in found:
        return found["pdf"]
    from rolebook.output import pdf_pages  # pikepdf: only a build with PDFs needs it

    if last is None:
        pdf, layouts = pdf_pages.join(pdfs, title, lang)
    else:
        pdf, layouts = last.rejoin({i: pdfs[i] for i in last.changed})
    if cache is not None:
        files = {"pdf": pdf, "layout": _layout_json(keys, layouts)}
        cache.put(key, [], files)
        cache.put(_last_key(title, lang), [], files)
    return pdf


class LastJoin:
    """The last handbook.pdf joined, read (pdf_pages.opened) while LibreOffice converts, to
    replace the parts that this build's batches change (`changed`, by number) in it.

    It is read and changed by a process of its own, forked, which ends without freeing the
    PDF's objects one by one (qpdf took a second for that at 1,000 roles); where processes
    cannot be forked, in this one."""

    def __init__(self, previous: bytes, layouts: list[pdf_pages.Layout], changed: list[int]):
        from rolebook.output import pdf_pages  # pikepdf: only a build with PDFs needs it

        self.layouts, self.changed = layouts, changed
        self._pdf: pikepdf.Pdf | None = None
        self._pipe, child = multiprocessing.Pipe()
        self._process = parallel.fork(_rejoin_in_child, child, self._pipe, previous, layouts)
        child.close()
        if self._process is None:
            self._pdf = pdf_pages.opened(previous)

    def rejoin(self, replacements: dict[int, bytes]) -> tuple[bytes, list[pdf_pages.Layout]]:
        """Returns pdf_pages.rejoin of the last PDF with `replacements`; once only."""
        from rolebook.output import pdf_pages  # pikepdf: only a build with PDFs needs it

        if self._process is None:
            assert self._pdf is not None  # read here, where processes cannot be forked
            return pdf_pages.rejoin(self._pdf, self.layouts, replacements)
        try:
            with contextlib.suppress(BrokenPipeError):  # it ended early: it says why below
                self._pipe.send(replacements)
            return parallel.received(self._pipe, self._process, "rejoining handbook.pdf failed")
        finally:
            self.close()

    def close(self) -> None:
        """Ends the process, if any: it ends once its pipe is closed."""
        self._pipe.close()
        if self._process is not None:
            self._process.join()


def _rejoin_in_child(
    pipe: Connection, parents: Connection, previous: bytes, layouts: list[pdf_pages.Layout]
) -> pikepdf.Pdf | None:
    """Reads the last PDF joined, `previous`, then gets from `pipe` the replacements of its
    parts and sends back the rejoined PDF and its layouts, or what went wrong; returns the PDF
    read, for parallel.fork to leave to the system."""
    from rolebook.output import pdf_pages  # pikepdf: only a build with PDFs needs it

    parents.close()  # this process's copy of the other end: the pipe ends when the build's does
    pdf = None

    def rejoined() -> tuple[bytes, list[pdf_pages.Layout]]:
        nonlocal pdf
        pdf = pdf_pages.opened(previous)
        # EOFError if the build went on without a rejoin: sending why then fails quietly.
        return pdf_pages.rejoin(pdf, layouts, pipe.recv())

    parallel.send_outcome(pipe, rejoined)
    pipe.close()
    return pdf


def last_joined(keys: list[str], title: str, lang: str, cache: Cache | None) -> LastJoin | None:
    """Returns the last PDF joined under `title` and `lang`, as `cache` keeps it, opened
    (pdf_pages.opened), when this build's batches (by their `keys`) differ from its parts in
    a few; None when it has not the same number of parts, or none differ (the cache has it
    as it is), or its first or more than a quarter of them do: then joining is as quick."""
    from rolebook.output import pdf_pages  # pikepdf: only a build with PDFs needs it

    previous = None if cache is None else cache.get(_last_key(title, lang), _no_reads)
    if previous is None:
        return None
    try:
        old = orjson.loads(previous["layout"])
        old_keys = [p.pop("key") for p in old]
        layouts = [pdf_pages.Layout(**{**p, "roles": tuple(p["roles"])}) for p in old]
    except (KeyError, TypeError, ValueError):  # a layout of an older shape
        return None
    if len(old_keys) != len(keys):
        return None
    changed = [i for i, key in enumerate(keys) if key != old_keys[i]]
    if not changed or 0 in changed or len(changed) > max(1, len(keys) // 4):
        return None
    return LastJoin(previous["pdf"], layouts, changed)


def _last_key(title: str, lang: str) -> str:
    """Returns the cache key of the last PDF joined under `title` and `lang`."""
    return digest("pdf-join-last", tool_digest(), title, lang)


def _layout_json(keys: list[str], layouts: list[pdf_pages.Layout]) -> bytes:
    """Returns the layout of a joined PDF as the cache keeps it: each part's key, pages,
    outline entries, role names and Part elements."""
    parts = [{"key": key, **dataclasses.asdict(p)} for key, p in zip(keys, layouts, strict=True)]
    return orjson.dumps(parts)


def _batch_pdfs(cut: tuple[list[Piece], bytes, str]) -> dict[str, bytes]:
    """Returns the PDFs of one batch, given as (group, pdf, language), for a worker: "batch",
    its converted PDF slimmed (pdf_pages.slim), and role_pdfs of it."""
    from rolebook.output import pdf_pages  # pikepdf: only a build with PDFs needs it

    group, pdf, language = cut
    batch = pdf_pages.slim(pdf, first_language(language))
    return {"batch": batch, **role_pdfs(group, batch, language)}


def role_pdfs(group: list[Piece], pdf: bytes, language: str) -> dict[str, bytes]:
    """Returns the PDF of each role of the batch `group`, cut out of its converted `pdf`, by
    the role's piece's number, titled in the handbook's `language`."""
    from rolebook.output import pdf_pages  # pikepdf: only a build with PDFs needs it

    titles = [pdf_title(piece, language) for piece in group]
    parts = pdf_pages.split(pdf, [p.label for p in group], titles, first_language(language))
    return {str(p.number): part for p, part in zip(group, parts, strict=True) if part is not None}


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
