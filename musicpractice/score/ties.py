"""Tied notes as one written note: a tie joins a note to the next note of the same pitch
that starts where it ends, whichever voice of the part writes that next note.

music21's ``stripTies`` loses a note when a tie crosses from one bar's voice into the
next bar's (the Vienna Chopin Op. 10/3 writes D#4 tied from bar 2 into bar 3 that way): it
kept the tied-to half (0.5 quarter notes, said to be struck in bar 3) and dropped the
struck note of bar 2. Joining by pitch and time instead follows what a tie means.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from musicpractice.score.model import ScoreNote

SAME_TIME_QUARTERS = 1e-6
"""Onsets and ends this close (quarter notes) are the same time."""


def joined_ties(notes: Iterable[tuple[ScoreNote, str | None]]) -> list[ScoreNote]:
    """The notes with each tie chain joined into its first note.

    Parameters
    ----------
    notes : iterable of (ScoreNote, tie)
        One part's notes, one per pitch, with the music21 tie type of that pitch
        (``"start"``, ``"continue"``, ``"stop"``, ``"let-ring"`` or None).

    Returns
    -------
    list of ScoreNote
        In onset order; a tied-to note lengthens the note it is tied from (which keeps its
        voice, bar and beat). The tied-to note is the ``stop`` or ``continue`` of that
        pitch starting where the tie leaves, or else a note of that pitch starting there
        with no tie of its own (played-out repeats lose the ``stop`` of a tie into a
        volta). A ``stop`` or ``continue`` with nothing to tie from stays a note of its own.
    """
    out: list[ScoreNote] = []
    open_at: dict[int, int] = {}  # midi -> index in out of a note a tie leaves from
    for note, tie in sorted(notes, key=lambda item: (item[0].onset_quarter, item[0].midi,
                                                     item[1] not in ("stop", "continue"))):
        k = open_at.get(note.midi)
        if k is not None and tie in ("stop", "continue", None) and abs(
                out[k].onset_quarter + out[k].duration_quarter - note.onset_quarter
        ) <= SAME_TIME_QUARTERS:
            out[k] = replace(out[k], duration_quarter=out[k].duration_quarter
                             + note.duration_quarter)
            if tie != "continue":
                del open_at[note.midi]
            continue
        out.append(note)
        if tie in ("start", "continue"):
            open_at[note.midi] = len(out) - 1
    return out
