"""Run heavy work in one long-lived child process, so the window's thread never waits.

Some work holds Python's interpreter lock for hundreds of milliseconds: numba kernels
and some NumPy/SciPy calls of the analysis; reading a score with music21 (hundreds of
thousands of objects, whose full garbage collections take 0.3-0.8 s here) and verovio's
layout. On a thread that freezes the window, so it runs in a child process (spawned on
first use or by :meth:`ChildWorker.start`, so its imports are paid once): module-level
functions are called there as ``fn(*args, progress=..., cancel=..., **kwargs)``;
progress, results and :class:`MusicPracticeError` exceptions come back through a pipe,
and cancel is a shared event the function checks between steps.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import traceback

from musicpractice.core.errors import Cancelled, MusicPracticeError
from musicpractice.core.progress import CancelToken, ProgressFn

POLL_S = 0.05
PROGRESS_INTERVAL_S = 0.05


class WorkerStoppedError(MusicPracticeError):
    """The child process died (out of memory, killed)."""


def _serve(conn, cancel_event) -> None:  # runs in the child
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        fn, args, kwargs = request
        last = [0.0]

        def progress(fraction: float, message: str = "", last=last) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_INTERVAL_S:
                last[0] = now
                conn.send(("progress", fraction, message))

        try:
            result = fn(*args, progress=progress, cancel=cancel_event, **kwargs)
        except Cancelled:
            conn.send(("cancelled",))
        except MusicPracticeError as error:
            conn.send(("error", error))
        except Exception as error:  # noqa: BLE001 - a bug: report it, keep serving
            conn.send(("bug", f"{type(error).__name__}: {error}", traceback.format_exc()))
        else:
            conn.send(("done", result))


class ChildWorker:
    """One persistent child process; thread-safe (callers are served one at a time).

    ``work`` names what it does in messages ("the analysis", "the score work").
    """

    def __init__(self, work: str = "the score work") -> None:
        self.work = work
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._process = None
        self._conn = None
        self._cancel = None

    def start(self) -> None:
        """Start the child now (it takes a few seconds to import what it runs)."""
        with self._lock:
            self._ensure()

    def _ensure(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        parent, child = self._context.Pipe()
        self._cancel = self._context.Event()
        self._process = self._context.Process(target=_serve, args=(child, self._cancel),
                                              name="musicpractice-worker", daemon=True)
        self._process.start()
        child.close()
        self._conn = parent

    def run(self, fn, *args, progress: ProgressFn | None = None,
            cancel: CancelToken | None = None, **kwargs):
        """Call module-level ``fn`` in the child and wait for its result.

        Raises
        ------
        MusicPracticeError
            What ``fn`` raised, or :class:`WorkerStoppedError` when the child died.
        Cancelled
            ``cancel`` was set.
        RuntimeError
            ``fn`` failed with a bug (the message carries the child's traceback).
        """
        with self._lock:
            self._ensure()
            self._cancel.clear()
            self._conn.send((fn, args, kwargs))
            while True:
                if cancel is not None and cancel.is_set():
                    self._cancel.set()
                if not self._conn.poll(POLL_S):
                    if not self._process.is_alive():
                        self._process = None
                        raise WorkerStoppedError(
                            f"{self.work[0].upper()}{self.work[1:]} stopped unexpectedly (the "
                            "computer may be out of memory); try again, or close other programs.")
                    continue
                kind, *payload = self._conn.recv()
                if kind == "progress":
                    if progress is not None:
                        progress(*payload)
                elif kind == "done":
                    return payload[0]
                elif kind == "cancelled":
                    raise Cancelled()
                elif kind == "error":
                    raise payload[0]
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
