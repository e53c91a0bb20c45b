"""The JSON Schema files in schema/ are exactly what the declared schema exports."""

from __future__ import annotations

import json

import pytest
from conftest import REPO

from rolebook.model.schema import Role
from rolebook.output import json_schema


@pytest.mark.parametrize("path", sorted(json_schema.FILES))
def test_schema_files_are_up_to_date(path):
    stored = (REPO / path).read_text(encoding="utf-8")
    assert stored == json_schema.text(json_schema.FILES[path]), (
        "regenerate with: python build.py schema"
    )


def test_every_field_is_documented_and_unknown_keys_are_refused():
    schema = json_schema.document(Role)

    def walk(node, where):
        if node.get("type") == "object":
            assert node["additionalProperties"] is False, where
            for name, prop in node["properties"].items():
                assert prop["description"], f"{where}.{name}"
                walk(prop, f"{where}.{name}")
        for sub in node.get("anyOf", []) + ([node["items"]] if "items" in node else []):
            walk(sub, where)

    walk(schema, "role")
    assert schema["required"] == ["id", "title", "document_control"]
    json.dumps(schema)


def test_each_role_file_points_editors_to_the_schema():
    for path in (REPO / "roles").glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/role.schema.json"


def test_each_translation_file_points_editors_to_its_schema():
    paths = sorted((REPO / "translations").glob("*/*.yaml"))
    assert paths
    for path in paths:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schema/translation.schema.json"
