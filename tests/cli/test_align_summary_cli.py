"""``musicpractice align`` in words: bar tempi in the beat of the score's time signature
(dotted quarters in 6/8) and note names spelled in the score's key (issue 11)."""

from __future__ import annotations

import json

import music21
import numpy as np
import pytest
import soundfile as sf

from tests.cli.align_args import parse
from musicpractice.score import load_score
from tests.alignment.synth import SR, render, tempo_curve

# a 6/8 tune in the quarter-and-eighth lilt; index 7 is the black key F#4 (Gb4 with flats)
PITCHES = [62, 64, 66, 67, 69, 71, 69, 66, 64, 62, 64, 66, 67, 69, 66, 64, 62, 64, 62, 61, 62, 66,
           69, 62]
MISSING = 7
SPEED = 0.8
"""The take is played at 80 % of the marked ♩. = 60: ♩. = 48."""


@pytest.fixture(scope="module", params=[2, -2])  # two sharps; two flats
def files(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("lilt")
    part = music21.stream.Part()
    part.partName = "Alto"
    part.append(music21.key.KeySignature(request.param))
    part.append(music21.meter.TimeSignature("6/8"))
    part.append(music21.tempo.MetronomeMark(number=60, referent=music21.duration.Duration(1.5)))
    for k, midi in enumerate(PITCHES):
        part.append(music21.note.Note(midi, quarterLength=1.0 if k % 2 == 0 else 0.5))
    score_path = folder / "lilt.musicxml"
    music21.stream.Score([part]).write("musicxml", fp=score_path)
    score = load_score(score_path)
    take = folder / "take.wav"
    sf.write(take, render(score.notes, tempo_curve(score, start_s=0.5, wobble=0.0, speed=SPEED),
                          skip={MISSING}), SR)
    return take, score_path, request.param


def test_bar_tempi_in_dotted_quarters_and_names_in_the_key(files, capsys):
    take, score_path, sharps = files
    black = "F#4" if sharps > 0 else "Gb4"
    args = parse(["align", str(take), "--ref", str(score_path), "--json"])
    assert args.run(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["spelling_key"] == {"tonic": "D" if sharps > 0 else "Bb", "mode": "major"}
    assert doc["notes"][MISSING]["name"] == black
    covered = [b for b in doc["bars"] if b["beat_tempo_bpm"] is not None]
    assert covered and {b["tempo_beat"] for b in covered} == {"dotted quarter"}
    assert all(b["score_beat_tempo_bpm"] == 60.0 for b in covered)
    assert abs(np.median([b["beat_tempo_bpm"] for b in covered]) - 60 * SPEED) < 2.0

    args = parse(["align", str(take), "--ref", str(score_path)])
    assert args.run(args) == 0
    text = capsys.readouterr().out
    assert "Tempo and marked tempo in dotted quarter notes per minute" in text
    rows = [line.split() for line in text.splitlines() if line[:4].strip().isdigit()]
    assert abs(np.median([float(r[2]) for r in rows if r[2] != "-"]) - 48) <= 2
    assert all(r[3] == "60.0" for r in rows if r[3] != "-")
    assert f"written {black} not heard" in text
