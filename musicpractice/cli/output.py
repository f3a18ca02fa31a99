"""Writing a command's result to stdout or, atomically, to a file."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from musicpractice.core.errors import MusicPracticeError


def write_output(text: str, out: Path | None) -> None:
    """Print ``text``, or write it to ``out`` atomically (temp file + fsync + replace)."""
    if out is None:
        sys.stdout.write(text)
        return
    folder = out.resolve().parent
    if not folder.is_dir():
        raise MusicPracticeError(f"Cannot write {out}: the folder {folder} does not exist.")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{out.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except OSError as error:
        if "tmp" in locals() and os.path.exists(tmp):
            os.unlink(tmp)
        raise MusicPracticeError(f"Cannot write {out}: {error.strerror or error}.") from error
