"""Analyses of audio files outside any session, keyed on the file's content.

Batch runs (:mod:`musicpractice.workspace.batch`) store each file's analysis here; when the
same file is later imported into a session its take records the file's SHA-256
(``Take.source_sha256``) and :func:`musicpractice.workspace.derived.ensure_analysis` takes
the analysis from here instead of computing it again. The entries use the session cache's
own format (:class:`musicpractice.session.cache.DerivedCache`: JSON + npz, no pickle,
checked against stage, algorithm version, parameters and source on every read), one folder
per content hash.

The folder is ``$MUSICPRACTICE_CACHE`` when set, else ``$XDG_CACHE_HOME/musicpractice/files``
(``~/.cache/musicpractice/files``). A cluster's workers need it on a shared file system to
fill one cache; each worker otherwise fills its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from musicpractice.analysis.take import ALGORITHM_VERSION, TakeAnalysis
from musicpractice.core.codec import decode, encode
from musicpractice.session.cache import DerivedCache

STAGE = "take_analysis"
"""The same stage name a session uses, so an entry can be copied into a session as it is."""


def default_cache_root() -> Path:
    """Where file analyses are kept unless told otherwise (see the module docstring)."""
    if os.environ.get("MUSICPRACTICE_CACHE"):
        return Path(os.environ["MUSICPRACTICE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "musicpractice" / "files"


def _entry_id(content_sha256: str) -> str:
    return "sha256-" + content_sha256[:56]


class FileAnalysisCache:
    """Take analyses of audio files, found by the SHA-256 of the file's bytes.

    Parameters
    ----------
    root : path-like, optional
        The cache folder (default :func:`default_cache_root`); created on the first store.
    """

    def __init__(self, root: str | os.PathLike | None = None) -> None:
        self.root = Path(root) if root is not None else default_cache_root()
        self._cache = DerivedCache(self.root)

    def get(self, content_sha256: str, *, voice: str) -> TakeAnalysis | None:
        """The analysis of the file with this content and pitch range, or ``None``."""
        if not content_sha256:
            return None
        found = self._cache.get(_entry_id(content_sha256), STAGE, str(ALGORITHM_VERSION),
                                {"voice": voice}, source=content_sha256)
        if found is None:
            return None
        try:
            return decode(TakeAnalysis, found.data["tree"], found.arrays)
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, content_sha256: str, analysis: TakeAnalysis, *, created_at: str = "") -> Path:
        """Store ``analysis`` (of the file with SHA-256 ``content_sha256``); returns its file."""
        tree, arrays = encode(analysis)
        return self._cache.put(_entry_id(content_sha256), STAGE, str(ALGORITHM_VERSION),
                               {"voice": analysis.voice}, source=content_sha256,
                               data={"tree": tree}, arrays=arrays, created_at=created_at)
