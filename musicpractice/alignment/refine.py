"""Local onset refinement: move a take-to-score time map onto the notes' actual onsets.

The DTW path is only as fine as its 20 ms frames and its smoothed features, and it tends
to cut through quick rhythms (a dotted siciliano, a rolled chord). Around the time the
path gives for each chord of the score, the take's per-pitch onset strengths are
searched for the moment the chord's pitches start together; where that onset is clear,
the time map is bent to pass through it. The map stays monotonic.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from musicpractice.alignment.features import HIGHEST_MIDI, LOWEST_MIDI, PitchOnsets
from musicpractice.alignment.timemap import Alignment

SEARCH_S = 0.15
"""How far (seconds) before and after the path's estimate a chord's onset is looked for."""
HARMONICS = (0, 12, 19)
"""Semitones above each written pitch whose onsets count for it (fundamental, octave,
twelfth: a low note's onset shows most sharply in its upper partials)."""
PEAK_RATIO = 3.0
"""A chord's onset is clear when its strength peak is this many times the mean over the
search window."""
EDGE = 0.5
"""The onset is where the strength first rises above this share of its peak in the
search window (a sung note's vibrato makes later, stronger rises)."""
MIN_GAP_S = 0.01
"""Refined onsets of successive chords are at least this far apart (seconds)."""


def refine_to_onsets(alignment: Alignment, onsets: PitchOnsets, chord_quarter: np.ndarray,
                     chord_pitches: list[np.ndarray]) -> Alignment:
    """The alignment with its time map bent onto the chords' onsets in the take.

    Parameters
    ----------
    alignment : Alignment
        A take aligned to a score (reference positions in quarter notes).
    onsets : PitchOnsets
        Of the take (see :func:`musicpractice.alignment.features.pitch_onsets`).
    chord_quarter : numpy.ndarray
        Increasing score onsets (quarter notes) of the chords (notes starting together).
    chord_pitches : list of numpy.ndarray
        MIDI pitches of each chord.

    Returns
    -------
    Alignment
        Same reference positions, take times moved by at most ``SEARCH_S``.
    """
    estimate = alignment.take_at(chord_quarter)
    rate = onsets.rate_hz
    n_frames = onsets.rise.shape[0]
    anchors_q, anchors_t = [], []
    previous_t = -np.inf
    for k, (t0, pitches) in enumerate(zip(estimate, chord_pitches)):
        if not np.isfinite(t0):
            continue
        lo_t, hi_t = t0 - SEARCH_S, t0 + SEARCH_S
        if k > 0 and np.isfinite(estimate[k - 1]):
            lo_t = max(lo_t, 0.5 * (estimate[k - 1] + t0))
        if k + 1 < estimate.size and np.isfinite(estimate[k + 1]):
            hi_t = min(hi_t, 0.5 * (t0 + estimate[k + 1]))
        lo, hi = max(0, int(np.ceil(lo_t * rate))), min(n_frames, int(np.floor(hi_t * rate)) + 1)
        if hi - lo < 3:
            continue
        columns = _columns(pitches)
        strength = onsets.rise[lo:hi][:, columns].sum(axis=1)
        peak = int(np.argmax(strength))
        if strength[peak] <= PEAK_RATIO * strength.mean():
            continue
        start = int(np.argmax(strength >= EDGE * strength[peak]))
        t = (lo + start) / rate
        if t < previous_t + MIN_GAP_S:
            continue
        anchors_q.append(chord_quarter[k])
        anchors_t.append(t - t0)
        previous_t = t
    if not anchors_q:
        return alignment
    shift = np.interp(alignment.ref, anchors_q, anchors_t)
    take_s = np.maximum.accumulate(np.maximum(alignment.take_s + shift, 0.0))
    return replace(alignment, take_s=take_s)


def _columns(pitches: np.ndarray) -> np.ndarray:
    """Columns of ``PitchOnsets.rise`` for the pitches and their partials."""
    midi = (np.asarray(pitches, dtype=int)[:, None] + np.array(HARMONICS)[None, :]).ravel()
    return np.unique(midi[(midi >= LOWEST_MIDI) & (midi <= HIGHEST_MIDI)]) - LOWEST_MIDI
