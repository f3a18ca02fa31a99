"""Each written chord of a piano take placed on its own onset.

The global time map of an alignment is not note-accurate on piano: written chords are
often 0.2-0.3 s from where it puts them (rubato inside a bar, spread chords, ornaments),
and a note's evidence read there is weak although the note was played. This module
places every chord (the written notes of one score time) on the frame where its keys are
struck: a Viterbi search over the chord sequence, each chord within ``WINDOW_S`` of its
aligned time, in order (a chord never before the previous one), scoring each candidate
frame by the onset strength of the chord's keys (the note model's onset posteriorgram,
or the rise of the NMF activation), with a cost for changing the offset from one chord to
the next (the local timing drifts smoothly; a chord whose keys are silent keeps its
neighbours' offset).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d

WINDOW_S = 0.35
"""A chord is looked for this far on either side of its aligned time."""
OFFSET_CHANGE_COST = 0.5
"""Cost per second of change of the offset (found - aligned) from one chord to the next,
in units of onset strength (0-1)."""
OFFSET_COST = 0.3
"""Cost per second of offset from the aligned time itself."""
PEAK_FRAMES = 1
"""A key's onset strength at a frame is its maximum over this many frames either side."""
WRONG_KEY_STEPS = 2
WRONG_KEY_WEIGHT = 0.5
"""A key counts this share of the onset strength of a key up to ``WRONG_KEY_STEPS``
semitones away: a chord one of whose keys was replaced by a wrong key (or whose only key
was) is still found where it was struck."""
MIN_GAP_FRAMES = 2 * PEAK_FRAMES + 1
"""Chords at different aligned times are placed at least this many frames apart (one
onset peak is not read as two successive chords)."""


@dataclass(frozen=True)
class ChordTiming:
    """Where each written note's chord was found in the take.

    Attributes
    ----------
    times_s : numpy.ndarray
        The found onset of each note's chord in seconds, shape (notes,) (NaN where the
        note has no aligned onset).
    strength : numpy.ndarray
        Mean onset strength (0-1) of the chord's keys at that time, shape (notes,).
    """

    times_s: np.ndarray
    strength: np.ndarray


def place_chords(onset: np.ndarray, *, times_s: np.ndarray, low_midi: int,
                 aligned_s: np.ndarray, midis: np.ndarray, chord_ids: np.ndarray
                 ) -> ChordTiming:
    """The onset of each written chord, searched around its aligned time.

    Parameters
    ----------
    onset : numpy.ndarray
        Onset strength per key and frame, 0-1, shape (keys, frames); row ``k`` is key
        ``low_midi + k``.
    times_s : numpy.ndarray
        Frame centres in seconds, shape (frames,), evenly spaced.
    low_midi : int
        Key of the first row of ``onset``.
    aligned_s : numpy.ndarray
        Aligned onset of each written note in seconds, shape (notes,) (NaN: not aligned).
    midis : numpy.ndarray
        Written key of each note, shape (notes,).
    chord_ids : numpy.ndarray
        The chord (score time) each note belongs to, shape (notes,); notes of one chord
        share their aligned time.

    Returns
    -------
    ChordTiming
    """
    n_frames = onset.shape[1]
    out_t = np.full(aligned_s.size, np.nan)
    out_s = np.zeros(aligned_s.size)
    known = np.isfinite(aligned_s)
    if not known.any() or n_frames < 2:
        return ChordTiming(out_t, out_s)
    hop = float(times_s[1] - times_s[0])
    peaks = maximum_filter1d(onset, size=2 * PEAK_FRAMES + 1, axis=1, mode="nearest")
    near = maximum_filter1d(peaks, size=2 * WRONG_KEY_STEPS + 1, axis=0, mode="nearest")
    peaks = np.maximum(peaks, WRONG_KEY_WEIGHT * near)  # a wrong key struck in its place
    chords = sorted({int(c) for c in chord_ids[known]},
                    key=lambda c: float(np.nanmedian(aligned_s[chord_ids == c])))
    width = int(round(WINDOW_S / hop))
    offsets = np.arange(-width, width + 1)
    emission = np.zeros((len(chords), offsets.size))
    base = np.zeros(len(chords), dtype=int)
    for j, c in enumerate(chords):
        members = (chord_ids == c) & known
        base[j] = int(np.clip(np.searchsorted(times_s, np.median(aligned_s[members])),
                              0, n_frames - 1))
        frames = np.clip(base[j] + offsets, 0, n_frames - 1)
        keys = np.unique(midis[members]) - int(low_midi)
        keys = keys[(keys >= 0) & (keys < onset.shape[0])]
        if keys.size:
            emission[j] = peaks[keys][:, frames].mean(axis=0)
    emission -= OFFSET_COST * hop * np.abs(offsets)[None, :]
    change = OFFSET_CHANGE_COST * hop * np.abs(offsets[:, None] - offsets[None, :])
    score = emission[0].copy()
    back = np.zeros((len(chords), offsets.size), dtype=int)
    for j in range(1, len(chords)):
        step = base[j] - base[j - 1]  # frame(j) = base + d comes after frame(j-1)
        total = score[None, :] - change  # [to, from]
        gap = min(MIN_GAP_FRAMES, max(step, 0))  # the same aligned frame: no gap forced
        order = (base[j] + offsets)[:, None] >= (base[j - 1] + offsets)[None, :] + gap
        total = np.where(order, total, -np.inf)
        back[j] = np.argmax(total, axis=1)
        score = emission[j] + total[np.arange(offsets.size), back[j]]
        if not np.isfinite(score).any():  # cannot happen with the >= fallback; be safe
            score = emission[j].copy()
    state = int(np.argmax(score))
    for j in range(len(chords) - 1, -1, -1):
        frame = int(np.clip(base[j] + offsets[state], 0, n_frames - 1))
        members = (chord_ids == chords[j]) & known
        out_t[members] = times_s[frame]
        out_s[members] = emission[j, state] + OFFSET_COST * hop * abs(offsets[state])
        state = back[j, state] if j else state
    return ChordTiming(out_t, out_s)


def chord_ids_of(rows) -> np.ndarray:
    """One id per (attempt, score time) of the rows, shape (rows,)."""
    ids: dict = {}
    return np.array([ids.setdefault((int(r.attempt), round(r.ref_quarter * 480)), len(ids))
                     for r in rows], dtype=int)
