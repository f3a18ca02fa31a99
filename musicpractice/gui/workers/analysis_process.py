"""Take analyses in a child process (:class:`~musicpractice.gui.workers.child_worker.ChildWorker`),
so the window's thread never waits for the interpreter lock the analysis holds.

Results cross the pipe as :func:`musicpractice.core.codec.encode` trees and arrays, not
as pickled dataclasses.
"""

from __future__ import annotations

import os

from musicpractice.analysis.take import TakeAnalysis, analyze_file
from musicpractice.core.codec import decode, encode
from musicpractice.core.progress import CancelToken, ProgressFn
from musicpractice.gui.workers.child_worker import ChildWorker


def _analyse_encoded(path: str, *, voice: str, progress=None, cancel=None):  # runs in the child
    return encode(analyze_file(path, voice=voice, progress=progress, cancel=cancel))


class AnalysisProcess:
    """A persistent child process running :func:`~musicpractice.analysis.take.analyze_file`.

    Thread-safe: concurrent callers are served one after another.
    """

    def __init__(self) -> None:
        self._worker = ChildWorker("the analysis")

    def start(self) -> None:
        """Start the child now (it takes a few seconds to import the analysis code)."""
        self._worker.start()

    def analyze(self, path: str | os.PathLike, *, voice: str, progress: ProgressFn | None = None,
                cancel: CancelToken | None = None) -> TakeAnalysis:
        """Like :func:`~musicpractice.analysis.take.analyze_file`, in the child process.

        Raises
        ------
        MusicPracticeError
            What the analysis raised, or
            :class:`~musicpractice.gui.workers.child_worker.WorkerStoppedError` when the child died.
        Cancelled
            ``cancel`` was set.
        RuntimeError
            The analysis failed with a bug (the message carries the child's traceback).
        """
        tree, arrays = self._worker.run(_analyse_encoded, str(path), voice=voice,
                                        progress=progress, cancel=cancel)
        return decode(TakeAnalysis, tree, arrays)

    def close(self) -> None:
        """Stop the child (idempotent)."""
        self._worker.close()
