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


def _map(confidence, *, timed_by_parts: bool):
    from musicpractice.alignment.timemap import Alignment
    take_s = np.arange(6) * 0.5 + 1.0  # quarter q at 1.0 + 0.5 q seconds
    return Alignment(reference_kind="score", take_s=take_s, ref=np.arange(6.0),
                     confidence=np.asarray(confidence, dtype=float), overall_confidence=0.5,
                     transposition_semitones=0, take_tuning_cents=0.0,
                     timed_by_parts=timed_by_parts)


def test_the_map_times_only_the_notes_it_is_sure_of():
    from musicpractice.alignment.sung_check import timed_onsets
    quarter = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 7.0])  # the last is past the span
    # the part aligned on its own: sure at the first three notes, unsure after
    alone = timed_onsets(_map([0.9, 0.8, 0.6, 0.1, 0.0, 0.0], timed_by_parts=False), quarter)
    np.testing.assert_allclose(alone[:3], [1.0, 1.5, 2.0])
    assert np.isnan(alone[3:]).all()
    # the whole score timed the take: every note in the span, however unsure the map
    whole = timed_onsets(_map(np.zeros(6), timed_by_parts=True), quarter)
    np.testing.assert_allclose(whole[:5], [1.0, 1.5, 2.0, 2.5, 3.0])
    assert np.isnan(whole[5])
