"""`serve`, run as HR runs it: a process that builds, serves output/ on 127.0.0.1, rebuilds on
every save, keeps the last good output when a save breaks a role, and stops cleanly on Ctrl-C
(SIGINT); and its handler in this process, where a build can be held at any point.

Nothing here waits a fixed time for something to happen: each test waits for the condition it
needs, up to a deadline.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import clients
import pytest
from conftest import edit
from gitrepo import committed
from lxml import html as lxml_html

from rolebook.build.pipeline import Report
from rolebook.commands.serve import BUILD_URL, Handler, State, rebuild, relevant, swap_in

SPECIALIST = "roles/vip-specialist.yaml"
TIMEOUT = 30  # seconds for a rebuild to show; each one takes well under one


@contextmanager
def serving(project: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    """Runs `rolebook serve --port 0` on `project` for the block; yields (process, base URL)."""
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


@pytest.fixture
def server(project: Path):
    """Yields (process, base URL) of `rolebook serve --port 0` on the sample project."""
    with serving(project) as running:
        yield running


def fetch(url: str) -> str:
    # A request waits while a build publishes: the timeout is that of a rebuild.
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        return response.read().decode("utf-8")


def wait_for(where: str | Path, condition) -> str:
    """Returns the page at the URL `where`, or the text of the file at the Path `where`, once
    `condition(page)` holds; fails after TIMEOUT seconds."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        page = where.read_text(encoding="utf-8") if isinstance(where, Path) else fetch(where)
        if condition(page):
            return page
        if time.monotonic() > deadline:
            pytest.fail(f"{where} did not change as expected within {TIMEOUT} s:\n{page}")
        time.sleep(0.1)


def polled_build(page: str) -> int:
    """Returns the build number that the reload script of `page` compares with."""
    return int(re.search(r'var b="(\d+)"', page).group(1))


@pytest.mark.external
def test_serve_rebuilds_on_save_keeps_the_last_good_output_and_stops_on_ctrl_c(project, server):
    process, base = server
    page = fetch(base + "html/vip-specialist.html")
    assert "咨询信息服务" in page
    assert 'id="rolebook-error"' not in page

    edit(project / SPECIALIST, "咨询信息服务", "咨询资讯服务")
    page = wait_for(base + "html/vip-specialist.html", lambda p: "咨询资讯服务" in p)
    # Published to output/ too, just after: serve hands the pages over before it publishes.
    wait_for(project / "output" / "html" / "vip-specialist.html", lambda p: "咨询资讯服务" in p)

    edit(project / SPECIALIST, "\nsummary:", "\nsummry:")
    page = wait_for(base + "html/vip-specialist.html", lambda p: 'id="rolebook-error"' in p)
    assert (
        "roles/vip-specialist.yaml:8:1: error: unknown key &#x27;summry&#x27;; did you mean "
        "&#x27;summary&#x27;?"
    ) in page
    assert "build failed: still serving the last good output" in page
    assert "咨询资讯服务" in page  # the last good build, still served

    edit(project / SPECIALIST, "\nsummry:", "\nsummary:")
    wait_for(base + "html/vip-specialist.html", lambda p: 'id="rolebook-error"' not in p)

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


@pytest.mark.external
def test_a_template_save_rebuilds_and_other_files_do_not(project, server):
    process, base = server
    build = int(fetch(base + BUILD_URL.lstrip("/")))
    (project / "notes.txt").write_text("not part of the handbook")
    edit(
        project / "templates" / "labels.yaml",
        "download_docx: 下载 Word 文档",
        "download_docx: 下载 Word 版本",
    )
    page = wait_for(base + "html/vip-specialist.html", lambda p: "下载 Word 版本" in p)
    # The page came with its own build's number, and that is the number served.
    rebuilds = polled_build(page) - build
    assert int(fetch(base + BUILD_URL.lstrip("/"))) == build + rebuilds
    # Each rebuild printed what changed before its number went up: notes.txt, written first,
    # would be among them. (One save may come as two changes, so it may take two rebuilds.)
    changed = []
    while len(changed) < rebuilds:
        line = process.stdout.readline()
        assert line, "serve stopped"
        changed += [line.rstrip("\n")] if line.startswith("changed: ") else []
    assert set(changed) == {"changed: templates/labels.yaml"}


@pytest.mark.external
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


@pytest.mark.external
def test_an_open_page_reloads_itself_in_chromium_after_a_save(project, server):
    _, base = server
    with clients.chromium() as browser:
        page = browser.new_page()
        page.goto(base + "html/vip-specialist.html")
        page.evaluate("window.notReloaded = true")
        edit(project / SPECIALIST, "咨询信息服务", "咨询资讯服务")
        page.wait_for_function(
            "document.body.innerText.includes('咨询资讯服务')", timeout=TIMEOUT * 1000
        )
        assert page.evaluate("window.notReloaded === undefined")  # a new page, not a patch
        # Opened from disk, the same page has no reload script: it fetches nothing.
        from_disk = browser.new_page()
        requests: list[str] = []
        from_disk.on("request", lambda request: requests.append(request.url))
        from_disk.goto((project / "output" / "html" / "vip-specialist.html").as_uri())
        assert "咨询资讯服务" in from_disk.inner_text("body")
        assert not [url for url in requests if BUILD_URL in url]
    assert BUILD_URL not in (project / "output" / "html" / "vip-specialist.html").read_text(
        encoding="utf-8"
    )


# -- Every link works ------------------------------------------------------------------------


