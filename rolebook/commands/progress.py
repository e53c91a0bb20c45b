"""Progress of a long build: roles read and jobs rendered, out of the total, with the time left.

The build calls a Progress with (stage, done, total); this prints it. On a terminal one line is
redrawn in place, and only once the build has run for a second (a short build shows none); when
the output is not a terminal, or in CI (the variable CI set), plain lines: one when a stage that
took a second or more ends, and one every PLAIN_EVERY seconds while it runs. `quiet` shows nothing;
`verbose` shows every stage from the start, with its time.

Plain code, not rich or tqdm: one line with a count and an estimate is twenty lines, and a
one-role rebuild run by a pre-commit hook would pay for importing either (rich alone takes
longer to import than the whole rebuild's rendering).
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

DELAY = 1.0  # seconds of a build before it shows progress: a quick build shows none
REDRAW = 0.1  # seconds between two redraws of the terminal's line
PLAIN_EVERY = 10.0  # seconds between two plain lines of a stage still running
NOUNS = {"read": "roles read", "render": "jobs rendered"}


class Progress:
    """Prints a build's progress to `stream` (standard error unless given)."""

    def __init__(self, quiet: bool = False, verbose: bool = False, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.quiet, self.verbose = quiet, verbose
        self.live = self.stream.isatty() and not os.environ.get("CI")
        self.started = time.monotonic()
        self.stage, self.stage_started, self.shown, self.drawn = "", 0.0, 0.0, False

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Records that `done` of `total` items of `stage` are done, and shows it if due."""
        now = time.monotonic()
        if stage != self.stage:
            # A terminal shows a new stage at once; plain lines wait for its end, or a while.
            self.stage, self.stage_started, self.shown = stage, now, 0.0 if self.live else now
        if self.quiet or (not self.verbose and now - self.started < DELAY):
            return
        if self.live:
            if done == total or now - self.shown >= REDRAW:
                self._draw(self.line(done, total, now), done == total)
                self.shown = now
        elif self._plain_due(done == total, now):
            print(self.line(done, total, now), file=self.stream, flush=True)
            self.shown = now

    def _plain_due(self, finished: bool, now: float) -> bool:
        """Returns whether a plain line is due: at the end of a stage that took a while (of
        every stage, verbose), or a while after the last line."""
        if finished:
            return self.verbose or now - self.stage_started >= DELAY
        return now - self.shown >= PLAIN_EVERY

    def line(self, done: int, total: int, now: float) -> str:
        """Returns the progress line: `stage done/total` and the time left or taken."""
        spent = now - self.stage_started
        if done >= total:
            when = f"in {spent:.1f} s"
        elif done:
            when = f"{spent * (total - done) / done:.0f} s left"
        else:
            when = "starting"
        return f"{done}/{total} {NOUNS.get(self.stage, self.stage)}, {when}"

    def _draw(self, line: str, last: bool) -> None:
        """Redraws the terminal's line; a finished stage stays, in verbose mode."""
        end = "\n" if last and self.verbose else ""
        self.stream.write("\r\033[K" + line + end)
        self.stream.flush()
        self.drawn = not end

    def close(self) -> None:
        """Clears the terminal's line, so that the build's summary takes its place."""
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.drawn = False
