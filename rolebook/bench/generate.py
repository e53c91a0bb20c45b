"""Generates a handbook project of N distinct roles from the sample roles, for the benchmark.

Roles come in branches of three, one of each sample role (manager, supervisor, specialist): role
i is sample i % 3 in branch i // 3. Each gets its own id, title, department and document number;
its lists are reordered, partly reworded and trimmed or grown, so the files differ in content
and size the way real roles do (about 4–12 KB). A reference to a sample role becomes the id of
the same branch's role, or the position's name where that role was not generated, so every
reference stays valid. The same (n, seed) always gives the same files.
"""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

from ruamel.yaml import YAML

from rolebook.load.files import LIBRARY_DIR, ROLES_DIR, SETTINGS_FILE, TEMPLATES_DIR

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/role.schema.json\n"
REGIONS = [
    ("华东", "East China"),
    ("华南", "South China"),
    ("华北", "North China"),
    ("西南", "Southwest"),
    ("东北", "Northeast"),
    ("西北", "Northwest"),
    ("华中", "Central China"),
    ("港澳", "Hong Kong and Macau"),
]
# Rewordings applied to some list items: each replaces a phrase with one of the same meaning.
REWORDINGS = [
    ("及时", "尽快"),
    ("负责", "承担"),
    ("客户", "顾客"),
    ("工作", "事务"),
    ("检查", "核查"),
    ("主动", "积极"),
    ("应", "须"),
    ("保证", "确保"),
    ("汇报", "报告"),
    ("各项", "各类"),
]
ADDITIONS = ["并做好相关记录。", "并按月总结。", "遇到问题及时上报。", "同时注意服务礼仪。"]
LISTS = ("duties", "precautions")
QUALIFICATION_LISTS = ("education", "training", "experience", "skills", "attitude", "personal")


class Generator:
    """Makes the roles of one benchmark project from the sample roles of `samples_root`."""

    def __init__(self, samples_root: Path, n: int, seed: int = 1):
        self.samples_root, self.n, self.seed = samples_root, n, seed
        loader = YAML(typ="safe")
        paths = sorted((samples_root / ROLES_DIR).glob("*.yaml"))
        self.samples = [loader.load(p.read_text(encoding="utf-8")) for p in paths]
        self.sample_ids = [s["id"] for s in self.samples]
        self.dumper = YAML(typ="safe")
        self.dumper.allow_unicode = True
        self.dumper.default_flow_style = False
        # ruamel declares the attribute by its default, None (sort), so mypy takes it as None only.
        self.dumper.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
        self.dumper.width = 4096

    def role_id(self, i: int) -> str:
        """Returns the id of generated role i."""
        return f"{self.sample_ids[i % len(self.samples)]}-{i + 1:05d}"

    def write_project(self, dest: Path) -> list[str]:
        """Writes settings, templates and every role under `dest`; returns the role ids."""
        dest.mkdir(parents=True, exist_ok=True)
        self.write_settings(dest)
        shutil.copytree(self.samples_root / TEMPLATES_DIR, dest / TEMPLATES_DIR, dirs_exist_ok=True)
        if (self.samples_root / LIBRARY_DIR).is_dir():  # the items the sample roles refer to
            shutil.copytree(self.samples_root / LIBRARY_DIR, dest / LIBRARY_DIR, dirs_exist_ok=True)
        (dest / ROLES_DIR).mkdir(exist_ok=True)
        for i in range(self.n):
            self.write_role(dest, i)
        return [self.role_id(i) for i in range(self.n)]

    def write_settings(self, dest: Path) -> None:
        """Writes the samples' settings, with the sample titles as outside positions: the last
        branch names them where its own copy of a role was not generated."""
        text = (self.samples_root / SETTINGS_FILE).read_text(encoding="utf-8")
        titles = "".join(f"\n  - {sample['title']['zh']}" for sample in self.samples)
        text = text.replace("\nexternal_positions:", "\nexternal_positions:" + titles, 1)
        (dest / SETTINGS_FILE).write_text(text, encoding="utf-8")

    def write_role(self, dest: Path, i: int, revision: int = 0) -> Path:
        """Writes role i; a revision > 0 changes its summary, as an HR edit would."""
        path = dest / ROLES_DIR / f"{self.role_id(i)}.yaml"
        path.write_text(SCHEMA_LINE + self.text(i, revision), encoding="utf-8")
        return path

    def text(self, i: int, revision: int = 0) -> str:
        """Returns the YAML text of role i."""
        out = io.StringIO()
        self.dumper.dump(self.role(i, revision), out)
        return out.getvalue()

    def role(self, i: int, revision: int = 0) -> dict:
        """Returns role i as plain data: a sample with new identity and varied lists."""
        rng = random.Random(self.seed * 1_000_003 + i)
        sample = self.samples[i % len(self.samples)]
        branch = i // len(self.samples)
        zh_region, en_region = REGIONS[branch % len(REGIONS)]
        role = dict(sample)
        role["id"] = self.role_id(i)
        role["title"] = {
            "zh": f"{sample['title']['zh']}（{zh_region}第{branch + 1}分部）",
            "en": f"{sample['title']['en']}, {en_region} branch {branch + 1}",
        }
        role["department"] = f"{zh_region}{sample['department']}"
        role["document_control"] = {**sample["document_control"], "number": f"JD-{i + 1:05d}"}
        if sample.get("job_code"):  # job codes are unique too: the sample's, numbered per role
            role["job_code"] = f"{sample['job_code']}-{i + 1:05d}"
        if revision:
            role["summary"] = f"{sample['summary']}（第{revision}次修订）"
        role["reporting"] = {
            key: [self.reference(name, branch) for name in names]
            for key, names in sample["reporting"].items()
        }
        for key in LISTS:
            if key in sample:
                role[key] = self.vary(rng, sample[key])
        role["qualifications"] = {
            key: self.vary(rng, items)
            for key, items in sample["qualifications"].items()
            if key in QUALIFICATION_LISTS
        }
        if "principles" in sample:
            role["principles"] = rng.sample(sample["principles"], len(sample["principles"]))
        return role

    def reference(self, name: str, branch: int) -> str:
        """Returns a reporting entry for `branch`: the same branch's role id, or a plain name."""
        if name not in self.sample_ids:
            return name
        i = branch * len(self.samples) + self.sample_ids.index(name)
        if i < self.n:
            return self.role_id(i)
        return self.samples[self.sample_ids.index(name)]["title"]["zh"]

    def vary(self, rng: random.Random, items: list[str]) -> list[str]:
        """Returns `items` reordered, some reworded, and one dropped or one added."""
        # A line naming the library (`ref: <id>`, a mapping) is moved but kept as it is.
        items = [
            self.reword(rng, item) if isinstance(item, str) else item
            for item in rng.sample(items, len(items))
        ]
        if len(items) > 2 and rng.random() < 0.3:
            items.pop()
        elif isinstance(first := items[0] if items else None, str) and rng.random() < 0.3:
            items.append(first.rstrip("。") + "，" + rng.choice(ADDITIONS))
        return items

    def reword(self, rng: random.Random, text: str) -> str:
        """Returns `text` with about a third of its rewordable phrases replaced."""
        for old, new in REWORDINGS:
            if old in text and rng.random() < 0.35:
                text = text.replace(old, new, 1)
        return text
