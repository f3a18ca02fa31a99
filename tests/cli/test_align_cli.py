"""The ``musicpractice align`` subcommand: JSON document, summary, errors."""

from __future__ import annotations

import json

import music21
import numpy as np
import pytest
import soundfile as sf

from tests.cli.align_args import parse
from musicpractice.core.errors import InvalidParameterError
from musicpractice.score import ScoreFileError, load_score
from tests.alignment.synth import SR, random_melody, render, tempo_curve


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("align")
    part = music21.stream.Part()
    part.partName = "Alto"
    part.append(music21.tempo.MetronomeMark(number=90))
    for midi in random_melody(9, n=32, low=60, high=71):
        part.append(music21.note.Note(midi, quarterLength=1))
    score_path = folder / "song.musicxml"
    music21.stream.Score([part]).write("musicxml", fp=score_path)
    score = load_score(score_path)
    take_path, other_path = folder / "take.wav", folder / "other.wav"
    sf.write(take_path, render(score.notes, tempo_curve(score, start_s=0.5)), SR)
    sf.write(other_path, render(score.notes, tempo_curve(score, speed=1.3)), SR)
    return take_path, score_path, other_path, score


def test_json_document_for_a_score(files, capsys):
    take, score_path, _, score = files
    args = parse(["align", str(take), "--ref", str(score_path), "--part", "alto", "--json"])
    assert args.run(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "musicpractice.alignment/1"
    assert doc["reference_kind"] == "score" and doc["part"] == "Alto"
    assert doc["confidence"] > 0.5
    pairs = np.array(doc["timemap"])
    assert np.all(np.diff(pairs[:, 0]) > 0) and np.all(np.diff(pairs[:, 1]) >= 0)
    assert [b["measure"] for b in doc["barlines"]] == list(range(1, 9))
    assert set(doc["barlines"][0]) >= {"measure", "take_s", "ref_quarter"}
    assert len(doc["notes"]) == len(score.notes)
    assert set(doc["notes"][0]) >= {"part", "measure", "ref_quarter", "midi", "take_onset_s",
                                    "cents", "status"}
    assert sum(n["status"] == "ok" for n in doc["notes"]) >= 0.8 * len(doc["notes"])


def test_summary_and_out_file_for_an_audio_reference(files, tmp_path):
    take, _, other, _ = files
    out = tmp_path / "result.json"
    args = parse(["align", str(take), "--ref", str(other), "--json", "--out", str(out)])
    assert args.run(args) == 0
    doc = json.loads(out.read_text())
    assert doc["reference_kind"] == "audio" and "ref_span_s" in doc and doc["tempo"]
    args = parse(["align", str(take), "--ref", str(other), "--out", str(tmp_path / "r.txt")])
    args.run(args)
    assert "tempo vs reference" in (tmp_path / "r.txt").read_text()


def test_bars_option_and_summary(files, capsys):
    take, score_path, _, _ = files
    args = parse(["align", str(take), "--ref", str(score_path), "--bars", "1-8"])
    assert args.run(args) == 0
    text = capsys.readouterr().out
    assert "Bars 1-8 covered" in text and "Confidence" in text


def test_bad_arguments(files):
    take, score_path, other, _ = files
    with pytest.raises(SystemExit):
        parse(["align", str(take), "--ref", str(score_path), "--bars", "8-1"])
    args = parse(["align", str(take), "--ref", str(other), "--part", "Alto"])
    with pytest.raises(InvalidParameterError, match="need a score"):
        args.run(args)
    args = parse(["align", str(take), "--ref", str(score_path.with_suffix(".mscz"))])
    with pytest.raises(ScoreFileError, match="MuseScore"):
        args.run(args)
