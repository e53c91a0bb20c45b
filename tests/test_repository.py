"""What the repository offers around the tool: editor schema modelines, the pre-commit hook and
the CI workflow, each run the way pre-commit and GitHub Actions would run it."""

from __future__ import annotations

import re
import shlex

from conftest import REPO
from ruamel.yaml import YAML

MODELINE = "# yaml-language-server: $schema=../schema/role.schema.json"
ACKNOWLEDGED = """
acknowledged_warnings:
  - {rule: sex, text: 男, reason: 按源文件原样转录，待法务审核。}
  - {rule: age, text: 年龄28-36岁, reason: 按源文件原样转录，待法务审核。}
  - {rule: height, text: 身高1.70米以上, reason: 按源文件原样转录，待法务审核。}
  - {rule: appearance, text: 气质佳, reason: 按源文件原样转录，待法务审核。}
"""


def load(path: str):
    return YAML(typ="safe").load((REPO / path).read_text(encoding="utf-8"))


def test_every_role_file_starts_with_the_schema_modeline():
    for path in sorted((REPO / "roles").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == MODELINE, path.name
        assert (path.parent / first.split("$schema=")[1]).resolve().is_file()
    settings = (REPO / "handbook.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert settings == "# yaml-language-server: $schema=schema/handbook.schema.json"


def test_the_pre_commit_hook_checks_the_changed_roles(project, cli, monkeypatch):
    (hook,) = load(".pre-commit-hooks.yaml")
    assert (hook["id"], hook["language"], hook["pass_filenames"], hook["require_serial"]) == (
        "rolebook-check",
        "python",
        True,
        True,
    )
    files = re.compile(hook["files"])
    assert [
        bool(files.search(p))
        for p in (
            "roles/vip-specialist.yaml",
            "roles/new.yml",
            "handbook.yaml",
            "roles/.vip-specialist.yaml.swp.yaml",
            "templates/_role.xml.j2",
            "README.md",
            "output/html/index.html",
        )
    ] == [True, True, True, False, False, False, False]
    command, *args = shlex.split(hook["entry"])
    assert command == "rolebook"
    monkeypatch.chdir(project)
    # As pre-commit runs it: the changed files' names last. The manager has four warnings.
    specialist, manager = "roles/vip-specialist.yaml", "roles/vip-department-manager.yaml"
    assert cli(*args, specialist, "handbook.yaml").code == 0
    assert cli(*args, "--strict", specialist, "handbook.yaml").code == 0
    assert cli(*args, "--strict", specialist, manager).code == 1


def test_the_workflow_checks_strictly_builds_and_keeps_the_output(project, cli, monkeypatch):
    steps = load(".github/workflows/handbook.yml")["jobs"]["handbook"]["steps"]
    commands = [shlex.split(s["run"]) for s in steps if s.get("run", "").startswith("rolebook")]
    assert commands == [
        ["rolebook", "check", "--strict", "--format", "github"],
        ["rolebook", "build"],
    ]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "output/"
    monkeypatch.chdir(project)
    # The sample's transcribed personal requirements fail the strict check until acknowledged.
    assert cli(*commands[0][1:]).code == 1
    with open(project / "roles" / "vip-department-manager.yaml", "a", encoding="utf-8") as f:
        f.write(ACKNOWLEDGED)
    for command in commands:
        result = cli(*command[1:])
        assert result.code == 0, result.err
    assert (project / "output" / "html" / "index.html").is_file()
