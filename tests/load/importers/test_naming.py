"""Role ids from titles: English as words, Chinese in pinyin, unique, never reserved."""

from __future__ import annotations

from rolebook.load.importers.naming import role_id, slug, unique
from rolebook.model.scalars import ROLE_ID


def test_ids_from_english_chinese_or_the_file_name():
    assert role_id("财务专员", "Finance Specialist", "jd") == "finance-specialist"
    assert role_id("贵宾部经理", "", "jd") == "gui-bin-bu-jing-li"
    assert role_id("Vip专员", "", "jd") == "vip-zhuan-yuan"
    assert role_id("", "", "岗位 说明书 2024") == "2024"
    assert role_id("", "", "说明书") == "imported-role"
    assert role_id("", "Con", "x") == "con-role"


def test_ids_are_valid_and_unique():
    long = slug("A very long English title " * 5)
    assert len(long) <= 64 and ROLE_ID.parse(long) == long
    assert unique("clerk", {"clerk", "clerk-2"}) == "clerk-3"
    assert unique("clerk", set()) == "clerk"
