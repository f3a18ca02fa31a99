"""Beat tracking by dynamic programming over beat times and inter-beat intervals.

Ellis (2007) finds the beat sequence that maximises the onset strength at the beats minus
a penalty on how far each inter-beat interval strays from one beat period. Here every
beat remembers the interval that led to it, and the penalty has two parts: a strong one on
the change of interval from one beat to the next (the tempo changes smoothly) and a weak
one on the distance from the local period of the tempogram (the beat stays on its
metrical level). So the beats follow an accelerando over the whole piece and also a
ritardando of a few beats, shorter than the tempogram window.
"""

from __future__ import annotations

import numba
import numpy as np
import scipy.ndimage

CHANGE_TIGHTNESS = 300.0
"""Weight of ``log(interval / previous interval) ** 2`` against the normalised onset strength."""
PERIOD_TIGHTNESS = 30.0
"""Weight of ``log(interval / local period) ** 2``."""
RATIOS = np.geomspace(0.6, 1.6, 48)
"""Inter-beat intervals considered, as multiples of the local period."""
MAX_CHANGE = 0.15
"""Largest change of log inter-beat interval from one beat to the next (16 %)."""
BASS_WEIGHT = 0.5
"""Weight of the normalised bass onset strength added to the normalised onset strength."""
SMOOTHING = 1 / 32
"""Standard deviation of the Gaussian that smooths the onset strength, in beat periods."""
EDGE_STRENGTH = 0.5
"""Leading and trailing beats weaker (averaged with their neighbours) than this share of the
typical beat strength are dropped."""


def track_beats(envelope: np.ndarray, bass: np.ndarray, hop_s: float,
                period_s: np.ndarray) -> np.ndarray:
    """Beat times (seconds) that best fit an onset envelope and a local beat period.

    Parameters
    ----------
    envelope : numpy.ndarray
        Onset strength, one value every ``hop_s`` seconds.
    bass : numpy.ndarray
        Onset strength of the bass alone, same frames; weighted by :data:`BASS_WEIGHT`,
        it is added to the beat strength and draws the beats to the strong beats of the bar.
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
    bass_spread = float(np.std(bass))
    combined = envelope / spread + (BASS_WEIGHT * bass / bass_spread if bass_spread > 0 else 0.0)
    period = np.maximum(np.asarray(period_s, dtype=np.float64) / hop_s, 2.0)
    strength = scipy.ndimage.gaussian_filter1d(combined.astype(np.float64),
                                               SMOOTHING * float(np.median(period)))
    score, back = _cumulative_score(strength, period, np.log(RATIOS), CHANGE_TIGHTNESS,
                                    PERIOD_TIGHTNESS)
    frames = _backtrack(score, back, period, RATIOS)
    return _refined(_trimmed(frames, strength), strength) * hop_s


@numba.njit(cache=True)
def _cumulative_score(strength, period, log_ratios, change_tightness,
                      period_tightness):  # pragma: no cover - compiled
    """Best score of a beat sequence ending at frame t with interval index j before it."""
    n = len(strength)
    k = len(log_ratios)
    spacing = (log_ratios[-1] - log_ratios[0]) / (k - 1)
    reach = int(np.ceil(MAX_CHANGE / spacing))
    log_period = np.log(period)
    score = np.zeros((n, k), dtype=np.float32)
    back = np.full((n, k), -1, dtype=np.int16)
    threshold = 0.01 * strength.max()
    first_sound = 0
    while first_sound < n - 1 and strength[first_sound] < threshold:
        first_sound += 1
    for t in range(n):
        for j in range(k):
            interval = max(1, int(np.rint(period[t] * np.exp(log_ratios[j]))))
            local = strength[t] - period_tightness * log_ratios[j] ** 2
            tau = t - interval
            if tau < first_sound:
                score[t, j] = local
                continue
            # interval index at tau closest to this interval, and its neighbours
            offset = np.log(interval) - log_period[tau]
            centre = int(np.rint((offset - log_ratios[0]) / spacing))
            best = -np.inf
            best_j = -1
            for jj in range(max(0, centre - reach), min(k, centre + reach + 1)):
                change = offset - log_ratios[jj]
                value = score[tau, jj] - change_tightness * change * change
                if value > best:
                    best = value
                    best_j = jj
            if best_j < 0:  # the tempo changed more than MAX_CHANGE: start afresh
                score[t, j] = local
            else:
                score[t, j] = local + best
                back[t, j] = best_j
    return score, back


def _backtrack(score: np.ndarray, back: np.ndarray, period: np.ndarray,
               ratios: np.ndarray) -> np.ndarray:
    best = score.max(axis=1)
    t = _last_beat(best)
    j = int(np.argmax(score[t]))
    frames = [t]
    while back[t, j] >= 0:
        t, j = t - max(1, round(period[t] * ratios[j])), int(back[t, j])
        frames.append(t)
    return np.array(frames[::-1], dtype=np.int64)


def _last_beat(score: np.ndarray) -> int:
    """The last local maximum of the cumulative score that is not much below the others."""
    inner = score[1:-1]
    peaks = np.flatnonzero((inner > score[:-2]) & (inner >= score[2:])) + 1
    if len(peaks) == 0:
        return int(np.argmax(score))
    strong = peaks[score[peaks] >= 0.5 * np.median(score[peaks])]
    return int(strong[-1])


def _trimmed(frames: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """Drop beats at the start and end that fall where the music has not begun or has ended."""
    at_beats = np.convolve(strength[frames], np.hanning(5), mode="same")
    floor = EDGE_STRENGTH * np.sqrt(np.mean(at_beats ** 2))
    strong = np.flatnonzero(at_beats >= floor)
    if len(strong) == 0:
        return frames[:0]
    return frames[strong[0]: strong[-1] + 1]


def _refined(frames: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """Beat frames moved to the vertex of a parabola through the strength around them."""
    inner = (frames > 0) & (frames < len(strength) - 1)
    before, at, after = (strength[frames[inner] + k] for k in (-1, 0, 1))
    curvature = before - 2 * at + after
    shift = np.where(curvature < 0, 0.5 * (before - after) / np.where(curvature < 0, curvature, -1), 0)
    out = frames.astype(np.float64)
    out[inner] += np.clip(shift, -0.5, 0.5)
    return out
