"""Worker processes: results in order, and no worker outlives the build that started it."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from rolebook.util import parallel

pytestmark = pytest.mark.external  # worker processes, subprocesses and kills


def square(x: int) -> int:
    return x * x


def test_results_come_in_order_with_several_workers():
    assert list(parallel.map_in_order(square, range(20), workers=3)) == [x * x for x in range(20)]


def test_ctrl_c_while_the_workers_start_is_a_keyboard_interrupt():
    """Ctrl-C can land after the pool made its manager thread and before it started it: the
    build must still end as interrupted (exit 130), not with shutdown's RuntimeError. Run in
    a process of its own, whose end takes its idle workers with it."""
    script = textwrap.dedent("""
        import sys
        from concurrent.futures import process
        from rolebook.util import parallel
        def interrupted(self):
            raise KeyboardInterrupt
        process._ExecutorManagerThread.start = interrupted
        try:
            list(parallel.map_in_order(abs, range(4), workers=2))
        except KeyboardInterrupt:
            sys.exit(130)
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 130, result.stderr


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_workers_die_when_their_build_is_killed(tmp_path):
    # A parent that starts two workers which report their pids and then wait forever.
    script = textwrap.dedent(f"""
        import os, time
        from rolebook.util import parallel
        def stay(i):
            open({str(tmp_path)!r} + f"/worker-{{os.getpid()}}", "w").close()
            time.sleep(600)
        list(parallel.map_in_order(stay, range(2), workers=2))
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=os.getcwd())
    deadline = time.monotonic() + 30
    while len(list(tmp_path.glob("worker-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(p.name.split("-")[1]) for p in tmp_path.glob("worker-*")]
    assert len(workers) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [pid for pid in workers if alive(pid)]
    for pid in survivors:  # never leave them behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert survivors == []


def test_items_for_one_chunk_are_mapped_in_this_process_without_a_pool():
    # Starting a pool costs more than it saves when one worker would take every item.
    pids = list(parallel.map_in_order(_pid, range(32), workers=2, chunk=32))
    assert set(pids) == {os.getpid()}
    # Two chunks: a pool does the work (which of its workers takes which chunk is its choice).
    assert os.getpid() not in set(parallel.map_in_order(_pid, range(64), workers=2, chunk=32))


def _pid(_: int) -> int:
    return os.getpid()


def test_a_forked_process_runs_its_target_ignoring_ctrl_c_and_ends():
    read, write = multiprocessing.Pipe(duplex=False)
    process = parallel.fork(_report, write)
    write.close()
    assert process is not None
    assert read.recv() == (os.getpid(), signal.SIG_IGN)  # its parent, and how it takes SIGINT
    process.join(10)
    assert process.exitcode == 0


def _report(pipe) -> list[int]:
    pipe.send((os.getppid(), signal.getsignal(signal.SIGINT)))
    return [1, 2, 3]  # kept until the process ends


def test_a_call_in_a_forked_process_gives_its_result_or_raises_its_error():
    assert parallel.in_fork(bytes, [1, 2])() == b"\x01\x02"
    with pytest.raises(RuntimeError, match=r"^bytes failed in a forked process: ValueError: "):
        parallel.in_fork(bytes, [-1])()


def test_a_forked_call_may_give_any_value_a_text_too():
    """What comes back is told from what went wrong by a flag, not by its type: a call that
    gives a str, or an exception's message, is not taken for a failure."""
    assert parallel.in_fork(str, "ValueError: not an error")() == "ValueError: not an error"
    assert parallel.in_fork(list, "ab")() == ["a", "b"]
