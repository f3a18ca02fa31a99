"""What the written notes of a polyphonic part say about how far the sound can judge each.

Two facts of the score the piano check (:mod:`musicpractice.alignment.piano_check`) reads
before the take: a written key that is a harmonic of a lower written note sounding at its
onset (its rise is hidden in that note's partials), and a key two voices write at the same
time (one stroke: the sound cannot say the second was left out).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from musicpractice.alignment.comparison_rows import NoteComparison
from musicpractice.score.model import Score

HARMONIC_STEPS = (12, 19, 24, 28, 31, 36)
"""Semitones from a note up to its 2nd, 3rd, 4th, 5th, 6th and 8th harmonics."""


def harmonic_of_sounding_note(score: Score, rows: Sequence[NoteComparison]) -> np.ndarray:
    """For each row, whether its key is a harmonic (2nd, 3rd, 4th, 5th, 6th or 8th) of
    another written note sounding at its onset, shape (rows,).

    Such a key's own rise is hidden in the lower note's overtones: the NMF cannot tell it
    was left out, so with the NMF "missing" is not said of it (it is ``unsure``); the note
    model tells better, but not well enough: a key whose lower note was struck before and
    is only held has no rise of its own when left out, yet on the benchmark takes (fit and
    held-out performers) a calibration of their own (``played_harmonic``) called 24 such
    keys missing rightly and 20 wrongly (played softly, or the lower note's partial read as
    a rise); where the lower note is struck with the key the onset is the lower note's and
    left-out keys could hardly be told from played ones (a fifth of them at 1 % false
    flags). So with the NMF "missing" is not said of such a key. With the note model's
    logistic ``harmonic_weights`` (the level after and before the onset, the clearest
    neighbour and the onset probability read with the evidence) it is: on the benchmark
    takes it calls 31 of the 102 judged left-out harmonic keys missing on the fit split
    (34 of 103 held-out; 46 and 43 still look played), and on the two real Chopin takes
    below 4 of 350 played keys (2 with the tables before). The rise of the key's own
    partials over the lower note's other partials in the spectrum (STFT, 35 cents around
    each) added nothing to it on the fit split. With the NMF,
    on the two
    real Chopin Op. 10/3 recordings against the Vienna MusicXML score (professional takes
    of bars 1-8, every note played) 20 of the 23 notes called missing before were such
    keys, mostly the inner B3 an octave above the bass; 3 false "missing" remain.
    """
    starts = np.array([n.onset_quarter for n in score.notes], dtype=float)
    ends = starts + np.array([n.duration_quarter for n in score.notes], dtype=float)
    midis = np.array([n.midi for n in score.notes], dtype=int)
    masked = np.zeros(len(rows), dtype=bool)
    for k, row in enumerate(rows):
        q = row.ref_quarter + 1e-3
        sounding = midis[(starts <= q) & (q < ends)]
        masked[k] = bool(np.isin(row.midi - np.array(HARMONIC_STEPS), sounding).any())
    return masked


def unison_with_earlier_row(rows: Sequence[NoteComparison]) -> np.ndarray:
    """For each row, whether an earlier row writes the same key at the same score time,
    shape (rows,): two voices on one key are one stroke, so the sound cannot say whether
    the second was left out; it is not said to be played (``unsure``) when the key is."""
    seen: set[tuple[int, float, int]] = set()
    out = np.zeros(len(rows), dtype=bool)
    for k, row in enumerate(rows):
        key = (int(row.attempt), round(row.ref_quarter * 480) / 480, int(row.midi))
        out[k] = key in seen
        seen.add(key)
    return out
