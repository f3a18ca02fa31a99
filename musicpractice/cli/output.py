"""Writing a command's result to stdout or, atomically, to a file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from musicpractice.reports.files import write_file


def write_output(text: str, out: Path | None) -> None:
    """Print ``text``, or write it to ``out`` atomically (see
    :func:`musicpractice.reports.files.write_file`)."""
    if out is None:
        sys.stdout.write(text)
    else:
        write_file(out, text)


CLOSED_PIPE_STATUS = 141
"""What a shell reports for a program ended by SIGPIPE (128 + 13)."""


def closed_pipe() -> int:
    """The reader of stdout went away (``musicpractice ... | head -1``): stop quietly.

    Points stdout at the null device so Python's final flush cannot raise again, and
    returns :data:`CLOSED_PIPE_STATUS`.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return CLOSED_PIPE_STATUS
