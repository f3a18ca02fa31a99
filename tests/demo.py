"""The bundled demo session, copied for a test (tests must never write into resources/)."""

from __future__ import annotations

import shutil
from pathlib import Path

from musicpractice.core.resources import resource_path


def copy_demo_session(parent: Path) -> Path:
    """Copy ``resources/demo/Demo.mpsession`` (without a stale lock) into ``parent``;
    the copy's path."""
    folder = Path(parent) / "Demo.mpsession"
    shutil.copytree(resource_path("demo", "Demo.mpsession"), folder,
                    ignore=shutil.ignore_patterns(".lock"))
    return folder
