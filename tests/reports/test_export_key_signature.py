"""An exported take's melody carries the key and time signature (issue 11, item 6)."""

from __future__ import annotations

import music21

from musicpractice.core.pitch import key_fifths
from musicpractice.reports.take_exports import export_take
from musicpractice.workspace.derived import ensure_analysis


def test_exported_melody_is_written_in_the_estimated_key(melody, tmp_path):
    session = melody.session
    key = ensure_analysis(session, melody.take).key
    for what, name in (("musicxml", "m.musicxml"), ("midi", "m.mid")):
        path = export_take(session, melody.take, what, tmp_path / name)
        flat = music21.converter.parse(path).flatten()
        assert flat.getElementsByClass("KeySignature")[0].sharps == key_fifths(key.tonic, key.mode)
        assert flat.getElementsByClass("TimeSignature")[0].ratioString == "4/4"


def test_exported_against_the_score_takes_its_time_signature(melody, tmp_path):
    path = export_take(melody.session, melody.take, "musicxml", tmp_path / "s.musicxml",
                       reference_id=melody.score)
    flat = music21.converter.parse(path).flatten()
    assert flat.getElementsByClass("TimeSignature")[0].ratioString == "4/4"
    assert flat.getElementsByClass("KeySignature")[0].sharps == 0  # the score's C major
