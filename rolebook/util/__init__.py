"""Utilities that every stage may use and that know nothing of rolebook: worker processes and
digests.
"""
