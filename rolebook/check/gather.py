"""Gathers a project and checks it: what `check`, `new`, `diff` and the build start from.

Loading (rolebook/load/) reads; the rules (rolebook/check/rules.py) judge. This joins them, so
that the loader knows no rule and the rules know nothing of how files are read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from rolebook.check import rules
from rolebook.load import project
from rolebook.load.files import SETTINGS_FILE
from rolebook.load.project import Checks, Project
from rolebook.load.readings import Readings
from rolebook.model.errors import CheckFailed

EVERY_CHECK = Checks(rules.check_role, rules.run)


def load(
    root: Path,
    workers: int = 1,
    today: dt.date | None = None,
    readings: Readings | None = None,
    on_read: Callable[[int, int], None] | None = None,
) -> Project:
    """Returns the project at `root` read and checked by every rule, as of `today` (the real
    date unless given); see rolebook.load.project.load for `workers`, `readings` and
    `on_read`."""
    return project.load(root, workers, today, readings, EVERY_CHECK, on_read)


def with_settings(root: Path) -> Project:
    """Returns the project at `root`, loaded and checked; raises CheckFailed if its settings
    (handbook.yaml) cannot be read, since everything made from it needs them."""
    found = load(root)
    if found.settings is None:
        raise CheckFailed([d for d in found.diagnostics if d.path == SETTINGS_FILE])
    return found
