"""The check's output formats: its diagnostics as lines for people (text), for programs (json)
and for GitHub Actions (github: workflow commands that annotate the file and line in a pull
request).

Each format takes the checked project and its summary line and returns the lines for standard
output and for standard error.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from rolebook.load.project import Project
from rolebook.model.errors import Diagnostic

Lines = tuple[list[str], list[str]]  # (standard output, standard error)


def text(project: Project, summary: str) -> Lines:
    """Returns the diagnostics as `file:line:col: severity: message` with the source line."""
    return [summary], [d.format() for d in project.diagnostics]


def json_lines(project: Project, summary: str) -> Lines:
    """Returns one JSON document with the counts and every diagnostic."""
    document = {
        "roles": len(project.readings),
        "errors": project.errors,
        "warnings": project.warnings,
        "summary": summary,
        "diagnostics": [_as_dict(d) for d in project.diagnostics],
    }
    return [json.dumps(document, ensure_ascii=False, indent=2)], []


def _as_dict(d: Diagnostic) -> dict:
    return {
        "file": d.path,
        "line": d.line,
        "column": d.col,
        "severity": d.severity,
        "message": d.message,
        "source": d.source_line,
    }


def github(project: Project, summary: str) -> Lines:
    """Returns GitHub Actions workflow commands, `::error file=…,line=…,col=…::message`."""
    lines = []
    for d in project.diagnostics:
        path = Path(os.path.relpath(project.root / d.path)).as_posix()
        props = ",".join(
            f"{key}={_escape(str(value), True)}"
            for key, value in (("file", path), ("line", d.line), ("col", d.col))
        )
        lines.append(f"::{d.severity} {props}::{_escape(d.message)}")
    return lines + [summary], []


def _escape(value: str, property: bool = False) -> str:
    """Returns `value` escaped as GitHub's workflow commands require."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if property else value


FORMATS = {"text": text, "json": json_lines, "github": github}
