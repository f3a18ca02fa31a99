"""Note names in the comparison's note rows and verdict sentences are spelled in the
key of the score (F# with sharps, Gb with flats), else of the take (issue 11, item 6)."""

from __future__ import annotations

import music21
import pytest
import soundfile as sf

from musicpractice.compare.model import compare_takes
from musicpractice.compare.take_rows import spelling_key
from musicpractice.reports.report_content import _notes_to_hear
from musicpractice.score import load_score
from musicpractice.score.model import KeySignature
from musicpractice.score.spelling import signature_key
from musicpractice.session.store import Session
from tests.alignment.synth import SR, render, tempo_curve
from tests.compare.melody_files import BPM, PITCHES, SHARP


@pytest.mark.parametrize("sharps, black", [(2, "F#4"), (-2, "Gb4")])
def test_a_wrong_note_is_named_in_the_score_key(tmp_path, sharps, black):
    part = music21.stream.Part()
    part.partName = "Alto"
    part.append(music21.key.KeySignature(sharps))
    part.append(music21.tempo.MetronomeMark(number=BPM))
    part.append(music21.meter.TimeSignature("4/4"))
    pitches = list(PITCHES)
    pitches[1] = 66  # a written black key
    for midi in pitches:
        part.append(music21.note.Note(midi, quarterLength=1))
    score_path = tmp_path / "melody.musicxml"
    music21.stream.Score([part]).write("musicxml", fp=score_path)
    score = load_score(score_path)
    # note SHARP (a written F4) sung a semitone sharp: the black key F#4 / Gb4
    y = render(score.notes, tempo_curve(score, start_s=0.5, wobble=0.0),
               cents={SHARP: 100.0})
    sf.write(tmp_path / "take.wav", y, SR)
    with Session.create(tmp_path / "S.mpsession") as session:
        take = session.import_audio(tmp_path / "take.wav", title="Take")
        ref = session.import_score(score_path, title="Melody")
        comparison = compare_takes(session, ref.id, [take.id], part="Alto")
    result = comparison.takes[0]
    assert result.spelling == signature_key(score.keys)
    names = {row.midi: row.name for row in result.notes if row.status != "extra"}
    assert names[66] == black
    said = [line for line in _notes_to_hear(comparison) if "written F4" in line]
    assert said and f"sung/played {black}" in said[0], _notes_to_hear(comparison)


def test_the_signature_in_force_gives_the_spelling():
    keys = [KeySignature(0.0, 2, ""), KeySignature(8.0, -3, "")]
    assert signature_key(keys) == ("D", "major")
    assert signature_key(keys, 8.0) == ("Eb", "major")
    assert signature_key([]) is None


def test_without_a_score_notes_are_spelled_in_the_take_key(tmp_path):
    """A melody in A major compared with a take of it: its leading note is G#4 (the
    default names, without a key, say Ab4)."""
    a_major = [69, 71, 73, 74, 76, 74, 73, 71, 69, 68, 69, 73, 76, 81, 80, 78, 76, 74, 73, 71,
               69, 68, 69, 69]
    part = music21.stream.Part()
    part.append(music21.tempo.MetronomeMark(number=BPM))
    for midi in a_major:
        part.append(music21.note.Note(midi, quarterLength=1))
    score_path = tmp_path / "a.musicxml"
    music21.stream.Score([part]).write("musicxml", fp=score_path)
    score = load_score(score_path)
    for name, speed in (("a.wav", 1.0), ("b.wav", 0.9)):
        sf.write(tmp_path / name, render(score.notes, tempo_curve(score, wobble=0.0,
                                                                  speed=speed)), SR)
    with Session.create(tmp_path / "S.mpsession") as session:
        a = session.import_audio(tmp_path / "a.wav", title="A")
        b = session.import_audio(tmp_path / "b.wav", title="B")
        comparison = compare_takes(session, a.id, [b.id])
    for result in comparison.takes:
        assert result.spelling == spelling_key(None, result.analysis)
        assert result.spelling is not None and result.spelling[0] in ("A", "F#")
        named = {row.name for row in result.notes if row.midi in (68, 80)}
        assert named == {"G#4", "G#5"}
