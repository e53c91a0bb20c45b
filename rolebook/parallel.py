"""Worker processes: a map over many items, in order, by up to N processes.

Reading roles and rendering them is CPU work in Python, so processes, not threads. Where the
platform can fork, workers start as copies of this process, with everything already loaded in
memory instead of a pickled copy of it; elsewhere they start afresh.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor


def default_workers() -> int:
    """Returns the number of cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def map_in_order(func: Callable, items: Iterable, workers: int, chunk: int = 1,
                 initializer: Callable | None = None, initargs: tuple = ()) -> Iterator:
    """Yields func(item) for each item, in order, computed by up to `workers` processes.

    Each worker runs `initializer(*initargs)` first; with one worker (or one item) everything
    runs in this process. Items go to workers `chunk` at a time. An exception raised by `func`
    is raised here, so it must survive pickling.
    """
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        if initializer is not None:
            initializer(*initargs)
        yield from map(func, items)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(min(workers, len(items)), mp_context=context,
                             initializer=initializer, initargs=initargs) as pool:
        yield from pool.map(func, items, chunksize=chunk)
