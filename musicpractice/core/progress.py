"""The progress and cancel protocol every long-running function follows.

A long function takes two optional keyword arguments:

``progress``
    a callable ``progress(fraction, message)`` with ``fraction`` in [0, 1], called from
    the worker's thread. The GUI forwards it through a signal; the CLI draws a bar.
``cancel``
    any object with an ``is_set() -> bool`` method, e.g. :class:`threading.Event`.
    The function checks it between units of work and raises
    :class:`~musicpractice.core.errors.Cancelled` when it is set.

:class:`Steps` splits one progress range into weighted sub-ranges for composite jobs.
"""

from __future__ import annotations

from typing import Callable, Protocol, Sequence

from musicpractice.core.errors import Cancelled

ProgressFn = Callable[[float, str], None]


class CancelToken(Protocol):
    """Anything with ``is_set()``; :class:`threading.Event` is the usual one."""

    def is_set(self) -> bool: ...


def check_cancel(cancel: CancelToken | None) -> None:
    """Raise :class:`Cancelled` if ``cancel`` is set."""
    if cancel is not None and cancel.is_set():
        raise Cancelled()


def report(progress: ProgressFn | None, fraction: float, message: str = "") -> None:
    """Call ``progress`` with ``fraction`` clipped to [0, 1], if there is one."""
    if progress is not None:
        progress(min(1.0, max(0.0, float(fraction))), message)


def sub_progress(progress: ProgressFn | None, start: float, end: float) -> ProgressFn | None:
    """A progress callable that maps [0, 1] onto [start, end] of ``progress``."""
    if progress is None:
        return None

    def scaled(fraction: float, message: str = "") -> None:
        progress(start + (end - start) * min(1.0, max(0.0, fraction)), message)

    return scaled


class Steps:
    """Weighted stages of one job, each given its own sub-progress range.

    >>> steps = Steps(progress, [("decode", 1), ("melody", 3)])
    >>> p = steps.stage("melody")   # maps [0, 1] to [0.25, 1.0]
    """

    def __init__(self, progress: ProgressFn | None, weights: Sequence[tuple[str, float]]):
        total = float(sum(w for _, w in weights)) or 1.0
        self._ranges: dict[str, tuple[float, float]] = {}
        start = 0.0
        for name, weight in weights:
            end = start + weight / total
            self._ranges[name] = (start, end)
            start = end
        self._progress = progress

    def stage(self, name: str) -> ProgressFn | None:
        """The sub-progress callable of stage ``name``; announces the stage."""
        start, end = self._ranges[name]
        report(self._progress, start, name)
        return sub_progress(self._progress, start, end)
