"""``musicpractice align`` on a sung take with known mistakes: the note verdict rows of
the JSON document and the summary's list of wrong and missing notes (issue 10)."""

from __future__ import annotations

import json

import pytest
import soundfile as sf

from tests.cli.align_args import parse
from musicpractice.core.pitch import note_name
from tests.alignment.sung import sing
from tests.alignment.synth import SR
from tests.cli.hymn import write_hymn

WRONG_INDEX, MISSING_INDEX, EXTRA_INDEX = 9, 18, 25


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("verdicts")
    score_path, notes = write_hymn(folder, seed=21, n=32, bpm=120)
    take, onsets, extras = sing(notes, cents={WRONG_INDEX: 130.0}, silent={MISSING_INDEX},
                                extra_after={EXTRA_INDEX: 4})
    take_path = folder / "take.wav"
    sf.write(take_path, take, SR)
    return take_path, score_path, notes, extras


def test_json_rows_carry_status_cents_confidence_extras_and_restarts(files, capsys):
    take, score_path, notes, extras = files
    args = parse(["align", str(take), "--ref", str(score_path), "--part", "soprano",
                  "--tolerance-cents", "40", "--json"])
    assert args.run(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["tolerance_cents"] == 40.0 and doc["restarts"] == []
    rows = doc["notes"]
    assert set(rows[0]) >= {"status", "cents", "confidence", "played_midi", "attempt"}
    wrong = rows[WRONG_INDEX]
    assert wrong["status"] == "wrong" and wrong["cents"] == pytest.approx(130, abs=20)
    assert wrong["played_midi"] == notes[WRONG_INDEX].midi + 1 and wrong["confidence"] >= 0.9
    assert rows[MISSING_INDEX]["status"] == "missing" and rows[MISSING_INDEX]["cents"] is None
    assert all(r["attempt"] == 0 for r in rows)
    (extra_onset, extra_midi), = extras
    found = [e for e in doc["extra_notes"] if abs(e["take_onset_s"] - extra_onset) < 0.15]
    assert len(found) == 1
    assert found[0]["midi"] == extra_midi and found[0]["measure"] == notes[EXTRA_INDEX].measure
    good = [r for k, r in enumerate(rows) if k not in (WRONG_INDEX, MISSING_INDEX, EXTRA_INDEX)]
    assert sum(r["status"] == "ok" for r in good) >= 0.9 * len(good)


def test_summary_lists_wrong_and_missing_notes_by_bar_in_note_names(files, capsys):
    take, score_path, notes, _ = files
    args = parse(["align", str(take), "--ref", str(score_path), "--part", "soprano"])
    assert args.run(args) == 0
    text = capsys.readouterr().out
    wrong, missing = notes[WRONG_INDEX], notes[MISSING_INDEX]
    assert (f"bar {wrong.measure}: written {note_name(wrong.midi)}, sung/played "
            f"{note_name(wrong.midi + 1)} (+1") in text
    assert "cents, sharp)" in text
    assert f"bar {missing.measure}: written {note_name(missing.midi)} not heard" in text


def test_a_bad_tolerance_is_refused_with_a_message(files, capsys):
    take, score_path, _, _ = files
    with pytest.raises(SystemExit) as raised:
        parse(["align", str(take), "--ref", str(score_path), "--tolerance-cents", "lots"])
    assert raised.value.code == 2
    assert "tolerance must be a number of cents" in capsys.readouterr().err


@pytest.fixture(scope="module")
def on_the_edge(tmp_path_factory):
    """A take with three notes sung right at the 50-cent tolerance: whether they are within
    it the sound cannot decide, so they are ``unsure``."""
    folder = tmp_path_factory.mktemp("edge")
    score_path, notes = write_hymn(folder, seed=22, n=24, bpm=110)
    take, _, _ = sing(notes, cents={4: 50.0, 11: -50.0, 17: 50.0})
    take_path = folder / "take.wav"
    sf.write(take_path, take, SR)
    return take_path, score_path


def test_unsure_notes_are_counted_once(on_the_edge, capsys):
    take, score_path = on_the_edge
    args = parse(["align", str(take), "--ref", str(score_path), "--part", "soprano", "--json"])
    assert args.run(args) == 0
    doc = json.loads(capsys.readouterr().out)
    statuses = [r["status"] for r in doc["notes"]]
    assert doc["note_counts"] == {s: statuses.count(s) for s in sorted(set(statuses))}
    unsure = statuses.count("unsure")
    assert unsure >= 2
    args = parse(["align", str(take), "--ref", str(score_path), "--part", "soprano"])
    assert args.run(args) == 0
    text = capsys.readouterr().out
    assert text.count("could not be judged for sure") == 1
    assert f"{unsure} of {len(statuses)} notes" in text
