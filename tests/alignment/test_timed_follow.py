"""Sung notes matched to written ones where the other parts heard in a mix time the score
(issue 10, item 1): :func:`follow_notes` with ``timed_onsets_s``, truth by construction."""

from __future__ import annotations

import numpy as np

from musicpractice.alignment.note_follow import follow_notes
from musicpractice.analysis.notes import Note
from musicpractice.core.pitch import midi_to_hz

WRITTEN = np.array([60, 62, 64, 65, 67])
QUARTER = np.arange(5.0)
SPQ = 0.5


def _note(onset_s: float, midi: int) -> Note:
    return Note(onset_s=onset_s, offset_s=onset_s + 0.45, midi=midi,
                median_hz=float(midi_to_hz(midi)), cents=0.0, vibrato_rate_hz=float("nan"),
                vibrato_extent_cents=float("nan"), confidence=0.9)


# the singer sings note 1 (D4) wrong at E4, the next note's pitch, leaves note 2 (E4) out
# in silence and goes on in time: C4 at 0.0 s, E4 at 0.5 s, F4 at 1.5 s, G4 at 2.0 s
SUNG = (_note(0.0, 60), _note(0.5, 64), _note(1.5, 65), _note(2.0, 67))


def test_a_wrong_note_at_the_next_notes_pitch_stays_on_its_own_note_where_the_parts_time_it():
    timed = QUARTER * SPQ  # where the other parts put each written note
    followed = follow_notes(SUNG, WRITTEN, QUARTER, seconds_per_quarter=SPQ,
                            timed_onsets_s=timed)
    assert followed.sung_to_written.tolist() == [0, 1, 3, 4]  # E4 is note 1 sung wrong


def test_timing_the_parts_give_a_little_off_does_not_move_a_match():
    # the heard parts' timing 80 ms off (within TIMED_SLACK_S) changes nothing
    followed = follow_notes(SUNG, WRITTEN, QUARTER, seconds_per_quarter=SPQ,
                            timed_onsets_s=QUARTER * SPQ + 0.08)
    assert followed.sung_to_written.tolist() == [0, 1, 3, 4]
    untimed = np.full(WRITTEN.size, np.nan)  # unknown timing costs nothing
    a = follow_notes(SUNG, WRITTEN, QUARTER, seconds_per_quarter=SPQ, timed_onsets_s=untimed)
    b = follow_notes(SUNG, WRITTEN, QUARTER, seconds_per_quarter=SPQ)
    assert a.sung_to_written.tolist() == b.sung_to_written.tolist()
