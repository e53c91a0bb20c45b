"""The tools a user would pick instead of rolebook, given the same roles: pandoc and docxtpl.

- pandoc (the binary shipped by pypandoc-binary) converts each role's Markdown to .docx and to
  HTML. Its start-up dominates a process per file, so every file is converted in one
  long-lived `pandoc lua` process running BATCH_LUA, which times only pandoc.read + pandoc.write.
- docxtpl renders a Word template holding the same sections as rolebook's (built here from
  templates/reference.docx with python-docx) with autoescape on: without it docxtpl silently
  drops text containing `<` or `&`.

Both get the same content as rolebook's role page: title, document control, revision history,
summary, reporting lines, duties, qualifications, workflow, principles and precautions.
"""

from __future__ import annotations

import io
import re
import subprocess
import time
from pathlib import Path

import docx

from rolebook.model.schema import Role

BATCH_LUA = """\
-- pandoc lua batch.lua FORMAT LIST OUTDIR: converts each Markdown file named in LIST (one
-- path a line) to FORMAT in OUTDIR and prints the CPU seconds spent in read + write.
local format, list, outdir = arg[1], arg[2], arg[3]
local spent = 0
for path in io.lines(list) do
  local f = assert(io.open(path, "rb"))
  local text = f:read("a")
  f:close()
  local started = os.clock()
  local result = pandoc.write(pandoc.read(text, "markdown"), format)
  spent = spent + (os.clock() - started)
  local name = path:match("([^/]+)%.md$")
  local out = assert(io.open(outdir .. "/" .. name .. "." .. format, "wb"))
  out:write(result)
  out:close()
end
print(string.format("%.6f", spent))
"""

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
CONTROL_KEYS = (
    "document_number",
    "version",
    "status",
    "effective_date",
    "drafted_by",
    "reviewed_by",
    "approved_by",
    "applies_to",
)
REPORTING_KEYS = ("reports_to", "direct_reports", "indirect_reports", "promotion", "rotation")
QUALIFICATION_KEYS = ("education", "training", "experience", "skills", "attitude", "personal")


