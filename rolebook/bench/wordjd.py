"""Job descriptions written in Word the way HR departments write them, for the import benchmark
and the import test fixtures (tools/make_import_fixtures.py).

A document is given as a list of parts: ("title" | "h1" | "h2" | "h3" | "p" | "bullet" |
"number", text), or ("table", rows), where each row is a list of cells and a cell is a text, a
list of texts (one paragraph each) or a list of ("number" | "bullet" | "p", text) parts.
`role_parts` lays a role mapping (as in roles/*.yaml) out in one of LAYOUTS: the table form of a
Chinese 岗位说明书 (label | value rows), one section per table row, numbered headings, or an
English one with bullet lists. The zip entries carry a fixed date: same parts, same bytes.
"""

from __future__ import annotations

import io
import zipfile

import docx

STYLES = {
    "title": "Title",
    "h1": "Heading 1",
    "h2": "Heading 2",
    "h3": "Heading 3",
    "p": None,
    "bullet": "List Bullet",
    "number": "List Number",
}
LAYOUTS = ("table", "rows", "headings", "bullets")
FIXED_DATE = (2020, 1, 1, 0, 0, 0)
QUALIFICATIONS_ZH = {
    "education": "学历",
    "training": "培训经历",
    "experience": "经验",
    "skills": "技能",
    "attitude": "态度",
    "personal": "自身条件",
}
REPORTING_ZH = {
    "reports_to": "直接上级",
    "direct_reports": "直接下级",
    "promotion": "晋升",
    "rotation": "轮换",
}


def document(parts: list) -> bytes:
    """Returns the .docx bytes of a document made of `parts` (see the module's docstring)."""
    doc = docx.Document()
    for kind, content in parts:
        if kind == "table":
            _table(doc, content)
        else:
            doc.add_paragraph(content, style=STYLES[kind])
    buffer = io.BytesIO()
    doc.save(buffer)
    return fixed_dates(buffer.getvalue())


def _table(doc, rows: list) -> None:
    width = max(len(row) for row in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            target = table.cell(r, c)
            if c == len(row) - 1 and len(row) < width:
                target = target.merge(table.cell(r, width - 1))
            _cell(target, cell)


def _cell(cell, content) -> None:
    """Fills a table cell: a text, paragraphs, or numbered and bulleted parts."""
    parts = [("p", content)] if isinstance(content, str) else content
    parts = [("p", p) if isinstance(p, str) else p for p in parts]
    first = cell.paragraphs[0]
    for i, (kind, text) in enumerate(parts):
        paragraph = first if i == 0 else cell.add_paragraph()
        paragraph.text = text
        if STYLES[kind]:
            paragraph.style = STYLES[kind]


def fixed_dates(data: bytes) -> bytes:
    """Returns a zip package with every entry dated FIXED_DATE, so that it is reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            entry = zipfile.ZipInfo(info.filename, FIXED_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            new.writestr(entry, old.read(info))
    return out.getvalue()


def role_parts(role: dict, layout: str) -> list:
    """Returns the parts of a Word job description of `role` in one of LAYOUTS."""
    return {
        "table": _table_form,
        "rows": _section_rows,
        "headings": _headings,
        "bullets": _english,
    }[layout](_written(role))


def _written(role: dict) -> dict:
    """Returns `role` without the lines that name the library (`ref: <id>`): a Word job
    description written outside the handbook has only its own text."""
    qualifications = {
        key: [line for line in lines if isinstance(line, str)]
        for key, lines in role.get("qualifications", {}).items()
    }
    precautions = [line for line in role.get("precautions", []) if isinstance(line, str)]
    return {**role, "qualifications": qualifications, "precautions": precautions}


def _numbered(items: list[str], style: str = "{n}、{text}") -> list[str]:
    return [style.format(n=n, text=text) for n, text in enumerate(items, start=1)]


def _names(role: dict, key: str) -> str:
    return "、".join(role.get("reporting", {}).get(key, [])) or "无"


def _qualification_lines(role: dict) -> list[str]:
    found = role.get("qualifications", {})
    return [f"{QUALIFICATIONS_ZH[k]}：{'；'.join(v)}" for k, v in found.items() if v]


def _table_form(role: dict) -> list:
    """The table form of a 岗位说明书: label | value rows, four cells to a row at the top."""
    control = role["document_control"]
    rows = [
        ["岗位名称", role["title"]["zh"], "所属部门", role.get("department", "")],
        ["直接上级", _names(role, "reports_to"), "直接下级", _names(role, "direct_reports")],
        ["文件编号", control["number"], "生效日期", str(control["effective_date"])],
        ["岗位概述", role.get("summary", "")],
        ["岗位职责", _numbered(role.get("duties", []))],
        ["任职资格", _qualification_lines(role)],
        ["晋升", _names(role, "promotion")],
    ]
    return [("title", f"{role['title']['zh']}岗位说明书"), ("table", rows)]


def _section_rows(role: dict) -> list:
    """One section per table row: the section's name, then its items as Word's numbering."""
    rows = [["岗位名称", role["title"]["zh"]], ["所属部门", role.get("department", "")]]
    rows += [[label, _names(role, key)] for key, label in REPORTING_ZH.items()]
    rows.append(["岗位职责", [("number", d) for d in role.get("duties", [])]])
    rows.append(["任职要求", _qualification_lines(role)])
    rows.append(["注意事项", [("number", p) for p in role.get("precautions", [])]])
    return [("table", rows)]


def _headings(role: dict) -> list:
    """Numbered chapter headings (一、二、…), the items numbered 1. 2. … in the text."""
    parts: list = [
        ("title", f"{role['title']['zh']}岗位说明书"),
        ("p", f"所属部门：{role.get('department', '')}"),
        ("p", f"直接上级：{_names(role, 'reports_to')}"),
        ("h1", "一、岗位职责"),
    ]
    parts += [("p", line) for line in _numbered(role.get("duties", []), "{n}. {text}")]
    parts.append(("h1", "二、任职资格"))
    for key, label in QUALIFICATIONS_ZH.items():
        items = role.get("qualifications", {}).get(key, [])
        if items:
            parts += [("h2", label)] + [("number", item) for item in items]
    parts.append(("h1", "三、工作流程"))
    for entry in role.get("workflow", []):
        when = entry.get("time") or entry.get("period")
        parts += [("number", f"{when}，{step}") for step in entry["steps"]]
    return parts


def _english(role: dict) -> list:
    """An English job description: labelled lines, then bullet lists under headings."""
    parts: list = [
        ("title", f"Job Description: {role['title']['en']}"),
        ("p", f"Department: {role.get('department', '')}"),
        ("p", f"Reports to: {', '.join(role.get('reporting', {}).get('reports_to', []))}"),
        ("h2", "Key Responsibilities"),
    ]
    parts += [("bullet", d) for d in role.get("duties", [])]
    parts.append(("h2", "Qualifications"))
    for key, items in role.get("qualifications", {}).items():
        parts += [("p", f"{key.capitalize()}:")] + [("bullet", item) for item in items]
    return parts
