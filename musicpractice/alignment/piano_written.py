"""What the written notes of a polyphonic part say about how far the sound can judge each.

Two facts of the score the piano check (:mod:`musicpractice.alignment.piano_check`) reads
before the take: a written key that is a harmonic of a lower written note sounding at its
onset (its rise is hidden in that note's partials), and a key two voices write at the same
time (one stroke: the sound cannot say the second was left out). And where a key struck
without a written note of its own is an extra note: its bar, unless the score writes a
grace note of that key there (``extra_note_rows``).
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from musicpractice.alignment.comparison_rows import ExtraNote, NoteComparison
from musicpractice.alignment.timemap import Alignment
from musicpractice.score.model import Score

HARMONIC_STEPS = (12, 19, 24, 28, 31, 36)
"""Semitones from a note up to its 2nd, 3rd, 4th, 5th, 6th and 8th harmonics."""
EXTRA_SPAN_S = (-0.1, 0.3)
"""Extra notes are looked for from this long before the first written onset found in the
take to this long after the last (seconds)."""


def extra_span(centres: np.ndarray) -> tuple[float, float] | None:
    """(first, last) take time in seconds in which extra notes are looked for, given the
    found onsets of the written notes, shape (notes,) (NaN: unknown); ``None`` when none
    is known."""
    if not np.isfinite(centres).any():
        return None
    return (float(np.nanmin(centres)) + EXTRA_SPAN_S[0],
            float(np.nanmax(centres)) + EXTRA_SPAN_S[1])


def extra_note_rows(found: Iterable[tuple[float, int, float]], *, score: Score,
                    alignment: Alignment) -> list[ExtraNote]:
    """``ExtraNote`` rows, with their bar, of keys struck where the score has no note of
    theirs: ``found`` gives (take time in seconds, MIDI key, confidence) of each, in the
    order they are listed. A grace note the score writes there is played as written: no
    extra (and not checked)."""
    starts = np.array([m.start_quarter for m in score.measures])
    out = []
    for t, key, confidence in found:
        quarter = float(alignment.ref_at(t))
        if score.grace_note_near(midi=key, quarter=quarter):
            continue
        k = int(np.clip(np.searchsorted(starts, quarter, side="right") - 1,
                        0, len(starts) - 1))
        out.append(ExtraNote(take_onset_s=t, duration_s=float("nan"), midi=key,
                             measure=score.measures[k].number, confidence=confidence))
    return out


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