def pandoc_path() -> str:
    """Returns the pandoc binary of pypandoc-binary."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def pandoc_version() -> str:
    import pypandoc

    return pypandoc.get_pandoc_version()


def pandoc_batch(markdown_files: list[Path], fmt: str, workdir: Path) -> float:
    """Returns pandoc's CPU seconds converting every file to `fmt` in one `pandoc lua` process;
    the results are written to workdir/<fmt>/."""
    script = workdir / "batch.lua"
    script.write_text(BATCH_LUA, encoding="utf-8")
    listing = workdir / "files.txt"
    listing.write_text("".join(f"{p}\n" for p in markdown_files), encoding="utf-8")
    outdir = workdir / fmt
    outdir.mkdir(exist_ok=True)
    run = subprocess.run(
        [pandoc_path(), "lua", str(script), fmt, str(listing), str(outdir)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(run.stdout.split()[-1])


def _md(text: object) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def _rows(rows: list[tuple[str, str]]) -> list[str]:
    """Returns a headerless two-column pipe table."""
    return ["| | |", "|---|---|", *(f"| {_md(k)} | {_md(v)} |" for k, v in rows), ""]


def role_markdown(role: Role, titles: dict[str, str], labels: dict[str, str]) -> str:
    """Returns a role page's content as pandoc Markdown; `titles` are the roles' titles by id."""
    L = labels
    out = [f"# {_md(role.title.zh)}", "", f"{_md(role.title.en)} · {_md(role.department)}", ""]
    out += [f"## {L['document_control']}", "", *_rows(control_rows(role, L))]
    out += _md_revisions(role, L)
    out += [f"## {L['summary']}", "", _md(role.summary), "", f"## {L['reporting']}", ""]
    out += _rows(reporting_rows(role, titles, L))
    out += [f"## {L['duties']}", "", *(f"1. {_md(d)}" for d in role.duties), ""]
    out += _md_qualifications(role, L) + _md_workflow(role, L) + _md_principles(role, L)
    return "\n".join(out)


def control_rows(role: Role, L: dict[str, str]) -> list[tuple[str, str]]:
    """Returns the document-control rows of `role`: (label, value), in CONTROL_KEYS order."""
    dc = role.document_control
    values = {
        "document_number": dc.number,
        "version": dc.version,
        "status": L[f"status_{dc.status}"],
        "effective_date": dc.effective_date.isoformat(),
        "drafted_by": dc.drafted_by,
        "reviewed_by": dc.reviewed_by,
        "approved_by": dc.approved_by,
        "applies_to": dc.applies_to,
    }
    return [(L[k], values[k]) for k in CONTROL_KEYS]


def reporting_rows(role: Role, titles: dict[str, str], L: dict[str, str]) -> list[tuple[str, str]]:
    """Returns the reporting lines of `role`: (label, the positions' titles or "none")."""
    names = ((k, getattr(role.reporting, k)) for k in REPORTING_KEYS)
    return [(L[k], "、".join(titles.get(n, n) for n in found) or L["none"]) for k, found in names]


def _md_revisions(role: Role, L: dict[str, str]) -> list[str]:
    header = f"| {L['version']} | {L['revision_date']} | {L['revision_author']} | "
    rows = (
        f"| {r.version} | {r.date.isoformat()} | {_md(r.author)} | {_md(r.changes)} |"
        for r in role.revision_history
    )
    return [
        f"## {L['revision_history']}",
        "",
        header + f"{L['revision_changes']} |",
        "|---|---|---|---|",
        *rows,
        "",
    ]


def _md_qualifications(role: Role, L: dict[str, str]) -> list[str]:
    out = [f"## {L['qualifications']}", ""]
    for key in QUALIFICATION_KEYS:
        if entries := getattr(role.qualifications, key):
            out += [f"### {L[key]}", "", *(f"- {_md(q)}" for q in entries), ""]
    return out


def _md_workflow(role: Role, L: dict[str, str]) -> list[str]:
    if not role.workflow:
        return []
    head = [f"## {L['workflow']}", "", f"| {L['time_window']} | {L['steps']} | {L['condition']} |"]
    rows = [
        f"| {_md(e.time or e.period)} | {_md(' '.join(e.steps))} | {_md(e.condition)} |"
        for e in role.workflow
    ]
    return [*head, "|---|---|---|", *rows, ""]


def _md_principles(role: Role, L: dict[str, str]) -> list[str]:
    out: list[str] = []
    for key, items in (
        ("principles", [f"**{_md(p.name)}**：{_md(p.rule)}" for p in role.principles]),
        ("precautions", [_md(p) for p in role.precautions]),
    ):
        if items:
            out += [f"## {L[key]}", "", *(f"1. {item}" for item in items), ""]
    return out


def docxtpl_template(reference_docx: bytes, labels: dict[str, str]) -> bytes:
    """Returns a docxtpl Word template with the sections of rolebook's role page, styled by
    rolebook's reference document."""
    word = docx.Document(io.BytesIO(reference_docx))
    L = labels
    word.sections[0].header.paragraphs[0].text = "{{ header }}"
    word.add_paragraph("{{ title }}", style="Heading 1")
    word.add_paragraph("{{ subtitle }}", style="Subtitle")
    word.add_paragraph(L["document_control"], style="Heading 2")
    _loop_table(word, None, ["{{ row.label }}", "{{ row.value }}"], "control")
    word.add_paragraph(L["revision_history"], style="Heading 2")
    _loop_table(
        word,
        [L["version"], L["revision_date"], L["revision_author"], L["revision_changes"]],
        ["{{ row.version }}", "{{ row.date }}", "{{ row.author }}", "{{ row.changes }}"],
        "revisions",
    )
    word.add_paragraph(L["summary"], style="Heading 2")
    word.add_paragraph("{{ summary }}")
    word.add_paragraph(L["reporting"], style="Heading 2")
    _loop_table(word, None, ["{{ row.label }}", "{{ row.value }}"], "reporting")
    for key, style in (
        ("duties", "List Number"),
        ("qualifications", None),
        ("workflow", None),
        ("principles", "List Number"),
        ("precautions", "List Number"),
    ):
        _optional_section(word, L, key, style)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _loop_table(word, header: list[str] | None, cells: list[str], loop: str) -> None:
    """Adds a table whose one body row repeats for each `row` of the context list `loop`."""
    rows = [f"{{%tr for row in {loop} %}}", "", "{%tr endfor %}"]
    t = word.add_table(rows=len(rows) + bool(header), cols=len(cells))
    t.style = word.styles["Rolebook Table"]
    if header:
        for cell, text in zip(t.rows[0].cells, header, strict=True):
            cell.text = text
    body = t.rows[bool(header) :]
    body[0].cells[0].text, body[2].cells[0].text = rows[0], rows[2]
    for cell, text in zip(body[1].cells, cells, strict=True):
        cell.text = text


def _optional_section(word, L: dict[str, str], key: str, style: str | None) -> None:
    """Adds the section `key`, shown only if the role has it."""
    lines: list[tuple[str, str | None]] = [(f"{{%p if {key} %}}", "Normal"), (L[key], "Heading 2")]
    if key == "qualifications":
        lines += [
            ("{%p for q in qualifications %}", "Normal"),
            ("{{ q.label }}", "Heading 3"),
            ("{%p for item in q.entries %}", "Normal"),
            ("{{ item }}", "List Bullet"),
            ("{%p endfor %}", "Normal"),
            ("{%p endfor %}", "Normal"),
        ]
    elif key != "workflow":
        lines += [
            (f"{{%p for item in {key} %}}", "Normal"),
            ("{{ item }}", style),
            ("{%p endfor %}", "Normal"),
        ]
    for text, para_style in lines[:2]:
        word.add_paragraph(text, style=para_style)
    if key == "workflow":
        _loop_table(
            word,
            [L["time_window"], L["steps"], L["condition"]],
            ["{{ row.when }}", "{{ row.steps }}", "{{ row.condition }}"],
            "workflow",
        )
    for text, para_style in lines[2:] + [("{%p endif %}", "Normal")]:
        word.add_paragraph(text, style=para_style)


def docxtpl_context(role: Role, titles: dict[str, str], labels: dict[str, str]) -> dict:
    """Returns the docxtpl template's context for `role`."""
    dc, L = role.document_control, labels
    return {
        "header": f"{L['document_number']}：{dc.number}　　{L['role']}：{role.title.zh}　　"
        f"{L['version']}：{dc.version}",
        "title": role.title.zh,
        "subtitle": f"{role.title.en} · {role.department}",
        "control": [{"label": k, "value": v or "—"} for k, v in control_rows(role, L)],
        "revisions": [
            {
                "version": r.version,
                "date": r.date.isoformat(),
                "author": r.author,
                "changes": r.changes,
            }
            for r in role.revision_history
        ],
        "summary": role.summary,
        "reporting": [{"label": k, "value": v} for k, v in reporting_rows(role, titles, L)],
        "duties": role.duties,
        "qualifications": [
            {"label": L[k], "entries": getattr(role.qualifications, k)}
            for k in QUALIFICATION_KEYS
            if getattr(role.qualifications, k)
        ],
        "workflow": [
            {"when": str(e.time or e.period), "steps": " ".join(e.steps), "condition": e.condition}
            for e in role.workflow
        ],
        "principles": [f"{p.name}：{p.rule}" for p in role.principles],
        "precautions": role.precautions,
    }


def docxtpl_render(template: bytes, context: dict) -> tuple[bytes, float]:
    """Returns the .docx docxtpl renders from `template` and the CPU seconds it took."""
    from docxtpl import DocxTemplate

    started = time.process_time()
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.render(context, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue(), time.process_time() - started
