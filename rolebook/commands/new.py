"""`new`: write a new role file, with placeholders or copied from another role."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import types
import typing
from collections import Counter
from dataclasses import MISSING, fields, is_dataclass
from pathlib import Path

from rolebook.check import gather
from rolebook.check.rules import PLACEHOLDER
from rolebook.commands.options import date_argument, role_id_argument
from rolebook.load.files import ROLES_DIR
from rolebook.load.project import Project
from rolebook.load.splice import (
    Source,
    Splice,
    apply,
    block_lines,
    checked_text,
    end_of_content,
    entry_lines,
    history_node,
    load_source,
    role_path,
    set_scalar,
    set_switch,
)
from rolebook.model.errors import RolebookError
from rolebook.model.scalars import Choice, Kind, Pattern
from rolebook.model.schema import Role
from rolebook.output import publish

SUMMARY = "write a new role file, with placeholders or copied from another role"
MODELINE = "# yaml-language-server: $schema=../schema/role.schema.json"
NEW_NOTE = {"zh-CN": "新建岗位。", "en": "New role."}
COPY_NOTE = {"zh-CN": "以 {base} 为基础新建。", "en": "Created from {base}."}


def arguments(p: argparse.ArgumentParser) -> None:
    """Adds the options of `new`."""
    p.add_argument(
        "role_id",
        type=role_id_argument,
        metavar="role-id",
        help="the new role's id, e.g. vip-hostess; the file is roles/<role-id>.yaml",
    )
    p.add_argument(
        "--from",
        dest="base",
        type=role_id_argument,
        metavar="ROLE-ID",
        help="copy this role instead of starting from placeholders",
    )
    p.add_argument(
        "--date",
        type=date_argument,
        metavar="YYYY-MM-DD",
        help="effective date and date of the first revision (default: today)",
    )


def run(args: argparse.Namespace) -> int:
    """Writes a new role file and says what to do next."""
    path = new_role(args.root, args.role_id, args.base or "", args.date)
    print(f"wrote {path}; replace every TODO in it, then run check")
    return 0


def next_number(numbers: list[str], like: str = "") -> str:
    """Returns the next free number in the series of `like` (else the most used series), e.g.
    VIP-JD-004 after VIP-JD-003, or a placeholder when no number ends in digits."""
    series: dict[str, list[str]] = {}
    for number in numbers:
        match = re.fullmatch(r"(.*?)([0-9]+)", number)
        if match:
            series.setdefault(match.group(1), []).append(match.group(2))
    own = re.fullmatch(r"(.*?)([0-9]+)", like)
    prefix = (
        own.group(1)
        if own
        else next(
            iter(Counter({p: len(v) for p, v in sorted(series.items())}).most_common(1)), ("", 0)
        )[0]
    )
    if prefix not in series:
        return f"{PLACEHOLDER}: document number"
    digits = series[prefix]
    width = max(len(d) for d in digits)
    return f"{prefix}{max(int(d) for d in digits) + 1:0{width}d}"


def new_role(root: Path, role_id: str, base: str = "", date: dt.date | None = None) -> str:
    """Writes roles/<role_id>.yaml, from scratch or copied from the role `base`; returns its
    path."""
    existing = role_path(root, role_id)
    if existing:
        raise RolebookError(f"{existing} already exists; choose another id or edit that file")
    project = gather.with_settings(root)
    assert project.settings is not None  # with_settings raises without them
    date = date or dt.date.today()
    numbers = [r.document_control.number for r in project.roles]
    if base:
        source = load_source(root, base)
        number = next_number(numbers, source.role.document_control.number)
        text = copied(source, role_id, number, date, project.settings.language)
    else:
        text = scaffold(project, role_id, next_number(numbers), date)
    path = f"{ROLES_DIR}/{role_id}.yaml"
    (root / ROLES_DIR).mkdir(exist_ok=True)
    # checked_text reads only the path and the byte-order mark: no tree or role to give.
    written = Source(path, text, None, None)  # type: ignore[arg-type]
    publish.write_file(root / path, checked_text(written, text).encode("utf-8"))
    return path


def copied(source: Source, role_id: str, number: str, date: dt.date, language: str) -> str:
    """Returns the text of `source` as a new role: new id and number, version 1.0, a draft with
    a fresh revision history and its posting closed, and its titles and job code marked TODO
    until they are renamed."""
    role = source.role
    history = history_node(source)
    entry = {
        "version": "1.0",
        "date": date.isoformat(),
        "author": role.revision_history[-1].author,
        "changes": COPY_NOTE[language].format(base=role.id),
    }
    lines = entry_lines(entry, history.value[0], source)
    start = history.value[0].start_mark.index
    first = lines[0][start - source.text.rfind("\n", 0, start) - 1 :]
    splices = [
        *set_scalar(source, role_id, "id"),
        *set_scalar(source, f"{PLACEHOLDER}: {role.title.zh}", "title", "zh"),
        *set_scalar(source, f"{PLACEHOLDER}: {role.title.en}", "title", "en"),
        # Job codes are unique like numbers, but follow the house's scheme: HR gives the new one.
        *set_scalar(source, f"{PLACEHOLDER}: {role.job_code}", "job_code"),
        *set_scalar(source, number, "document_control", "number"),
        *set_scalar(source, "1.0", "document_control", "version"),
        *set_scalar(source, "draft", "document_control", "status"),
        *set_scalar(source, date.isoformat(), "document_control", "effective_date"),
        *set_scalar(source, "", "document_control", "approved_by"),
        # A new role is not hiring yet: its copy of an open posting is closed.
        *set_switch(source, False, "posting", "open"),
        Splice(
            start,
            end_of_content(source.text, history),
            source.newline.join([first, *lines[1:]]) + source.newline,
        ),
    ]
    return apply(source.text, splices)


def scaffold(project: Project, role_id: str, number: str, date: dt.date) -> str:
    """Returns a new role's text: every required field and section, each empty value a TODO
    placeholder that `check` reports until it is filled in."""
    assert project.settings is not None  # new_role's project has its settings
    values = {
        ("id",): role_id,
        ("document_control", "number"): number,
        ("document_control", "version"): "1.0",
        ("document_control", "status"): "draft",
        ("document_control", "effective_date"): date.isoformat(),
        ("document_control", "approved_by"): "",
        ("revision_history",): [
            {
                "version": "1.0",
                "date": date.isoformat(),
                "author": f"{PLACEHOLDER}: who drafted it",
                "changes": NEW_NOTE[project.settings.language],
            }
        ],
    }
    lines = [
        MODELINE,
        f"# New role: replace every {PLACEHOLDER} with the text, then run "
        "`python build.py check`. See schema/role.schema.json for every field.",
    ]
    for f in fields(Role):
        wanted = (
            f.name in project.settings.required_sections
            if f.metadata.get("section")
            else _required(f)
        )
        if wanted:
            lines.append(f"# {f.metadata['doc']}")
            lines += block_lines(
                f.name, _value(_hints(Role)[f.name], f.metadata["doc"], (f.name,), values)
            )
    return "\n".join(lines) + "\n"


def _required(f) -> bool:
    return f.default is MISSING and f.default_factory is MISSING


def _value(hint, doc: str, path: tuple, values: dict):
    if path in values:
        return values[path]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        text, *other = typing.get_args(hint)  # a Line: a text, or a reference not asked for
        return _value(text, doc, path, values) if type(None) not in other else None
    if typing.get_origin(hint) is list:
        item = _value(typing.get_args(hint)[0], doc, path + (0,), values)
        return [] if item is None else [item]
    if is_dataclass(hint):
        found = {
            f.name: _value(_hints(hint)[f.name], f.metadata["doc"], path + (f.name,), values)
            for f in fields(hint)
        }
        return {k: v for k, v in found.items() if v is not None}
    kind = hint.__metadata__[0]
    if isinstance(kind, Choice):
        return kind.choices[0]
    return f"{PLACEHOLDER}: {doc}" if type(kind) in (Kind, Pattern) else None


def _hints(owner: object) -> dict:
    return typing.get_type_hints(owner, include_extras=True)
