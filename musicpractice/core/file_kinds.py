"""What kind of thing a path is: inputs and outputs must be regular files, never a FIFO
(which would hang a read), a device (``/dev/zero`` never ends; writing over ``/dev/full``
as root would replace it) or a socket."""

from __future__ import annotations

import os
import stat


def is_regular_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a regular file (following links): not a FIFO, device or folder."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def file_kind(path: str | os.PathLike) -> str:
    """What ``path`` is, in words ("a FIFO", "a device", "a folder", "a file", "missing")."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "missing"
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
