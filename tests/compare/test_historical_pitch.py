"""``compare``: a take a semitone below its score on a near-440 grid was played at A = 415 Hz,
and its key is named as written first (issue 11, item 7)."""

from __future__ import annotations

import music21
import soundfile as sf

from musicpractice.compare.model import compare_takes
from musicpractice.compare.take_remarks import tuning_sentence
from musicpractice.reports.comparison_exports import comparison_summary
from musicpractice.score import load_score
from musicpractice.session.store import Session
from tests.alignment.synth import SR, render, tempo_curve
from tests.compare.melody_files import BPM, PITCHES


def write_baroque_files(folder):
    """A C major melody as a score (part "Alto") and two takes of it: ``low.wav`` sounding
    a semitone low (A = 415.3 Hz exactly) and ``written.wav`` at written pitch."""
    part = music21.stream.Part()
    part.partName = "Alto"
    part.append(music21.key.Key("C"))
    part.append(music21.tempo.MetronomeMark(number=BPM))
    part.append(music21.meter.TimeSignature("4/4"))
    for midi in PITCHES * 2:
        part.append(music21.note.Note(midi, quarterLength=1))
    score_path = folder / "melody.musicxml"
    music21.stream.Score([part]).write("musicxml", fp=score_path)
    score = load_score(score_path)
    time_of = tempo_curve(score, start_s=0.5)
    sf.write(folder / "low.wav", render(score.notes, time_of, transpose=-1), SR)
    sf.write(folder / "written.wav", render(score.notes, time_of), SR)
    return score_path, folder / "low.wav", folder / "written.wav"


def test_a_take_at_a_415_reads_the_written_key_first(tmp_path):
    score_path, low_path, written_path = write_baroque_files(tmp_path)
    with Session.create(tmp_path / "S.mpsession") as session:
        low = session.import_audio(low_path, title="Baroque")
        written = session.import_audio(written_path, title="Modern")
        ref = session.import_score(score_path, title="Melody")
        comparison = compare_takes(session, ref.id, [low.id, written.id], part="Alto")
    baroque, modern = comparison.takes
    assert baroque.analysis.key.tonic == "B"  # as it sounds, from the audio alone
    assert tuning_sentence(baroque) == (
        "Baroque was played at A = 415 Hz: a semitone below the reference at A = 440 Hz. Its "
        "key is C major (sounds B major; at A = 415 Hz this is C major).")
    assert tuning_sentence(modern) == ""
    assert "- Baroque was played at A = 415 Hz" in comparison_summary(comparison, [])
