"""Helpers that cause real faults for the tests: builds killed with SIGKILL, a process that file
permissions apply to even under root, a disk that fills up.

A fault that cannot be caused on this machine skips the test with the reason; nothing is mocked
here.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from rolebook.cli import main

# Capabilities that let root read and write whatever the file permissions say.
_BYPASS = "-dac_override,-dac_read_search"


def rolebook(*args) -> list[str]:
    """Returns the command line that runs `rolebook ARGS…` in a process of its own."""
    return [sys.executable, "-m", "rolebook.cli", *(str(a) for a in args)]


def unprivileged(command: list[str]) -> list[str]:
    """Returns `command` changed so that file permissions apply to it.

    Root (as in CI) ignores them: then the command runs under setpriv without the capabilities
    that bypass them (util-linux, in every Debian). Skips the test if they cannot be dropped.
    """
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    wrapped = [setpriv or "setpriv", f"--bounding-set={_BYPASS}", "--", *command]
    if setpriv is None or subprocess.run(wrapped[:3] + ["true"]).returncode != 0:
        pytest.skip(
            "running as root, and root cannot drop CAP_DAC_OVERRIDE here (setpriv "
            "missing or not permitted): file permissions would not apply"
        )
    return wrapped


@contextmanager
def ordinary_user() -> Iterator[tuple[Path, Callable[[list[str]], list[str]]]]:
    """Yields a folder of an ordinary user's own and a function that makes a command run as that
    user: as root (as in CI), nobody, given the folder when the command is made; otherwise the
    user running the tests. Skips the test if root cannot switch to nobody.

    The folder is given to nobody each time a command is made, with all that is in it then.
    """
    # Not tmp_path: pytest makes root's temporary folders 0700, closed to other users.
    folder = Path(tempfile.mkdtemp(prefix="rolebook-user-"))
    try:
        if os.geteuid() != 0:
            yield folder, lambda command: command
            return
        switch = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
        if shutil.which("setpriv") is None or subprocess.run([*switch, "true"]).returncode:
            pytest.skip("running as root, and setpriv cannot switch to the user nobody here")

        def as_nobody(command: list[str]) -> list[str]:
            subprocess.run(["chown", "-R", "nobody:nogroup", str(folder)], check=True)
            return switch + command

        yield folder, as_nobody
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """Mounts a tmpfs of `size` (e.g. "200k") at `path` for the block; skips if not permitted."""
    path.mkdir(parents=True, exist_ok=True)
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if mount.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs to fill up ({mount.stderr.strip()}); the disk-full "
            "test with a simulated ENOSPC still runs"
        )
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=True)


def resize_tmpfs(path: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(path)], check=True)


def fork_build(
    args: list[str],
    before: Callable[[], None] | None = None,
    kill_after: float | None = None,
    sig: int = signal.SIGKILL,
) -> int | None:
    """Runs `rolebook ARGS…` in a forked child; returns its exit code, or None if it was killed.

    The child shares this process's imports, so it starts in a millisecond and the whole of its
    time is the build's. See fork_run for the other arguments.
    """
    return fork_run(lambda: main(args), before, kill_after, sig)


def fork_run(
    run: Callable[[], int],
    before: Callable[[], None] | None = None,
    kill_after: float | None = None,
    sig: int = signal.SIGKILL,
) -> int | None:
    """Calls `run` in a forked child; returns its exit code, or None if a signal ended it.

    `before` runs in the child first (it may arrange the child's own death); with `kill_after`,
    the child gets the signal `sig` that many seconds after it starts.
    """
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 70
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            if before is not None:
                before()
            code = run()
        finally:
            os._exit(code)
    if kill_after is not None:
        time.sleep(kill_after)
        os.kill(pid, sig)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == sig, f"the child died of signal {os.WTERMSIG(status)}"
        return None
    return os.WEXITSTATUS(status)


def die_at_call(number: int, targets: list[tuple[object, str]]) -> Callable[[], None]:
    """Returns a `before` for fork_build: the child SIGKILLs itself when it makes its `number`th
    call (counting from 1) to any of the functions `targets` names, as (module, name) pairs."""

    def arrange() -> None:
        calls = [0]
        for module, name in targets:
            original = getattr(module, name)

            def counted(*args, _original=original, **kwargs):
                calls[0] += 1
                if calls[0] == number:
                    os.kill(os.getpid(), signal.SIGKILL)
                return _original(*args, **kwargs)

            setattr(module, name, counted)

    return arrange
