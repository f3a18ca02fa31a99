"""``musicpractice play``: the rendered file and the messages for bad input."""

from __future__ import annotations

import librosa
import numpy as np
import pytest
import soundfile as sf

from musicpractice.cli import main
from musicpractice.score.load import load_score


@pytest.fixture(scope="module")
def chorale(shared_data):
    return shared_data / "synth" / "item_chorale_00.musicxml"


def test_play_writes_the_chosen_bars_at_the_chosen_tempo(chorale, tmp_path):
    out = tmp_path / "alto.wav"
    status = main(["play", str(chorale), "--out", str(out), "--solo", "alto", "--tempo", "80",
                   "--bars", "2-3", "--count-in", "1", "--transpose", "12", "--rate", "22050"])
    assert status == 0
    y, sr = sf.read(out)
    assert sr == 22_050 and y.shape[1] == 2
    # one bar of count-in + two 4/4 bars at 80 quarter notes per minute
    assert len(y) / sr == pytest.approx(3 * 4 * 60 / 80, abs=0.01)
    # the first alto note of bar 2, an octave up, right after the count-in
    score = load_score(chorale)
    bar2 = next(m for m in score.measures if m.number == 2)
    first = next(n for n in score.notes if n.part == "Alto" and n.onset_quarter == bar2.start_quarter)
    start = int((4 * 60 / 80 + 0.2) * sr)
    f0 = librosa.yin(y[start:start + 4096, 0], fmin=200, fmax=2000, sr=sr)
    assert 12 * np.log2(np.median(f0) / 440) + 69 == pytest.approx(first.midi + 12, abs=0.3)


@pytest.mark.parametrize("args, message", [
    (["--solo", "Descant"], "no part called 'Descant'"),
    (["--volume", "Alto"], "PART=NUMBER"),
    (["--bars", "9-3"], "first bar comes after the last"),
    (["--bars", "1-400"], "not in the score"),
    (["--tempo", "20"], "practice tempo"),
    (["--voices", "gm", "--soundfont", "/nonexistent.sf2"], "Soundfont not found"),
])
def test_bad_input_gets_one_line_and_status_2(chorale, tmp_path, capsys, args, message):
    assert main(["play", str(chorale), "--out", str(tmp_path / "x.wav"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.wav").exists()
