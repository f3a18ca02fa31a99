"""A take at A = 415 Hz named as written from its score or reference (issue 11, item 7).

The audio alone cannot tell C major at A = 415 Hz from B major at A = 440 Hz; a score or
a reference recording can. A synthetic take of a C major tune sounding exactly a semitone
low (A4 = 415.3 Hz) is aligned to its MusicXML score and to a recording of it at written
pitch: ``align`` gives the written key first and says how it sounds.
"""

from __future__ import annotations

import json

import music21
import pytest
import soundfile as sf

from tests.cli.align_args import parse
from musicpractice.score import load_score
from tests.alignment.synth import SR, render, tempo_curve

TUNE = (60, 62, 64, 65, 67, 69, 67, 65, 64, 62, 60, 67, 64, 60, 65, 69, 72, 71, 69, 67,
        65, 64, 62, 60, 64, 67, 72, 67, 65, 62, 59, 60)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("baroque")
    part = music21.stream.Part()
    part.append(music21.key.Key("C"))
    part.append(music21.tempo.MetronomeMark(number=96))
    for midi in TUNE:
        part.append(music21.note.Note(midi, quarterLength=1))
    score_path = folder / "tune.musicxml"
    music21.stream.Score([part]).write("musicxml", fp=score_path)
    score = load_score(score_path)
    paths = {name: folder / f"{name}.wav" for name in ("low", "written")}
    sf.write(paths["low"], render(score.notes, tempo_curve(score, start_s=0.5), transpose=-1), SR)
    sf.write(paths["written"], render(score.notes, tempo_curve(score, start_s=0.4, speed=1.1)), SR)
    return score_path, paths


@pytest.mark.parametrize("reference", ["score", "written"])
def test_a_take_a_semitone_low_reads_the_written_key_first(files, capsys, reference):
    score_path, paths = files
    ref = score_path if reference == "score" else paths["written"]
    args = parse(["align", str(paths["low"]), "--ref", str(ref), "--json"])
    assert args.run(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["transposition_semitones"] == -1
    assert doc["pitch_standard_hz"] == 415
    assert doc["key"]["label"] == "C major"
    assert doc["key"]["sounds"] == "Sounds B major; at A = 415 Hz this is C major."
    assert sum("played at A = 415 Hz" in w for w in doc["warnings"]) == 1
    if reference == "score":  # the notes are checked as written at A = 415 Hz: all in tune
        assert doc["tuning_hz"] == pytest.approx(415.3, abs=0.5)
        assert [n["midi"] for n in doc["notes"]] == list(TUNE)
        assert sum(n["status"] == "ok" for n in doc["notes"]) >= 0.9 * len(TUNE)
        assert not doc["extra_notes"]
    args = parse(["align", str(paths["low"]), "--ref", str(ref)])
    assert args.run(args) == 0
    text = capsys.readouterr().out
    assert "Key:       C major (Sounds B major; at A = 415 Hz this is C major.)" in text


def test_a_take_at_written_pitch_says_nothing_of_a_pitch_standard(files, capsys):
    score_path, paths = files
    args = parse(["align", str(paths["written"]), "--ref", str(score_path), "--json"])
    assert args.run(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["transposition_semitones"] == 0
    assert "pitch_standard_hz" not in doc and "key" not in doc
