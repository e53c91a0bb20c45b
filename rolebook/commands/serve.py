"""`serve`, live preview: build, serve the handbook on 127.0.0.1, rebuild on every save.

The build writes output/ as `build` does, and the whole of output/ is served, as a web server
hosting it would serve it, so that every link of the handbook works (the index's ../docx/
downloads too); / leads to html/index.html. A save of a role, of handbook.yaml or of a template
rebuilds it; pages open in a browser reload by themselves after each build. When a build fails
the last good output stays in place and is still served, with the problems shown in the terminal
and in a banner at the top of every page, until a save fixes them. Ctrl-C stops the server.

The project stays in memory between builds (rolebook/build/session.py): the readings of the role
files, the compiled templates and every job's files, the handbook's pieces among them. After a
save only the jobs whose inputs changed are rendered, and the new files are served from memory
as soon as they are, before the handbook and the search index are put together and output/ is
published (a file not yet in memory, such as handbook.docx while it is assembled, comes from
output/, as the last build left it).

A page and the build number it polls are published together: the files of a build and its
number are swapped in under the state's lock, and the handler reads the page and the number
under that lock, so a page never carries an older number than the one served.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from rolebook.build import pipeline
from rolebook.build.session import Session
from rolebook.commands.options import output_argument, summary_line
from rolebook.load.files import INPUT_FILES, INPUT_FOLDERS, TEMPLATES_DIR
from rolebook.model.errors import RolebookError

SUMMARY = "build, serve the handbook on 127.0.0.1 and rebuild on every save"

BUILD_URL = "/__rolebook__/build"
INDEX_URL = "/html/index.html"  # where / leads
# Polls the build number and reloads the page when a new build is there.
RELOAD = (
    '<script>(function(){{var b="{build}";setInterval(function(){{fetch("'
    + BUILD_URL
    + '").then(function(r){{return r.text()}}).then(function(t){{if(t!==b)'
    "location.reload()}}).catch(function(){{}})}},700)}})();</script>"
)
BANNER = (
    '<div id="rolebook-error" role="alert" style="background:#fde8e8;color:#7a0000;'
    "border-bottom:3px solid #a00;padding:.8rem 1rem;font-family:monospace;"
    'white-space:pre-wrap">{text}</div>'
)


@dataclass
class State:
    """What the server shows: the build number, the files of the last good build by path
    under output/, and the problems of the last build if it failed; `lock` is held while a
    build's files and number are swapped in and while a page or the number is read."""

    build: int = 0
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    files: dict[str, bytes] = field(default_factory=dict)


def arguments(p: argparse.ArgumentParser) -> None:
    """Adds the options of `serve`."""
    output_argument(p)
    p.add_argument(
        "--port",
        type=int,
        default=8000,
        help="the port on 127.0.0.1 to serve on (default: 8000; 0 picks a free one)",
    )


def run(args: argparse.Namespace) -> int:
    """Builds, serves the handbook and rebuilds on every save until Ctrl-C."""
    return serve(args.root, args.output or args.root / "output", args.port)


def serve(root: Path, output: Path, port: int) -> int:
    """Builds, serves `output` until Ctrl-C and rebuilds on every save; returns 0."""
    # Refused before serving: the server would show a folder that is not the handbook's.
    root = root.resolve()
    session, state = Session(root, output), State()
    build = session.build
    server = listen(port, partial(Handler, state=state, directory=str(session.output)))
    rebuild(build, state)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stopped = threading.Event()
    signal.signal(signal.SIGINT, partial(_stop, stopped))
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how serve is stopped
        watch(root, build, state, server.server_port, stopped)
    server.shutdown()
    server.server_close()
    print("stopped", flush=True)
    return 0


def listen(port: int, handler: Callable) -> ThreadingHTTPServer:
    """Returns a server for `handler` on 127.0.0.1:`port`; raises RolebookError if it is taken."""
    try:
        return ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise RolebookError(
            f"cannot serve on 127.0.0.1:{port}: {exc.strerror}; choose another --port"
        ) from None


def _stop(stopped: threading.Event, signum: int, frame: object) -> None:
    """Ctrl-C: sets `stopped`, which ends watch even if the KeyboardInterrupt raised here is
    lost (one raised in a finalizer is only printed), and raises it."""
    stopped.set()
    raise KeyboardInterrupt


