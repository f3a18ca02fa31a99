"""Writing export files atomically, with a message a person understands when it fails."""

from __future__ import annotations

import os
from pathlib import Path

from musicpractice.audio.atomic_file import atomic_writer
from musicpractice.core.errors import MusicPracticeError


class ExportError(MusicPracticeError):
    """An export file cannot be written."""


def write_file(path: str | os.PathLike, content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8) to ``path`` atomically; returns the path.

    Raises
    ------
    ExportError
        The folder does not exist or the disk refuses.
    """
    path = Path(path)
    if not path.parent.resolve().is_dir():
        raise ExportError(f"Cannot write {path}: the folder {path.parent} does not exist.")
    if path.is_dir():
        raise ExportError(f"Cannot write {path}: it is a folder.")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with atomic_writer(path) as handle:
            handle.write(data)
    except OSError as error:
        raise ExportError(f"Cannot write {path}: {error.strerror or error}.") from error
    return path
