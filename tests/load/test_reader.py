"""The YAML reader: values are read from their text, positions are exact, nothing is executed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from rolebook.load import reader
from rolebook.load.reader import read
from rolebook.model.schema import DocumentControl, Name, Role, Text, WorkflowEntry

SAMPLE_ROLES = sorted((Path(__file__).resolve().parents[2] / "roles").glob("*.yaml"))

CONTROL = """\
number: 01234
version: 1.10
status: draft
effective_date: 2026-01-01
approved_by:
"""


def test_yaml_typing_does_not_leak_into_values():
    reading = read("x.yaml", CONTROL, DocumentControl)
    control = reading.value
    assert reading.diagnostics == []
    assert control.number == "01234"  # not the integer 1234 (or 668 in YAML 1.1)
    assert control.version == "1.10"  # not the float 1.1
    assert control.effective_date == dt.date(2026, 1, 1)
    assert control.approved_by == ""  # an empty value is empty text, never None


def test_positions_are_one_based_lines_and_columns():
    reading = read("x.yaml", CONTROL, DocumentControl)
    assert reading.at(("version",)) == (2, 10)
    assert reading.at(("version",), key=True) == (2, 1)


def test_time_windows_accept_hyphen_or_en_dash_and_print_with_an_en_dash():
    for text in ("08:30-09:00", "08:30–09:00", "08:30 - 09:00"):
        entry = read("x.yaml", f"time: '{text}'\nsteps: [a]\n", WorkflowEntry).value
        assert str(entry.time) == "08:30–09:00"


def test_an_empty_list_item_is_an_error_not_dropped():
    # Dropped, it would renumber the items after it without a word.
    reading = read("x.yaml", "period: 每周\nsteps: [a, '', ~, b]\n", WorkflowEntry)
    assert reading.value is None
    assert [(d.line, d.col, d.message) for d in reading.diagnostics] == [
        (2, 12, "empty item in 'steps'; write its text, or delete it"),
        (2, 16, "empty item in 'steps'; write its text, or delete it"),
    ]


def test_an_alias_bomb_is_refused_without_expanding_it():
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        levels.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    text = "id: bomb\nsummary:\n" + "\n".join("  " + line for line in levels) + "\n"
    reading = read("roles/bomb.yaml", text, Role)
    assert reading.value is None
    messages = [d.message for d in sorted(reading.diagnostics, key=lambda d: (d.line, d.col))]
    assert messages[1].startswith("anchors and aliases (&a0, *a0) are not allowed")
    assert len(messages) == 11  # the wrong type of 'summary', then each of the ten anchors


def test_nesting_far_deeper_than_the_limit_is_one_error_not_a_crash():
    # ruamel's C composer recurses per level: 200,000 brackets used to kill the interpreter.
    text = "id: deep\nsummary: " + "[" * 200_000 + "]" * 200_000 + "\n"
    reading = read("roles/deep.yaml", text, Role)
    assert reading.value is None
    assert [(d.line, d.col, d.message) for d in reading.diagnostics] == [
        (
            2,
            59,
            "lists and mappings are nested more than 50 levels deep here; a role needs five "
            "at most: check the brackets and the indentation",
        )
    ]


def test_windows_and_old_mac_line_ends_give_the_same_positions():
    for newline in ("\n", "\r\n", "\r"):
        text = CONTROL.replace("\n", newline) + "bogus: 1" + newline
        reading = read("x.yaml", text, DocumentControl)
        assert [(d.line, d.col) for d in reading.diagnostics] == [(6, 1)]
        assert reading.diagnostics[0].source_line == "bogus: 1"


def test_a_second_document_is_refused():
    reading = read("x.yaml", CONTROL + "---\n" + CONTROL, DocumentControl)
    assert reading.value is None
    assert [(d.line, d.message[:27]) for d in reading.diagnostics] == [
        (6, "a second YAML document star")
    ]


def test_a_file_with_very_many_problems_reports_the_first_hundred_and_says_so():
    text = "id: x\n" + "".join(f"dutie{i}: v\n" for i in range(5000))
    reading = read("roles/x.yaml", text, Role)
    assert len(reading.diagnostics) == 101
    assert reading.diagnostics[0].message == "unknown key 'dutie0'; did you mean 'duties'?"
    assert (reading.diagnostics[-1].line, reading.diagnostics[-1].message) == (
        102,
        "more than 100 problems in this file; the first 100 are shown: fix them and check again",
    )


# A technologist, a heart on fire, a family, a thumb with a skin tone and Scotland's flag: each
# holds zero-width joiners or tag characters, which are refused anywhere else.
EMOJI = (
    "👩\u200d💻 ❤\ufe0f\u200d🔥 👩\u200d👩\u200d👧\u200d👦 👍🏽 "
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
)


def test_zero_width_joiners_and_tags_inside_emoji_stay():
    reading = read("x.yaml", f"period: 每周\nsteps: [{EMOJI}]\n", WorkflowEntry)
    assert reading.diagnostics == []
    assert reading.value.steps == [EMOJI]


def test_a_zero_width_joiner_outside_emoji_is_refused_at_its_column():
    for text in ("远程\u200d办公", "👩\u200d办公", "👍🏽\u200d"):
        reading = read("x.yaml", f"period: 每周\nsteps: [{text}]\n", WorkflowEntry)
        assert [(d.line, d.col) for d in reading.diagnostics] == [(2, 9 + text.index("\u200d"))]
        assert reading.diagnostics[0].message.startswith("invisible character U+200D (zero width")


# -- Readings restored from the cache's JSON ----------------------------------------------------


_POST_INIT: list[str] = []


@dataclass(frozen=True)
class _Checked:
    """A schema dataclass whose __post_init__ the compiled decoder must run."""

    zh: Text = ""

    def __post_init__(self):
        _POST_INIT.append(self.zh)


@dataclass(frozen=True)
class _Empty:
    """A schema dataclass without fields."""


@pytest.mark.parametrize("schema", [Role, Name, _Checked, _Empty])
def test_the_compiled_decoder_makes_what_the_checking_one_makes(schema):
    _POST_INIT.clear()
    values = {
        Role: [read(str(p), p.read_text(encoding="utf-8"), Role).value for p in SAMPLE_ROLES],
        Name: [Name("贵宾部", "VIP"), Name("", "")],
        _Checked: [_Checked("甲")],
        _Empty: [_Empty()],
    }[schema]
    shape = reader._schema_shape(schema)
    for value in values:
        data = reader._to_data(value, shape)
        made = reader._compiled(shape)(data)
        assert made == reader._decoder(shape)(data) == value
        assert type(made) is schema and repr(made) == repr(value)
    if schema is _Checked:
        assert _POST_INIT == ["甲", "甲", "甲"]  # made, then decoded twice


@pytest.mark.parametrize(
    "data", [7, None, [], ["x"], ["x", 7], ["x", "y", "z"], ["x\x07", "y"], [["x"], "y"]]
)
def test_the_compiled_decoder_refuses_what_the_checking_one_refuses(data):
    shape = reader._schema_shape(Name)
    with pytest.raises(ValueError) as compiled:
        reader._compiled(shape)(data)
    with pytest.raises(ValueError) as checking:
        reader._decoder(shape)(data)
    assert str(compiled.value) == str(checking.value)
