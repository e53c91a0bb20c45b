"""The catalogue as one CSV table: a row per value, UTF-8 with a byte-order mark for Excel, and no
text that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import dataclasses
import io

from conftest import REPO
from workbooks import catalogue_of

from rolebook.output.catalogue import csv as catalogue_csv

CATALOGUE = catalogue_of(REPO)


def rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_every_value_is_a_row_of_role_field_position_and_text():
    content = catalogue_csv.write(CATALOGUE)
    assert content.startswith("\ufeffrole,field,position,text\r\n".encode())
    table = rows(content)
    manager = [row for row in table if row[0] == "vip-department-manager"]
    assert manager[:3] == [
        ["vip-department-manager", "id", "", "vip-department-manager"],
        ["vip-department-manager", "title.zh", "", "贵宾部经理"],
        ["vip-department-manager", "title.en", "", "VIP Department Manager"],
    ]
    assert ["vip-department-manager", "reporting.reports_to", "1", "总监"] in manager
    assert ["vip-department-manager", "revision_history.date", "2", "2026-11-27"] in manager
    steps = [row for row in table if row[1] == "workflow.steps"]
    assert steps[0][2] == "1.1" and steps[-1][2] == "9.1"  # entry 1's first step … entry 9's
    # Every text of every role is there, once per place.
    texts = sum(1 for role in CATALOGUE.roles for _ in catalogue_csv.values(role))
    assert len(table) == texts + 1
    assert {row[1] for row in table} >= {"duties", "qualifications.personal", "principles.ref"}


def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe():
    role = dataclasses.replace(CATALOGUE.roles[0], duties=["=1+1", "@cmd", "-x", "正常"])
    table = rows(catalogue_csv.write(dataclasses.replace(CATALOGUE, roles=[role])))
    assert [row[3] for row in table if row[1] == "duties"] == ["'=1+1", "'@cmd", "'-x", "正常"]


def test_only_its_own_csv_counts_as_rolebooks():
    assert catalogue_csv.is_own(catalogue_csv.write(CATALOGUE))
    assert not catalogue_csv.is_own(b"role,field,position,text\r\n")  # no BOM: resaved
    assert not catalogue_csv.is_own(b"a,b\r\n")
