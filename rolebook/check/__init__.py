"""Checking: the rules a project must pass, the compliance rules, and the formats the diagnostics
are printed in.
"""

# The grid's checks join rules.CHECKS when the grid's module is first imported: here, before any
# use of the rules.
from rolebook.check import grid  # noqa: E402, F401
