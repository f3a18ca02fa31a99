"""Beat tracking by dynamic programming with a tempo that changes over time.

Ellis (2007) finds the beat sequence that maximises the onset strength at the beats minus
a penalty on how far each inter-beat interval strays from the beat period. Here the
period is not one number but follows the local tempo at every frame, so the beats can
speed up and slow down with the performer.
"""

from __future__ import annotations

import numba
import numpy as np
import scipy.ndimage

TIGHTNESS = 100.0
"""Weight of the penalty ``log(interval / period) ** 2`` against the normalised onset strength."""
MOMENTUM = 0.8
"""Share (in log scale) of the previous inter-beat interval in the interval expected next;
the rest is the local beat period. It lets the beats follow a ritardando shorter than the
tempogram window."""
SMOOTHING = 1 / 32
"""Standard deviation of the Gaussian that smooths the onset strength, in beat periods."""
EDGE_STRENGTH = 0.5
"""Leading and trailing beats weaker than this share of the typical beat strength are dropped."""


def track_beats(envelope: np.ndarray, hop_s: float, period_s: np.ndarray) -> np.ndarray:
    """Beat times (seconds) that best fit an onset envelope and a local beat period.

    Parameters
    ----------
    envelope : numpy.ndarray
        Onset strength, one value every ``hop_s`` seconds, not all zero.
    hop_s : float
        Envelope hop in seconds.
    period_s : numpy.ndarray
        Local beat period in seconds at every envelope frame (same length as ``envelope``).

    Returns
    -------
    numpy.ndarray
        Increasing beat times in seconds; empty when the envelope is silent.
    """
    spread = float(np.std(envelope))
    if spread <= 0.0:
        return np.zeros(0)
    period = np.maximum(np.asarray(period_s, dtype=np.float64) / hop_s, 2.0)
    strength = scipy.ndimage.gaussian_filter1d(envelope.astype(np.float64) / spread,
                                               SMOOTHING * float(np.median(period)))
    score, back = _cumulative_score(strength, period, TIGHTNESS, MOMENTUM)
    frames = _backtrack(back, _last_beat(score))
    return _trimmed(frames, strength, period) * hop_s


@numba.njit(cache=True)
def _cumulative_score(strength, period, tightness, momentum):  # pragma: no cover - compiled
    n = len(strength)
    score = np.zeros(n)
    back = np.full(n, -1, dtype=np.int64)
    started = False  # no beat before the first sound
    threshold = 0.01 * strength.max()
    for t in range(n):
        p = period[t]
        first = max(0, t - int(round(2.0 * p)))
        last = t - int(round(0.5 * p))
        best = -np.inf
        best_tau = -1
        for tau in range(first, last + 1):
            expected = p if back[tau] < 0 else p ** (1 - momentum) * (tau - back[tau]) ** momentum
            value = score[tau] - tightness * np.log((t - tau) / expected) ** 2
            if value > best:
                best = value
                best_tau = tau
        score[t] = strength[t] + (best if best_tau >= 0 else 0.0)
        if started or strength[t] >= threshold:
            back[t] = best_tau
            started = True
    return score, back


def _last_beat(score: np.ndarray) -> int:
    """The last local maximum of the cumulative score that is not much below the others."""
    inner = score[1:-1]
    peaks = np.flatnonzero((inner > score[:-2]) & (inner >= score[2:])) + 1
    if len(peaks) == 0:
        return int(np.argmax(score))
    strong = peaks[score[peaks] >= 0.5 * np.median(score[peaks])]
    return int(strong[-1])


def _backtrack(back: np.ndarray, last: int) -> np.ndarray:
    frames = [last]
    while back[frames[-1]] >= 0:
        frames.append(int(back[frames[-1]]))
    return np.array(frames[::-1], dtype=np.int64)


def _trimmed(frames: np.ndarray, strength: np.ndarray, period: np.ndarray) -> np.ndarray:
    """Drop beats at the start and end that fall where the music has not begun or has ended."""
    at_beats = strength[frames]
    floor = EDGE_STRENGTH * np.sqrt(np.mean(at_beats ** 2))
    strong = np.flatnonzero(at_beats >= floor)
    if len(strong) == 0:
        return frames[:0]
    return frames[strong[0]: strong[-1] + 1]
