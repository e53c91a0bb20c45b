"""HTML pages into blocks, each at its line: headings, text blocks, list items, table cells."""

from __future__ import annotations

import pytest

from rolebook.load.importers.blocks import BREAK, CELL, HEADING, ITEM, PARAGRAPH, Unreadable
from rolebook.load.importers.html import read_html

PAGE = """<html><head><title>t</title><style>p{}</style></head><body>
<h1>客服专员岗位说明书</h1>
<table><tr><th>岗位名称</th><td>客服<b>专员</b></td></tr></table>
<div>岗位职责<ol><li>接听来电；</li><li>受理<br>投诉</li></ol></div>
<hr>
<p>版权所有</p><script>alert(1)</script>
</body></html>"""


def test_blocks_in_order_each_once_without_scripts():
    blocks = read_html(PAGE.encode())
    assert [(b.kind, b.text, b.where) for b in blocks] == [
        (HEADING, "客服专员岗位说明书", "line 2"),
        (CELL, "岗位名称", "table 1 row 1 cell 1 (line 3)"),
        (CELL, "客服专员", "table 1 row 1 cell 2 (line 3)"),
        (PARAGRAPH, "岗位职责", "line 4"),
        (ITEM, "接听来电；", "line 4"),
        (ITEM, "受理 投诉", "line 4"),
        (BREAK, "", "line 5"),
        (PARAGRAPH, "版权所有", "line 6"),
    ]
    assert blocks[1].first_cell and blocks[1].group == blocks[2].group


def test_an_empty_page_is_unreadable():
    with pytest.raises(Unreadable):
        read_html(b"")
