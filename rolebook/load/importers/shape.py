"""A draft (mapping.py) made into a role mapping in the schema's shape, with its report.

Items are tidied; the text before a list's first number is its introduction (the duties' one
becomes the summary when there is none); qualifications are split at semicolons, and sorted into
education, experience… by their words where the source names no part; workflow steps get their
time window, period and condition and are grouped by them; principles are split into name and
rule. What cannot take the schema's shape joins the unmapped text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rolebook.load.importers import sections
from rolebook.load.importers.mapping import REPORTING_SLOTS, Draft, Entry
from rolebook.load.importers.sections import QUALIFICATION_PARTS

# What `rolebook new` marks an unfilled value with; `check` reports each one as an error.
TODO = "TODO"
KEYWORDS = {
    "education": r"学历|本科|大专|专科|硕士|博士|中专|高中|毕业|专业|degree|bachelor|master|diploma"
    r"|graduate|educat",
    "experience": r"经验|年以上|工作经历|experience|years?\b",
    "training": r"培训|证书|资格证|认证|certif|training|licen[cs]e",
    "personal": r"身体|健康|年龄|身高|性别|形象|气质|\bage\b|health",
    "attitude": r"责任心|态度|敬业|诚信|职业道德|attitude|integrity|proactive|commit",
}
CONDITION = re.compile(
    r"[（(]\s*((?:如果|若|如|仅|if|when|only)[^）)]*?)\s*[）)]\s*[。.]?\s*$", re.I
)
PERIOD = re.compile(r"([^，,。:：]{2,20}?)[，,：:]\s*(.+)")
PERIOD_WORDS = re.compile(r"^(每|各|月|周|年)|(后|前|时|期间|结束|开始|末|初)$")
PRINCIPLE = re.compile(r"([^:：，,。]{2,16})[:：]\s*(.+)|(.{2,10}?原则)[，,]?\s*(.+)")
BILINGUAL = re.compile(
    r"(?P<zh>.*[\u4e00-\u9fff][^A-Za-z]*?)\s*[/／|（(]?\s*"
    r"(?P<en>[A-Za-z][A-Za-z .,&'\-]+?)\s*[)）]?"
)


@dataclass
class Imported:
    """One role read from a source: its values in the schema's shape (no id, number or history
    yet), where each section came from, the unmapped text, and notes for the report."""

    values: dict
    sources: dict[str, str] = field(default_factory=dict)
    unmapped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> dict[str, str]:
        return self.values["title"]


def shape(draft: Draft) -> Imported:
    """Returns the draft as a role mapping with its sources, unmapped text and notes."""
    found = Imported({}, unmapped=list(draft.unmapped))
    found.values["title"] = _title(draft, found)
    for key in ("department", "summary"):
        if key in draft.fields:
            found.values[key], found.sources[key] = draft.fields[key]
    _control(draft, found)
    _reporting(draft, found)
    _duties(draft, found)
    _qualifications(draft, found)
    _workflow(draft, found)
    _principles(draft, found)
    _list(draft, found, "precautions")
    return found


def _title(draft: Draft, found: Imported) -> dict[str, str]:
    """Returns the title in Chinese and English as far as the source gives them."""
    heading = draft.heading_title
    if draft.title and heading and heading[0] != draft.title[0]:
        # The title a label gives wins; a heading that says more is kept as text.
        found.unmapped.insert(0, (heading[2], heading[1]))
    given = draft.title or (heading[:2] if heading else None)
    if given is None:
        found.notes.append("the source names no title")
        return {"zh": f"{TODO}: title in Chinese", "en": f"{TODO}: title in English"}
    text, found.sources["title"] = given
    match = BILINGUAL.fullmatch(text)
    zh, en = (match.group("zh").strip(), match.group("en").strip()) if match else ("", "")
    if not match:
        zh, en = (text, "") if sections.has_cjk(text) else ("", text)
    return {"zh": zh or f"{TODO}: title in Chinese", "en": en or f"{TODO}: title in English"}


def _control(draft: Draft, found: Imported) -> None:
    control = {
        key: draft.fields[key][0]
        for key in ("drafted_by", "reviewed_by", "approved_by", "applies_to")
        if draft.fields.get(key, ("",))[0]
    }
    if control:
        found.values["document_control"] = control
        found.sources["document_control"] = _span([draft.fields[k][1] for k in control])


def _reporting(draft: Draft, found: Imported) -> None:
    reporting = {
        slot: [e.text for e in draft.lists[slot]]
        for slot in REPORTING_SLOTS
        if draft.lists.get(slot)
    }
    if reporting:
        found.values["reporting"] = reporting
        wheres = [e.where for slot in reporting for e in draft.lists[slot]]
        found.sources["reporting"] = _span(wheres)


def _duties(draft: Draft, found: Imported) -> None:
    intro = _introduction(draft.lists.get("duties", []))
    if intro:
        text = "".join(sections.tidy(e.text) for e in intro)
        if "summary" in found.values:
            found.unmapped += [(e.text, e.where) for e in intro]
        else:
            found.values["summary"], found.sources["summary"] = text, intro[0].where
            found.notes.append("summary: the text before the first numbered duty")
    _list(draft, found, "duties")


def _introduction(entries: list[Entry]) -> list[Entry]:
    """Returns and removes the unnumbered entries before a list's numbered items: the text that
    introduces the list (相关岗位职责如下：), not items of it."""
    lead = 0
    while lead < len(entries) and not entries[lead].numbered:
        lead += 1
    if lead == 0 or lead == len(entries) or not all(e.numbered for e in entries[lead:]):
        return []
    intro = entries[:lead]
    del entries[:lead]
    return intro


def _list(draft: Draft, found: Imported, slot: str) -> None:
    """Takes a plain list section: each item tidied, an introduction unmapped."""
    entries = draft.lists.get(slot, [])
    found.unmapped += [(e.text, e.where) for e in _introduction(entries)]
    items = [sections.tidy(e.text) for e in entries]
    if any(items):
        found.values[slot] = [i for i in items if i]
        found.sources[slot] = _span([e.where for e in entries])


def _qualifications(draft: Draft, found: Imported) -> None:
    """Takes the qualification parts, each item split at semicolons; items under 任职资格 with
    no part named are sorted into parts by their words."""
    parts: dict[str, list[str]] = {}
    wheres: list[tuple[int, str]] = []
    for slot in ("qualifications", *QUALIFICATION_PARTS):
        entries = draft.lists.get(slot, [])
        found.unmapped += [(e.text, e.where) for e in _introduction(entries)]
        for entry in entries:
            wheres.append((entry.index, entry.where))
            for item in _split(entry.text):
                part = slot if slot != "qualifications" else _sort(item, found)
                parts.setdefault(part, []).append(item)
    if parts:
        found.values["qualifications"] = {p: parts[p] for p in QUALIFICATION_PARTS if p in parts}
        found.sources["qualifications"] = _span([where for _, where in sorted(wheres)])


def _split(text: str) -> list[str]:
    return [t for t in (sections.tidy(p) for p in re.split(r"(?<=[;；])", text)) if t]


def _sort(item: str, found: Imported) -> str:
    """Returns the qualification part an item's words point to (skills if none)."""
    part = next((p for p, words in KEYWORDS.items() if re.search(words, item, re.I)), "skills")
    found.notes.append(f"qualifications: '{_short(item)}' put under {part} by its words")
    return part


