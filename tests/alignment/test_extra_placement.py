"""Where extra sung notes are told from the written notes around them (issue 10, item 3):
a note sung legato after a written one, at another pitch, is a note of its own however
long it lasts (not the held part of the note before); the glide from one written note
into the next, cut off as a piece of its own, is the way into the next note; a passing
note, or a note at the next note's pitch attacked anew, is an extra note."""

from __future__ import annotations

import numpy as np
import pytest

from musicpractice.alignment import align_to_score, compare_with_score
from musicpractice.alignment.note_follow import FollowedNotes
from musicpractice.alignment.note_placement import extra_notes, held_index
from musicpractice.analysis.notes import Note
from musicpractice.core.pitch import midi_to_hz
from musicpractice.score.render_voice import VoiceNote, render_voice
from tests.alignment.synth import SR, melody_score

MELODY = [62, 65, 64, 67, 69, 67, 65, 64, 62, 64, 65, 69, 67, 65, 64, 62]
DURATIONS = [1, 1, 2, 1, 1, 1, 2, 2, 1, 1, 2, 1, 1, 1, 1, 2]
UNWRITTEN_AFTER, UNWRITTEN_STEP, HELD_SHARE = (2, 6, 10), 3, 0.35
"""After the first 35 % of these (half) notes the singer goes on legato, without a
breath, to a note three semitones up that the score does not hold: it lasts longer than
the written note sung before it."""
SECONDS_PER_QUARTER = 0.6


@pytest.fixture(scope="module")
def legato_unwritten():
    score = melody_score(MELODY, bpm=60.0 / SECONDS_PER_QUARTER, durations=DURATIONS)
    notes = sorted(score.part_notes("Voice"), key=lambda n: n.onset_quarter)
    voice, extras = [], []
    for k, n in enumerate(notes):
        on = 0.6 + n.onset_quarter * SECONDS_PER_QUARTER
        off = on + n.duration_quarter * SECONDS_PER_QUARTER - 0.03
        if k in UNWRITTEN_AFTER:
            middle = on + HELD_SHARE * (off - on)
            voice.append(VoiceNote(on, middle, float(n.midi)))
            voice.append(VoiceNote(middle, off, float(n.midi + UNWRITTEN_STEP)))
            extras.append((middle, n.midi + UNWRITTEN_STEP))
        else:
            voice.append(VoiceNote(on, off, float(n.midi)))
    take = render_voice(voice, sr=SR, seed=3)
    alignment = align_to_score(take, SR, score, part="Voice")
    return notes, extras, compare_with_score(take, SR, score, alignment, part="Voice")


def test_a_longer_note_sung_legato_after_a_written_one_is_an_extra_note(legato_unwritten):
    _, extras, comparison = legato_unwritten
    for onset, midi in extras:
        found = [e for e in comparison.extra_notes if abs(e.take_onset_s - onset) < 0.2]
        assert len(found) == 1 and found[0].midi == midi, (onset, midi,
                                                           comparison.extra_notes)
    assert len(comparison.extra_notes) == len(extras)


def test_the_written_note_before_it_is_measured_where_it_was_held(legato_unwritten):
    notes, _, comparison = legato_unwritten
    for k in UNWRITTEN_AFTER:
        row = [r for r in comparison.notes if r.ref_quarter == notes[k].onset_quarter][0]
        assert row.status == "ok" and abs(row.cents) < 25, (k, row.status, row.cents)


def _piece(onset_s, offset_s, pitch):
    midi = int(round(pitch))
    return Note(onset_s=onset_s, offset_s=offset_s, midi=midi,
                median_hz=float(midi_to_hz(pitch)), cents=100.0 * (pitch - midi),
                vibrato_rate_hz=np.nan, vibrato_extent_cents=np.nan, confidence=0.9)


def _between(pitch: float, *, duration_s: float = 0.18):
    """Written A4 then G4, sung legato: A4 held 0.6 s, a piece at ``pitch``, then G4."""
    a = 1.2 + duration_s
    sung = (_piece(0.6, 1.2, 71.0), _piece(1.2, a, pitch), _piece(a, a + 0.6, 69.0))
    followed = FollowedNotes(np.array([0, -1, 1]), np.zeros(3, dtype=np.int64), (), 0.6)
    return extra_notes(sung, followed, np.array([71, 69]), 0.0)


def test_the_glide_into_the_next_note_cut_off_as_a_piece_is_no_extra_note():
    assert _between(69.6) == []


def test_a_passing_note_between_the_written_ones_is_an_extra_note():
    found = _between(70.0)
    assert [(e.midi, e.sung_index, e.after_index) for e in found] == [(70, 1, 0)]


def test_a_note_at_the_next_notes_pitch_attacked_anew_is_an_extra_note():
    found = _between(69.2, duration_s=0.3)
    assert [(e.midi, e.sung_index) for e in found] == [(69, 1)]


def test_a_glide_through_the_written_pitch_into_a_wrong_note_is_not_where_it_is_held():
    """Written E4 then F#4, sung legato E4 then G4 after a 0.13 s glide passing through
    F#4: the note was held at G4 (sung wrong), not at the glide."""
    sung = (_piece(0.0, 0.6, 64.0), _piece(0.6, 0.73, 66.2), _piece(0.73, 1.3, 67.0))
    followed = FollowedNotes(np.array([0, 1, -1]), np.zeros(3, dtype=np.int64), (), 0.6)
    assert held_index(sung, followed, 1, midi=np.array([64, 66]), tuning=0.0) == 2


def test_a_short_note_attacked_at_its_pitch_is_held_there_before_a_legato_next_note():
    """Written C4 then D4 (0.15 s, attacked after a breath), sung D4 then legato A3, a
    note the score does not hold (the real singer's case): D4 is held at D4."""
    sung = (_piece(0.0, 0.6, 60.0), _piece(0.7, 0.85, 62.0), _piece(0.85, 1.3, 57.0))
    followed = FollowedNotes(np.array([0, 1, -1]), np.zeros(3, dtype=np.int64), (), 0.6)
    assert held_index(sung, followed, 1, midi=np.array([60, 62]), tuning=0.0) == 1
    found = extra_notes(sung, followed, np.array([60, 62]), 0.0)
    assert [(e.midi, e.sung_index, e.after_index) for e in found] == [(57, 2, 1)]
