"""Input level meter: peak and RMS in dBFS, clip indicator, dropout counters.

:meth:`LevelMeter.update` runs inside the PortAudio callback: a few numpy reductions on
one block, plain attribute stores, no locks or allocation beyond numpy's temporaries.
Any thread (a GUI timer, the command line) reads a consistent-enough
:class:`LevelSnapshot` at any time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SILENCE_DBFS = -120.0
"""Level reported for digital silence."""
CLIP_LEVEL = 0.999
"""Samples at or above this magnitude (full scale = 1.0) count as clipped."""


def to_dbfs(amplitude: float) -> float:
    """Amplitude (full scale = 1.0) in dBFS, floored at :data:`SILENCE_DBFS`."""
    if amplitude <= 0.0:
        return SILENCE_DBFS
    return max(SILENCE_DBFS, 20.0 * math.log10(amplitude))


@dataclass(frozen=True)
class LevelSnapshot:
    """The meter at one moment.

    Attributes
    ----------
    peak_dbfs : float
        Highest sample magnitude of any channel since the previous snapshot, dBFS.
    rms_dbfs : float
        RMS level of the latest block (all channels), dBFS.
    clipping : bool
        A sample reached full scale since the previous snapshot.
    clipped_blocks : int
        Blocks with at least one clipped sample since the meter started.
    overflows : int
        Input overflows reported by the device (audio the computer missed).
    blocks : int
        Blocks measured since the meter started.
    """

    peak_dbfs: float
    rms_dbfs: float
    clipping: bool
    clipped_blocks: int
    overflows: int
    blocks: int


class LevelMeter:
    """Running input level, updated from the audio callback, read from anywhere."""

    def __init__(self) -> None:
        self._peak = 0.0
        self._rms = 0.0
        self._clip_since_read = False
        self.clipped_blocks = 0
        self.overflows = 0
        self.blocks = 0

    def update(self, block: np.ndarray, *, overflow: bool = False) -> None:
        """Measure one block (frames x channels, float); called from the audio callback."""
        if overflow:
            self.overflows += 1
        self.blocks += 1
        if block.size == 0:
            return
        peak = float(np.max(np.abs(block)))
        self._rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64))))
        if peak > self._peak:
            self._peak = peak
        if peak >= CLIP_LEVEL:
            self._clip_since_read = True
            self.clipped_blocks += 1

    def snapshot(self) -> LevelSnapshot:
        """Current levels; resets the peak hold and the clip indicator."""
        peak, clipping = self._peak, self._clip_since_read
        self._peak, self._clip_since_read = 0.0, False
        return LevelSnapshot(to_dbfs(peak), to_dbfs(self._rms), clipping,
                             self.clipped_blocks, self.overflows, self.blocks)
