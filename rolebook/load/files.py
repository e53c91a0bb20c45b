"""The project's files on disk: where each kind lives, and reading one safely.

A project is a folder with handbook.yaml, roles/*.yaml and templates/. Reading is defensive,
because role files come from anywhere: a file must be a regular file inside the project (a link
leading out of it is refused), at most MAX_FILE_BYTES long (checked before it is read) and UTF-8
text (a UTF-8 byte-order mark is fine; UTF-16 and GBK are recognised and reported). Names
starting with a dot (editors' temporary files) are not roles. Links that lead round in a loop and
a roles folder that cannot be listed are reported, as a file that cannot be read is.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from rolebook.load.reader import position, split_lines
from rolebook.model.errors import CheckFailed, Diagnostic

SETTINGS_FILE = "handbook.yaml"
ROLES_DIR = "roles"
LIBRARY_DIR = "library"  # items written once that roles refer to by id
PAY_FILE = "pay_bands.yaml"  # confidential: printed only by `build --with-pay`
TRANSLATIONS_DIR = "translations"  # translations/<language>/<role id>.yaml and the like
TEMPLATES_DIR = "templates"
# What a project is made of, beside its git history: what a build reads, serve watches, and no
# output may replace.
INPUT_FILES = (SETTINGS_FILE, PAY_FILE)
INPUT_FOLDERS = (ROLES_DIR, TEMPLATES_DIR, LIBRARY_DIR, TRANSLATIONS_DIR)
# A role file is a few kilobytes; anything near this size is not a role, and is refused before
# it is read or parsed.
MAX_FILE_BYTES = 1_000_000
UTF8_BOM = b"\xef\xbb\xbf"


def sources(root: Path) -> list[Path]:
    """Returns what the project is made of, links followed: a build must never write over these.

    Raises CheckFailed if one is a link that leads round in a loop: nothing could be compared
    with it, or read from it.
    """
    kinds = [(name, "file") for name in INPUT_FILES] + [(n, "folder") for n in INPUT_FOLDERS]
    try:
        return [real_path(root, name, what) for name, what in kinds]
    except Refused as exc:
        raise exc.failed() from None


def role_files(root: Path) -> list[str]:
    """Returns the role files' paths relative to `root`, sorted, as roles/<name>.yaml."""
    return list(scan_roles(root))


def role_bytes(root: Path) -> list[tuple[str, bytes]]:
    """Returns each role file's path and bytes, read as `load` reads them; raises Refused."""
    return [(path, read_bytes(root, path, inside)) for path, inside in scan_roles(root).items()]


def scan_roles(root: Path, folder: str = ROLES_DIR) -> dict[str, bool]:
    """Returns the role files' paths relative to `root`, sorted, each with whether it is known
    to be inside the project: a file, not a link, in a roles folder inside the project. (The
    files of `folder`, for another folder of YAML files: the library.)

    One scan of the folder tells that for all of them; only a link needs resolving.
    """
    try:
        inside = real_path(root, folder, "folder").is_relative_to(real_path(root, ".", "folder"))
        if not is_folder(root, folder):
            return {}
        found = {name: inside and not link for name, link in _folder_entries(root, folder).items()}
    except Refused as exc:
        raise exc.failed() from None
    return {f"{folder}/{name}": found[name] for name in sorted(found)}


def _folder_entries(root: Path, folder: str) -> dict[str, bool]:
    """Returns the names of the role files in root/folder, each with whether it is a link;
    raises Refused if the folder cannot be listed."""
    try:
        with os.scandir(root / folder) as entries:
            return {
                entry.name: entry.is_symlink()
                for entry in entries
                if entry.name.endswith((".yaml", ".yml")) and not entry.name.startswith(".")
            }
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _loop(root, folder, "folder") from None
        raise Refused(
            f"cannot read the folder: {exc.strerror}; check its permissions (whoever runs "
            "rolebook must be able to list it)",
            path=folder,
        ) from None


class Refused(Exception):
    """A file that is not read; the message says why and what to do, at a (line, col), and
    `path`, where it is not the file being read (a folder, a link it passes through)."""

    def __init__(
        self,
        message: str,
        where: tuple[int, int] = (1, 1),
        lines: list | None = None,
        path: str = "",
    ):
        super().__init__(message)
        self.where, self.lines, self.path = where, lines or [], path

    def failed(self) -> CheckFailed:
        """Returns this refusal as the error that stops a command: one that a whole project
        cannot be read past (a folder that cannot be listed, a loop of links)."""
        return CheckFailed([Diagnostic(self.path, *self.where, str(self))])


