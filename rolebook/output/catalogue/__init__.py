"""The catalogue: every role as one file, for review, bulk edits and other systems.

Each format is a module with `SUFFIX`, `write(catalogue) -> bytes` (roles in, bytes out, no
file I/O) and `is_own(bytes)`, whether a file is one it wrote (export replaces only those
without --force); FORMATS is their table. xlsx.py also reads a workbook back, for import; the
sheets are declared in sheets.py, their columns and cells in table.py.
"""

from rolebook.output.catalogue import csv, json, xlsx
from rolebook.output.catalogue.table import Catalogue

FORMATS = {"xlsx": xlsx, "csv": csv, "json": json}

__all__ = ["FORMATS", "Catalogue"]
