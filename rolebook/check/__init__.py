"""Checking: the rules a project must pass, the compliance rules, and the formats the diagnostics
are printed in.
"""
