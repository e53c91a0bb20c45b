"""A project as a git repository, for the tests of what rolebook reads from git history."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(project: Path, *args: str) -> str:
    """Runs `git ARGS…` in `project` as the user HR; returns what it printed."""
    return subprocess.run(
        ["git", "-c", "user.name=HR", "-c", "user.email=hr@example.org", *args],
        cwd=project,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def committed(project: Path) -> Path:
    """Returns the project as a git repository with the sample roles committed."""
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Handbook 1.1")
    return project
