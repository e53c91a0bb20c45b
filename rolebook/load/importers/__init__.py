"""Reading job descriptions written elsewhere (Word, text, Markdown, HTML) into role mappings.

readers (docx.py, text.py, html.py) → one neutral list of source blocks (blocks.py) → sections
recognised (sections.py) → role mappings and the text that fits no section (mapping.py) → the
YAML text of a role file (emit.py). Nothing here writes a file: `rolebook import` does.
"""
