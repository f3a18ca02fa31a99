"""The note models this installation can run, and where piano transcriptions are kept.

Two models read piano notes, both on the CPU with nothing downloaded: Basic Pitch
(:mod:`musicpractice.analysis.note_model`, shipped in ``resources/models``) and Transkun
(:mod:`musicpractice.analysis.piano_transcription`, its weights inside the ``transkun``
package). :func:`note_model_lines` says for each whether it can run here, for the About box
and ``--smoke-test``.

A Transkun transcription takes about as long as the take, so the window and the command
line keep them on disk: :func:`keep_transcriptions` points
``$MUSICPRACTICE_TRANSCRIPTIONS`` at the user's cache (beside the file-analysis cache of
:func:`musicpractice.workspace.file_cache.default_cache_root`) unless it is already set, so
that reopening a session or comparing a take again never transcribes it again.
"""

from __future__ import annotations

import os
from pathlib import Path

from musicpractice.analysis.note_model import note_model_available
from musicpractice.analysis.piano_transcription import (
    CACHE_ENV,
    MODEL_VERSION,
    piano_transcription_available,
)
from musicpractice.workspace.file_cache import default_cache_root

TRANSCRIPTIONS_FOLDER = "transcriptions"
"""Name of the folder beside the file-analysis cache that holds the transcriptions."""


def default_transcription_folder() -> Path:
    """``<user cache>/musicpractice/transcriptions`` (or beside ``$MUSICPRACTICE_CACHE``)."""
    return default_cache_root().parent / TRANSCRIPTIONS_FOLDER


def keep_transcriptions() -> Path:
    """Set ``$MUSICPRACTICE_TRANSCRIPTIONS`` to the default folder unless it is set.

    Called once at start-up by the window and the command line (child processes inherit
    it). The folder is created by the first transcription stored there.

    Returns
    -------
    pathlib.Path
        The folder transcriptions are kept in.
    """
    if not os.environ.get(CACHE_ENV):
        os.environ[CACHE_ENV] = str(default_transcription_folder())
    return Path(os.environ[CACHE_ENV])


def note_model_lines() -> list[tuple[str, str]]:
    """Each note model with ``"available"`` or why it cannot run here (one line each).

    Returns
    -------
    list of (str, str)
        (model name, status), the piano transcription model first.
    """
    models = [(f"Piano transcription model ({MODEL_VERSION}, MIT)", piano_transcription_available()),
              ("Piano note model (Basic Pitch, Apache-2.0)", note_model_available())]
    return [(name, "available" if problem is None else f"not available: {problem}")
            for name, problem in models]
