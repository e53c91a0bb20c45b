"""`import`: job descriptions in Word, text, Markdown and HTML files become draft role files.

The corpus: shared/source (three job descriptions flattened into one scraped text) must give the
hand-made sample roles item for item, modulo the conversion errors OUTLINE.md lists (fixing them
is left to HR); the fixtures in tests/fixtures/import/ (made by tools/make_import_fixtures.py)
must each give their expected YAML. Bad input is refused with one line, and nothing is written.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from conftest import REPO
from ruamel.yaml import YAML

# shared/ lies beside the repository (in CI's clone too); ROLEBOOK_SHARED names another place,
# for a work tree kept elsewhere.
SHARED = Path(os.environ.get("ROLEBOOK_SHARED", REPO.parent / "shared"))
SOURCE = SHARED / "source" / "vip-job-descriptions.zh.txt"
# The conversion errors of the source (OUTLINE.md), which the hand-made roles corrected.
CORRECTIONS = {
    "当口": "当日",
    "像关": "相关",
    "研窕": "研究",
    "浮现": "出现",
    "匡助": "帮助",
    "目生": "陌生",
    "凝结力": "凝聚力",
    "催促": "督促",
    "检查检查": "检查",
}
SECTIONS = ("duties", "workflow", "principles", "precautions", "qualifications", "reporting")


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def normal(text: str) -> str:
    """Returns text compared modulo the source's conversion errors, case, punctuation and
    spaces."""
    for wrong, right in CORRECTIONS.items():
        text = text.replace(wrong, right)
    return "".join(c for c in text.casefold() if unicodedata.category(c)[0] not in "PZS")


def items(role: dict, section: str, ids: dict[str, str]) -> list[str]:
    """Returns a role's items of one section as comparable strings."""
    value = role.get(section) or ([] if section != "qualifications" else {})
    if section == "workflow":
        return [
            f"{e.get('time') or e.get('period')}|{e.get('condition', '')}|{s}"
            for e in value
            for s in e["steps"]
        ]
    if section == "principles":
        return [f"{p['name']}|{p['rule']}" for p in value]
    if section in ("qualifications", "reporting"):
        return [f"{k}|{ids.get(v, v)}" for k, vs in value.items() for v in vs]
    return list(value)


def compare(sample: list[str], imported: list[str]) -> tuple[int, int]:
    """Returns how many sample items the import gives exactly, and how many only as the
    beginning of the sample's item (cut off in the source, completed by HR)."""
    exact = completed = 0
    for mine, theirs in zip(imported, sample, strict=False):
        if normal(mine) == normal(theirs):
            exact += 1
        elif normal(theirs).startswith(normal(mine)) and len(normal(mine)) > 4:
            completed += 1
    return exact, completed


@pytest.fixture(scope="module")
def imported_corpus(tmp_path_factory) -> Path:
    if not SOURCE.is_file():
        pytest.skip(f"the corpus is not here: {SOURCE} (shared/ beside the repository)")
    from rolebook.cli import main

    root = tmp_path_factory.mktemp("corpus")
    (root / "roles").mkdir()
    (root / "handbook.yaml").write_bytes((REPO / "handbook.yaml").read_bytes())
    assert main(["import", str(SOURCE), "--root", str(root), "--date", "2026-11-30"]) == 0
    return root / "roles"


def test_the_corpus_gives_the_sample_roles_item_for_item(imported_corpus, capsys):
    samples = {normal(r["title"]["zh"]): r for r in map(load, (REPO / "roles").glob("*.yaml"))}
    roles = {normal(r["title"]["zh"]): r for r in map(load, imported_corpus.glob("*.yaml"))}
    assert set(roles) == set(samples)
    ids = {roles[k]["id"]: samples[k]["id"] for k in roles}
    rates = {}
    for section in SECTIONS:
        total = exact = completed = 0
        for key, sample in samples.items():
            theirs, mine = items(sample, section, {}), items(roles[key], section, ids)
            if section == "qualifications" and not mine:
                continue  # the source has none for this role: HR wrote them
            got = compare(theirs, mine) if section != "reporting" else _sets(theirs, mine)
            total, exact, completed = total + len(theirs), exact + got[0], completed + got[1]
        rates[section] = (exact, completed, total)
    with capsys.disabled():
        print("\nmatch rate on shared/source, section by section (exact + completed by HR):")
        for section, (exact, completed, total) in rates.items():
            print(
                f"  {section:<15} {exact + completed:>3}/{total:<3} ({exact} exact, "
                f"{completed} cut off in the source and completed by HR)"
            )
    for section in SECTIONS[:-1]:
        exact, completed, total = rates[section]
        assert exact + completed == total, section
    assert rates["reporting"][0] >= 9


def _sets(theirs: list[str], mine: list[str]) -> tuple[int, int]:
    return len(set(theirs) & set(mine)), 0
