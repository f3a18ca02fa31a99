"""Writing export files atomically, with a message a person understands when it fails."""

from __future__ import annotations

import os
from pathlib import Path

from musicpractice.audio.atomic_file import atomic_writer
from musicpractice.core.errors import MusicPracticeError
from musicpractice.core.file_kinds import file_kind, is_regular_file


class ExportError(MusicPracticeError):
    """An export file cannot be written."""


def check_writable(path: str | os.PathLike) -> Path:
    """``path`` as a Path, if a file can be written there (its folder exists, it is not a
    folder); checked before long work, so nothing is computed in vain.

    Raises
    ------
    ExportError
    """
    path = Path(path)
    if not path.parent.resolve().is_dir():
        raise ExportError(f"Cannot write {path}: the folder {path.parent} does not exist.")
    if path.is_dir():
        raise ExportError(f"Cannot write {path}: it is a folder.")
    if path.exists() and not is_regular_file(path):
        raise ExportError(f"Cannot write {path}: it is {file_kind(path)}; only regular files "
                          "are written.")
    return path


def write_file(path: str | os.PathLike, content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8) to ``path`` atomically; returns the path.

    Raises
    ------
    ExportError
        The folder does not exist or the disk refuses.
    """
    path = check_writable(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with atomic_writer(path) as handle:
            handle.write(data)
    except OSError as error:
        raise ExportError(f"Cannot write {path}: {error.strerror or error}.") from error
    return path
