"""`serve`, live preview: build, serve the HTML handbook on 127.0.0.1, rebuild on every save.

The build writes output/ as `build` does. A save of a role, of handbook.yaml or of a template
rebuilds it; pages open in a browser reload by themselves after each build. When a build fails
the last good output stays in place and is still served, with the problems shown in the terminal
and in a banner at the top of every page, until a save fixes them. Ctrl-C stops the server.
"""

from __future__ import annotations

import argparse
import html
import sys
import threading
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from rolebook.build import pipeline
from rolebook.commands.options import output_argument, summary_line
from rolebook.load.files import ROLES_DIR, SETTINGS_FILE, TEMPLATES_DIR
from rolebook.model.errors import RolebookError

SUMMARY = "build, serve the HTML on 127.0.0.1 and rebuild on every save"

BUILD_URL = "/__rolebook__/build"
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
    """What the server shows: the build number, and the problems of the last build if it failed."""

    build: int = 0
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


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
    """Builds, serves the HTML handbook and rebuilds on every save until Ctrl-C."""
    return serve(args.root, args.output or args.root / "output", args.port)


def serve(root: Path, output: Path, port: int) -> int:
    """Builds, serves output/html until Ctrl-C and rebuilds on every save; returns 0."""
    import watchfiles  # only this command needs the file watcher

    # Refused before serving: the server would show a folder that is not the handbook's.
    root = root.resolve()
    output, state = pipeline.check_output(root, output), State()
    handler = partial(Handler, state=state, directory=str(output / "html"))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise RolebookError(
            f"cannot serve on 127.0.0.1:{port}: {exc.strerror}; choose another --port"
        ) from None
    rebuild(root, output, state)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ready = False
    try:
        # An empty set comes after each quiet 200 ms, the first one once the watcher is
        # running: only then is "serving" true, so a save right after it is never missed.
        for changes in watchfiles.watch(
            *watched(root),
            watch_filter=partial(relevant, root),
            recursive=False,
            yield_on_timeout=True,
            rust_timeout=200,
        ):
            if not ready:
                ready = True
                print(
                    f"serving http://127.0.0.1:{server.server_port}/ (Ctrl-C to stop)", flush=True
                )
            if changes:
                names = sorted({Path(p).relative_to(root).as_posix() for _, p in changes})
                print(f"changed: {', '.join(names)}", flush=True)
                rebuild(root, output, state)
    except KeyboardInterrupt:
        pass
    server.shutdown()
    server.server_close()
    print("stopped", flush=True)
    return 0


def watched(root: Path) -> list[Path]:
    """Returns the folders to watch: the project (for handbook.yaml), roles/ and templates/."""
    return [p for p in (root, root / ROLES_DIR, root / TEMPLATES_DIR) if p.is_dir()]


def relevant(root: Path, change, path: str) -> bool:
    """Returns whether a changed file is part of the handbook's input."""
    rel = Path(path).relative_to(root)
    if rel.name.startswith(".") or rel.name.endswith("~"):
        return False
    if len(rel.parts) == 1:
        return rel.name == SETTINGS_FILE
    if rel.parts[0] == ROLES_DIR:
        return rel.suffix in (".yaml", ".yml")
    return rel.parts[0] == TEMPLATES_DIR


def rebuild(root: Path, output: Path, state: State) -> None:
    """Builds into `output`; on failure keeps the last good output and records the problems."""
    try:
        built = pipeline.build(root, output)
    except RolebookError as exc:
        problems = exc.lines() + ["build failed: still serving the last good output"]
        print("\n".join(problems), file=sys.stderr, flush=True)
    else:
        problems = []
        print("\n".join(built.diagnostics), file=sys.stderr, flush=True)
        print(
            f"built: {summary_line(built.roles, 0, built.warnings)}; {built.files} files",
            flush=True,
        )
    with state.lock:
        state.problems = problems
        state.build += 1


class Handler(SimpleHTTPRequestHandler):
    """Serves output/html; HTML pages get the reload script and, after a failed build, the
    problems in a banner."""

    def __init__(self, *args, state: State, **kwargs):
        self.state = state
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        """Serves the build number, an HTML page with its additions, or any other file."""
        if self.path == BUILD_URL:
            return self._send(str(self.state.build).encode(), "text/plain")
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and (path.is_file() or self.state.problems):
            return self._send(self._page(path), "text/html; charset=utf-8")
        return super().do_GET()

    def _page(self, path: Path) -> bytes:
        """Returns the page at `path` (an empty one if there is none) with the additions."""
        with self.state.lock:
            build, problems = self.state.build, list(self.state.problems)
        page = path.read_text(encoding="utf-8") if path.is_file() else "<body></body>"
        banner = BANNER.format(text=html.escape("\n".join(problems))) if problems else ""
        page = page.replace("<body>", "<body>" + banner, 1)
        return page.replace("</body>", RELOAD.format(build=build) + "</body>", 1).encode()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        """Keeps the terminal for builds and problems, not for every request."""
