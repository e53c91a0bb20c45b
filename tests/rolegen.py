"""Roles made from the schema for the hostile-input and fuzz tests: every field of every kind.

`walk` goes through rolebook.schema and lets the caller make each scalar, list and mapping, so a
field added to the schema is covered here without a change. `filled_role` makes one role whose
every free text is given; `role_values` is the hypothesis strategy of (mostly) valid roles.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from collections.abc import Callable

from hypothesis import strategies as st
from ruamel.yaml import YAML

from rolebook.model.scalars import Choice, DateKind, GridIdKind, Kind, Pattern, TimeWindowKind
from rolebook.model.schema import Role, SwitchKind, WorkflowEntry

FieldPath = tuple  # field names and list indices from the role's root, e.g. ("duties", 0)


def walk(schema: type, leaf: Callable, many: Callable, record: Callable, path: FieldPath = ()):
    """Returns `record(schema, {field: made})`, each field made by `leaf(kind, path)` for a
    scalar, `many(made item)` for a list, or a walk of its own for a nested mapping."""
    hints = typing.get_type_hints(schema, include_extras=True)
    made = {
        f.name: _field(hints[f.name], leaf, many, record, (*path, f.name))
        for f in dataclasses.fields(schema)
    }
    return record(schema, made)


def _field(hint, leaf, many, record, path):
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    if typing.get_origin(hint) is typing.Annotated:
        return leaf(hint.__metadata__[0], path)
    if typing.get_origin(hint) is list:
        return many(_field(typing.get_args(hint)[0], leaf, many, record, (*path, 0)))
    return walk(hint, leaf, many, record, path)


def is_free_text(kind) -> bool:
    """Returns whether a scalar kind takes any text (as opposed to an id, a date, a choice…)."""
    return type(kind) is Kind


def filled_role(role_id: str, text: Callable[[FieldPath], str], when: str = "time") -> dict:
    """Returns a valid role mapping whose every free text is `text(path)`; its workflow entry
    gives a time window or, with `when="period"`, a named period (which is a free text)."""

    def leaf(kind, path):
        if is_free_text(kind):
            return text(path)
        return role_id if path == ("id",) else _FIXED[type(kind)](kind)

    def record(schema: type, made: dict) -> dict:
        if schema is WorkflowEntry:
            made.pop("period" if when == "time" else "time")
        if schema is Role:
            made.pop(_LIBRARY_ONLY)
        return made

    return walk(Role, leaf, lambda item: [item], record)


# A competency names a library item and writes no text of its own: a made-up one names none.
_LIBRARY_ONLY = "competencies"

_FIXED = {
    Pattern: lambda k: "1.10",
    GridIdKind: lambda k: "",  # no family or level: the sample's grid is not the point here
    SwitchKind: lambda k: "false",  # not open: a posting needs more than the role
    Choice: lambda k: k.choices[0],
    DateKind: lambda k: "2026-02-28",
    TimeWindowKind: lambda k: "08:30-09:00",
}


def role_values(role_id: str, texts: st.SearchStrategy[str]) -> st.SearchStrategy[dict]:
    """Returns the strategy of role mappings with free texts from `texts`: valid, if the texts
    are, except that required values may come out empty."""

    def leaf(kind, path):
        if is_free_text(kind):
            return texts
        if path == ("id",):
            return st.just(role_id)
        return _VALID[type(kind)](kind)

    def record(schema: type, made: dict):
        if schema is Role:
            made.pop(_LIBRARY_ONLY)
        required = {k: v for k, v in made.items() if _required(schema, k)}
        optional = {k: v for k, v in made.items() if not _required(schema, k)}
        if schema is WorkflowEntry:  # a time window or a named period, never both
            when = {k: optional.pop(k) for k in ("time", "period")}
            return st.one_of(
                *(
                    st.fixed_dictionaries({**required, k: v}, optional=optional)
                    for k, v in when.items()
                )
            )
        return st.fixed_dictionaries(required, optional=optional)

    return walk(Role, leaf, lambda item: st.lists(item, max_size=3), record)


def _required(schema: type, name: str) -> bool:
    f = next(f for f in dataclasses.fields(schema) if f.name == name)
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _windows() -> st.SearchStrategy[str]:
    def clock(minute: int) -> str:
        return f"{minute // 60:02d}:{minute % 60:02d}"

    starts = st.integers(0, 24 * 60 - 2)
    return starts.flatmap(
        lambda start: st.integers(start + 1, 24 * 60 - 1).map(
            lambda end: f"{clock(start)}-{clock(end)}"
        )
    )


_VALID = {
    Pattern: lambda k: st.from_regex(k.regex, fullmatch=True),
    GridIdKind: lambda k: st.just(""),
    SwitchKind: lambda k: st.sampled_from(k.choices),
    Choice: lambda k: st.sampled_from(k.choices),
    DateKind: lambda k: st.dates(dt.date(1900, 1, 1), dt.date(2999, 12, 31)).map(str),
    TimeWindowKind: lambda k: _windows(),
}


def yaml_text(value: dict, style: str) -> str:
    """Returns `value` as YAML: "block" as ruamel writes it, or "flow" (JSON, which YAML 1.2
    reads too)."""
    if style == "flow":
        return json.dumps(value, ensure_ascii=False, indent=1)
    out = _Out()
    dumper = YAML(typ="safe", pure=True)
    dumper.allow_unicode = True
    dumper.width = 1 << 16
    # Block style throughout: in flow style ruamel writes a:b unquoted, which it reads by YAML
    # 1.2's rules but the C parser (YAML 1.1) does not.
    dumper.default_flow_style = False
    dumper.dump(value, out)
    return out.text


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, chunk):
        self.text += chunk.decode("utf-8") if isinstance(chunk, bytes) else chunk


def texts_of(value, path: FieldPath = ()) -> list[tuple[FieldPath, str]]:
    """Returns every free text of a built Role (or part of one) with its path."""
    if dataclasses.is_dataclass(value):
        hints = typing.get_type_hints(type(value), include_extras=True)
        out = []
        for f in dataclasses.fields(value):
            kinds = [
                a.__metadata__[0]
                for a in (hints[f.name], *typing.get_args(hints[f.name]))
                if typing.get_origin(a) is typing.Annotated
            ]
            child = getattr(value, f.name)
            if isinstance(child, str) and not (kinds and is_free_text(kinds[0])):
                continue
            out += texts_of(child, (*path, f.name))
        return out
    if isinstance(value, list):
        return [t for i, item in enumerate(value) for t in texts_of(item, (*path, i))]
    return [(path, value)] if isinstance(value, str) and value else []


def free_texts(schema: type, data) -> list[str]:
    """Returns the free texts of a role mapping as the reader keeps them (stripped, empty ones
    dropped), following `schema`; values of the wrong type are skipped."""
    if not isinstance(data, dict):
        return []
    hints = typing.get_type_hints(schema, include_extras=True)
    return [
        t
        for f in dataclasses.fields(schema)
        if f.name in data
        for t in _free_texts(hints[f.name], data[f.name])
    ]


def _free_texts(hint, value) -> list[str]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    if typing.get_origin(hint) is typing.Annotated:
        keep = is_free_text(hint.__metadata__[0]) and isinstance(value, str) and value.strip()
        return [value.strip()] if keep else []
    if typing.get_origin(hint) is list:
        items = value if isinstance(value, list) else []
        return [t for item in items for t in _free_texts(typing.get_args(hint)[0], item)]
    return free_texts(hint, value)
