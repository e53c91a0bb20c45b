"""Checks of the job architecture: each role's family and level against the grid that
handbook.yaml declares (job_architecture), promotions up the grid; and of the organisation
around it: each role's organisation, and the lines between positions outside the handbook.

A role without a family, level or job code is not checked here: the grid is optional, and a
handbook adopts it role by role. A promotion that does not go to a higher grade is a warning, not
an error: HR may mean it (a move into management at the same grade), and then acknowledges it
under acknowledged_warnings with rule 'promotion' and the promotion's entry as its text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rolebook.check import rules
from rolebook.load.files import SETTINGS_FILE
from rolebook.load.reader import Reading
from rolebook.model.errors import WARNING, Diagnostic
from rolebook.model.scalars import closest
from rolebook.model.schema import JobArchitecture, Role

if TYPE_CHECKING:
    from rolebook.load.project import Project

PROMOTION = "promotion"  # the rule an acknowledged sideways or downward promotion names


def _grid(project: Project) -> JobArchitecture:
    """Returns the project's job architecture (empty if handbook.yaml declares none)."""
    return rules._settings(project).job_architecture


@rules.one_role
def placed_in_the_handbook(
    project: Project, path: str, reading: Reading, role: Role
) -> Iterator[Diagnostic]:
    """Yields an error for a family, level or organisation that handbook.yaml does not
    declare."""
    settings = rules._settings(project)
    grid = settings.job_architecture
    for key, where, known in (
        ("family", "job_architecture families", [f.id for f in grid.families]),
        ("level", "job_architecture levels", [lv.id for lv in grid.levels]),
        ("organisation", "organisations", [o.id for o in settings.organisations]),
    ):
        value = getattr(role, key)
        if value and value not in known:
            yield reading.diagnostic(reading.at((key,)), _not_in(key, value, where, known))


def _not_in(key: str, value: str, where: str, known: list[str]) -> str:
    """Returns the message for a `key` `value` that is not among the `known` ids of `where`."""
    message = f"{key} '{value}' is not one of the {where} in handbook.yaml"
    # An id differs from the right one in case more often than in spelling (m2 for M2).
    same = [k for k in known if k.casefold() == value.casefold()]
    if close := (same[0] if same else closest(value, known)):
        return f"{message}; did you mean '{close}'?"
    if not known:
        return f"{message} (it declares none); declare it there"
    return f"{message} ({', '.join(known)}); write one of them or declare it there"


def unique_job_codes(project: Project) -> Iterator[Diagnostic]:
    """Yields an error for each role that reuses another role's job code, naming both files."""
    return rules._unique(
        project,
        ("job_code",),
        lambda role: role.job_code,
        "job code",
        "give each role a code of its own",
    )


def position_lines_name_positions(project: Project) -> Iterator[Diagnostic]:
    """Yields an error for a position line whose position is not an external position, or
    whose boss is neither an external position nor a role id."""
    reading = project.settings_reading or Reading(SETTINGS_FILE, [])
    externals = list(rules._settings(project).external_positions)
    ids = [role.id for _, _, role in rules._roles(project)]
    for i, line in enumerate(rules._settings(project).position_lines):
        for key, known in (("position", externals), ("reports_to", externals + ids)):
            name = getattr(line, key)
            if name not in known:
                close = closest(name, known)
                hint = f"did you mean '{close}'?" if close else "add it to external_positions"
                yield reading.diagnostic(
                    reading.at(("position_lines", i, key)),
                    f"'{name}' in position_lines is not one of the external_positions"
                    f"{' nor a role id' if key == 'reports_to' else ''}; {hint}",
                )


def promotion_goes_up(project: Project) -> Iterator[Diagnostic]:
    """Yields a warning for each promotion to a role at the same or a lower grade, unless the
    role acknowledges it, and one for each promotion acknowledgement that matches nothing."""
    levels = _levels(project)
    for _, reading, role in rules._roles(project):
        yield from _promotions(_grid(project), levels, reading, role)


def _promotions(
    grid: JobArchitecture, levels: dict[str, str], reading: Reading, role: Role
) -> Iterator[Diagnostic]:
    """Yields promotion_goes_up's warnings for one role; `levels` has every role's level."""
    acks = {a.text: i for i, a in enumerate(role.acknowledged_warnings) if a.rule == PROMOTION}
    used: set[int] = set()
    own = grid.grade(role.level)
    for i, name in enumerate(role.reporting.promotion):
        target = grid.grade(levels.get(name, ""))
        if own is None or target is None or target > own:
            continue
        if name in acks:
            used.add(acks[name])
        else:
            where = reading.at(("reporting", "promotion", i))
            message = _sideways(name, levels[name], role.level, target, own)
            yield reading.diagnostic(where, message, WARNING)
    for text, i in acks.items():
        if i not in used:
            yield reading.diagnostic(
                reading.at(("acknowledged_warnings", i)),
                f"nothing to acknowledge: no promotion to '{text}' stays at or below this role's "
                "grade; delete this entry",
                WARNING,
            )


def _levels(project: Project) -> dict[str, str]:
    """Returns each role's level by its id (roles without a level left out)."""
    return {role.id: role.level for _, _, role in rules._roles(project) if role.level}


def _sideways(name: str, level: str, own_level: str, grade: int, own: int) -> str:
    """Returns the warning for a promotion to `name` at `level` (grade `grade`) from a role at
    `own_level` (grade `own`)."""
    way = "sideways" if grade == own else "down"
    return (
        f"promotion to '{name}' ({level}, grade {grade}) goes {way} the grid from {own_level} "
        f"(grade {own}); correct the levels, or acknowledge it under acknowledged_warnings with "
        f"rule '{PROMOTION}', text '{name}' and the reason"
    )


def pay_bands_fit_the_grid(project: Project) -> Iterator[Diagnostic]:
    """Yields an error for a pay band of a level the grid lacks, and for one whose lowest pay
    is above its highest."""
    reading = project.pay_bands
    if reading is None or reading.value is None:
        return
    known = [lv.id for lv in _grid(project).levels]
    for i, band in enumerate(reading.value.bands):
        if band.level not in known:
            message = _not_in("level", band.level, "job_architecture levels", known)
            yield reading.diagnostic(reading.at(("bands", i, "level")), message)
        if int(band.min) > int(band.max):
            yield reading.diagnostic(
                reading.at(("bands", i, "min")),
                f"the band of {band.level} starts at {band.min}, above its top {band.max}; "
                "swap them or correct one",
            )


# Before unmapped_text, whose warnings close the list.
rules.CHECKS[-1:-1] = [
    placed_in_the_handbook,
    unique_job_codes,
    position_lines_name_positions,
    promotion_goes_up,
    pay_bands_fit_the_grid,
]
