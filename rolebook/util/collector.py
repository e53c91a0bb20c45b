"""Python's cycle collector, paused while a build makes millions of objects that form no cycles.

Each collection walks every object made since the last freeze, again and again as they pile
up: at 10,000 roles, a second of an edit's build went on walking what the build still needed.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused(freeze: bool = False) -> Iterator[None]:
    """Runs the block with the cycle collector paused, in this process and the ones it forks
    meanwhile (render workers start it again: see workers.py); afterwards the collector runs as
    it did before.

    With `freeze`, what the block made lives on as long as the process needs it (a loaded
    project): it is frozen (gc.freeze), so that no later collection walks it, and what an
    earlier such block froze, which `serve` may since have dropped, is unfrozen first, so that
    a cycle among it is collected as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    if freeze:
        gc.unfreeze()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()
