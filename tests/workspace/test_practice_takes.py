"""Sung-along takes: the exact alignment from the schedule, note verdicts, the session link.

The "singer" is the built-in voice singing the soprano part -- once as written, once with
one note a whole tone sharp (the truth: we changed that note and no other).
"""

from __future__ import annotations

import dataclasses

import pytest

from musicpractice.score.load import load_score
from musicpractice.score.playback import PartMix, PlaybackSettings, schedule
from musicpractice.score.render import render_schedule
from musicpractice.session.store import Session
from musicpractice.workspace.practice import (
    PracticeLink,
    check_take,
    practice_attempts,
    save_take,
    schedule_alignment,
)

SR = 22_050


@pytest.fixture(scope="module")
def chorale(shared_data):
    return load_score(shared_data / "synth" / "item_chorale_00.musicxml")


def _settings():
    return PlaybackSettings(bars=(1, 2), count_in_bars=1, tempo_scale=0.8,
                            mix={"Soprano": PartMix(solo=True)})


def test_alignment_from_the_schedule_maps_take_time_to_score_position(chorale):
    sched = schedule(chorale, _settings())
    alignment = schedule_alignment(chorale, sched)
    bar2 = next(m for m in chorale.measures if m.number == 2)
    beat_s = 60.0 / (chorale.tempos[0].bpm_quarter * 0.8)
    # bar 2 starts one count-in bar + one bar after the take starts
    assert alignment.take_at([bar2.start_quarter])[0] == pytest.approx(8 * beat_s)
    assert alignment.ref_at([4 * beat_s])[0] == pytest.approx(bar2.start_quarter - 4)


def test_a_wrong_note_is_found_and_the_take_is_kept_with_its_link(chorale, tmp_path):
    sched = schedule(chorale, _settings())
    soprano = [n for n in chorale.notes if n.part == "Soprano"
               and n.measure in (1, 2)]
    wrong = soprano[2]
    notes = tuple(dataclasses.replace(n, midi=n.midi + 2) if n is wrong else n
                  for n in chorale.notes)
    sung_wrong = render_schedule(schedule(dataclasses.replace(chorale, notes=notes), _settings()),
                                 sr=SR).mean(axis=1)
    sung_right = render_schedule(sched, sr=SR).mean(axis=1)

    right = check_take(sung_right, SR, chorale, sched, "soprano")
    verdicts = {n.ref_quarter: n.status for n in right.notes}
    assert len(verdicts) == len(soprano)
    assert sum(v == "ok" for v in verdicts.values()) >= len(soprano) - 1
    checked = check_take(sung_wrong, SR, chorale, sched, "Soprano")
    by_onset = {n.ref_quarter: n for n in checked.notes}
    assert by_onset[wrong.onset_quarter].status == "wrong"
    assert by_onset[wrong.onset_quarter].cents == pytest.approx(200, abs=40) or \
        getattr(by_onset[wrong.onset_quarter], "played_midi", None) == wrong.midi + 2

    session = Session.create(tmp_path / "s.mpsession")
    ref = session.import_score(chorale.path)
    for attempt, take in enumerate((sung_wrong, sung_right), start=1):
        save_take(session, take, SR, PracticeLink(
            score_id=ref.id, part="Soprano", bars=(1, 2), tempo_scale=0.8,
            start_bpm=sched.start_bpm, transpose_semitones=0, attempt=attempt,
            latency_s=0.05, score_start_s=sched.score_start_s))
    session.close()
    reopened = Session.open(tmp_path / "s.mpsession")
    attempts = practice_attempts(reopened, score_id=ref.id, part="Soprano")
    assert [t.extra["practice"]["attempt"] for t in attempts] == [1, 2]
    assert attempts[0].extra["practice"]["bars"] == [1, 2]
    assert attempts[0].frames == len(sung_wrong)
    reopened.close()
