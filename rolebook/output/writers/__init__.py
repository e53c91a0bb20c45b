"""All writers, in one table: a new output format is a new entry here."""

from rolebook.output.writers.base import Resources, Writer
from rolebook.output.writers.docx import DocxWriter
from rolebook.output.writers.html import HtmlWriter
from rolebook.output.writers.search import SearchWriter
from rolebook.output.writers.text import TextWriter

WRITERS: dict[str, type] = {
    "docx": DocxWriter,
    "html": HtmlWriter,
    "search": SearchWriter,
    "text": TextWriter,
}

__all__ = ["WRITERS", "Resources", "Writer"]
