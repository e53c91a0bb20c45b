"""Recognising the parts of a job description in running text: section names, numbering, times.

What HR documents call their sections, in Chinese and English with their common variants
(LABELS); how they number things (一、 （一） 1. 1、 1 . ① (1) a) and bullets), where a flattened
copy glues numbers to the text or garbles them; time windows of a daily workflow however they
are written (8:30-9:00, 8:30——9:00, 8:309:00, 13:OO); and tidying an item's text: half-width
punctuation between Chinese characters made full-width, trailing separators made a full stop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Where a label's value goes. FIELD labels take one value, REPORTING labels a list of names,
# SECTION labels the items or text that follow, PART labels group other labels, CONTROL labels
# are document-control fields.
FIELD, REPORTING, SECTION, PART, CONTROL = "field", "reporting", "section", "part", "control"


@dataclass(frozen=True)
class Label:
    """A section name: the slot it fills, its kind, and the qualification part it names."""

    slot: str
    kind: str


# Each slot with its names; the longest name that matches wins (文件编号 before 编号).
NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("title", FIELD): (
        "岗位名称",
        "职位名称",
        "职务名称",
        "岗位名",
        "主题",
        "Job Title",
        "Position Title",
        "Position Name",
        "Job Name",
        "Position",
    ),
    ("department", FIELD): ("所属部门", "所在部门", "部门名称", "部门", "Department"),
    ("summary", SECTION): (
        "岗位概述",
        "岗位目的",
        "岗位设置目的",
        "职位概要",
        "岗位概要",
        "工作概述",
        "岗位使命",
        "Job Summary",
        "Position Summary",
        "Role Summary",
        "Job Purpose",
        "Role Purpose",
        "Summary",
        "Purpose",
        "Overview",
    ),
    ("reports_to", REPORTING): (
        "直接上级",
        "汇报对象",
        "直属上级",
        "汇报上级",
        "上级岗位",
        "上级",
        "Reports to",
        "Reporting to",
        "Report to",
    ),
    ("direct_reports", REPORTING): (
        "直接下级",
        "直属下级",
        "直接下属",
        "下级岗位",
        "下级",
        "下属",
        "Direct reports",
        "Subordinates",
        "Supervises",
    ),
    ("indirect_reports", REPORTING): ("间接下级", "间接下属", "Indirect reports"),
    ("promotion", REPORTING): (
        "晋升级别",
        "晋升方向",
        "晋升通道",
        "晋升岗位",
        "可晋升岗位",
        "晋升",
        "Promotion path",
        "Promotion",
        "Career path",
    ),
    ("rotation", REPORTING): (
        "轮换岗位",
        "可轮换岗位",
        "轮岗",
        "轮换",
        "Job rotation",
        "Rotation",
    ),
    ("duties", SECTION): (
        "岗位职责",
        "工作职责",
        "主要职责",
        "岗位责任",
        "职责描述",
        "主要工作内容",
        "工作内容",
        "职责",
        "Key Responsibilities",
        "Main Responsibilities",
        "Job Responsibilities",
        "Duties and Responsibilities",
        "Responsibilities",
        "Main Duties",
        "Key Duties",
        "Duties",
    ),
    ("qualifications", PART): (
        "任职资格",
        "任职要求",
        "任职条件",
        "岗位要求",
        "资格要求",
        "Qualifications and Requirements",
        "Job Requirements",
        "Qualifications",
        "Requirements",
        "Person Specification",
    ),
    ("education", SECTION): (
        "教育背景",
        "学历要求",
        "教育程度",
        "学历",
        "专业",
        "Education",
    ),
    ("training", SECTION): (
        "培训经历",
        "资格证书",
        "培训",
        "证书",
        "Training",
        "Certifications",
        "Certificates",
    ),
    ("experience", SECTION): ("工作经验", "工作经历", "经验", "Work experience", "Experience"),
    ("skills", SECTION): (
        "技能技巧",
        "专业技能",
        "技能要求",
        "能力要求",
        "专业知识",
        "技能",
        "能力",
        "知识",
        "Skills and abilities",
        "Skills",
        "Knowledge",
        "Abilities",
        "Competencies",
    ),
    ("attitude", SECTION): ("工作态度", "职业素养", "态度", "Attitude"),
    ("personal", SECTION): (
        "自身条件",
        "个人条件",
        "身体条件",
        "其他要求",
        "其他条件",
        "Personal requirements",
        "Other requirements",
        "Personal",
    ),
    ("workflow", SECTION): (
        "日常工作流程",
        "每日工作流程",
        "业务流程",
        "工作流程",
        "Daily workflow",
        "Daily routine",
        "Workflow",
    ),
    ("principles+precautions", PART): ("工作原则及注意事项", "工作原则和注意事项"),
    ("principles", SECTION): ("工作原则", "Work principles", "Principles"),
    ("precautions", SECTION): ("注意事项", "Precautions"),
    ("reporting", PART): (
        "汇报关系",
        "岗位关系",
        "工作关系",
        "Reporting lines",
        "Reporting relationships",
    ),
    ("career", PART): (
        "晋升与轮换",
        "晋升和轮换",
        "职业发展",
        "Promotion and rotation",
        "Career development",
    ),
    ("number", CONTROL): (
        "文件编号",
        "文档编号",
        "编号",
        "Document No.",
        "Document number",
        "Doc No.",
    ),
    ("version", CONTROL): ("版本号", "版本", "更新", "Version", "Revision"),
    ("effective_date", CONTROL): ("生效日期", "生效时间", "实施日期", "Effective date"),
    ("drafted_by", CONTROL): (
        "起草人",
        "编制人",
        "拟制人",
        "编写人",
        "Drafted by",
        "Prepared by",
    ),
    ("reviewed_by", CONTROL): ("审核人", "审核", "Reviewed by"),
    ("approved_by", CONTROL): ("批准人", "审批人", "批准", "Approved by"),
    ("applies_to", CONTROL): ("涉及部门和人", "适用范围", "适用对象", "Applies to"),
    ("pages", CONTROL): ("总页数", "页数", "Pages"),
}
LABELS: dict[str, Label] = {
    name.casefold(): Label(slot, kind) for (slot, kind), names in NAMES.items() for name in names
}
QUALIFICATION_PARTS = ("education", "training", "experience", "skills", "attitude", "personal")
# Labels short enough to occur inside ordinary words: they count only where a label may start
# (after punctuation, a number, or at the start), or as a whole cell or heading.
_ANYWHERE = {"主题", "编号", "更新", "版本"}

CN_DIGITS = "零一二三四五六七八九十"
_CN = f"[{CN_DIGITS}]{{1,3}}"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CJK = "\u3400-\u9fff\uf900-\ufaff"
_TIME = r"\d{1,2}[:：][0-9Oo]{2}"
TIME_WINDOW = re.compile(
    r"(\d{1,2})[:：]([0-9Oo]{2})\s*(?:[-–—~～至到]|一一|——|--)?\s*(\d{1,2})[:：]([0-9Oo]{2})"
)
# Every place where a label, a part or a number may begin; each is then judged in order.
_LABEL_NAMES = sorted((name for names in NAMES.values() for name in names), key=len, reverse=True)
CANDIDATES = re.compile(
    "|".join(
        [
            rf"(?P<part>(?:篇{_CN}|第{_CN}[节章篇部分])\s*[:：]?)",
            rf"(?P<chapter>{_CN})\s*[、.．]",
            rf"[(（](?P<sub>{_CN})[)）]\s*[、.．]?",
            rf"(?P<arabic>\d{{1,3}})(?:\s?[、)）]|\s?[.．](?!\d)|(?={_TIME}|[A-Za-z]))",
            r"[(（](?P<paren>\d{1,2})[)）]",
            rf"(?P<circled>[{CIRCLED}])",
            r"(?<![A-Za-z])(?P<letter>[a-h])[.)](?=\s)",
            r"(?P<bullet>[•·▪●○■□◆◇►✓√\-–*])(?=\s)",
            rf"(?<![A-Za-z])(?P<garbled>[A-Za-z]{{1,2}})(?={_TIME})",
            "(?P<label>" + "|".join(re.escape(n) for n in _LABEL_NAMES) + r")(?P<colon>\s*[:：])?",
        ]
    ),
    re.IGNORECASE,
)
BOUNDARY = set('。；;!！?？:：.．)）】]」"”’ \t')
UNITS = set("年个月日天周名人岁米次小分秒元万千百%")


def cn_number(text: str) -> int:
    """Returns the value of a Chinese numeral up to 99: 一 1, 十 10, 十二 12, 二十一 21."""
    if "十" not in text:
        return CN_DIGITS.index(text[-1])
    tens, _, ones = text.partition("十")
    return (CN_DIGITS.index(tens) if tens else 1) * 10 + (CN_DIGITS.index(ones) if ones else 0)


def label_of(name: str) -> Label:
    """Returns the label a recognised section name stands for."""
    return LABELS[name.casefold()]


def can_be_anywhere(name: str, label: Label) -> bool:
    """Returns whether a name followed by a colon is a label even inside a run of text: field
    and control names that are not common words."""
    return label.kind in (FIELD, REPORTING, CONTROL) and (
        len(name) >= 3 and not name.isascii() or name in _ANYWHERE
    )


def at_boundary(text: str, start: int) -> bool:
    """Returns whether a label or number may begin at `start`: the text's start, or after
    punctuation or a space."""
    return start == 0 or text[start - 1] in BOUNDARY


def glued_number_fits(text: str, end: int) -> bool:
    """Returns whether a number glued to the text without punctuation (`1vip`, `1815:10`) is
    a list number: a time or a Latin letter follows it, not a unit (5年, 10分钟)."""
    rest = text[end : end + 1]
    return (
        bool(rest)
        and rest not in UNITS
        and (rest.isascii() and rest.isalpha() or bool(TIME_WINDOW.match(text, end)))
    )


def time_window(text: str) -> tuple[str, str] | None:
    """Returns the time window a step starts with, as HH:MM–HH:MM, and the step's text after
    it; None if it starts with none (or with an impossible one)."""
    match = TIME_WINDOW.match(text)
    if not match:
        return None
    h1, m1, h2, m2 = (int(g.replace("O", "0").replace("o", "0")) for g in match.groups())
    if max(h1, h2) > 23 or max(m1, m2) > 59 or (h1, m1) >= (h2, m2):
        return None
    return f"{h1:02d}:{m1:02d}–{h2:02d}:{m2:02d}", text[match.end() :]


_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"}
_CJK_CHAR = re.compile(f"[{CJK}]")
_HALF_NEAR_CJK = re.compile(rf"(?<=[{CJK}])\s*([,:;!?)])|([,:;(])\s*(?=[{CJK}])")
_CJK_STOP = re.compile(rf"(?<=[{CJK}）])\.(?!\d)")
_SPACE_IN_CJK = re.compile(rf"(?<=[{CJK}，。；：、（）])\s+(?=[{CJK}，。；：、（）])")
_LEAD = " \t,，、:：;；.．。"
_TRAIL_SEPARATORS = ",，、;；"


def has_cjk(text: str) -> bool:
    """Returns whether `text` holds a Chinese character."""
    return bool(_CJK_CHAR.search(text))


def tidy(text: str) -> str:
    """Returns an item's text without the separators around it, its half-width punctuation
    next to Chinese made full-width and a trailing separator made a full stop."""
    text = " ".join(text.split()).lstrip(_LEAD)
    if not has_cjk(text):
        return text.rstrip(_TRAIL_SEPARATORS)
    text = _HALF_NEAR_CJK.sub(lambda m: _FULL_WIDTH[m.group(1) or m.group(2)], text)
    text = _SPACE_IN_CJK.sub("", _CJK_STOP.sub("。", text))
    if text and text[-1] in _TRAIL_SEPARATORS:
        text = text[:-1] if text[-2:-1] in ("。", "！", "？") else text[:-1] + "。"
    return text


_FULL_WIDTH_ALNUM = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF5B) if chr(c - 0xFEE0).isalnum()}
_FULL_WIDTH_ALNUM.update({0x3000: 0x20, 0xA0: 0x20})


def plain(text: str) -> str:
    """Returns `text` with full-width letters, digits and spaces as ASCII ones, so that numbers
    and names are recognised however they are typed."""
    return text.translate(_FULL_WIDTH_ALNUM)
