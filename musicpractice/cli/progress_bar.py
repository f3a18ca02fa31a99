"""A one-line progress bar on stderr, drawn only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class TerminalProgress:
    """Callable ``(fraction, message)`` that redraws a bar at most 10 times a second."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self._stream = stream
        self._width = width
        self._last = 0.0
        self.enabled = stream.isatty()

    def __call__(self, fraction: float, message: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and fraction < 1.0:
            return
        self._last = now
        filled = int(round(self._width * fraction))
        bar = "#" * filled + "-" * (self._width - filled)
        self._stream.write(f"\r[{bar}] {100 * fraction:5.1f} % {message[:40]:<40}")
        self._stream.flush()

    def close(self) -> None:
        """Erase the bar."""
        if self.enabled:
            self._stream.write("\r" + " " * (self._width + 52) + "\r")
            self._stream.flush()
