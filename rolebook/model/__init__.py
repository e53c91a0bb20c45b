"""The model: the role schema, its scalar types, the document model, changes, and errors; it knows
neither YAML nor any output format.
"""
