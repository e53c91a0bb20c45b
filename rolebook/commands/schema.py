"""`schema`: write the JSON Schema files of roles and settings under schema/."""

from __future__ import annotations

import argparse

from rolebook.output import json_schema, publish

SUMMARY = "write the JSON Schema files under schema/"


def arguments(p: argparse.ArgumentParser) -> None:
    """`schema` has no options of its own."""


def run(args: argparse.Namespace) -> int:
    """Writes the JSON Schema files of the role and settings schema, each in one rename."""
    for path, schema in json_schema.FILES.items():
        target = args.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        publish.write_file(target, json_schema.text(schema).encode("utf-8"))
        print(f"wrote {target}")
    return 0
