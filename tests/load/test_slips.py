"""Slips of a Chinese keyboard: named where YAML's structure needs ASCII, and only there.

Each slip's exact message and place is in the error corpus (tests/fixtures/errors/full-width-*,
ideographic-space-*, colon-in-*); these tests show that the same characters in a text are text.
"""

from __future__ import annotations

from pathlib import Path

from rolebook.load.reader import read
from rolebook.model.schema import Role

MINIMAL = (Path(__file__).parent.parent / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
# Full-width punctuation, a word before '：' and ideographic spaces, all inside texts.
TEXTS = {
    "summary: 用于测试的岗位。": "summary: |\n  \u3000\u3000第一条：负责接待。\n  － 另起一行。",
    "  - 第一项职责。": "  - KPI：完成率－目标值\u3000以上。",
    "  - 第二项职责。": "  - text：不是键。",
}


def role_with_texts(text: str = MINIMAL) -> str:
    for old, new in TEXTS.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_full_width_punctuation_and_ideographic_spaces_in_text_are_text():
    reading = read("roles/minimal.yaml", role_with_texts(), Role)
    assert reading.diagnostics == []
    assert reading.value.summary == "第一条：负责接待。\n－ 另起一行。"  # stripped, as every text
    assert reading.value.duties == ["KPI：完成率－目标值\u3000以上。", "text：不是键。"]


def test_a_file_with_another_mistake_gets_that_mistake_not_a_slip():
    text = role_with_texts().replace("effective_date: 2026-01-01", "effective_date: 2026-02-30")
    reading = read("roles/minimal.yaml", text, Role)
    assert [(d.line, d.message) for d in reading.diagnostics] == [
        (14, "'2026-02-30' is not a real date: day is out of range for month")
    ]


def test_every_slip_of_a_file_is_reported_and_nothing_else():
    text = MINIMAL.replace("duties:", "duties：").replace("  en: Test Role", "  en：Test Role")
    reading = read("roles/minimal.yaml", text, Role)
    assert reading.value is None
    assert [(d.line, d.col, d.message) for d in reading.diagnostics] == [
        (5, 5, "full-width colon '：' after 'en'; type ':' followed by a space"),
        (20, 7, "full-width colon '：' after 'duties'; type ':'"),
    ]
