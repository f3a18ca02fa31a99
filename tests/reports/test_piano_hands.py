"""A piano take exports on two staves, right hand and left hand (issue 11, item 6)."""

from __future__ import annotations

import json

import music21
import numpy as np

from musicpractice.analysis.top_line import struck_notes
from musicpractice.reports.take_exports import export_take
from musicpractice.score.export import melody_midi, melody_musicxml
from musicpractice.score.hands import split_hands
from musicpractice.session.store import Session
from tests.analysis.test_top_line import BASS, MELODY, melody_over_loud_bass
from tests.signals import SR


def _parts(path):
    score = music21.converter.parse(str(path))
    return [(p.partName, sorted(x.midi for n in p.flatten().notes for x in n.pitches))
            for p in score.parts]


def test_a_two_hand_take_exports_two_staves_with_the_notes_on_the_right_side(tmp_path):
    y, _rows = melody_over_loud_bass()  # melody 71-79 over a bass as loud, 41-48
    notes = struck_notes(y, SR)
    columns = ([n.onset_s for n in notes], [n.offset_s for n in notes], [n.midi for n in notes])
    hands = split_hands(*columns)
    (tmp_path / "piano.mid").write_bytes(melody_midi(*columns, hands=hands))
    (tmp_path / "piano.musicxml").write_bytes(melody_musicxml(*columns, hands=hands,
                                                              tempo_bpm=100.0))
    for path in (tmp_path / "piano.mid", tmp_path / "piano.musicxml"):
        parts = _parts(path)
        assert len(parts) == 2, [name for name, _notes in parts]
        (_r, right), (_l, left) = parts
        assert set(BASS) <= set(left) and not set(BASS) & set(right)
        assert set(MELODY) <= set(right) and not set(MELODY) & set(left)
    assert [name for name, _notes in _parts(tmp_path / "piano.musicxml")] == [
        "Right hand", "Left hand"]


def test_a_rendered_piano_take_exports_its_hands(tmp_path, shared_data):
    """A four-part piano piece rendered to audio, exported from a session: the right
    hand's notes are mostly the two upper parts', the left hand's the two lower."""
    item = "item_piano_01"
    truth = json.loads((shared_data / "synth" / f"{item}.json").read_text())["notes"]
    onset, pitch, part = (np.asarray(truth[k]) for k in ("onset", "pitch", "part"))
    with Session.create(tmp_path / "S.mpsession") as session:
        take = session.import_audio(shared_data / "synth" / f"{item}.flac", title="Piano")
        xml = export_take(session, take.id, "musicxml", tmp_path / "piano.musicxml")
    score = music21.converter.parse(str(xml))
    assert [p.partName for p in score.parts] == ["Right hand", "Left hand"]
    rows = {p.partName: np.array([x.midi for n in p.flatten().notes for x in n.pitches])
            for p in score.parts}
    upper_pitches = set(pitch[part < 2].tolist())
    lower_pitches = set(pitch[part >= 2].tolist())
    assert np.median(rows["Right hand"]) > np.median(rows["Left hand"]) + 7
    # pitches only one side plays in the score land on that side's staff
    only_upper = upper_pitches - lower_pitches
    only_lower = lower_pitches - upper_pitches
    right, left = rows["Right hand"], rows["Left hand"]
    assert np.isin(right, list(only_upper)).sum() > 5 * np.isin(right, list(only_lower)).sum()
    assert np.isin(left, list(only_lower)).sum() > 5 * np.isin(left, list(only_upper)).sum()
    assert onset.size


def test_the_split_follows_the_music_not_a_fixed_key(tmp_path, shared_data):
    """On written four-part piano pieces (exact notes) the top voice goes to the right
    hand and the bass to the left, also where the bass climbs over middle C (a split fixed
    at middle C puts 30 % of item_piano_01's bass in the right hand)."""
    for item in ("item_piano_00", "item_piano_01", "item_piano_02"):
        notes = json.loads((shared_data / "synth" / f"{item}.json").read_text())["notes"]
        part = np.asarray(notes["part"])
        hands = np.array(split_hands(notes["onset"], notes["offset"], notes["pitch"]))
        assert np.mean(hands[part == 0] == "right") >= 0.95, item
        assert np.mean(hands[part == part.max()] == "left") >= 0.95, item
    # melody up high, a bass line climbing over middle C: the bass stays left
    onsets = np.arange(8) * 0.5
    hands = split_hands(np.r_[onsets, onsets], np.r_[onsets, onsets] + 0.5,
                        [84] * 8 + [55, 57, 59, 60, 62, 64, 65, 67])
    assert hands == ("right",) * 8 + ("left",) * 8


def _hand_agreement(path, onset, pitch, upper) -> float:
    """Share of exported notes (matched to the written ones: same key, within 60 ms) on
    the staff of their written part; MIDI exports run at one quarter note per second."""
    agree = total = 0
    for hand, staff in zip(("right", "left"), music21.converter.parse(str(path)).parts):
        for element in staff.flatten().notes:
            for p in element.pitches:
                match = (np.abs(onset - float(element.offset)) < 0.06) & (pitch == p.midi)
                if match.any():
                    total += 1
                    agree += bool(upper[match][0]) == (hand == "right")
    return agree / total


def test_against_its_score_each_note_takes_the_hand_of_its_part(tmp_path, shared_data):
    """A piano take aligned to a score of four parts: the two upper parts' notes go to the
    right hand, the two lower parts' to the left (the split without the score is
    mostly right, with the score nearly always)."""
    item = "item_piano_00"
    truth = json.loads((shared_data / "synth" / f"{item}.json").read_text())["notes"]
    onset, pitch, part = (np.asarray(truth[k]) for k in ("onset", "pitch", "part"))
    with Session.create(tmp_path / "S.mpsession") as session:
        take = session.import_audio(shared_data / "synth" / f"{item}.flac", title="Piano")
        ref = session.import_score(shared_data / "synth" / f"{item}.musicxml", title="Score")
        alone = export_take(session, take.id, "midi", tmp_path / "alone.mid")
        scored = export_take(session, take.id, "midi", tmp_path / "scored.mid",
                             reference_id=ref.id)
    without = _hand_agreement(alone, onset, pitch, part < 2)
    with_score = _hand_agreement(scored, onset, pitch, part < 2)
    assert with_score >= 0.95 and with_score > without + 0.1, (without, with_score)
