"""Worker processes: a map over many items, in order, by up to N processes.

Reading roles and rendering them is CPU work in Python, so processes, not threads. Where the
platform can fork, workers start as copies of this process, with everything already loaded in
memory instead of a pickled copy of it; elsewhere they start afresh.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

R = TypeVar("R")  # what a function run in a forked process returns


def default_workers() -> int:
    """Returns the number of cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def map_in_order(
    func: Callable,
    items: Iterable,
    workers: int,
    chunk: int = 1,
    initializer: Callable | None = None,
    initargs: tuple = (),
) -> Iterator:
    """Yields func(item) for each item, in order, computed by up to `workers` processes.

    Each worker runs `initializer(*initargs)` first; with one worker (or items for one chunk)
    everything runs in this process. Items go to workers `chunk` at a time. An exception raised
    by `func` is raised here, so it must survive pickling.
    """
    items = list(items)
    # A process per chunk at most: fewer items than fill two chunks gain nothing from a pool
    # but the cost of starting one.
    workers = min(workers, -(-len(items) // chunk))
    if workers <= 1:
        if initializer is not None:
            initializer(*initargs)
        yield from map(func, items)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pool = ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(), initializer, initargs),
    )
    try:
        yield from pool.map(func, items, chunksize=chunk)
    finally:
        _shut_down(pool)


def fork(target: Callable, *args) -> BaseProcess | None:
    """Returns a process running target(*args), started as a copy of this one (fork), which
    dies with it; None where the platform cannot fork.

    It ignores Ctrl-C, which is for the process that forked it to handle. It ends when
    `target` returns, with os._exit, as multiprocessing's own workers
    end: nothing is torn down, and what `target` returns is kept till then, so that the
    system frees it with the process rather than Python object by object."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    process = multiprocessing.get_context("fork").Process(
        target=_run_forked, args=(os.getpid(), target, args), daemon=True
    )
    process.start()
    return process


def in_fork(target: Callable[..., R], *args) -> Callable[[], R]:
    """Returns a function giving target(*args), which runs meanwhile in a process forked from
    this one (see fork); where the platform cannot fork, it runs when the function is called.
    An exception in the forked process is raised, as a RuntimeError, by the function."""
    receiving, sending = multiprocessing.Pipe(duplex=False)
    process = fork(_send_result, receiving, sending, target, args)
    sending.close()  # the child's copy is the one that sends: EOF when it ends
    if process is None:
        receiving.close()
        return lambda: target(*args)

    def result() -> R:
        try:
            return received(receiving, process, f"{target.__qualname__} failed in a forked process")
        finally:
            receiving.close()
            process.join()

    return result


def _send_result(receiving: Connection, sending: Connection, target: Callable, args: tuple):
    """Sends target(*args) through `sending` (see send_outcome); returns it, for fork to leave
    to the system."""
    receiving.close()  # this process's copy of the other end
    found = send_outcome(sending, lambda: target(*args))
    sending.close()
    return found


def send_outcome(pipe: Connection, work: Callable[[], object]) -> object:
    """Sends what work() returns through `pipe`, or what went wrong, for `received` to raise
    (either way a pair: whether it worked, then the result or the message); returns what
    work() returned (None if it failed). For a forked process."""
    try:
        found = work()
    except Exception as error:  # a bug: its message goes to the caller, which raises it
        with contextlib.suppress(OSError):  # unless the caller is gone
            pipe.send((False, f"{type(error).__name__}: {error}"))
        return None
    with contextlib.suppress(OSError):
        pipe.send((True, found))
    return found


def received(pipe: Connection, process: BaseProcess, failed: str) -> Any:
    """Returns what the forked `process` sent through `pipe` (send_outcome); raises
    RuntimeError, "`failed`: why", if it sent what went wrong or ended without sending."""
    try:
        worked, found = pipe.recv()
    except EOFError:
        process.join()
        worked, found = False, f"its process ended with code {process.exitcode}"
    if not worked:
        raise RuntimeError(f"{failed}: {found}")
    return found


def _run_forked(parent: int, target: Callable, args: tuple) -> None:
    """Runs target(*args) in a process forked by `parent`, and ends it (see fork)."""
    _start_worker(parent, None, ())
    # Ctrl-C reaches the whole process group: the build handles it, and ends this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    kept = target(*args)  # noqa: F841  left to the system, with the whole process
    os._exit(0)


def _shut_down(pool: ProcessPoolExecutor) -> None:
    """Waits for the workers of `pool` to end, cancelling what they have not started."""
    try:
        pool.shutdown(wait=True, cancel_futures=True)
    except RuntimeError:
        # Ctrl-C landed while the pool was starting: its manager thread never ran, so no one
        # will tell the workers to stop, and this process would wait for them at exit. They
        # are this process's only children; the KeyboardInterrupt being raised goes on.
        for child in multiprocessing.active_children():
            child.terminate()
            child.join()


def _start_worker(parent: int, initializer: Callable | None, initargs: tuple) -> None:
    """Starts a worker: it dies with the build that made it, then runs `initializer`.

    A build killed outright (SIGKILL, a closed terminal) cannot stop its workers itself; left
    alone they would run on and keep its output streams open.
    """
    _die_with_parent()
    if os.getppid() != parent:  # the build was gone before the line above took effect
        os._exit(1)
    if initializer is not None:
        initializer(*initargs)


def _die_with_parent() -> None:
    """Asks Linux to kill this process when its parent dies (prctl PR_SET_PDEATHSIG)."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
