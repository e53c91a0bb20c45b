"""Reading job descriptions written elsewhere (Word, text, Markdown, HTML) into role mappings.

source.py tells a file's kind and refuses what cannot be read; the readers (docx.py, text.py,
html.py) give one neutral list of source blocks (blocks.py), each with its place; segments.py
cuts them at section names and numbers (sections.py knows how HR writes those); mapping.py
reads the pieces into one draft per job description, keeping the text that fits no section;
shape.py gives each draft the schema's shape; links.py makes the reporting lines of one import
agree; naming.py gives ids and emit.py the role file's text. Nothing here writes a file:
`rolebook import` (rolebook/commands/importing.py) does.
"""
