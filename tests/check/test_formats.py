"""`check --strict` and `check --format text|json|github`."""

from __future__ import annotations

import json

from conftest import REPO, edit

MANAGER = "roles/vip-department-manager.yaml"


def test_strict_makes_warnings_fail(cli):
    result = cli("check", "--root", REPO, "--strict")
    assert result.code == 1
    assert result.out == "3 roles: 0 errors, 4 warnings; --strict: warnings fail the check\n"


def test_strict_passes_without_warnings(project, cli):
    edit(
        project / MANAGER, "气质佳，仪表端庄，慷慨得体，男，身高1.70米以上，年龄28-36岁", "慷慨得体"
    )
    result = cli("check", "--root", project, "--strict")
    assert (result.code, result.out) == (0, "3 roles: 0 errors, 0 warnings\n")


def test_json_lists_every_diagnostic_with_counts(project, cli):
    edit(project / MANAGER, "number: VIP-JD-002", "number: VIP-JD-001")
    result = cli("check", "--root", project, "--format", "json")
    assert result.code == 1
    assert result.err == ""
    report = json.loads(result.out)
    assert {k: report[k] for k in ("roles", "errors", "warnings")} == {
        "roles": 3,
        "errors": 1,
        "warnings": 4,
    }
    assert [d for d in report["diagnostics"] if d["severity"] == "error"] == [
        {
            "file": "roles/vip-specialist.yaml",
            "line": 11,
            "column": 3,
            "severity": "error",
            "message": f"document number 'VIP-JD-001' is used by both {MANAGER}:12 and "
            "roles/vip-specialist.yaml:11; give each role a number of its own",
            "source": "  number: VIP-JD-001",
        }
    ]


def test_github_prints_workflow_commands(project, cli, monkeypatch):
    monkeypatch.chdir(project.parent)
    edit(project / MANAGER, "number: VIP-JD-002", "number: VIP-JD-001")
    result = cli("check", "--root", "handbook", "--format", "github")
    lines = result.out.splitlines()
    assert result.code == 1
    assert lines[0].startswith(
        "::warning file=handbook/roles/vip-department-manager.yaml,"
        "line=76,col=12::requirement on appearance"
    )
    assert lines[4] == (
        "::error file=handbook/roles/vip-specialist.yaml,line=11,col=3::document number "
        f"'VIP-JD-001' is used by both {MANAGER}:12 and roles/vip-specialist.yaml:11; give each "
        "role a number of its own"
    )
    assert lines[-1] == "3 roles: 1 error, 4 warnings"


def test_github_escapes_what_would_end_a_command(project, cli):
    edit(project / MANAGER, "number: VIP-JD-002", 'number: "VIP%JD:002"')
    edit(project / "roles" / "vip-specialist.yaml", "number: VIP-JD-001", 'number: "VIP%JD:002"')
    line = cli("check", "--root", project, "--format", "github").out.splitlines()[4]
    assert "::document number 'VIP%25JD:002' is used by both " in line
