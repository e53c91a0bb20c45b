"""Rendering: the Jinja templates turned into the document model, with the org chart and redline
pages they show.
"""
