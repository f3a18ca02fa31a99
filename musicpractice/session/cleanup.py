"""Temporaries a killed process left behind, removed the next time the session is opened
for changes (the caller holds the write lock, so no other writer can own them).

Two kinds exist: ``.<name>.<random>.tmp`` files of the atomic writer
(:mod:`musicpractice.audio.atomic_file`) anywhere in the session, and
``.<session>.mpsession.<random>`` folders next to the session, where an archive was being
unpacked (:mod:`musicpractice.session.archive`) when the process died. Links are never
followed and never removed.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

TEMP_FILE = re.compile(r"^\..+\.([A-Za-z0-9_]{6,}\.tmp|ffmpeg\.flac)$")
"""A temporary of :func:`musicpractice.audio.atomic_file.atomic_writer` or of an ffmpeg
conversion (:mod:`musicpractice.audio.flac_copy`)."""
UNPACK_MIN_AGE_S = 3600.0
"""An unpacking folder untouched this long belongs to no running import."""


def remove_stale_temporaries(folder: str | os.PathLike) -> list[str]:
    """Delete the atomic writer's temporaries in the session ``folder`` and unpacking
    folders of the same name beside it; returns what was removed (relative names)."""
    folder = Path(folder)
    removed: list[str] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not (Path(root) / d).is_symlink()]
        for name in names:
            path = Path(root) / name
            if TEMP_FILE.match(name) and not path.is_symlink() and path.is_file():
                try:
                    path.unlink()
                except OSError:
                    continue
                removed.append(path.relative_to(folder).as_posix())
    removed += remove_unpack_leftovers(folder, min_age_s=0.0)
    return removed


def remove_unpack_leftovers(destination: str | os.PathLike, *, min_age_s: float) -> list[str]:
    """Delete ``.<destination name>.<random>`` folders beside ``destination`` that were not
    modified for ``min_age_s`` seconds; returns their names."""
    destination = Path(destination)
    prefix = f".{destination.name}."
    removed = []
    try:
        siblings = list(destination.parent.iterdir())
    except OSError:
        return removed
    now = time.time()
    for path in siblings:
        if (not path.name.startswith(prefix) or path.is_symlink() or not path.is_dir()
                or not re.fullmatch(r"[A-Za-z0-9_]{6,}", path.name[len(prefix):])):
            continue
        try:
            if now - path.stat().st_mtime < min_age_s:
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            removed.append(f"../{path.name}")
    return removed