def _workflow(draft: Draft, found: Imported) -> None:
    """Takes the workflow: each step's time window (or period) and condition; consecutive steps
    with the same ones make one entry."""
    entries = draft.lists.get("workflow", [])
    found.unmapped += [(e.text, e.where) for e in _introduction(entries)]
    groups: list[dict] = []
    for entry in entries:
        step = _step(entry.text)
        if step is None:
            found.unmapped.append((entry.text, entry.where))
            found.notes.append(f"workflow: '{_short(entry.text)}' has no time or period")
            continue
        key, text = step
        if groups and groups[-1]["key"] == key:
            groups[-1]["steps"].append(text)
        else:
            groups.append({"key": key, "steps": [text]})
    if groups:
        found.values["workflow"] = [_entry(g["key"], g["steps"]) for g in groups]
        found.sources["workflow"] = _span([e.where for e in entries])


def _step(text: str) -> tuple[tuple[str, str, str], str] | None:
    """Returns a step's (time, period, condition) and its text, or None without a time or a
    period."""
    text = sections.plain(text).strip().lstrip(" ,，、")
    condition = CONDITION.search(text)
    if condition:
        text = text[: condition.start()]
    window = sections.time_window(text)
    time, period = (window[0], "") if window else ("", "")
    rest = window[1] if window else text
    if not window:
        match = PERIOD.match(rest)
        if not match or not PERIOD_WORDS.search(match.group(1).strip()):
            return None
        period, rest = match.group(1).strip(), match.group(2)
    return (time, period, condition.group(1) if condition else ""), sections.tidy(rest)


def _entry(key: tuple[str, str, str], steps: list[str]) -> dict:
    time, period, condition = key
    entry: dict = {"time": time} if time else {"period": period}
    entry["steps"] = steps
    if condition:
        entry["condition"] = condition
    return entry


def _principles(draft: Draft, found: Imported) -> None:
    """Takes the principles, each split into its name and its rule."""
    entries = draft.lists.get("principles", [])
    found.unmapped += [(e.text, e.where) for e in _introduction(entries)]
    principles = []
    for entry in entries:
        text = sections.tidy(entry.text)
        match = PRINCIPLE.fullmatch(text)
        if match:
            name, rule = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
            principles.append({"name": name.strip(), "rule": sections.tidy(rule)})
        else:
            principles.append({"name": f"{TODO}: the principle's name", "rule": text})
    if principles:
        found.values["principles"] = principles
        found.sources["principles"] = _span([e.where for e in entries])


def _span(wheres: list[str]) -> str:
    """Returns where a section was: its first place, and its last if that differs."""
    first, last = wheres[0], wheres[-1]
    return first if first == last else f"{first} to {last}"


def _short(text: str, width: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
