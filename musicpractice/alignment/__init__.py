"""Take-to-take and take-to-score alignment."""

ALGORITHM_VERSION = 9
"""Bumped whenever a change to the aligner changes its results (invalidates cached
alignments). 2: onset refinement, silent ends, slow partial takes (2026-11-30).
3: multiscale bands projected by the exact ratio between levels (long takes); what only
one recording has before or after the music is left out (see .edges).
4: with no part named, a take performing one line of a choir score follows that part
(see .score_parts); ``Alignment.part``.
5: sung verdicts from a vibrato fit with rival readings, the time map pinned to the sung
notes, piano chords placed on their onsets with the note model (cached comparisons too).
6: a named part whose take holds the other parts is timed by the whole score; a part in a
mix judged at the ensemble's tuning with its own partials; piano P(played) a logistic over
the note model's evidence; sung notes' steady part at the singer's vibrato rate.
7: a take that starts holding its first written note starts at its onset; piano keys with
a clearly struck unwritten neighbour judged by one multinomial model; in a mix, held-on
notes and agreeing pitch readings; extra notes: scoops and another part's leakage are no
extras.
8: ties joined by pitch and time, grace notes no extras; piano keys read against their
own strokes in the take; in a mix, sung notes placed where the heard parts put them and
each rule stated as sure as it was right; legato unwritten notes are extras.
9: piano verdicts and extra notes read from the Transkun piano transcription beside the
key activation, chords placed on the transcribed onsets."""

from musicpractice.alignment.align import align_takes, align_to_score
from musicpractice.alignment.compare import (
    BarComparison,
    BeatTime,
    ExtraNote,
    NoteComparison,
    ScoreComparison,
    compare_with_score,
)
from musicpractice.alignment.timemap import Alignment

__all__ = ["ALGORITHM_VERSION", "Alignment", "BarComparison", "BeatTime", "ExtraNote", "NoteComparison",
           "ScoreComparison", "align_takes", "align_to_score", "compare_with_score"]
