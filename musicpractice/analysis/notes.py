"""Notes from a pitch track: onsets, offsets, MIDI pitch, intonation in cents, vibrato.

Each voiced stretch of the track is cut into notes by a small dynamic programme: the
pitch curve, lightly smoothed, is fitted with a piecewise-constant
sequence of semitones at a fixed cost per change. Legato pitch changes therefore split
notes as well as silences do, while vibrato (even +-50 cents) and scoops stay inside one
note. Pieces that never hold their semitone long enough to be notes (the middle of a glide,
a scoop) are shared between their neighbours.

Vibrato is measured per note as the 4-8 Hz sinusoid that best fits the detrended pitch
curve: its frequency is the rate, its amplitude (half the peak-to-peak swing, in cents)
the extent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from musicpractice.analysis.melody import PitchTrack
from musicpractice.analysis.voices import as_number
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.pitch import hz_to_midi

SMOOTHING_S = 0.06
"""Moving-average length applied before cutting notes, in seconds (removes jitter; the
absolute-deviation fit is what keeps vibrato inside one note)."""
CHANGE_COST = 6.0
"""Cost of starting a new note, in semitone-frames at a 10 ms hop."""
STEADY_SEMITONES = 0.6
"""A frame holds a note's pitch when its smoothed pitch is this close to the semitone."""
MAX_GAP_S = 0.03
"""Unvoiced gaps up to this long inside a steady pitch do not end a note."""
VIBRATO_MIN_HZ = 4.0
VIBRATO_MAX_HZ = 8.0
VIBRATO_MIN_CYCLES = 2.0
VIBRATO_MIN_EXTENT_CENTS = 8.0
VIBRATO_EDGE_S = 0.08
"""Left out at each end of a note before measuring vibrato (glides into and out of it)."""
VIBRATO_MIN_FIT = 0.5
"""Share of the detrended pitch variance a sinusoid must explain to count as vibrato."""


@dataclass(frozen=True)
class Note:
    """One sung or played note.

    Attributes
    ----------
    onset_s, offset_s : float
        Start and end in seconds from the start of the recording.
    midi : int
        Nearest equal-tempered MIDI note at the tuning used.
    median_hz : float
        Median fundamental over the note, in Hz.
    cents : float
        Deviation of the note's pitch from ``midi`` in cents (-50 to +50; positive =
        sharp). The pitch is ``median_hz``, or with vibrato the mean over whole vibrato
        cycles (the pitch a listener hears).
    vibrato_rate_hz : float
        Vibrato frequency in Hz (4-8), NaN when the note has no vibrato.
    vibrato_extent_cents : float
        Vibrato extent: half the peak-to-peak pitch swing, in cents; NaN without vibrato.
    confidence : float
        Reliability in [0, 1]: voicing probability times pitch steadiness.
    """

    onset_s: float
    offset_s: float
    midi: int
    median_hz: float
    cents: float
    vibrato_rate_hz: float
    vibrato_extent_cents: float
    confidence: float

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return self.offset_s - self.onset_s


def segment_notes(track: PitchTrack, *, tuning_hz: float | None = None,
                  min_note_s: float = 0.06, onsets_s=None) -> tuple[Note, ...]:
    """Cut a pitch track into notes.

    A repeated note sung or played legato keeps its pitch, so the pitch alone cannot
    separate it from the note before; give the take's onsets (from
    :func:`musicpractice.analysis.onsets.detect_onsets`) and a note is also cut where a
    new attack starts inside it.

    Parameters
    ----------
    track : PitchTrack
        From :func:`musicpractice.analysis.melody.track_melody`.
    tuning_hz : float, optional
        Reference A4 in Hz for ``midi`` and ``cents``; the track's tuning by default.
    min_note_s : float
        Shortest note in seconds (0.02 - 1.0); shorter pieces join a neighbour or are
        dropped.
    onsets_s : array-like, optional
        Attack times in seconds; a note is cut at an attack that leaves at least
        ``min_note_s`` on both sides.

    Returns
    -------
    tuple of Note
        In time order, not overlapping.

    Raises
    ------
    InvalidParameterError
        For a bad tuning or minimum note length.
    """
    tuning_hz = track.tuning_hz if tuning_hz is None else as_number(tuning_hz)
    if not 380.0 <= tuning_hz <= 500.0:
        raise InvalidParameterError("The tuning reference A4 must be between 380 and 500 Hz.")
    min_note_s = as_number(min_note_s)
    if not 0.02 <= min_note_s <= 1.0:
        raise InvalidParameterError("The shortest note must be between 20 ms and 1 s long.")
    hop_s = float(track.hop_s)
    f0 = _bridge_gaps(np.asarray(track.f0_hz, dtype=np.float64), int(round(MAX_GAP_S / hop_s)))
    midi = np.where(f0 > 0, hz_to_midi(np.where(f0 > 0, f0, 1.0), tuning_hz=tuning_hz), np.nan)
    min_frames = max(1, int(round(min_note_s / hop_s)))
    attacks = np.round(np.asarray([] if onsets_s is None else onsets_s, dtype=float) / hop_s)
    notes = []
    for a, b in _runs(f0 > 0):
        if b - a < min_frames:
            continue
        pieces = _cut(midi[a:b], hop_s=hop_s, min_frames=min_frames)
        for s, e in _split_at(pieces, attacks - a, min_frames):
            notes.append(_describe(f0[a + s:a + e], midi[a + s:a + e],
                                   np.asarray(track.voiced_prob[a + s:a + e], dtype=np.float64),
                                   onset_s=(a + s) * hop_s, hop_s=hop_s,
                                   window_s=float(track.window_s), tuning_hz=tuning_hz))
    return tuple(notes)


