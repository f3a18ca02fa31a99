"""Background jobs on a QThreadPool with progress, cooperative cancel and job ids.

Each job has a *key* (e.g. a take id). Submitting a job for a key cancels the job that
runs for it, and a result that arrives for a job that is no longer the key's current one
is dropped, so a stale analysis can never overwrite a newer one. The job function gets
``progress`` and ``cancel`` keyword arguments (see :mod:`musicpractice.core.progress`).
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from musicpractice.core.errors import Cancelled, MusicPracticeError

PROGRESS_INTERVAL_S = 0.05
"""At most this often a job's progress crosses to the window's thread."""


class _Relay(QObject):
    """Carries a worker's outcome to the thread the runner lives in (queued signals)."""

    progress = Signal(int, float, str)
    finished = Signal(int, object)
    failed = Signal(int, str, str)
    cancelled = Signal(int)


class _Job(QRunnable):
    def __init__(self, job_id: int, fn: Callable, cancel: threading.Event, relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.job_id, self.fn, self.cancel, self.relay = job_id, fn, cancel, relay
        self._last = 0.0

    def _progress(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL_S or fraction >= 1.0:
            self._last = now
            self.relay.progress.emit(self.job_id, float(fraction), message)

    def run(self) -> None:
        try:
            result = self.fn(progress=self._progress, cancel=self.cancel)
        except Cancelled:
            self.relay.cancelled.emit(self.job_id)
        except MusicPracticeError as error:
            self.relay.failed.emit(self.job_id, str(error), traceback.format_exc())
        except Exception as error:  # a bug: show it, keep the window alive
            self.relay.failed.emit(
                self.job_id, f"Something went wrong inside musicpractice ({type(error).__name__}: "
                f"{error}). Your recordings are safe; please report this with the details.",
                traceback.format_exc())
        else:
            if self.cancel.is_set():
                self.relay.cancelled.emit(self.job_id)
            else:
                self.relay.finished.emit(self.job_id, result)


class JobRunner(QObject):
    """Runs keyed jobs on a thread pool and reports only the current job of each key.

    Signals carry the key: ``progress(key, fraction, message)``, ``finished(key, result)``,
    ``failed(key, message, details)``, ``cancelled(key)``.
    """

    progress = Signal(str, float, str)
    finished = Signal(str, object)
    failed = Signal(str, str, str)
    cancelled = Signal(str)

    def __init__(self, *, max_threads: int = 1, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.progress.connect(self._on_progress)
        self._relay.finished.connect(self._on_finished)
        self._relay.failed.connect(self._on_failed)
        self._relay.cancelled.connect(self._on_cancelled)
        self._next_id = 0
        self._current: dict[str, tuple[int, threading.Event]] = {}

    def submit(self, key: str, fn: Callable) -> int:
        """Run ``fn(progress=..., cancel=...)`` for ``key``, cancelling its previous job."""
        self.cancel(key)
        self._next_id += 1
        event = threading.Event()
        self._current[key] = (self._next_id, event)
        self.pool.start(_Job(self._next_id, fn, event, self._relay))
        return self._next_id

    def cancel(self, key: str) -> None:
        """Ask the job of ``key`` to stop; it reports ``cancelled`` when it has."""
        if key in self._current:
            self._current[key][1].set()

    def cancel_all(self) -> None:
        """Ask every job to stop."""
        for key in list(self._current):
            self.cancel(key)

    def running(self, key: str) -> bool:
        """Whether ``key`` has a job that has not reported yet."""
        return key in self._current

    def keys(self) -> tuple[str, ...]:
        """Keys with a job that has not reported yet."""
        return tuple(self._current)

    def wait(self, timeout_ms: int = -1) -> bool:
        """Block until every job has returned (at shutdown); False on timeout."""
        return self.pool.waitForDone(timeout_ms)

    def _key(self, job_id: int, *, done: bool) -> str | None:
        for key, (current, _event) in self._current.items():
            if current == job_id:
                if done:
                    del self._current[key]
                return key
        return None

    def _on_progress(self, job_id: int, fraction: float, message: str) -> None:
        key = self._key(job_id, done=False)
        if key is not None:
            self.progress.emit(key, fraction, message)

    def _on_finished(self, job_id: int, result: object) -> None:
        key = self._key(job_id, done=True)
        if key is not None:
            self.finished.emit(key, result)

    def _on_failed(self, job_id: int, message: str, details: str) -> None:
        key = self._key(job_id, done=True)
        if key is not None:
            self.failed.emit(key, message, details)

    def _on_cancelled(self, job_id: int) -> None:
        key = self._key(job_id, done=True)
        if key is not None:
            self.cancelled.emit(key)
