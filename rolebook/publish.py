"""Publishing: the only module that writes the build's files.

The new output folder is assembled in a temporary folder beside it and swapped in with renames,
so a failed build leaves the previous output as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from rolebook.errors import OutputError


def replace_folder(output: Path, files: dict[str, bytes]) -> None:
    """Replaces the folder `output` with exactly `files`, or leaves it untouched on failure."""
    output = output.absolute()
    parent = output.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".rolebook-new-", dir=parent))
        _write_tree(staging, files)
        _swap(staging, output)
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}; the previous output "
                          "is unchanged") from None


def _write_tree(folder: Path, files: dict[str, bytes]) -> None:
    try:
        for rel, data in sorted(files.items()):
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _swap(staging: Path, output: Path) -> None:
    """Moves `staging` to `output`; the old output is moved aside first and then deleted."""
    old = None
    if output.exists():
        old = Path(tempfile.mkdtemp(prefix=".rolebook-old-", dir=output.parent))
        os.rename(output, old / "output")
    try:
        os.rename(staging, output)
    except OSError:
        if old is not None:
            os.rename(old / "output", output)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
