"""The notes a singer sang, cut from the take's pitch track and its level.

A sung note starts where the pitch changes, after a silence, or -- for a repeated pitch
sung legato -- where the level dips (a consonant) and rises again. The pitch track is
searched only around the written part's range, so the other parts of a mix and the
singer's octave slips outside it are not followed.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import maximum_filter1d, minimum_filter1d

from musicpractice.analysis.melody import PitchTrack, track_melody
from musicpractice.analysis.notes import Note, segment_notes
from musicpractice.core.pitch import midi_to_hz
from musicpractice.core.progress import CancelToken, ProgressFn

RANGE_MARGIN_SEMITONES = 4
"""The pitch range searched reaches this far beyond the part's lowest and highest notes."""
DIP_DB = 6.0
"""A level dip this deep between two louder moments cuts a note (a re-articulation)."""
DIP_WINDOW_S = 0.12
"""The louder moments are looked for this far on each side of the dip."""
MIN_NOTE_S = 0.07
"""Shortest sung note, in seconds."""


def part_pitch_track(take: np.ndarray, sr: int, *, lowest_midi: int, highest_midi: int,
                     progress: ProgressFn | None = None,
                     cancel: CancelToken | None = None) -> PitchTrack:
    """Pitch track of a take searched only around a part's written range.

    Parameters
    ----------
    take : numpy.ndarray
        Mono samples, shape ``(n,)``.
    sr : int
        Sample rate in Hz.
    lowest_midi, highest_midi : int
        The part's written range (MIDI numbers).

    Returns
    -------
    PitchTrack
    """
    fmin = max(30.0, float(midi_to_hz(lowest_midi - RANGE_MARGIN_SEMITONES)))
    fmax = min(4000.0, sr / 4.0, float(midi_to_hz(highest_midi + RANGE_MARGIN_SEMITONES)))
    return track_melody(take, sr, fmin_hz=fmin, fmax_hz=fmax, progress=progress,
                        cancel=cancel)


def sung_notes(take: np.ndarray, sr: int, track: PitchTrack) -> tuple[Note, ...]:
    """The notes sung in a take (pitch changes, silences and level dips cut them).

    Parameters
    ----------
    take : numpy.ndarray
        Mono samples, shape ``(n,)``, that ``track`` was computed on.
    sr : int
        Sample rate in Hz.
    track : PitchTrack

    Returns
    -------
    tuple of Note
        In time order; pitch in MIDI + cents at A4 = 440 Hz.
    """
    return segment_notes(track, tuning_hz=440.0, min_note_s=MIN_NOTE_S,
                         onsets_s=level_dips(take, sr, hop_s=track.hop_s))


def level_dips(take: np.ndarray, sr: int, *, hop_s: float) -> np.ndarray:
    """Times (s) where the level dips at least ``DIP_DB`` below the louder moments on
    both sides (within ``DIP_WINDOW_S``): the re-attack of a legato repeated note."""
    hop = max(1, int(round(hop_s * sr)))
    n = take.size // hop
    if n < 5:
        return np.zeros(0)
    power = np.square(take[:n * hop].astype(np.float64)).reshape(n, hop).mean(axis=1)
    level = 10.0 * np.log10(power + 1e-12)
    w = max(2, int(round(DIP_WINDOW_S / hop_s)))
    left = maximum_filter1d(level, w, origin=(w - 1) // 2)
    right = maximum_filter1d(level, w, origin=-(w // 2))
    is_min = level <= minimum_filter1d(level, 5)
    dips = is_min & (np.minimum(left, right) - level >= DIP_DB) & (level > level.max() - 40.0)
    return np.flatnonzero(dips) * hop_s