def is_folder(root: Path, path: str) -> bool:
    """Returns whether root/path is a folder; raises Refused if the project folder cannot be
    searched for it (Path.is_dir would raise PermissionError)."""
    try:
        return stat.S_ISDIR((root / path).stat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise Refused(
            f"cannot reach the folder: {exc.strerror}; check the permissions of the project "
            "folder (whoever runs rolebook must be able to open it)",
            path=path,
        ) from None


def real_path(root: Path, path: str, what: str = "file") -> Path:
    """Returns root/path with every link followed; raises Refused if links lead round in a
    loop. `what` the path is ("file" or "folder") is for the message."""
    try:
        return (root / path).resolve()
    except RuntimeError:  # a loop, up to Python 3.12 (3.13 lets it through to open and scandir)
        raise _loop(root, path, what) from None


def _loop(root: Path, path: str, what: str) -> Refused:
    """Returns the refusal of root/path, which links lead round in a loop, naming the links."""
    chain = [os.path.join(root, path)]
    while os.path.islink(chain[-1]) and len(chain) <= 40 and chain[-1] not in chain[:-1]:
        target = os.path.join(os.path.dirname(chain[-1]), os.readlink(chain[-1]))
        chain.append(os.path.normpath(target))
    shown = " → ".join(_shown(root, link) for link in chain)
    return Refused(
        f"the {what} is a link that leads round in a loop ({shown}); delete the link, or point "
        f"it at a real {what}",
        path=os.path.normpath(path),
    )


def _shown(root: Path, path: str) -> str:
    """Returns `path` as a message shows it: relative to the project if it is inside."""
    inner = os.path.relpath(path, root)
    return path if inner.startswith("..") else inner


def contents(root: Path, path: str, inside: bool) -> tuple[bytes, str]:
    """Returns the bytes and the text of root/path (see read_bytes and decode)."""
    data = read_bytes(root, path, inside)
    return data, decode(data)


def read_bytes(root: Path, path: str, inside: bool = False) -> bytes:
    """Returns the bytes of root/path, a regular file of the project of at most MAX_FILE_BYTES.

    `inside`: the caller knows that the path is no link and leads to a place inside the
    project, so it need not be resolved.
    """
    full = root / path
    real = None if inside else real_path(root, path)
    if real is not None and not real.is_relative_to(real_path(root, ".", "folder")):
        raise Refused(
            f"the file is a link to {real}, outside the project; rolebook reads only "
            "the project's files: copy the file here instead of linking to it"
        )
    try:
        data, size = _read_regular(full)
    except FileNotFoundError:
        hint = (
            f"the link leads to {real}, which does not exist"
            if full.is_symlink()
            else f"create {path}"
        )
        raise Refused(f"file not found; {hint}") from None
    except IsADirectoryError:
        raise Refused("this is a folder, not a file; move it away or rename it") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a loop Python's resolve() let through (3.13 does)
            raise _loop(root, path, "file") from None
        raise Refused(f"cannot read the file: {exc.strerror}; check its permissions") from None
    if len(data) > MAX_FILE_BYTES:
        raise Refused(
            f"the file is {max(size, len(data)) / 1e6:.1f} MB, more than the "
            f"{MAX_FILE_BYTES // 1_000_000} MB a role or settings file may have: "
            "check that it is the right file"
        )
    return data


def _read_regular(full: Path) -> tuple[bytes, int]:
    """Returns what the file at `full` holds (at most a byte more than MAX_FILE_BYTES) and the
    size it had when opened; raises Refused if it is not a regular file, OSError if it cannot
    be read."""
    with open(full, "rb", opener=_open_no_wait) as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"this is {_kind(info.st_mode)}, not a file; move it away or rename it")
        # All the file holds and a byte more, to see it end; a file that grows meanwhile is read
        # on, up to the limit. (Not MAX_FILE_BYTES at once: that buffer costs more than the read.)
        data = file.read(min(info.st_size, MAX_FILE_BYTES) + 1)
        if len(data) > info.st_size:
            data += file.read(MAX_FILE_BYTES + 1 - len(data))
    return data, info.st_size


def _open_no_wait(path, flags: int) -> int:
    """Opens without blocking: a named pipe put where a file should be must not hang the build."""
    return os.open(path, flags | os.O_NONBLOCK)


def _kind(mode: int) -> str:
    return (
        "a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    )


def decode(data: bytes) -> str:
    """Returns the text of UTF-8 `data` (with or without a byte-order mark), else raises Refused.

    The message says which encoding the file seems to be in and where its first non-UTF-8 byte
    is, with that line shown as well as it can be.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise Refused(
            "the file is UTF-16 text, not UTF-8; save it as UTF-8 in your editor "
            "(Save As, Encoding: UTF-8)"
        )
    body = data.removeprefix(UTF8_BOM)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        shown = body.decode("utf-8", errors="replace")
        start = len(body[: exc.start].decode("utf-8"))
        guess = " (it looks like GBK, the Chinese Windows encoding)" if _is_gbk(body) else ""
        raise Refused(
            f"the file is not UTF-8 text{guess}; save it as UTF-8 in your editor "
            "(Save As, Encoding: UTF-8)",
            position(shown, start),
            split_lines(shown),
        ) from None


def _looks_utf16(data: bytes) -> bool:
    """Returns whether `data` without a byte-order mark is UTF-16: zero bytes in every other
    place, as ASCII letters have in UTF-16."""
    sample = data[:4096]
    return any(sample[i::2].count(0) > len(sample) // 8 for i in (0, 1))


def _is_gbk(data: bytes) -> bool:
    """Returns whether `data` reads as Chinese in GBK (as GB2312, its common core: a stray
    Latin-1 letter often happens to be a valid GBK pair, but rarely a GB2312 one)."""
    try:
        data.decode("gb2312")
    except UnicodeDecodeError:
        return False
    return True


def input_bytes(root: Path, role_files: dict[str, bytes] | None = None) -> list[bytes]:
    """Returns the bytes of everything a load reads, settings first, then each role file's path
    and bytes, then each library file's and the pay bands', read as a load reads them; raises
    Refused or OSError if any cannot be read. The role files' bytes are also put in
    `role_files`, if given, by path.

    Read as the load reads them: a pipe, a device or a link out of the project put where a role
    should be must neither hang nor leak into a digest of them.
    """
    read = role_bytes(root)
    if role_files is not None:
        role_files.update(read)
    roles = [part for path, data in read for part in (path.encode(), data)]
    library = [
        part
        for path, inside in scan_roles(root, LIBRARY_DIR).items()
        for part in (path.encode(), read_bytes(root, path, inside))
    ]
    pay = [read_bytes(root, PAY_FILE)] if (root / PAY_FILE).exists() else []
    return [read_bytes(root, SETTINGS_FILE), *roles, *library, *pay]
