"""All writers, in one table: a new output format is a new entry here."""

from rolebook.writers.base import Resources, Writer
from rolebook.writers.docx import DocxWriter
from rolebook.writers.html import HtmlWriter
from rolebook.writers.search import SearchWriter

WRITERS: dict[str, type] = {"docx": DocxWriter, "html": HtmlWriter, "search": SearchWriter}

__all__ = ["WRITERS", "Resources", "Writer"]