def _split_at(pieces, attack_frames: np.ndarray, min_frames: int) -> list[tuple[int, int]]:
    """Cut each ``(start, end)`` frame range at the attacks well inside it."""
    cut = []
    for s, e in pieces:
        inside = attack_frames[(attack_frames >= s + min_frames) & (attack_frames <= e - min_frames)]
        bounds = [s]
        for frame in inside.astype(int).tolist():
            if frame - bounds[-1] >= min_frames:
                bounds.append(frame)
        cut.extend(zip(bounds, bounds[1:] + [e]))
    return cut


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _bridge_gaps(f0: np.ndarray, max_gap: int) -> np.ndarray:
    """Fill short unvoiced gaps between frames of nearly the same pitch (< 1 semitone)."""
    out = f0.copy()
    for a, b in _runs(f0 <= 0):
        if 0 < a and b < f0.size and b - a <= max_gap and abs(12 * math.log2(f0[b] / f0[a - 1])) < 1:
            out[a:b] = np.exp(np.linspace(math.log(f0[a - 1]), math.log(f0[b]), b - a + 2)[1:-1])
    return out


def _smooth(x: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average, shrinking at the ends."""
    if width <= 1 or x.size < 3:
        return x.copy()
    half = width // 2
    c = np.concatenate([[0.0], np.cumsum(x)])
    idx = np.arange(x.size)
    lo = np.maximum(idx - half, 0)
    hi = np.minimum(idx + half + 1, x.size)
    return (c[hi] - c[lo]) / (hi - lo)


@numba.njit(cache=True)
def _piecewise_semitones(pitch, lowest, n_states, change_cost):
    """Semitone per frame minimising sum |pitch - semitone| + change_cost per change."""
    n = pitch.shape[0]
    back = np.empty((n, n_states), dtype=np.int32)
    cost = np.empty(n_states)
    for k in range(n_states):
        cost[k] = abs(pitch[0] - (lowest + k))
        back[0, k] = k
    for t in range(1, n):
        best = 0
        for k in range(1, n_states):
            if cost[k] < cost[best]:
                best = k
        jump = cost[best] + change_cost
        for k in range(n_states):
            if cost[k] <= jump:
                back[t, k] = k
            else:
                cost[k] = jump
                back[t, k] = best
            cost[k] += abs(pitch[t] - (lowest + k))
    out = np.empty(n, dtype=np.int64)
    k = 0
    for j in range(1, n_states):
        if cost[j] < cost[k]:
            k = j
    for t in range(n - 1, -1, -1):
        out[t] = lowest + k
        k = back[t, k]
    return out


def _cut(midi: np.ndarray, *, hop_s: float, min_frames: int) -> list[tuple[int, int]]:
    """(start, stop) frame ranges of the notes in one voiced run of fractional MIDI."""
    smooth = _smooth(midi, int(round(SMOOTHING_S / hop_s)) | 1)
    lowest = int(math.floor(np.min(smooth))) - 1
    n_states = int(math.ceil(np.max(smooth))) - lowest + 2
    labels = _piecewise_semitones(smooth, lowest, n_states, CHANGE_COST * 0.01 / hop_s)
    bounds = [0, *(np.flatnonzero(np.diff(labels)) + 1).tolist(), labels.size]
    segments = [[s, e, int(labels[s])] for s, e in zip(bounds[:-1], bounds[1:])]
    # a piece that never holds its semitone for a note's length (the middle of a glide,
    # a scoop) is shared between its neighbours, each taking the frames closer to it
    while len(segments) > 1:
        steady = [int(np.sum(np.abs(smooth[s:e] - label) < STEADY_SEMITONES)) for s, e, label in segments]
        i = int(np.argmin(steady))
        if steady[i] >= min_frames:
            break
        s, e, _ = segments[i]
        left = segments[i - 1] if i > 0 else None
        right = segments[i + 1] if i + 1 < len(segments) else None
        if left is None:
            right[0] = s
        elif right is None:
            left[1] = e
        else:
            closer_left = np.abs(smooth[s:e] - left[2]) <= np.abs(smooth[s:e] - right[2])
            left[1] = right[0] = s + int(np.sum(closer_left))
        del segments[i]
    return [(s, e) for s, e, _ in segments if e - s >= min_frames]


def _describe(f0: np.ndarray, midi: np.ndarray, voiced_prob: np.ndarray, *, onset_s: float,
              hop_s: float, window_s: float, tuning_hz: float) -> Note:
    median_hz = float(np.median(f0))
    edge = min(int(round(VIBRATO_EDGE_S / hop_s)), midi.size // 6)
    core = midi[edge:midi.size - edge]
    rate_hz, extent_cents = vibrato(core * 100.0, hop_s=hop_s, window_s=window_s + 1.0 / median_hz)
    centre = _pitch_centre(core, rate_hz, hop_s=hop_s)
    if not math.isfinite(centre):
        centre = float(hz_to_midi(median_hz, tuning_hz=tuning_hz))
    nearest = int(round(centre))
    cents = 100.0 * (centre - nearest)
    smooth = _smooth(midi, int(round(SMOOTHING_S / hop_s)) | 1)
    steady = float(np.mean(np.abs(smooth - nearest) < STEADY_SEMITONES))
    return Note(onset_s=onset_s, offset_s=onset_s + f0.size * hop_s, midi=nearest,
                median_hz=median_hz, cents=cents, vibrato_rate_hz=rate_hz,
                vibrato_extent_cents=extent_cents,
                confidence=float(np.clip(np.mean(voiced_prob) * steady, 0.0, 1.0)))


def _pitch_centre(core_midi: np.ndarray, rate_hz: float, *, hop_s: float) -> float:
    """The pitch heard for a note with vibrato: the mean over whole vibrato cycles.

    A median over a part cycle leans toward the half cycle left over (up to a quarter of
    the extent); the mean over whole cycles does not. NaN without vibrato.
    """
    if not math.isfinite(rate_hz):
        return math.nan
    period = 1.0 / (rate_hz * hop_s)
    frames = int(round(math.floor(core_midi.size / period) * period))
    if frames < 2:
        return math.nan
    start = (core_midi.size - frames) // 2
    return float(np.mean(core_midi[start:start + frames]))


def vibrato(pitch_cents: np.ndarray, *, hop_s: float, window_s: float = 0.0) -> tuple[float, float]:
    """Rate (Hz) and extent (cents, half peak-to-peak) of vibrato in a pitch curve.

    Parameters
    ----------
    pitch_cents : numpy.ndarray
        Pitch of one note every ``hop_s`` seconds, in cents (any offset).
    hop_s : float
        Time between values in seconds.
    window_s : float
        Length of signal each value averaged over, in seconds; the extent is corrected
        for the attenuation this averaging causes at the vibrato rate.

    Returns
    -------
    tuple of float
        ``(rate_hz, extent_cents)``, both NaN when there is no 4-8 Hz modulation of at
        least 8 cents lasting two cycles.
    """
    n = pitch_cents.size
    duration_s = n * hop_s
    if duration_s < VIBRATO_MIN_CYCLES / VIBRATO_MAX_HZ or n < 8:
        return math.nan, math.nan
    t = np.arange(n) * hop_s
    u = 2.0 * t / max(t[-1], hop_s) - 1.0
    # remove a quadratic trend (drift, scoops), then fit a sinusoid at every candidate rate
    q, _ = np.linalg.qr(np.vander(u, 3))
    residual = pitch_cents - q @ (q.T @ pitch_cents)
    total = float(residual @ residual)
    rates = np.arange(VIBRATO_MIN_HZ, VIBRATO_MAX_HZ + 1e-9, 0.05)
    rates = rates[duration_s * rates >= VIBRATO_MIN_CYCLES]
    if total <= 0 or rates.size == 0:
        return math.nan, math.nan
    phase = 2 * np.pi * rates[:, None] * t[None, :]
    basis = np.stack([np.cos(phase), np.sin(phase)], axis=1)  # (rate, 2, n)
    basis -= (basis @ q) @ q.T  # the part the trend cannot explain
    gram = basis @ basis.transpose(0, 2, 1)  # (rate, 2, 2)
    proj = basis @ residual  # (rate, 2)
    coef = np.linalg.solve(gram + 1e-9 * np.eye(2), proj[..., None])[..., 0]
    explained = np.einsum("ri,ri->r", coef, proj) / total
    best = int(np.argmax(explained))
    fit, rate, extent = float(explained[best]), float(rates[best]), math.hypot(*coef[best])
    if fit < VIBRATO_MIN_FIT or not extent >= VIBRATO_MIN_EXTENT_CENTS:
        return math.nan, math.nan
    return rate, extent / float(np.sinc(rate * window_s))
