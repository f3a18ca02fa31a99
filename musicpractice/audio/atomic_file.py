"""Crash-safe file replacement: write a temporary file in the same folder, flush, fsync,
``os.replace`` it over the target, then fsync the folder.

After a crash the target holds either its old or its new content, never a mix.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Iterator

from musicpractice.core.file_kinds import file_kind


def fsync_folder(folder: str | os.PathLike) -> None:
    """Make a rename or a new file in ``folder`` durable (no-op where unsupported)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    """The process's umask (read from /proc where possible: setting it is not thread-safe)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode(target: Path) -> int:
    """The permission bits a replacement of ``target`` gets: those of the file it replaces,
    or for a new file what ``open()`` would give (0666 less the umask), not mkstemp's 0600."""
    try:
        current = os.stat(target)
    except OSError:
        return 0o666 & ~_umask()
    return stat.S_IMODE(current.st_mode) if stat.S_ISREG(current.st_mode) else 0o666 & ~_umask()


class NotARegularFile(OSError):
    """The target exists and is a FIFO, device, socket or folder: it is never replaced."""


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, mode: str = "wb") -> Iterator[IO]:
    """Open a temporary sibling of ``path`` for writing; on success it replaces ``path``.

    On an exception the temporary file is removed and ``path`` is untouched. The new file
    follows the umask (or keeps the mode of the file it replaces).

    Raises
    ------
    NotARegularFile
        ``path`` is a FIFO, a device, a socket or a folder (or a link to one): writing
        replaces only regular files, so ``/dev/full`` or a pipe is never swapped for a file.
    """
    target = Path(path)
    if target.exists() and not stat.S_ISREG(os.stat(target).st_mode):
        raise NotARegularFile(errno.EINVAL, f"{target.name} is {file_kind(target)}, not a "
                              "regular file, and is never replaced")
    permissions = new_file_mode(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, permissions)
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_folder(target.parent)


def write_json_atomic(path: str | os.PathLike, document: dict) -> None:
    """Write ``document`` as indented UTF-8 JSON to ``path`` atomically."""
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    with atomic_writer(path, "w") as handle:
        handle.write(text)
