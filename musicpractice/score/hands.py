"""Which hand plays each note of a piano transcription, for exports on two staves.

Without a score the split point follows the music rather than sitting at middle C: at
each moment the notes sounding around a note (within :data:`CONTEXT_S`) span from a
lowest to a highest key; the note goes to the right hand when it is nearer the top of that
span than its bottom and within :data:`HAND_SPAN` semitones of the top (the top line and
what the right hand can reach under it), to the left hand otherwise. Where the music is
narrower than a hand (one line, or close chords) the register decides: from
:data:`MIDDLE_C` up, right hand. When the take is aligned to a score of several parts,
the part each note plays decides (:func:`hands_from_score`), the split where it cannot.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

RIGHT, LEFT = "right", "left"
HAND_SPAN = 12
"""Semitones one hand covers below the top line (an octave)."""
CONTEXT_S = 0.3
"""Notes sounding within this many seconds of a note's onset are its context."""
MIDDLE_C = 60
"""MIDI pitch from which a note in narrow music goes to the right hand."""


def split_hands(onsets_s: Sequence[float], offsets_s: Sequence[float],
                midi: Sequence[int]) -> tuple[str, ...]:
    """The hand (``"right"`` or ``"left"``) of each note (see the module notes).

    Parameters
    ----------
    onsets_s, offsets_s : sequence of float
        Start and end of each note, seconds, shape ``(n,)``.
    midi : sequence of int
        MIDI pitch of each note, shape ``(n,)``.

    Returns
    -------
    tuple of str
        One hand per note, in the order given.
    """
    on = np.asarray(onsets_s, dtype=float)
    off = np.maximum(np.asarray(offsets_s, dtype=float), on)
    pitch = np.asarray(midi, dtype=float)
    hands = []
    for t, m in zip(on, pitch):
        near = (on <= t + CONTEXT_S) & (off >= t - CONTEXT_S)
        top, low = float(pitch[near].max()), float(pitch[near].min())
        if top - low <= HAND_SPAN:
            hands.append(RIGHT if m >= MIDDLE_C else LEFT)
        else:
            right = top - m <= m - low and top - m <= HAND_SPAN
            hands.append(RIGHT if right else LEFT)
    return tuple(hands)


def hands_from_score(score_quarters: Sequence[float], midi: Sequence[int], score,
                     *, within_quarter: float = 0.5) -> tuple[str | None, ...]:
    """The hand of each played note from the score part it plays, where the score tells.

    A score of several parts (staves written as parts, or an ensemble piece played on
    the piano) gives its upper half of parts, by median pitch, to the right hand and the
    rest to the left. A played note takes the part of the nearest written note of the
    same pitch within ``within_quarter`` of where the alignment puts it.

    Parameters
    ----------
    score_quarters : sequence of float
        Position of each played note's onset in the score, quarter notes (NaN: not placed).
    midi : sequence of int
        Pitch of each played note.
    score : Score
    within_quarter : float
        Largest distance to the written note, quarter notes.

    Returns
    -------
    tuple
        ``"right"``, ``"left"`` or None (a score of one part, or no written note near).
    """
    if len(score.parts) < 2:
        return (None,) * len(midi)
    medians = {p: np.median([n.midi for n in score.notes if n.part == p] or [0])
               for p in score.parts}
    ranked = sorted(score.parts, key=lambda p: -medians[p])
    right = set(ranked[: len(ranked) // 2])
    by_pitch: dict[int, list] = {}
    for n in score.notes:
        by_pitch.setdefault(n.midi, []).append(n)
    hands: list[str | None] = []
    for q, m in zip(score_quarters, midi):
        near = [n for n in by_pitch.get(int(m), ()) if abs(n.onset_quarter - q) <= within_quarter]
        if not near or not np.isfinite(q):
            hands.append(None)
            continue
        part = min(near, key=lambda n: abs(n.onset_quarter - q)).part
        hands.append(RIGHT if part in right else LEFT)
    return tuple(hands)
