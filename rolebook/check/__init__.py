"""Checking: the rules a project must pass, the compliance rules, and the formats the diagnostics
are printed in.
"""

# The grid's, the library's and the postings' checks join rules.CHECKS when their modules are
# first imported: here, before any use of the rules.
from rolebook.check import grid, library, postings  # noqa: E402, F401
