"""The catalogue as JSON: the schema's shape, every role valid against schema/role.schema.json,
and a fingerprint that depends on a role's values only."""

from __future__ import annotations

import json

import jsonschema
from conftest import REPO
from workbooks import catalogue_of

from rolebook.load.reader import read
from rolebook.model.schema import Role
from rolebook.output.catalogue import json as catalogue_json

CATALOGUE = catalogue_of(REPO)


def test_the_catalogue_is_the_handbook_and_every_role_in_the_schemas_shape():
    document = json.loads(catalogue_json.write(CATALOGUE))
    assert document["generator"] == "rolebook catalogue"
    assert document["handbook"] == {
        "title": "VIP岗位职责手册",
        "organisation": "示例集团人力资源部",
        "document_number": "HB-VIP-001",
        "version": "1.1",
        "effective_date": "2026-12-01",
    }
    schema = json.loads((REPO / "schema" / "role.schema.json").read_text(encoding="utf-8"))
    for role in document["roles"]:
        jsonschema.validate(role, schema)
    specialist = document["roles"][2]
    assert specialist["workflow"][0]["time"] == "08:30–09:00"
    assert specialist["workflow"][-1]["time"] is None
    assert specialist["document_control"]["next_review"] == "2027-12-01"


def test_each_role_reads_back_from_its_json_as_yaml_reads_it():
    document = json.loads(catalogue_json.write(CATALOGUE))
    for data, role in zip(document["roles"], CATALOGUE.roles, strict=True):
        assert read("roles/x.yaml", json.dumps(data, ensure_ascii=False), Role).value == role


def test_the_fingerprint_is_of_the_values_not_of_the_layout():
    path = REPO / "roles" / "vip-specialist.yaml"
    text = path.read_text(encoding="utf-8")
    reflowed = read(str(path), text.replace("# ", "#  ").replace('"1.1"', "'1.1'"), Role).value
    assert reflowed is not None
    specialist = CATALOGUE.roles[2]
    assert catalogue_json.fingerprint(reflowed) == catalogue_json.fingerprint(specialist)
    assert catalogue_json.fingerprint(CATALOGUE.roles[0]) != catalogue_json.fingerprint(specialist)


def test_only_its_own_json_counts_as_rolebooks():
    assert catalogue_json.is_own(catalogue_json.write(CATALOGUE))
    assert not catalogue_json.is_own(b'{"roles": []}')
    assert not catalogue_json.is_own(b"[1, 2]")
    assert not catalogue_json.is_own(b"\xff")
