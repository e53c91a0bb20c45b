"""Reporting lines across the roles of one import: names made role ids, superiors read from
the duties where no label names them, and each line made to agree both ways.

A name that is the title of a role (one of the project's or of the same import) becomes that
role's id; 部门经理 in a role of 贵宾部 is 贵宾部经理. A role whose source has no 直接上级 gets
the superiors its text names in so many words (在总监的领导下, 总经理的指令, 直接向部门经理负责),
else the one it reports to (向客服主管汇报). Roles of the same import then agree both ways, as
`check` requires: B under A's direct reports reports to A; A's indirect reports are under its
one direct report. Each such step is a note in the report, for HR to confirm.
"""

from __future__ import annotations

import re

from rolebook.load.importers.mapping import REPORTING_SLOTS
from rolebook.load.importers.shape import Imported

SUFFIXES = "副总经理|总经理|经理|总监|主管|领班|主任|专员|总裁|董事长|负责人|组长|部长|店长"
POSITION = rf"(?:(?![和及与、])[A-Za-z\u4e00-\u9fff]){{0,6}}?(?:{SUFFIXES})"
SUPERIOR = re.compile(
    rf"在(?P<a>{POSITION})的领导下|(?:^|(?<=[和及、，,。；;]))(?P<b>{POSITION})的(?:领导|指令|指示)"
    rf"|直接向(?P<c>{POSITION})负责"
)
REPORTED_TO = re.compile(rf"向(?P<n>{POSITION})(?:汇报|报告)")
OWN_DEPARTMENT = re.compile(r"^(本部门|部门)(?=.)")
DEPARTMENT_IN_TITLE = re.compile(rf"^(?P<d>.+部)(?:{SUFFIXES})$")


def department_of_title(title: str) -> str:
    """Returns the department a Chinese title names (贵宾部经理 → 贵宾部), or ""."""
    match = DEPARTMENT_IN_TITLE.match(title)
    return match.group("d") if match else ""


def link(roles: list[Imported], ids: list[str], titles: dict[str, str]) -> None:
    """Resolves and completes the reporting lines of `roles` (whose ids are `ids`); `titles`
    maps every known title, in Chinese and English, to its role id."""
    for role in roles:
        if not role.values.get("reporting", {}).get("reports_to"):
            _superiors(role)
        reporting = role.values.get("reporting", {})
        for slot, names in reporting.items():
            reporting[slot] = list(dict.fromkeys(_resolve(n, role, titles) for n in names))
    by_id = dict(zip(ids, roles, strict=True))
    for role_id, role in by_id.items():
        _both_ways(role_id, role, by_id)
    for role_id, role in by_id.items():
        _indirect(role_id, role, by_id)
    for role in roles:
        _in_order(role)


def _in_order(role: Imported) -> None:
    """Puts the reporting lines in the schema's order; notes where they came from when no
    label in the source gave them."""
    reporting = role.values.get("reporting")
    if reporting:
        role.values["reporting"] = {s: reporting[s] for s in REPORTING_SLOTS if s in reporting}
        role.sources.setdefault("reporting", "the role's own text and the other imported roles")


def _texts(role: Imported) -> list[str]:
    values = role.values
    steps = [s for entry in values.get("workflow", []) for s in entry["steps"]]
    rules = [p["rule"] for p in values.get("principles", [])]
    return [*values.get("duties", []), *steps, *rules, *values.get("precautions", [])]


def _superiors(role: Imported) -> None:
    """Adds the superiors the role's text names, when no label names them."""
    texts = _texts(role)
    found = [m.group(m.lastgroup or "") for t in texts for m in SUPERIOR.finditer(t)]
    how = "named as its superior in its text"
    if not found:
        found = [m.group("n") for t in texts for m in REPORTED_TO.finditer(t)]
        how = "reported to in its text"
    for name in dict.fromkeys(found):
        role.values.setdefault("reporting", {}).setdefault("reports_to", []).append(name)
        role.notes.append(f"reports_to: {name}, {how}")


def _resolve(name: str, role: Imported, titles: dict[str, str]) -> str:
    """Returns the id of the role a name is the title of, else the name."""
    if name in titles:
        return titles[name]
    department = role.values.get("department") or department_of_title(role.title["zh"])
    if department and OWN_DEPARTMENT.match(name):
        full = OWN_DEPARTMENT.sub(department, name)
        if full in titles:
            role.notes.append(f"reporting: {name} read as {full}, of the role's own department")
            return titles[full]
    return name


def _both_ways(role_id: str, role: Imported, by_id: dict[str, Imported]) -> None:
    """Makes direct reports and superiors among the imported roles agree both ways."""
    reporting = role.values.get("reporting", {})
    for slot, other_slot in (("direct_reports", "reports_to"), ("reports_to", "direct_reports")):
        for other_id in reporting.get(slot, []):
            other = by_id.get(other_id)
            if other is None or other is role:
                continue
            lines = other.values.setdefault("reporting", {}).setdefault(other_slot, [])
            if role_id not in lines:
                lines.append(role_id)
                other.notes.append(f"{other_slot}: {role_id}, as {role_id} lists it ({slot})")


def _indirect(role_id: str, role: Imported, by_id: dict[str, Imported]) -> None:
    """Puts a role's indirect reports under its one direct report, where that one names no
    direct reports of its own: the only way they can reach the role."""
    reporting = role.values.get("reporting", {})
    below = [by_id[i] for i in reporting.get("direct_reports", []) if i in by_id]
    indirect = reporting.get("indirect_reports", [])
    lines = below[0].values.setdefault("reporting", {}) if len(below) == 1 else {}
    if len(below) != 1 or not indirect or lines.get("direct_reports"):
        return
    lines["direct_reports"] = list(indirect)
    below[0].notes.append(
        f"direct_reports: {', '.join(indirect)}, {role_id}'s indirect reports, under its one "
        "direct report"
    )
