"""Cutting blocks at labels and numbers: lists must continue, labels must stand as labels."""

from __future__ import annotations

from rolebook.load.importers.blocks import PARAGRAPH, Block
from rolebook.load.importers.segments import Numbering, pieces


def cut(*texts: str) -> list[tuple[str, str]]:
    """Returns (what starts the piece, its text) for each piece of the blocks."""
    numbering = Numbering()
    found = []
    for i, text in enumerate(texts, start=1):
        for piece in pieces(Block(PARAGRAPH, text, f"paragraph {i}"), numbering):
            head = piece.label.slot if piece.label else f"{piece.style}{piece.number or ''}"
            found.append((head, piece.text))
    return found


def test_every_numbering_style_makes_items():
    assert cut("1. 甲 2. 乙") == [("arabic1", " 甲 "), ("arabic2", " 乙")]
    assert cut("1、甲;2、乙") == [("arabic1", "甲;"), ("arabic2", "乙")]
    assert cut("1 .甲。2 .乙") == [("arabic1", "甲。"), ("arabic2", "乙")]
    assert cut("①甲②乙") == [("circled1", "甲"), ("circled2", "乙")]
    assert cut("(1)甲 (2)乙") == [("paren1", "甲 "), ("paren2", "乙")]
    assert cut("a) 甲", "b) 乙") == [("letter1", " 甲"), ("letter2", " 乙")]
    assert cut("• 甲") == [("bullet", " 甲")]
    assert cut("一、甲") == [("chapter1", "甲")]
    assert cut("（二）乙", "(三)、丙") == [("", "（二）乙"), ("", "(三)、丙")]  # no （一）: text


def test_numbers_in_the_text_stay_text():
    for text in ("5年以上经验", "身高1.70米以上", "提前10分钟进入", "2023-", "第3步完成"):
        assert cut(text) == [("", text)], text
    assert cut("1、甲。3、丙") == [("arabic1", "甲。3、丙")]  # 3 does not follow 1


def test_numbers_glued_to_the_text_of_a_flattened_copy():
    # The source's `注意事项1vip…`, `…;1815:10…` (18 before a time) and `Ih11:30` (OCR for 11).
    assert cut("一、注意事项1vip室") == [
        ("chapter1", ""),
        ("precautions", ""),
        ("arabic1", "vip室"),
    ]
    steps = "1、8:30-9:00,甲;2、9:00-9:30,乙;Ih11:30-12:00,丙"
    assert [h for h, _ in cut(steps)] == ["arabic1", "arabic2", "arabic3"]
    assert cut("1、15:10-17:00,甲;215:10-17:00,乙")[1] == ("arabic2", "15:10-17:00,乙")


def test_labels_stand_where_labels_can():
    assert cut("任职资格教育背景:中专;培训经历:无") == [
        ("qualifications", ""),
        ("education", "中专;"),
        ("training", "无"),
    ]
    # A field label followed by a colon counts even glued to the text before it.
    assert cut("主题:经理岗位职责生效日期:2023-") == [
        ("title", "经理岗位职责"),
        ("effective_date", "2023-"),
    ]
    assert cut("一、岗位职责本营业部") == [("chapter1", ""), ("duties", "本营业部")]
    # Inside a sentence a section's name is text.
    assert cut("相关岗位职责如下:") == [("", "相关岗位职责如下:")]
    assert cut("Experience with Excel") == [("", "Experience with Excel")]


def test_a_label_with_its_translation_is_one_label():
    assert cut("岗位职责 Responsibilities：负责") == [("duties", "负责")]
    assert cut("学历 Education：本科") == [("education", "本科")]


def test_a_new_label_starts_its_list_afresh():
    assert [h for h, _ in cut("岗位职责：1、甲 2、乙", "注意事项：1、丙")] == [
        "duties",
        "arabic1",
        "arabic2",
        "precautions",
        "arabic1",
    ]