def get(url: str) -> tuple[int, str, bytes, str]:
    """Returns the status, content type, body and final URL (after redirects) of `url`."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.status, response.headers["Content-Type"], response.read(), response.url
    except urllib.error.HTTPError as exc:
        return exc.code, "", b"", url


def links(page_url: str, body: bytes) -> set[str]:
    """Returns every URL that the page links to (href, src, SVG's xlink:href), made absolute:
    a fragment-only link leads to the page itself."""
    tree = lxml_html.fromstring(body)
    values = tree.xpath("//@href | //@src | //@*[local-name()='href']")
    return {urljoin(page_url, str(value)) for value in values}


def crawl(base: str, pages: list[str]) -> dict[str, tuple[int, set[str]]]:
    """Returns, for `base`, `pages` and every local URL their HTML pages link to, its status
    and (for an HTML page) the ids of its elements."""
    found: dict[str, tuple[int, set[str]]] = {}
    todo = [base, *pages]
    while todo:
        url = urldefrag(todo.pop()).url
        if url in found:
            continue
        status, kind, body, final = get(url)
        ids: set[str] = set()
        if status == 200 and kind.startswith("text/html"):
            ids = set(lxml_html.fromstring(body).xpath("//@id"))
            todo += [u for u in links(final, body) if u.startswith(base)]
        found[url] = status, ids
    return found


@pytest.mark.external
def test_every_link_of_every_page_works_in_serve(project, cli):
    committed(project)
    assert cli("bump", "vip-specialist", "--root", project, "--note", "改").code == 0
    with serving(project) as (_, base):
        html = project / "output" / "html"
        pages = [base + "html/" + p.relative_to(html).as_posix() for p in html.rglob("*.html")]
        found = crawl(base, pages)
        assert get(base)[3] == base + "html/index.html"
        for page in pages:
            for link in links(page, get(page)[2]):
                url, fragment = urldefrag(link)
                if url.startswith(base):
                    status, ids = found[url]
                    assert status == 200, f"{link} on {page}: {status}"
                    assert not fragment or fragment in ids, f"{link} on {page}: no such id"
    assert base + "docx/handbook.docx" in found  # the index's downloads, 404 when html/ was /
    assert base + "html/changes/vip-specialist.html" in found
    assert len(pages) == 5


# -- The handler, in this process ----------------------------------------------------------


@pytest.fixture
def handler(tmp_path: Path) -> Iterator[tuple[State, str, Path]]:
    """Yields (state, base URL, folder) of serve's handler on a folder with html/index.html."""
    page = tmp_path / "html" / "index.html"
    page.parent.mkdir()
    page.write_text("<html><body>old</body></html>", encoding="utf-8")
    state = State(build=1)
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(Handler, state=state, directory=str(tmp_path))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state, f"http://127.0.0.1:{server.server_port}/", tmp_path
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_and_its_build_number_are_published_together(handler):
    state, base, folder = handler
    handed, release = threading.Event(), threading.Event()

    def build(on_pages) -> Report:
        on_pages({"html/index.html": b"<body>new</body>"})  # served from memory from now on
        handed.set()
        assert release.wait(TIMEOUT)  # the handbook is being put together, output/ is old
        (folder / "html" / "index.html").write_text("<body>new</body>", encoding="utf-8")
        return Report([], 0, 0, 1, [])

    before = fetch(base + "html/")
    builder = threading.Thread(target=rebuild, args=(build, state))
    builder.start()
    assert handed.wait(TIMEOUT)
    during = fetch(base + "html/")
    assert fetch(base + BUILD_URL[1:]) == "2"
    release.set()
    builder.join(TIMEOUT)
    assert "old" in before and polled_build(before) == 1
    assert "new" in during and polled_build(during) == 2  # before output/ was published
    assert fetch(base + "html/") == during


def test_files_in_memory_are_served_before_the_folder(handler):
    state, base, _ = handler
    swap_in(state, {"docx/a.docx": b"PK new", "html/index.html": "<body>新</body>".encode()})
    status, kind, body, _ = get(base + "docx/a.docx")
    assert (status, body) == (200, b"PK new")
    assert kind.startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "新" in fetch(base) and polled_build(fetch(base)) == 2


def test_the_root_leads_to_the_index_and_a_missing_page_is_404(handler):
    state, base, _ = handler
    status, _, body, final = get(base)
    assert (status, final) == (200, base + "html/index.html")
    assert b"old" in body and b'var b="1"' in body
    assert get(base + "html")[3] == base + "html/"  # relative links need the slash
    assert get(base + "html/gone.html")[0] == 404
    state.problems = ["roles/x.yaml:1:1: error: <broken>"]
    body = get(base + "html/gone.html")[2].decode()
    assert "roles/x.yaml:1:1: error: &lt;broken&gt;</div>" in body


def test_a_saved_translation_is_part_of_the_handbooks_input(tmp_path):
    assert relevant(tmp_path, None, str(tmp_path / "translations/en/vip-specialist.yaml"))
    assert not relevant(tmp_path, None, str(tmp_path / "translations/en/.vip-specialist.yaml"))
    assert not relevant(tmp_path, None, str(tmp_path / "translations/en/notes.txt"))


def test_a_saved_library_item_or_pay_band_is_part_of_the_handbooks_input(tmp_path):
    assert relevant(tmp_path, None, str(tmp_path / "library/principles.yaml"))
    assert relevant(tmp_path, None, str(tmp_path / "pay_bands.yaml"))
    assert not relevant(tmp_path, None, str(tmp_path / "library/README.md"))
    assert not relevant(tmp_path, None, str(tmp_path / "notes.yaml"))
