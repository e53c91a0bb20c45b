"""Gathers a project and checks it: what `check`, `new`, `diff` and the build start from.

Loading (rolebook/load/) reads; the rules (rolebook/check/rules.py) judge. This joins them, so
that the loader knows no rule and the rules know nothing of how files are read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path

from rolebook.check import rules
from rolebook.load import project
from rolebook.load.files import SETTINGS_FILE
from rolebook.load.project import Checks, Found, Project
from rolebook.load.readings import Readings
from rolebook.model.errors import CheckFailed, Diagnostic
from rolebook.util import parallel

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


# Roles above which a build checks the whole project in a process forked meanwhile.
FORK_ABOVE = 2000


def load_checking_later(
    root: Path,
    workers: int = 1,
    readings: Readings | None = None,
    on_read: Callable[[int, int], None] | None = None,
) -> tuple[Project, ProjectChecks]:
    """Returns the project at `root` as `load` does, but without the diagnostics of its checks
    (on one role or on the whole project): the ProjectChecks adds them when the build needs
    them. A project with other errors (a file that cannot be read) raises CheckFailed with all
    of them at once."""
    held = _Held()
    loaded = project.load(root, workers, None, readings, Checks(rules.check_role, held), on_read)
    if loaded.errors:  # the build stops here, with every check's diagnostics
        ProjectChecks(loaded, held.found, fork=False).finish()  # raises CheckFailed
    return loaded, ProjectChecks(loaded, held.found, fork=len(loaded.readings) > FORK_ABOVE)


class _Held:
    """The check of the whole project that `load` runs for load_checking_later: it keeps what
    the checks of one role found, for ProjectChecks. (An object, not a closure: the Checks
    go to the processes that read roles.)"""

    def __init__(self) -> None:
        self.found: dict[str, Found] | None = None

    def __call__(self, loaded: Project, found: dict[str, Found]) -> list[Diagnostic]:
        self.found = found
        return []


class ProjectChecks:
    """The checks of a loaded project, worked out by the time `finish` is called: of a large
    project, in a process forked meanwhile, while the build looks up what it can take from
    its cache (the checks of the whole project compare 10,000 roles: half a second)."""

    def __init__(self, loaded: Project, found: dict[str, Found] | None, fork: bool):
        self.project, self.found = loaded, found
        self.wide: Callable[[], list[list[Diagnostic]]] | None = None
        if found is not None:  # None: the settings could not be read, and nothing is checked
            run = rules.project_wide
            self.wide = parallel.in_fork(run, loaded) if fork else partial(run, loaded)

    def finish(self) -> None:
        """Adds the checks' diagnostics to the project (once), as `load` lists them; raises
        CheckFailed, at each call, if the project has an error."""
        if self.wide is not None and self.found is not None:
            wide, self.wide = self.wide(), None
            self.project.diagnostics += rules.merged(self.project, self.found, wide)
            self.project.sort_diagnostics()
        self.project.raise_for_errors()


def with_settings(root: Path) -> Project:
    """Returns the project at `root`, loaded and checked; raises CheckFailed if its settings
    (handbook.yaml) cannot be read, since everything made from it needs them."""
    found = load(root)
    if found.settings is None:
        raise CheckFailed([d for d in found.diagnostics if d.path == SETTINGS_FILE])
    return found
