"""A score without a tempo mark is compared at the takes' own tempo, and says so."""

from __future__ import annotations

import music21
import numpy as np
import soundfile as sf

from musicpractice.compare.differences import TEMPO_STEP, describe_differences
from musicpractice.compare.model import compare_takes
from musicpractice.score import load_score
from musicpractice.session.store import Session
from tests.alignment.synth import SR, render, tempo_curve
from tests.compare.melody_files import PITCHES


def test_tempo_is_read_against_the_takes_when_the_score_marks_none(tmp_path):
    part = music21.stream.Part()
    part.partName = "Alto"
    part.append(music21.meter.TimeSignature("4/4"))
    for midi in PITCHES:
        part.append(music21.note.Note(midi, quarterLength=1))
    score_path = tmp_path / "unmarked.musicxml"
    music21.stream.Score([part]).write("musicxml", fp=score_path)
    score = load_score(score_path)
    assert score.tempo_assumed
    # sung steadily at 72 quarter notes per minute (the assumed tempo is 100)
    y = render(score.notes, tempo_curve(score, start_s=0.5, wobble=0.0, speed=0.72))
    take_path = tmp_path / "take.wav"
    sf.write(take_path, y, SR)
    with Session.create(tmp_path / "S.mpsession") as session:
        take = session.import_audio(take_path, title="Steady")
        ref = session.import_score(score_path, title="Unmarked")
        comparison = compare_takes(session, ref.id, [take.id], part="Alto")
    bars = [b for b in comparison.takes[0].bars if b.covered]
    assert abs(np.median([b.tempo_pct for b in bars]) - 100.0) < 3  # not 72 % of an invented 100
    said = next(w for w in comparison.warnings if "takes' own median tempo" in w)
    assert abs(float(said.split("tempo, ")[1].split(" ")[0]) - 72) <= 2
    assert not any("played at 100 quarter notes" in w for w in comparison.warnings)
    # the sentences name what the tempo is read against: no marked tempo exists
    said = describe_differences(comparison)
    assert any(f"within {TEMPO_STEP * 100:.0f} % of the takes' median tempo" in s for s in said), said
    assert not any("marked tempo" in s for s in said), said
