"""Loading: the project's files read safely, YAML into the schema, the project gathered, git
history, and the reading cache.
"""
