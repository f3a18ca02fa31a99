"""One writer per session: an advisory lock on ``.lock`` in the session folder.

The operating system releases the lock when the process ends, however it ends (even
``kill -9``), so a crash never leaves a session locked. The file holds the pid and host of
the holder, for the message another process shows.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from musicpractice.session.errors import (
    SessionError, SessionLockedError, SessionNotWritableError)

LOCK_NAME = ".lock"
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
"""A ``.lock`` that is a link is never opened: it could point at any file of the user."""

try:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
except ImportError:  # Windows
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True


def is_locked(folder: str | os.PathLike) -> bool:
    """Whether another process holds the lock of ``folder`` right now."""
    try:
        fd = os.open(Path(folder) / LOCK_NAME, os.O_RDWR | NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)


class SessionLock:
    """Holds the write lock of the session folder ``folder`` until :meth:`release`.

    Raises
    ------
    SessionLockedError
        Another process holds it.
    SessionError
        The folder is not writable.
    """

    def __init__(self, folder: str | os.PathLike) -> None:
        path = Path(folder) / LOCK_NAME
        if path.is_symlink() or (path.exists() and not path.is_file()):
            self._fd = -1
            what = f"a link to {os.readlink(path)}" if path.is_symlink() else "not a file"
            raise SessionError(
                f"The session {Path(folder).name} cannot be opened for changes: its {LOCK_NAME} "
                f"is {what}, which is never opened. Remove {path} and try again.")
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT | NOFOLLOW | os.O_NONBLOCK, 0o644)
        except OSError as error:
            raise SessionNotWritableError(
                f"The session {Path(folder).name} cannot be changed: its folder is not "
                f"writable ({error.strerror}).") from error
        if not _try_lock(self._fd):
            holder = os.read(self._fd, 200).decode("utf-8", "replace").strip() or "another process"
            os.close(self._fd)
            self._fd = -1
            raise SessionLockedError(
                f"The session {Path(folder).name} is being changed by another musicpractice "
                f"({holder}); close it there first.")
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"pid {os.getpid()} on {socket.gethostname()}".encode())

    def release(self) -> None:
        """Give the lock up (idempotent)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
