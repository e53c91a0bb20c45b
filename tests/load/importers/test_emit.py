"""The text of an imported role file: the schema's keys in the hand-made roles' order, every
value read back as written."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest

from rolebook.load.importers.emit import ORDER, role_text
from rolebook.load.importers.shape import Imported
from rolebook.load.reader import read
from rolebook.load.splice import SAFE_PLAIN, _plain_is_safe, scalar
from rolebook.model.schema import Role

HEAD = {
    "id": "x",
    "document_control": {
        "number": "N-1",
        "version": "1.0",
        "status": "draft",
        "effective_date": "2026-11-30",
    },
    "revision_history": [{"version": "1.0", "date": "2026-11-30", "author": "HR", "changes": "c"}],
}


def test_every_field_of_a_role_has_its_place():
    assert set(ORDER["role"]) == {f.name for f in fields(Role)}


def test_the_text_reads_back_as_the_values_with_sources_and_unmapped_text():
    found = Imported(
        {
            "title": {"zh": "如下:", "en": "Yes"},
            "duties": ["负责: 1", "null", "中文 #注释", "\x0b隐藏\u200b字符"],
            "workflow": [{"time": "08:30–09:00", "steps": ["甲"], "condition": "若需要"}],
        },
        sources={"duties": "paragraph 3"},
        unmapped=[("多行\n文字", "table 1 row 2 cell 1")],
    )
    text = role_text(found, HEAD, "jd.docx")
    reading = read("roles/x.yaml", text, Role)
    assert not reading.diagnostics
    role = reading.value
    assert (role.title.zh, role.title.en) == ("如下:", "Yes")
    # Zero-width characters, which a role file may not hold, are left out on import.
    assert role.duties == ["负责: 1", "null", "中文 #注释", "隐藏字符"]
    assert role.unmapped[0].text == "多行 文字"
    assert role.unmapped[0].source == "jd.docx, table 1 row 2 cell 1"
    assert "# from paragraph 3\nduties:\n" in text
    assert text.splitlines()[4:7] == ["id: x", "title:", '  zh: "如下:"']


@pytest.mark.parametrize(
    "value",
    [
        "负责",
        "负责: 工作",
        "负责：工作",
        "如下:",
        "负责 #1",
        "负责#1",
        "中文 ",
        "中-文",
        "中文[1]",
        "中文 - 列表",
        "Yes",
        "08:30",
        "1.0",
        "- 负责",
        "'引号'",
        '"引号"',
    ],
)
def test_values_are_written_as_splice_writes_them(value):
    # scalar's quick path for Chinese text gives what asking the YAML parser gives.
    asked = value if _plain_is_safe(value) else json.dumps(value, ensure_ascii=False)
    assert scalar(value) == asked
    assert not SAFE_PLAIN.fullmatch(value) or _plain_is_safe(value)
