"""Exported melodies carry key and time signature; note names are spelled in the key
(issue 11, item 6). Read back with music21."""

from __future__ import annotations

import music21
import pytest

from musicpractice.core.pitch import key_fifths, note_name
from musicpractice.score.export import melody_midi, melody_musicxml

ONSETS, OFFSETS = [0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize("midi, key, name", [
    (66, ("D", "major"), "F#4"), (70, ("F", "major"), "Bb4"), (63, ("C", "minor"), "Eb4"),
    (61, ("A", "major"), "C#4"), (68, ("Eb", "major"), "Ab4"), (66, None, "F#4"),
])
def test_note_names_are_spelled_in_the_key(midi, key, name):
    assert note_name(midi, key=key) == name


@pytest.mark.parametrize("tonic, mode, fifths", [
    ("C", "major", 0), ("D", "major", 2), ("F", "major", -1), ("B", "minor", 2),
    ("C", "minor", -3), ("F#", "major", 6), ("Eb", "minor", -6), ("Ab", "major", -4),
])
def test_key_signatures(tonic, mode, fifths):
    assert key_fifths(tonic, mode) == fifths
    assert music21.key.Key(tonic.replace("b", "-"), mode).sharps == fifths


def test_musicxml_has_the_key_time_signature_and_spelled_notes():
    data = melody_musicxml(ONSETS, OFFSETS, [62, 66, 69, 73], tempo_bpm=60.0,
                           key=("D", "major"), time_signature="3/4")
    score = music21.converter.parseData(data, format="musicxml")
    flat = score.flatten()
    assert flat.getElementsByClass("KeySignature")[0].sharps == 2
    assert flat.getElementsByClass("TimeSignature")[0].ratioString == "3/4"
    assert [n.pitch.nameWithOctave for n in flat.notes] == ["D4", "F#4", "A4", "C#5"]


def test_midi_has_the_key_and_time_signature():
    data = melody_midi(ONSETS, OFFSETS, [70, 65, 63, 62], key=("Bb", "major"),
                       time_signature="6/8")
    flat = music21.converter.parseData(data, format="midi").flatten()
    assert flat.getElementsByClass("KeySignature")[0].sharps == -2
    assert flat.getElementsByClass("TimeSignature")[0].ratioString == "6/8"
    assert [n.pitch.midi for n in flat.notes] == [70, 65, 63, 62]
