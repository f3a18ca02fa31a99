"""Taking the accompaniment out of a sung-along take.

When the parts come out of speakers, the microphone hears them too. The take is latency
compensated, so the accompaniment sits at (nearly) the same samples in the take as in what
was played; a short FIR filter (the speaker-room-microphone response around that delay)
is fitted by least squares (Wiener-Hopf, Toeplitz normal equations) and its output
subtracted. The singer's own part must not be in what was played (no guide): a voice
correlated with the playback would be taken out with it.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import solve_toeplitz
from scipy.signal import fftconvolve

TAPS_S = 0.006
LEAD_S = 0.002
"""The filter starts this much before the compensated delay (latency is never exact)."""


def remove_leak(take: np.ndarray, played: np.ndarray, sr: int, *, taps_s: float = TAPS_S,
                lead_s: float = LEAD_S) -> tuple[np.ndarray, float]:
    """The take without what the microphone heard of ``played``.

    Parameters
    ----------
    take : numpy.ndarray, shape (n,)
        Latency-compensated mono take.
    played : numpy.ndarray, shape (n,) or (n, 2)
        What was played during the take (the same samples of the rendering).
    sr : int
        Sample rate, Hz.
    taps_s, lead_s : float
        Length of the fitted response, and how far it reaches before the delay, seconds.

    Returns
    -------
    cleaned : numpy.ndarray, shape (n,), float32
    removed_db : float
        How much the take's energy fell, dB (0 when nothing was played).
    """
    y = np.asarray(take, dtype=float)
    x = np.asarray(played, dtype=float)
    x = x.mean(axis=1) if x.ndim == 2 else x
    n = min(len(x), len(y))
    y, x = y[:n], x[:n]
    lead, taps = int(round(lead_s * sr)), max(2, int(round(taps_s * sr)))
    if n <= taps or not np.any(x):
        return y.astype(np.float32), 0.0
    shifted = np.concatenate([x[lead:], np.zeros(lead)])  # x advanced by the lead
    r = fftconvolve(shifted, shifted[::-1], mode="full")[n - 1:n - 1 + taps]
    p = fftconvolve(y, shifted[::-1], mode="full")[n - 1:n - 1 + taps]
    r[0] *= 1.0 + 1e-6  # keeps the system solvable for silent stretches
    h = solve_toeplitz(r, p)
    echo = fftconvolve(shifted, h)[:n]
    cleaned = y - echo
    before, after = float(np.sum(y ** 2)), float(np.sum(cleaned ** 2))
    removed_db = 10 * np.log10(before / after) if after > 0 and before > 0 else 0.0
    return cleaned.astype(np.float32), float(removed_db)
