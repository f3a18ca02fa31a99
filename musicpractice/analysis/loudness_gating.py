"""The gates of EBU R128: integrated loudness (BS.1770-4) and loudness range (Tech 3342).

Both read loudness curves of :class:`~musicpractice.analysis.loudness.LoudnessMeter`:
the momentary values (400 ms gating blocks, every 100 ms) for the integrated loudness,
the short-term values (3 s) for the range. Loudness in LUFS, ranges in LU.
"""

from __future__ import annotations

import math

import numpy as np

ABSOLUTE_GATE_LUFS = -70.0
INTEGRATED_RELATIVE_GATE_LU = -10.0
LRA_RELATIVE_GATE_LU = -20.0
LRA_LOW_PERCENTILE = 10.0
LRA_HIGH_PERCENTILE = 95.0
LOUDNESS_OFFSET_DB = -0.691
"""BS.1770 constant that makes a 997 Hz sine at 0 dBFS peak on one front channel -3.01 LUFS."""


def lufs(power: np.ndarray) -> np.ndarray:
    """Loudness (LUFS) of K-weighted, channel-weighted mean-square power, same shape."""
    with np.errstate(divide="ignore"):
        return LOUDNESS_OFFSET_DB + 10.0 * np.log10(power)


def power_mean_lufs(values_lufs: np.ndarray) -> float:
    """The loudness (LUFS) of the mean power of loudness values ``values_lufs`` (LUFS)."""
    return LOUDNESS_OFFSET_DB + 10.0 * math.log10(
        float(np.mean(10.0 ** ((values_lufs - LOUDNESS_OFFSET_DB) / 10.0))))


def integrated_lufs(momentary_lufs: np.ndarray) -> tuple[float, int]:
    """Gated integrated loudness and the number of gating blocks it averages."""
    above_absolute = momentary_lufs[momentary_lufs > ABSOLUTE_GATE_LUFS]
    if len(above_absolute) == 0:
        return -math.inf, 0
    relative_gate = power_mean_lufs(above_absolute) + INTEGRATED_RELATIVE_GATE_LU
    gated = above_absolute[above_absolute > relative_gate]
    return power_mean_lufs(gated), len(gated)


def loudness_range(short_term_lufs: np.ndarray) -> tuple[float, float, float]:
    """EBU Tech 3342 loudness range in LU, with its low and high ends in LUFS."""
    above_absolute = short_term_lufs[short_term_lufs > ABSOLUTE_GATE_LUFS]
    if len(above_absolute) < 2:
        return 0.0, -math.inf, -math.inf
    relative_gate = power_mean_lufs(above_absolute) + LRA_RELATIVE_GATE_LU
    gated = above_absolute[above_absolute > relative_gate]
    low, high = np.percentile(gated, [LRA_LOW_PERCENTILE, LRA_HIGH_PERCENTILE])
    return float(high - low), float(low), float(high)
