"""Where the bundled resources (icons, demo session, example audio) are.

The top-level ``resources/`` folder of the source tree travels in three ways:

- a source checkout or editable install reads it where it is, next to the package;
- a wheel carries a copy as ``musicpractice/resources`` (``setup.py`` copies it in at
  build time);
- the PyInstaller build puts it at ``musicpractice/resources`` inside the frozen
  application (``packaging/musicpractice.spec``), where this module's ``__file__`` points.

:func:`resource_path` is the one way to find a resource; nothing else guesses paths.
"""

from __future__ import annotations

from pathlib import Path

from musicpractice.core.errors import MusicPracticeError

_PACKAGE = Path(__file__).resolve().parents[1]
CANDIDATES = (_PACKAGE / "resources", _PACKAGE.parent / "resources")
"""Folders searched, in order: inside the package (wheel, frozen app), then beside it
(source checkout)."""
MARKER = "icons"
"""A folder every complete resources folder has."""


class ResourceMissingError(MusicPracticeError):
    """A bundled resource is missing: the installation is incomplete."""


def resources_dir() -> Path:
    """The folder holding the bundled resources.

    Raises
    ------
    ResourceMissingError
        Neither the installed copy nor a source checkout's ``resources/`` exists.
    """
    for folder in CANDIDATES:
        if (folder / MARKER).is_dir():  # a stray musicpractice/resources must not hide it
            return folder
    raise ResourceMissingError(
        "musicpractice's resources (icons, demo session, examples) are missing; looked in "
        + " and ".join(str(f) for f in CANDIDATES) + ". Please reinstall musicpractice.")


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource_path("icons", "musicpractice.svg")``.

    Parameters
    ----------
    *parts : str
        Path components below the resources folder (forward slashes also work).

    Raises
    ------
    ResourceMissingError
        The resource (or the whole resources folder) is not there.
    """
    folder = resources_dir()
    path = folder.joinpath(*parts)
    if not path.exists():
        raise ResourceMissingError(
            f"The resource {'/'.join(parts)} is missing from {folder}. Please reinstall musicpractice.")
    return path
