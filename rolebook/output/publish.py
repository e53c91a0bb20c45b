"""Publishing: the only module that writes files: the build's output folder, and single files
(an edited role, the JSON Schema, a redline) replaced in one rename.

The guarantee: at every moment, even when a build is killed (SIGKILL, a closed terminal, CI
cancelling the job), the output folder holds either the complete previous build or the complete
new one: never a mix, never a truncated file. Builds started together take turns; a build that
fails leaves the previous output as it was. How:

1. Lock. Builds publishing beside the same folder hold an exclusive lock (flock) on
   `.rolebook-lock` next to the output folder, one after the other; a build that has to wait says
   so. The lock dies with its process, so a killed build never blocks the next one.
2. Tidy. What a killed build left beside the output folder is removed (`.rolebook-new-*`,
   `.rolebook-del-*`); an output folder it had moved aside (`.rolebook-old-*`, see 4) is first
   moved back.
3. Stage. The new files are written into `.rolebook-new-<random>` beside the output folder and
   flushed to disk. A file the output folder already holds with the same bytes is linked
   (a hard link), not written again: a rebuild after a small edit writes and flushes only
   the files that changed, and the output folder itself is never modified.
4. Swap. The staging folder and the output folder trade places in one atomic step (renameat2
   with RENAME_EXCHANGE, Linux 3.15 and later), so the output folder always exists; the old
   output, now in the staging folder, is then deleted. Where the exchange is not supported, the
   output folder is renamed into `.rolebook-old-<random>/` and the staging folder renamed into its
   place: a build killed between these two renames leaves no output folder until the next build
   moves the old one back (step 2).

Folders the project needs (roles, templates) are never replaced, and a read-only output folder
is refused rather than replaced.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from rolebook.model.errors import OutputError, RolebookError

LOCK = ".rolebook-lock"
STAGING, ASIDE, DOOMED = ".rolebook-new-", ".rolebook-old-", ".rolebook-del-"
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2
# What to do when writing fails, by errno (None for some OSErrors); the default is to check the
# folder.
_HINTS: dict[int | None, str] = {
    errno.ENOSPC: "free some disk space and build again",
    errno.EDQUOT: "free some disk space and build again",
    errno.EACCES: "make the folder writable or choose another --output",
    errno.EPERM: "make the folder writable or choose another --output",
    errno.EROFS: "the disk is read-only: choose another --output",
}


def replace_folder(
    output: Path,
    files: dict[str, bytes],
    keep: Iterable[Path] = (),
    on_wait: Callable[[], None] | None = None,
) -> None:
    """Replaces the folder `output` with exactly `files`, or leaves it untouched on failure.

    `keep` are paths the output must neither be nor contain (the project's own files);
    `on_wait` is called once if another build holds the lock.
    """
    output = output.resolve()
    refuse_to_replace(output, keep)  # pipeline.build checks first; other callers rely on this
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with _locked(output.parent, on_wait):
            tidy(output.parent)
            _check_replaceable(output)
            _swap(_stage(output.parent, files, output), output)
    except OSError as exc:
        hint = _HINTS.get(exc.errno, "check the output folder")
        raise OutputError(
            f"cannot write {output}: {exc.strerror or exc}; {hint}; the previous "
            "output is unchanged"
        ) from None


def refuse_to_replace(output: Path, keep: Iterable[Path]) -> None:
    """Raises OutputError if the folder `output` would be, or contain, one of `keep`."""
    for path in (Path(p).resolve() for p in keep):
        if path == output or output in path.parents:
            raise OutputError(
                f"the output folder {output} would replace {path}; choose another --output"
            )


def _check_replaceable(output: Path) -> None:
    """Raises OutputError if `output` is not a folder, or it or a folder in it is read-only."""
    if not output.exists():
        return
    if not output.is_dir():
        raise OutputError(
            f"{output} is a file, not a folder; move it away or choose another --output"
        )
    for folder, _, _ in os.walk(output):
        if not os.access(folder, os.W_OK):
            raise OutputError(
                f"cannot write {output}: {folder} is read-only; make it writable "
                "(chmod -R u+w) or choose another --output; the previous output "
                "is unchanged"
            )


@contextmanager
def _locked(folder: Path, on_wait: Callable[[], None] | None) -> Iterator[None]:
    """Holds the lock of `folder`, waiting for it if need be; removes the lock file after."""
    path = folder / LOCK
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
                on_wait = None
            fcntl.flock(fd, fcntl.LOCK_EX)
        if _is_file(fd, path):
            break
        os.close(fd)  # the holder before us removed this lock file: lock the one now there
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            os.unlink(path)
        os.close(fd)


def _is_file(fd: int, path: Path) -> bool:
    """Returns whether the open file `fd` is still the file at `path`."""
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)


def tidy(folder: Path) -> None:
    """Removes what killed builds left in `folder`, after moving back a moved-aside output.

    Must be called with the lock held: then no other build is using these folders.
    """
    for aside in folder.glob(f"{ASIDE}*"):
        for moved in aside.iterdir():
            if not (folder / moved.name).exists():
                os.rename(moved, folder / moved.name)
    for prefix in (STAGING, ASIDE, DOOMED):
        for leftover in folder.glob(f"{prefix}*"):
            shutil.rmtree(leftover, ignore_errors=True)


def _stage(folder: Path, files: dict[str, bytes], previous: Path) -> Path:
    """Returns a new folder beside the output holding `files`, flushed to disk; those the
    `previous` output holds unchanged are hard links to its files."""
    staging = folder / f"{STAGING}{secrets.token_hex(4)}"
    os.mkdir(staging)
    try:
        for rel, data in sorted(files.items()):
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if not _linked_if_unchanged(previous / rel, data, path):
                with open(path, "wb") as file:
                    file.write(data)
                    file.flush()
                    os.fsync(file.fileno())
        for sub in sorted({staging, *(p.parent for p in staging.rglob("*"))}):
            _fsync_folder(sub)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _linked_if_unchanged(old: Path, data: bytes, new: Path) -> bool:
    """Makes `new` a hard link to `old` if `old` is a plain file holding exactly `data`;
    returns whether it did (never, where the file system has no hard links)."""
    try:
        fd = os.open(old, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with os.fdopen(os.dup(fd), "rb") as file:
            if file.read() != data:
                return False
        os.link(old, new, follow_symlinks=False)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap(staging: Path, output: Path) -> None:
    """Puts `staging` in the place of `output` and deletes the old output."""
    if not output.exists():
        os.rename(staging, output)
    else:
        try:
            exchange(staging, output)
        except OSError as exc:
            if exc.errno not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
                shutil.rmtree(staging, ignore_errors=True)
                raise
            staging = _rename_twice(staging, output)
        shutil.rmtree(staging, ignore_errors=True)
    _fsync_folder(output.parent)


def _rename_twice(staging: Path, output: Path) -> Path:
    """Moves `output` aside and `staging` into its place; returns the folder to delete."""
    aside = output.parent / f"{ASIDE}{secrets.token_hex(4)}"
    os.mkdir(aside)
    os.rename(output, aside / output.name)
    try:
        os.rename(staging, output)
    except OSError:
        os.rename(aside / output.name, output)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # Renamed before it is deleted: only a complete output is ever moved back by tidy().
    doomed = output.parent / f"{DOOMED}{aside.name[len(ASIDE) :]}"
    os.rename(aside, doomed)
    return doomed


def exchange(a: Path, b: Path) -> None:
    """Swaps the paths `a` and `b` atomically; OSError (ENOSYS where there is no renameat2)."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available", str(b))
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE):
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(b))


def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def write_file(path: Path, data: bytes) -> None:
    """Replaces the file at `path` with `data` in one rename: never left half-written, and no
    temporary file left behind. The file keeps its permissions (and its owner and group where
    the user may set them); a new one gets those the user's umask gives."""
    temp = ""
    try:
        fd, temp = tempfile.mkstemp(prefix=".rolebook-", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            _keep_access(f.fileno(), path)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())  # the data is on disk before the name points to it
        os.replace(temp, path)
    except OSError as exc:
        if temp:
            with suppress(OSError):
                os.unlink(temp)
        raise RolebookError(f"cannot write {path}: {exc.strerror or exc}") from None


def _keep_access(fd: int, path: Path) -> None:
    """Gives the open file `fd` the permissions, owner and group of the file at `path`, or the
    permissions a new file gets (0666 less the umask), which mkstemp's 0600 would not give."""
    try:
        info = path.stat()
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        return
    with suppress(OSError):  # a member of the group may keep it
        os.fchown(fd, -1, info.st_gid)
    with suppress(OSError):  # only root may give a file to its owner
        os.fchown(fd, info.st_uid, -1)
    os.fchmod(fd, stat.S_IMODE(info.st_mode))  # after chown, which clears set-id bits
