"""The transcription's reading of written piano notes, on note lists with known truth.

The transcribed notes here are written by hand (what a perfect transcription of a take
with known mistakes would list), so each verdict has an exact truth; the transcription
model itself is tested in tests/analysis/test_piano_transcription.py and the whole check
on rendered and real takes in test_piano_check.py / test_piano_real.py.
"""

from __future__ import annotations

import numpy as np

from musicpractice.alignment.piano_transcribed import (
    MATCH_S,
    place_on_transcription,
    read_transcription,
)
from musicpractice.analysis.piano_transcription import PianoNotes


def heard(*notes) -> PianoNotes:
    """PianoNotes from (onset s, midi) pairs, each 0.3 s long at velocity 64."""
    onsets = np.array([t for t, _ in notes], dtype=float)
    order = np.argsort(onsets, kind="stable")
    return PianoNotes(onset_s=onsets[order], offset_s=onsets[order] + 0.3,
                      midi=np.array([m for _, m in notes], dtype=int)[order],
                      velocity=np.full(len(notes), 64))


def test_played_left_out_wrong_and_extra_keys_are_told_apart():
    centres = np.array([1.0, 1.0, 1.0, 2.0, 3.0])
    midis = np.array([60, 64, 67, 62, 65])
    notes = heard((1.01, 60), (1.0, 64), (2.02, 63), (2.5, 81), (3.0, 65))
    reading = read_transcription(notes, centres=centres, midis=midis)
    assert list(reading.status) == ["ok", "ok", "missing", "wrong", "ok"]
    assert reading.played_midi[3] == 63
    assert abs(reading.lag_s[3] - 0.02) < 1e-9
    assert [(t, m) for t, m, _ in reading.extras] == [(2.5, 81)]


def test_a_key_held_from_its_earlier_stroke_is_missing_when_not_struck_again():
    centres = np.array([1.0, 1.5, 2.0])
    midis = np.array([60, 60, 60])
    notes = PianoNotes(onset_s=np.array([1.0, 2.0]), offset_s=np.array([1.9, 2.3]),
                       midi=np.array([60, 60]), velocity=np.array([70, 70]))
    reading = read_transcription(notes, centres=centres, midis=midis)
    assert list(reading.status) == ["ok", "missing", "ok"]
    assert np.isnan(reading.stray_lag_s[1])  # no stroke of its own anywhere near


def test_two_voices_on_one_key_share_its_stroke():
    centres = np.array([1.0, 1.0, 2.0])
    midis = np.array([64, 64, 60])
    reading = read_transcription(heard((1.0, 64), (2.0, 60)), centres=centres, midis=midis)
    assert list(reading.status) == ["ok", "ok", "ok"]
    assert reading.extras == ()


def test_a_stroke_outside_the_window_is_missing_with_its_stray_onset_named():
    late = MATCH_S[1] + 0.2
    reading = read_transcription(heard((1.0 + late, 60)), centres=np.array([1.0]),
                                 midis=np.array([60]))
    assert reading.status[0] == "missing"
    assert abs(reading.stray_lag_s[0] - late) < 1e-9


def test_chords_are_placed_on_their_strokes_when_the_map_is_half_a_second_off():
    # six chords a beat apart, played 0.5 s later than the map says from the third on
    played = np.array([0.0, 1.0, 2.5, 3.5, 4.5, 5.5])
    mapped = np.arange(6.0)
    keys = [(60, 64), (62, 65), (64, 67), (65, 69), (67, 71), (69, 72)]
    centres = np.repeat(mapped, 2)
    midis = np.array([m for chord in keys for m in chord])
    chord_ids = np.repeat(np.arange(6), 2)
    notes = heard(*[(t + 0.01 * j, m) for t, chord in zip(played, keys)
                    for j, m in enumerate(chord)])
    placed = place_on_transcription(notes, centres=centres, midis=midis, chord_ids=chord_ids)
    assert np.allclose(placed[::2], played, atol=0.02)


def test_repeated_chords_keep_their_order_and_a_silent_chord_keeps_its_neighbours_offset():
    # the same chord struck every 0.4 s; the map is 0.25 s early throughout; chord 3 is
    # left out entirely
    played = 1.0 + 0.4 * np.arange(6)
    centres = np.repeat(played - 0.25, 2)
    midis = np.tile([60, 64], 6)
    chord_ids = np.repeat(np.arange(6), 2)
    notes = heard(*[(t, m) for i, t in enumerate(played) if i != 3 for m in (60, 64)])
    placed = place_on_transcription(notes, centres=centres, midis=midis, chord_ids=chord_ids)
    assert np.allclose(placed[::2], played, atol=0.02)
    reading = read_transcription(notes, centres=placed, midis=midis)
    assert list(reading.status[6:8]) == ["missing", "missing"]
    assert (reading.status[np.r_[0:6, 8:12]] == "ok").all()


def test_unknown_onsets_are_not_read():
    reading = read_transcription(heard((1.0, 60)), centres=np.array([np.nan, 1.0]),
                                 midis=np.array([60, 60]))
    assert list(reading.status) == ["", "ok"]