def watch(root: Path, build: Build, state: State, port: int, stopped: threading.Event) -> None:
    """Says where the handbook is served once the watcher runs, then rebuilds on every save of
    the handbook's input, until Ctrl-C (or `stopped` is set)."""
    import watchfiles  # only this command needs the file watcher

    ready = False
    # An empty set comes after each quiet 200 ms, the first one once the watcher is running:
    # only then is "serving" true, so a save right after it is never missed.
    for changes in watchfiles.watch(
        *watched(root),
        watch_filter=partial(relevant, root),
        recursive=False,
        yield_on_timeout=True,
        rust_timeout=200,
        # A save's events (write, rename) come within milliseconds: waiting watchfiles'
        # default 50 ms for more would be a sixth of the time a save may take to show.
        step=10,
        stop_event=stopped,
    ):
        if not ready:
            ready = True
            print(f"serving http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
        if changes:
            names = sorted({Path(p).relative_to(root).as_posix() for _, p in changes})
            print(f"changed: {', '.join(names)}", flush=True)
            rebuild(build, state)


def watched(root: Path) -> list[Path]:
    """Returns the folders to watch: the project (for handbook.yaml and the pay bands) and each
    of its input folders (files.INPUT_FOLDERS) that it has."""
    folders = (root, *(root / name for name in INPUT_FOLDERS))
    return [p for p in folders if p.is_dir()]


def relevant(root: Path, change, path: str) -> bool:
    """Returns whether a changed file is part of the handbook's input."""
    rel = Path(path).relative_to(root)
    if rel.name.startswith(".") or rel.name.endswith("~"):
        return False
    if len(rel.parts) == 1:
        return rel.name in INPUT_FILES
    if rel.parts[0] == TEMPLATES_DIR:
        return True  # any file: a template, the labels, the style sheet, reference.docx
    return rel.parts[0] in INPUT_FOLDERS and rel.suffix in (".yaml", ".yml")


def rebuild(build: Build, state: State) -> None:
    """Runs `build`, which hands over its files (see Session.build) as soon as its pages are
    rendered: they are then served, under the next build number. On failure the last good
    files stay and the problems are shown, under the next number too."""
    try:
        built = build(partial(swap_in, state))
    except RolebookError as exc:
        problems = exc.lines() + ["build failed: still serving the last good output"]
        print("\n".join(problems), file=sys.stderr, flush=True)
        with state.lock:
            state.problems = problems
            state.build += 1
    else:
        print("\n".join(built.diagnostics), file=sys.stderr, flush=True)
        print(
            f"built: {summary_line(built.roles, 0, built.warnings)}; {built.files} files",
            flush=True,
        )


def swap_in(state: State, files: dict[str, bytes]) -> None:
    """Serves `files` (by path under output/) from now on, under the next build number."""
    with state.lock:
        state.files, state.problems = files, []
        state.build += 1


# A build that hands its files over (to swap_in) as soon as its pages are rendered.
Build = Callable[[Callable[[dict[str, bytes]], None]], pipeline.Report]


class Handler(SimpleHTTPRequestHandler):
    """Serves output/; HTML pages get the reload script and, after a failed build, the
    problems in a banner."""

    def __init__(self, *args, state: State, **kwargs):
        self.state = state
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        """Serves the build number, an HTML page with its additions, or any other file."""
        route = urlsplit(self.path).path
        if route == "/":
            return self._redirect(INDEX_URL)
        if route == BUILD_URL:
            with self.state.lock:
                build = self.state.build
            return self._send(str(build).encode(), "text/plain")
        path = Path(self.translate_path(self.path))
        if route.endswith("/"):  # a folder: SimpleHTTPRequestHandler adds the slash to those
            path = path / "index.html"
        name = (
            path.relative_to(self.directory).as_posix()
            if path.is_relative_to(self.directory)
            else ""
        )
        page = self._page(path, name) if path.suffix == ".html" else None
        if page is not None:
            return self._send(page, "text/html; charset=utf-8")
        data = self.state.files.get(name)
        if data is not None:
            return self._send(data, self.guess_type(path))
        return super().do_GET()

    def _page(self, path: Path, name: str) -> bytes | None:
        """Returns the page at `path` (`name` under output/) with the additions, read with the
        build number it polls: from memory, else from the folder; an empty page with the
        banner after a failed build, None if there is neither."""
        with self.state.lock:
            build, problems = self.state.build, list(self.state.problems)
            try:
                data = self.state.files.get(name)
                page = path.read_text(encoding="utf-8") if data is None else data.decode()
            except OSError:  # no such page, or a folder: 404, unless there is a banner to show
                if not problems:
                    return None
                page = "<body></body>"
        banner = BANNER.format(text=html.escape("\n".join(problems))) if problems else ""
        page = page.replace("<body>", "<body>" + banner, 1)
        return page.replace("</body>", RELOAD.format(build=build) + "</body>", 1).encode()

    def _redirect(self, location: str) -> None:
        """Sends the browser to `location` (for this request only: / may lead elsewhere later)."""
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        """Keeps the terminal for builds and problems, not for every request."""
