"""Small pure pieces: number formatting, label files, the melody writers' checks."""

from __future__ import annotations

import csv
import io
import math

import music21
import pytest

from musicpractice.core.errors import InvalidParameterError
from musicpractice.compare.cue_format import cue_value_text, number_text
from musicpractice.reports.labels import Event, audacity_labels, sonic_visualiser_csv
from musicpractice.score.export import melody_midi, melody_musicxml


def test_numbers_read_as_written():
    assert number_text(-0.3, "+.0f") == "0" and number_text(0.2, "+.0f") == "0"
    assert number_text(-12.6, "+.0f") == "-13" and number_text(math.nan, ".1f") == "–"
    assert cue_value_text(20.66, "%") == "21 %" and cue_value_text(0.954, "ratio") == "0.95"
    assert cue_value_text(-17.63, "LUFS") == "-17.6 LUFS" and cue_value_text(math.nan, "Hz") == "not measured"
    assert cue_value_text(1234.5, "m") == "1.23e+03 m"


def test_label_files_keep_one_line_per_event():
    events = [Event(2.0, 2.5, 62, "D4"), Event(1.0, 1.0, 1, "bar\t1\nnew")]
    assert audacity_labels(events) == "1.000000\t1.000000\tbar 1 new\n2.000000\t2.500000\tD4\n"
    rows = list(csv.reader(io.StringIO(sonic_visualiser_csv(events + [Event(3, 3, 0, 'a, "b"')]))))
    assert rows == [["1.000000", "1", "bar 1 new"], ["2.000000", "62", "D4"],
                    ["3.000000", "0", 'a, "b"']]
    assert audacity_labels([]) == "" and sonic_visualiser_csv([]) == ""


def test_musicxml_keeps_every_note_on_the_grid(tmp_path):
    # two notes closer than a sixteenth at 60 BPM (0.25 s): both stay, in order
    onsets, offsets, pitches = [0.0, 0.05, 1.0], [0.05, 0.9, 2.0], [60, 62, 64]
    path = tmp_path / "m.musicxml"
    path.write_bytes(melody_musicxml(onsets, offsets, pitches, tempo_bpm=60.0, title="t"))
    notes = music21.converter.parse(path).stripTies().flatten().notes
    assert [n.pitch.midi for n in notes] == pitches
    assert [float(n.offset) for n in notes] == [0.0, 0.25, 1.0]


@pytest.mark.parametrize("call, message", [
    (lambda: melody_midi([], [], []), "no notes"),
    (lambda: melody_midi([1.0], [0.5], [60]), "invalid"),
    (lambda: melody_midi([0.0], [0.5], [130]), "invalid"),
    (lambda: melody_midi([0.0, 1.0], [0.5], [60]), "same length"),
    (lambda: melody_musicxml([0.0], [0.5], [60], tempo_bpm=5.0), "cannot be notated"),
])
def test_bad_melodies_are_refused(call, message):
    with pytest.raises(InvalidParameterError, match=message):
        call()
