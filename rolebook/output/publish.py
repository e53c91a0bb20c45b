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
   the files that changed, and the output folder itself is never modified. A file the build
   took from its cache, which the last build published, is linked without being compared if
   it still has the size and modification time it was published with (what the no-op build
   trusts too); the staged files' sizes and times are the build cache's record of the output.
4. Swap. The staging folder and the output folder trade places in one atomic step (renameat2
   with RENAME_EXCHANGE, Linux 3.15 and later), so the output folder always exists; the old
   output, now in the staging folder, is then deleted. Where the exchange is not supported, the
   output folder is renamed into `.rolebook-old-<random>/` and the staging folder renamed into its
   place: a build killed between these two renames leaves no output folder until the next build
   moves the old one back (step 2).

What may be replaced: a folder that does not exist, an empty one, or one rolebook made, which
holds the marker file `.rolebook-output` (written with every build), or only the docx/ and html/
of a build from before the marker. Anything else (someone's files, a repository) is refused, and
so are a symbolic link (it is not followed: the message says where it leads), a file, a
read-only folder (also for root, who could write it), and folders the project needs (roles,
templates). A refusal comes before anything is written.
"""

from __future__ import annotations

import contextlib
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
# In every build, so that the next one knows the folder is its own to replace.
MARKER = ".rolebook-output"
MARKER_TEXT = (
    b"rolebook made this folder: each build replaces all of it, so keep no files of your own\n"
    b"here. rolebook replaces a folder that is not empty only if it holds this file.\n"
)
# What a rolebook from before the marker wrote: each folder, and the endings of its files.
_UNMARKED_BUILD = {"docx": (".docx",), "html": (".html", ".js", ".css")}
STAGING, ASIDE, DOOMED = ".rolebook-new-", ".rolebook-old-", ".rolebook-del-"
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2
# What can stand where a file should: how messages name it.
_KINDS = [
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
]
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
    with Stage(output, keep, on_wait) as stage:
        for rel, data in sorted(files.items()):
            stage.add(rel, data)


class Stage:
    """A new output folder written file by file (`add`) while the block runs, then put in the
    place of `output` when it ends; on an exception it is deleted and `output` is untouched.

    The lock is held from the start of the block, so that a build can write its files as it
    makes them instead of holding them all; `keep` and `on_wait` are as for replace_folder.
    """

    def __init__(
        self,
        output: Path,
        keep: Iterable[Path] = (),
        on_wait: Callable[[], None] | None = None,
        published: dict[str, list[int]] | None = None,
    ):
        # pipeline.build checks first; other callers rely on this
        self.output = check_output(output, keep)
        self.on_wait, self.folder = on_wait, Path()
        # The files the last build put into `output`, with their size and modification time.
        self.published = published or {}
        # The files staged, each with its size and modification time (folder_state's form).
        self.state: dict[str, list[int]] = {}
        self._lock: contextlib.AbstractContextManager | None = None
        self._folders = {""}  # the staging folder's folders made so far, by path under it
        self._checked: dict[str, os.stat_result] = {}  # found as published by is_published

    def __enter__(self) -> Stage:
        with _writing(self.output):
            self.output.parent.mkdir(parents=True, exist_ok=True)
            self._lock = _locked(self.output.parent, self.on_wait)
            self._lock.__enter__()
            try:
                tidy(self.output.parent)
                _check_replaceable(self.output)  # again: it may have changed while we waited
                self.folder = self.output.parent / f"{STAGING}{secrets.token_hex(4)}"
                os.mkdir(self.folder)
            except BaseException:
                self._lock.__exit__(None, None, None)
                raise
        return self

    def add(self, rel: str, data: bytes | None, as_published: bool = False) -> None:
        """Writes the file `rel` (a path under the output) holding `data`, flushed to disk; a
        file the current output holds with the same bytes is linked instead. With
        `as_published` (`data` is what the last build published as `rel`), a file the last
        build left as it was, by its size and modification time, is linked without being read;
        `data` None is such a file, which is_published said is there."""
        with _writing(self.output):
            self._make_folder(rel.rpartition("/")[0])
            info = self._linked_as_published(rel) if as_published else None
            if info is None:
                if data is None:  # a file is_published saw, gone since
                    raise OutputError(
                        f"{self.output / rel} changed while the build ran; build again"
                    )
                info = _stage_file(self.folder, rel, data, self.output)
            self.state[rel] = [info.st_size, info.st_mtime_ns]

    def is_published(self, rel: str) -> bool:
        """Returns whether the output's file `rel` still has the size and modification time
        the last build published it with (then `add` links it, given no data)."""
        info = self._as_published(rel)
        if info is not None:  # for `add`, which links it next: no second lstat
            self._checked[rel] = info
        return info is not None

    def _as_published(self, rel: str) -> os.stat_result | None:
        """Returns the status of the output's file `rel` if it is a file with the size and
        modification time the last build published it with, else None."""
        # The path as a string: pathlib's joins cost more than the lstat at 20,000 files.
        try:
            info = os.lstat(f"{self.output}/{rel}")
        except OSError:
            return None
        if self.published.get(rel) != [info.st_size, info.st_mtime_ns]:
            return None
        return info if stat.S_ISREG(info.st_mode) else None

    def _linked_as_published(self, rel: str) -> os.stat_result | None:
        """Links the output's file `rel` into the staging folder if it still has the size and
        modification time it was published with; returns its status if it did."""
        info = self._checked.pop(rel, None) or self._as_published(rel)
        if info is None:
            return None
        try:
            os.link(f"{self.output}/{rel}", f"{self.folder}/{rel}", follow_symlinks=False)
        except OSError:
            return None
        return info

    def _make_folder(self, rel: str) -> None:
        """Makes the folder `rel` (a path under the output, "" for the top) and its parents in
        the staging folder, unless they are made already (a build stages thousands of files
        into a few folders)."""
        if rel in self._folders:
            return
        os.makedirs(self.folder / rel, exist_ok=True)
        while rel and rel not in self._folders:
            self._folders.add(rel)
            rel = rel.rpartition("/")[0]

    def __exit__(self, kind, value, traceback) -> None:
        assert self._lock is not None  # entered
        try:
            if kind is not None:
                shutil.rmtree(self.folder, ignore_errors=True)
                return
            with _writing(self.output):
                try:
                    info = _stage_file(self.folder, MARKER, MARKER_TEXT, self.output)
                    self.state[MARKER] = [info.st_size, info.st_mtime_ns]
                    for sub in sorted(self._folders):
                        _fsync_folder(self.folder / sub)
                except OSError:
                    shutil.rmtree(self.folder, ignore_errors=True)
                    raise
                _swap(self.folder, self.output)
        finally:
            self._lock.__exit__(None, None, None)


@contextlib.contextmanager
def _writing(output: Path) -> Iterator[None]:
    """Runs the block, raising OutputError for `output` if it fails to write."""
    try:
        yield
    except OSError as exc:
        raise _cannot_write(output, exc) from None


def _cannot_write(output: Path, exc: OSError) -> OutputError:
    """Returns the error for `exc`, met while looking at or writing the output folder."""
    hint = _HINTS.get(exc.errno, "check the output folder")
    return OutputError(
        f"cannot write {output}: {exc.strerror or exc}; {hint}; the previous output is unchanged"
    )


def check_output(output: Path, keep: Iterable[Path]) -> Path:
    """Returns the absolute path of the output folder `output`, its own name unresolved (a link
    there is seen, not followed); raises OutputError if rolebook may not replace it (see the
    module's docstring). `keep` are paths it must neither be nor contain."""
    # realpath, not Path.resolve: a loop of links is then a path that cannot be opened, not a
    # RuntimeError.
    output = Path(os.path.abspath(output))
    output = Path(os.path.realpath(output.parent)) / output.name
    refuse_to_replace(Path(os.path.realpath(output)), keep)
    try:
        _check_replaceable(output)
    except OSError as exc:
        raise _cannot_write(output, exc) from None
    return output


def refuse_to_replace(output: Path, keep: Iterable[Path]) -> None:
    """Raises OutputError if the folder `output` would be, or contain, one of `keep`."""
    for path in (Path(p).resolve() for p in keep):
        if path == output or output in path.parents:
            raise OutputError(
                f"the output folder {output} would replace {path}; choose another --output"
            )


def _check_replaceable(output: Path) -> None:
    """Raises OutputError unless `output` is missing, or a writable folder of rolebook's own or
    an empty one."""
    if output.is_symlink():
        raise _linked(output)
    if os.path.lexists(output.parent) and not output.parent.is_dir():
        raise OutputError(
            f"cannot write {output}: {output.parent} is not a folder; choose another --output"
        )
    if not output.exists():
        return
    if not output.is_dir():
        raise OutputError(
            f"{output} is a file, not a folder; move it away or choose another --output"
        )
    if not _made_by_rolebook(output):
        raise OutputError(
            f"{output} is not empty and has no {MARKER} file, so rolebook did not make it; "
            "rolebook replaces only a folder it made, or an empty one: choose another --output"
        )
    _check_writable(output)


def _linked(output: Path) -> OutputError:
    """Returns the error for an output folder that is a symbolic link, saying where it leads."""
    target = os.path.realpath(output)
    if os.path.islink(target):
        return OutputError(
            f"{output} is a symbolic link in a loop of links; remove it or choose another --output"
        )
    return OutputError(
        f"{output} is a symbolic link to {target}; rolebook does not build through links: "
        f"remove the link, or build there with --output {target}"
    )


def _made_by_rolebook(output: Path) -> bool:
    """Returns whether the folder `output` is empty, holds rolebook's marker file, or holds only
    what a build from before the marker wrote."""
    entries = os.listdir(output)
    if not entries:
        return True
    if MARKER in entries and stat.S_ISREG(os.lstat(output / MARKER).st_mode):
        return True
    return set(entries) <= set(_UNMARKED_BUILD) and all(
        _holds_only(output / name, _UNMARKED_BUILD[name]) for name in entries
    )


def _holds_only(folder: Path, endings: tuple[str, ...]) -> bool:
    """Returns whether `folder` is a folder (not a link) whose files, in it and in its folders,
    are all plain files ending with one of `endings`."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    for parent, folders, names in os.walk(folder, onerror=_raise):
        for name in folders:
            if os.path.islink(os.path.join(parent, name)):
                return False
        for name in names:
            path = os.path.join(parent, name)
            if not name.endswith(endings) or not stat.S_ISREG(os.lstat(path).st_mode):
                return False
    return True


def _check_writable(output: Path) -> None:
    """Raises OutputError if `output` or a folder in it is read-only: one this process may not
    write, or one whose owner may not (as after chmod a-w), which root could write all the
    same."""
    for folder, _, _ in os.walk(output, onerror=_raise):
        if not os.access(folder, os.W_OK) or not os.stat(folder).st_mode & stat.S_IWUSR:
            raise OutputError(
                f"cannot write {output}: {folder} is read-only; make it writable "
                "(chmod -R u+w) or choose another --output; the previous output "
                "is unchanged"
            )


def _raise(exc: OSError) -> None:
    """Raises `exc`: a folder that cannot be listed is not to be passed over."""
    raise exc


@contextmanager
def _locked(folder: Path, on_wait: Callable[[], None] | None) -> Iterator[None]:
    """Holds the lock of `folder`, waiting for it if need be; removes the lock file after."""
    path = folder / LOCK
    while True:
        fd = _open_lock(path)
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


def _open_lock(path: Path) -> int:
    """Returns a descriptor of the lock file at `path`, made if missing; raises OutputError if
    something else is there (a folder, a link, a pipe), which rolebook neither opens nor
    removes."""
    with suppress(FileNotFoundError):
        if not stat.S_ISREG(os.lstat(path).st_mode):  # a device is not even opened
            raise _not_a_lock(path)
    flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno not in (errno.EISDIR, errno.ELOOP, errno.ENXIO):
            raise
        raise _not_a_lock(path) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _not_a_lock(path)
    return fd


def _not_a_lock(path: Path) -> OutputError:
    """Returns the error for a `path` where rolebook's lock file should be, that is something
    else."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        mode = 0
    kind = next((name for test, name in _KINDS if test(mode)), "something else")
    return OutputError(
        f"cannot lock {path.parent} for the build: {path} is {kind}, not a lock file; "
        "move it away (each build makes its own lock file and removes it)"
    )


def _is_file(fd: int, path: Path) -> bool:
    """Returns whether the open file `fd` is still the file at `path`."""
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)


def tidy_beside(output: Path, on_wait: Callable[[], None] | None = None) -> None:
    """Removes what killed builds left beside `output`, if anything, with the lock held: a
    build that finds its output up to date publishes nothing, which would leave it there."""
    folder = output.parent
    try:
        names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    except OSError:
        return
    if not any(n == LOCK or n.startswith((STAGING, ASIDE, DOOMED)) for n in names):
        return
    with _writing(output), _locked(folder, on_wait):
        tidy(folder)


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


def _stage_file(staging: Path, rel: str, data: bytes, previous: Path) -> os.stat_result:
    """Writes the file `rel` holding `data` into `staging`, flushed to disk; a hard link to
    the `previous` output's file if that holds exactly `data`. Returns the file's status."""
    path = staging / rel
    info = _linked_if_unchanged(previous / rel, data, path)
    if info is None:
        with open(path, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
            info = os.fstat(file.fileno())
    return info


def _linked_if_unchanged(old: Path, data: bytes, new: Path) -> os.stat_result | None:
    """Makes `new` a hard link to `old` if `old` is a plain file holding exactly `data`;
    returns its status if it did (never, where the file system has no hard links)."""
    try:
        fd = os.open(old, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_size != len(data)
            or _read(fd, len(data)) != data
        ):
            return None
        os.link(old, new, follow_symlinks=False)
    except OSError:
        return None
    finally:
        os.close(fd)
    return info


def _read(fd: int, size: int) -> bytes:
    """Returns the bytes of the open file `fd`, of about `size` bytes, from where it is to its
    end."""
    chunks = []
    while chunk := os.read(fd, size + 1):
        chunks.append(chunk)
    return b"".join(chunks)


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
