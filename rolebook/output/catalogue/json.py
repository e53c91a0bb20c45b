"""The catalogue as JSON, in the schema's shape, for other systems: `write` and `fingerprint`.

The document is `{"generator": "rolebook catalogue", "handbook": {…}, "roles": [{…}, …]}`; each
role has every field of the schema (rolebook/model/schema.py) under its name, dates as
YYYY-MM-DD, time windows as 08:30–09:00, an empty value as null, "" or [] as the schema has it, so
each role validates against schema/role.schema.json.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from rolebook.model.scalars import TimeWindow
from rolebook.model.schema import Role
from rolebook.output.catalogue.table import Catalogue
from rolebook.util.digest import digest

SUFFIX = ".json"
GENERATOR = "rolebook catalogue"
HANDBOOK = ("title", "organisation", "document_number", "version", "effective_date")


def write(catalogue: Catalogue) -> bytes:
    """Returns the catalogue as a JSON document (UTF-8, indented, ending in a line break)."""
    document = {
        "generator": GENERATOR,
        "handbook": {name: data(getattr(catalogue.settings, name)) for name in HANDBOOK},
        "roles": [data(role) for role in catalogue.roles],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def data(value):
    """Returns a model value as JSON data: a dataclass as an object of its fields, a date as
    YYYY-MM-DD, a time window as its text."""
    if isinstance(value, TimeWindow):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [data(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def fingerprint(role: Role) -> str:
    """Returns the SHA-256 of the role's content: the same for the same values, whatever the
    layout and comments of its file."""
    return digest(json.dumps(data(role), ensure_ascii=False, sort_keys=True))


def is_own(content: bytes) -> bool:
    """Returns whether `content` is a catalogue this module wrote (export may replace it)."""
    try:
        document = json.loads(content)
    except ValueError:
        return False
    return isinstance(document, dict) and document.get("generator") == GENERATOR
