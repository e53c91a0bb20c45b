"""The build's progress: a redrawn line on a terminal, plain lines elsewhere or in CI, nothing
when quiet or when the build is quick."""

from __future__ import annotations

import io

import pytest

from rolebook.commands import progress as progress_module
from rolebook.commands.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def no_delay(monkeypatch):
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    monkeypatch.delenv("CI", raising=False)


def test_plain_lines_when_not_a_terminal(no_delay):
    out = io.StringIO()
    shown = Progress(stream=out)
    for done in range(4):
        shown("read", done, 3)
    shown("render", 5, 5)
    lines = out.getvalue().splitlines()
    assert [line.split(",")[0] for line in lines] == ["3/3 roles read", "5/5 jobs rendered"]
    assert lines[0].endswith(" s") and ", in " in lines[0]


def test_terminal_line_redrawn_in_place_then_cleared(no_delay):
    out = Terminal()
    shown = Progress(stream=out)
    shown("render", 0, 4)
    shown("render", 4, 4)
    shown.close()
    text = out.getvalue()
    assert text.startswith("\r\033[K0/4 jobs rendered, starting\r\033[K4/4 jobs rendered, in ")
    assert text.endswith("\r\033[K") and "\n" not in text


def test_ci_gets_plain_lines_even_on_a_terminal(no_delay, monkeypatch):
    monkeypatch.setenv("CI", "true")
    out = Terminal()
    Progress(stream=out)("read", 2, 2)
    assert out.getvalue().startswith("2/2 roles read, in ") and "\r" not in out.getvalue()


def test_time_left_from_the_rate_so_far(no_delay):
    shown = Progress(stream=io.StringIO())
    shown("render", 0, 10)
    shown.stage_started -= 4.0  # four seconds for the first two jobs: 16 s for the other eight
    assert shown.line(2, 10, shown.stage_started + 4.0) == "2/10 jobs rendered, 16 s left"


def test_quiet_and_quick_builds_show_nothing(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    quiet, quick = io.StringIO(), io.StringIO()
    Progress(quiet=True, stream=quiet)("read", 1, 1)
    Progress(stream=quick)("read", 1, 1)  # within the first second
    assert quiet.getvalue() == quick.getvalue() == ""


def test_verbose_shows_at_once_and_keeps_each_stage(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    out = Terminal()
    shown = Progress(verbose=True, stream=out)
    shown("read", 1, 1)
    shown("render", 1, 1)
    assert out.getvalue().count("\n") == 2


def test_a_quick_stage_of_a_long_build_gets_no_plain_line(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    out = io.StringIO()
    shown = Progress(stream=out)
    shown.started -= 5  # the build waited for another one, say
    shown("render", 7, 7)
    assert out.getvalue() == ""
