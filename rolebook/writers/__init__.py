"""All writers, in one table: a new output format is a new entry here."""

from rolebook.writers.base import Resources, Writer
from rolebook.writers.docx import DocxWriter
from rolebook.writers.html import HtmlWriter

WRITERS: dict[str, type] = {"docx": DocxWriter, "html": HtmlWriter}

__all__ = ["WRITERS", "Resources", "Writer"]
