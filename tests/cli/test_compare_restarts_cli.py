"""``musicpractice compare --json`` on a sung take that stops and goes back: the restart
(take time, bar left, bar gone back to), every attempt's notes with their timing, and the
report's line for it (issue 10)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

from musicpractice.cli import main
from tests.alignment.sung import sing
from tests.alignment.synth import SR
from tests.cli.hymn import write_hymn

STOP, BACK, WRONG = 12, 8, 10


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    folder = tmp_path_factory.mktemp("restarts")
    score_path, notes = write_hymn(folder, seed=5, n=18, bpm=100)
    take, onsets, _ = sing(notes, cents={WRONG: -140.0}, restart=(STOP, BACK), pause_s=2.0)
    take_path = folder / "take.wav"
    sf.write(take_path, take, SR)
    path = folder / "practice.mpsession"
    assert main(["session", "new", str(path), "--title", "Practice"]) == 0
    assert main(["session", "import", str(path), str(take_path), "--title", "Monday"]) == 0
    assert main(["session", "import", str(path), str(score_path), "--title", "Hymn"]) == 0
    return path, folder, notes, onsets


def test_restarts_and_every_attempt_in_the_comparison_json_and_report(session, capsys):
    path, folder, notes, onsets = session
    capsys.readouterr()
    assert main(["session", "info", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    (take_id,), score_id = [t["id"] for t in info["takes"]], info["scores"][0]["id"]
    report = folder / "report.html"
    assert main(["compare", "--session", str(path), "--ref", score_id, take_id,
                 "--part", "Soprano", "--report", str(report), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (restart,) = doc["restarts"]
    assert restart["take_id"] == take_id and restart["take"] == "Monday"
    assert restart["from_bar"] == notes[STOP].measure
    assert restart["to_bar"] == notes[BACK].measure
    assert onsets[(STOP, 0)] < restart["take_s"] < onsets[(BACK, 1)]
    rows = [r for r in doc["notes"] if r["status"] != "extra"]
    second = [r for r in rows if r["attempt"] == 1]
    assert {r["ref_position"] for r in second} >= {float(n.onset_quarter)
                                                  for n in notes[BACK + 1:]}
    # the singer keeps a strict pulse: every attempt's notes are on time within their bar
    for attempt in (0, 1):
        deviations = [r["deviation_ms"] for r in rows if r["attempt"] == attempt
                      and r["status"] == "ok"]
        assert all(d is not None for d in deviations)
        assert np.median(np.abs(deviations)) < 30.0
    wrong = [r for r in rows if r["ref_position"] == notes[WRONG].onset_quarter]
    assert {r["attempt"]: r["status"] for r in wrong} == {0: "wrong", 1: "ok"}
    text = report.read_text()
    assert (f"stopped in bar {notes[STOP].measure} and went back to bar "
            f"{notes[BACK].measure}") in text
