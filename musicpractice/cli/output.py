"""Writing a command's result to stdout or, atomically, to a file."""

from __future__ import annotations

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
