"""Run take analyses in a child process, so the window's thread never waits for the GIL.

Parts of the analysis (numba kernels, some NumPy/SciPy calls) hold Python's global
interpreter lock for a few hundred milliseconds; on a thread that would freeze the
window. One long-lived child process (started ahead of time so its imports are paid
once) runs one analysis at a time. Requests, progress and results travel through a pipe;
results as :func:`musicpractice.core.codec.encode` trees and arrays (no dataclass
pickling); cancel is a shared event the child's analysis checks between steps.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

from musicpractice.analysis.take import TakeAnalysis, analyze_file
from musicpractice.core.codec import decode, encode
from musicpractice.core.errors import Cancelled, MusicPracticeError
from musicpractice.core.progress import CancelToken, ProgressFn

POLL_S = 0.05
PROGRESS_INTERVAL_S = 0.05


class AnalysisProcessError(MusicPracticeError):
    """The analysis process died (out of memory, killed)."""


def _serve(conn, cancel_event) -> None:  # runs in the child
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        path, voice = request
        last = [0.0]

        def progress(fraction: float, message: str = "") -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_INTERVAL_S:
                last[0] = now
                conn.send(("progress", fraction, message))

        try:
            result = analyze_file(path, voice=voice, progress=progress, cancel=cancel_event)
        except Cancelled:
            conn.send(("cancelled",))
        except MusicPracticeError as error:
            conn.send(("error", str(error)))
        except Exception as error:  # a bug in an analysis: report it, keep serving
            import traceback
            conn.send(("bug", f"{type(error).__name__}: {error}", traceback.format_exc()))
        else:
            conn.send(("done", *encode(result)))


class AnalysisProcess:
    """A persistent child process running :func:`~musicpractice.analysis.take.analyze_file`.

    Thread-safe: concurrent callers are served one after another.
    """

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._process = None
        self._conn = None
        self._cancel = None

    def start(self) -> None:
        """Start the child now (it takes a few seconds to import the analysis code)."""
        with self._lock:
            self._ensure()

    def _ensure(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        parent, child = self._context.Pipe()
        self._cancel = self._context.Event()
        self._process = self._context.Process(target=_serve, args=(child, self._cancel),
                                              name="musicpractice-analysis", daemon=True)
        self._process.start()
        child.close()
        self._conn = parent

    def analyze(self, path: str | os.PathLike, *, voice: str, progress: ProgressFn | None = None,
                cancel: CancelToken | None = None) -> TakeAnalysis:
        """Like :func:`~musicpractice.analysis.take.analyze_file`, in the child process.

        Raises
        ------
        MusicPracticeError
            What the analysis raised (with its message), or :class:`AnalysisProcessError`.
        Cancelled
            ``cancel`` was set.
        """
        with self._lock:
            self._ensure()
            self._cancel.clear()
            self._conn.send((str(path), voice))
            while True:
                if cancel is not None and cancel.is_set():
                    self._cancel.set()
                if not self._conn.poll(POLL_S):
                    if not self._process.is_alive():
                        self._process = None
                        raise AnalysisProcessError(
                            "The analysis stopped unexpectedly (the computer may be out of "
                            "memory); try again, or close other programs.")
                    continue
                kind, *payload = self._conn.recv()
                if kind == "progress":
                    if progress is not None:
                        progress(*payload)
                elif kind == "done":
                    tree, arrays = payload
                    return decode(TakeAnalysis, tree, arrays)
                elif kind == "cancelled":
                    raise Cancelled()
                elif kind == "error":
                    raise MusicPracticeError(payload[0])
                else:
                    message, details = payload
                    raise RuntimeError(f"{message}\n{details}")

    def close(self) -> None:
        """Stop the child (idempotent)."""
        with self._lock:
            if self._process is None:
                return
            try:
                self._conn.send(None)
            except OSError:
                pass
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.terminate()
            self._process = None
