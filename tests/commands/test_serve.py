"""`serve`, run as HR runs it: a process that builds, serves on 127.0.0.1, rebuilds on every save,
keeps the last good output when a save breaks a role, and stops cleanly on Ctrl-C (SIGINT)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import edit

pytestmark = pytest.mark.external  # `rolebook serve` as a process of its own

SPECIALIST = "roles/vip-specialist.yaml"
TIMEOUT = 30  # seconds for a rebuild to show; each one takes well under one


@pytest.fixture
def server(project: Path):
    """Yields (process, base URL) of `rolebook serve --port 0` on the sample project."""
    process = subprocess.Popen(
        [sys.executable, "-m", "rolebook.cli", "serve", "--root", str(project), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        while not lines or not lines[-1].startswith("serving "):
            line = process.stdout.readline()
            assert line, f"serve exited early: {process.stderr.read()}"
            lines.append(line)
        yield process, re.search(r"http://127\.0\.0\.1:\d+/", lines[-1]).group()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(url: str, condition) -> str:
    """Returns the page at `url` once `condition(page)` holds; fails after TIMEOUT seconds."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        page = fetch(url)
        if condition(page) or time.monotonic() > deadline:
            return page
        time.sleep(0.2)


def test_serve_rebuilds_on_save_keeps_the_last_good_output_and_stops_on_ctrl_c(project, server):
    process, base = server
    page = fetch(base + "vip-specialist.html")
    assert "咨询信息服务" in page
    assert 'id="rolebook-error"' not in page

    edit(project / SPECIALIST, "咨询信息服务", "咨询资讯服务")
    page = wait_for(base + "vip-specialist.html", lambda p: "咨询资讯服务" in p)
    assert "咨询资讯服务" in page
    assert "咨询资讯服务" in (project / "output" / "html" / "vip-specialist.html").read_text(
        encoding="utf-8"
    )

    edit(project / SPECIALIST, "\nsummary:", "\nsummry:")
    page = wait_for(base + "vip-specialist.html", lambda p: 'id="rolebook-error"' in p)
    assert (
        "roles/vip-specialist.yaml:8:1: error: unknown key &#x27;summry&#x27;; did you mean "
        "&#x27;summary&#x27;?"
    ) in page
    assert "build failed: still serving the last good output" in page
    assert "咨询资讯服务" in page  # the last good build, still served

    edit(project / SPECIALIST, "\nsummry:", "\nsummary:")
    page = wait_for(base + "vip-specialist.html", lambda p: 'id="rolebook-error"' not in p)
    assert 'id="rolebook-error"' not in page

    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0
    assert out.splitlines()[-1] == "stopped"
    assert "changed: roles/vip-specialist.yaml" in out
    assert (
        "roles/vip-specialist.yaml:8:1: error: unknown key 'summry'; did you mean 'summary'?"
        in err.splitlines()
    )
    assert "Traceback" not in err
    with pytest.raises(urllib.error.URLError):
        fetch(base)


def test_a_template_save_rebuilds_and_other_files_do_not(project, server):
    _, base = server
    build = int(fetch(base + "__rolebook__/build"))
    (project / "notes.txt").write_text("not part of the handbook")
    time.sleep(2)  # longer than the watcher's grouping of changes
    assert int(fetch(base + "__rolebook__/build")) == build
    edit(
        project / "templates" / "labels.yaml",
        "download_docx: 下载 Word 文档",
        "download_docx: 下载 Word 版本",
    )
    page = wait_for(base + "vip-specialist.html", lambda p: "下载 Word 版本" in p)
    assert "下载 Word 版本" in page
    assert int(fetch(base + "__rolebook__/build")) == build + 1


def test_a_port_in_use_is_a_clear_error(project, server):
    _, base = server
    port = base.rsplit(":", 1)[1].strip("/")
    run = subprocess.run(
        [sys.executable, "-m", "rolebook.cli", "serve", "--root", str(project), "--port", port],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert run.returncode == 1
    assert re.fullmatch(
        rf"error: cannot serve on 127\.0\.0\.1:{port}: .+; choose another "
        r"--port\n",
        run.stderr,
    )
