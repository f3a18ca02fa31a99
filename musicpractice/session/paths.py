"""Safe paths inside a session folder: nothing is read, written or deleted through a link
that leaves the folder.

Sessions travel as folders, tar files and through sync services, which all keep symbolic
links; a link such as ``derived/<take> -> ~/Documents`` or ``.lock -> ~/notes.txt`` must
never let musicpractice touch what it points at. A link that stays inside the session is
harmless and followed; one that leaves it is refused with a message that names it.
"""

from __future__ import annotations

import os
from pathlib import Path

from musicpractice.session.errors import SessionError

MAX_LISTED_LINKS = 5
"""How many outside links a message names before it says "and N more"."""


class SessionLinkError(SessionError):
    """A path in a session leads outside the session folder through a link."""


def leaves_folder(root: str | os.PathLike, path: str | os.PathLike) -> bool:
    """Whether ``path`` (inside ``root`` by name) resolves to somewhere outside ``root``.

    Parameters
    ----------
    root : path-like
        The session folder (itself may be reached through a link).
    path : path-like
        A path under ``root``; missing parts are fine (resolved as far as they exist).
    """
    base = Path(root).resolve()
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError):  # a link loop
        return True
    return resolved != base and base not in resolved.parents


def link_description(root: str | os.PathLike, path: str | os.PathLike) -> str:
    """``path`` relative to ``root`` and, for a link, where it points (for messages)."""
    root, path = Path(root), Path(path)
    try:
        name = path.relative_to(root).as_posix()
    except ValueError:
        name = str(path)
    for candidate in [path, *path.parents]:
        if candidate == root or root not in candidate.parents:
            break
        if candidate.is_symlink():
            try:
                target = os.readlink(candidate)
            except OSError:
                target = "?"
            where = candidate.relative_to(root).as_posix()
            return f"{name} (the link {where} points to {target})" if where != name \
                else f"{name} (a link to {target})"
    return name


def inside(root: str | os.PathLike, path: str | os.PathLike) -> Path:
    """``path`` as a Path if it stays inside ``root``; otherwise :class:`SessionLinkError`.

    Raises
    ------
    SessionLinkError
        Some part of ``path`` is a link that leads outside the session folder.
    """
    if leaves_folder(root, path):
        raise SessionLinkError(
            f"The session {Path(root).name} holds a link that leads outside it: "
            f"{link_description(root, path)}. Nothing is read or written through it; "
            "remove the link.")
    return Path(path)


def outside_links(root: str | os.PathLike) -> list[str]:
    """Every link under ``root`` that leads outside it, described for a message.

    Links are not followed while walking, so a link loop or a link to ``/`` costs nothing.
    """
    root = Path(root)
    found: list[str] = []
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            path = Path(folder) / name
            if path.is_symlink() and leaves_folder(root, path):
                found.append(link_description(root, path))
    return sorted(found)


def describe_links(links: list[str]) -> str:
    """A list of link descriptions as one phrase (at most :data:`MAX_LISTED_LINKS`)."""
    shown = "; ".join(links[:MAX_LISTED_LINKS])
    more = len(links) - MAX_LISTED_LINKS
    return shown + (f"; and {more} more" if more > 0 else "")
