"""Opens a .docx in LibreOffice through UNO, updates every field and index as a user pressing
F9 (or a print policy) would, and exports it to PDF: `/usr/bin/python3 uno_update.py IN.docx
OUT.pdf`.

Run by Debian's /usr/bin/python3, the only interpreter that can import `uno` (python3-uno); the
tests (tests/output/test_word_fields.py) run it as a subprocess. It starts its own headless
soffice with a profile of its own on a free port and quits it at the end.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

CONNECT_TIMEOUT = 60  # seconds for soffice to start listening


def free_port() -> int:
    """Returns a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prop(name: str, value) -> PropertyValue:
    """Returns a UNO PropertyValue."""
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(port: int):
    """Returns the desktop of the soffice listening on `port`, waiting for it to start."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    url = f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while True:
        try:
            context = resolver.resolve(url)
            break
        except Exception:  # NoConnectException until soffice listens
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


def update_and_export(desktop, source: Path, target: Path) -> None:
    """Loads `source`, refreshes its text fields, updates its indexes, refreshes again (an
    index can move pages), and exports it as PDF to `target`."""
    doc = desktop.loadComponentFromURL(
        source.resolve().as_uri(), "_blank", 0, (prop("Hidden", True),)
    )
    try:
        doc.getTextFields().refresh()
        indexes = doc.getDocumentIndexes()
        for i in range(indexes.getCount()):
            indexes.getByIndex(i).update()
        doc.refresh()
        doc.getTextFields().refresh()
        export = (prop("FilterName", "writer_pdf_Export"),)
        doc.storeToURL(target.resolve().as_uri(), export)
    finally:
        doc.close(True)


def main(source: str, target: str) -> int:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="uno-profile-") as profile:
        soffice = subprocess.Popen(
            [
                "soffice",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                f"--accept=socket,host=127.0.0.1,port={port};urp;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # soffice is a wrapper of soffice.bin: kill them both
        )
        try:
            desktop = connect(port)
            update_and_export(desktop, Path(source), Path(target))
            with contextlib.suppress(Exception):  # the bridge drops as soffice quits
                desktop.terminate()
            soffice.wait(timeout=30)
        finally:
            if soffice.poll() is None:
                os.killpg(soffice.pid, signal.SIGKILL)
                soffice.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
