"""The accompaniment heard by the microphone is taken out of a sung-along take.

Exact truth: the "singer" is the built-in voice singing the soprano part; the microphone
also hears alto, tenor and bass through a small room (delayed, with reflections). The
soprano notes must be judged as when the singer was alone.
"""

from __future__ import annotations

import numpy as np

from musicpractice.audio.leak_removal import remove_leak
from musicpractice.score.load import load_score
from musicpractice.score.playback import PartMix, PlaybackSettings, schedule
from musicpractice.score.render import render_schedule
from musicpractice.workspace.practice import check_take

SR = 22_050


def _counts(comparison) -> dict[str, int]:
    statuses = [n.status for n in comparison.notes]
    return {s: statuses.count(s) for s in set(statuses)}


def test_the_accompaniment_is_not_counted_as_the_singer(shared_data):
    score = load_score(shared_data / "synth" / "item_chorale_00.musicxml")
    settings = dict(bars=(1, 3), count_in_bars=1)
    played = render_schedule(schedule(score, PlaybackSettings(
        **settings, mix={"Soprano": PartMix(mute=True)})), sr=SR)
    sung_sched = schedule(score, PlaybackSettings(**settings, mix={"Soprano": PartMix(solo=True)}))
    sung = render_schedule(sung_sched, sr=SR).mean(axis=1)
    room = np.zeros(int(0.005 * SR))
    room[[int(0.001 * SR), int(0.003 * SR), int(0.0045 * SR)]] = (0.7, 0.3, -0.2)
    leak = np.convolve(played.mean(axis=1), room)[:len(sung)]
    take = sung + leak + 0.002 * np.random.default_rng(0).standard_normal(len(sung))

    alone = _counts(check_take(sung, SR, score, sung_sched, "Soprano"))
    assert alone == {"ok": len([n for n in score.notes if n.part == "Soprano"
                                and n.measure in (1, 2, 3)])}
    assert _counts(check_take(take, SR, score, sung_sched, "Soprano")) != alone  # it matters
    cleaned, removed_db = remove_leak(take, played, SR)
    assert removed_db > 1.0
    assert _counts(check_take(cleaned, SR, score, sung_sched, "Soprano")) == alone
    residual = np.sum((cleaned - sung) ** 2) / np.sum(leak ** 2)
    assert 10 * np.log10(residual) < -10.0


def test_nothing_played_nothing_removed():
    take = np.random.default_rng(1).standard_normal(SR).astype(np.float32)
    cleaned, removed_db = remove_leak(take, np.zeros((SR, 2)), SR)
    assert removed_db == 0.0 and np.array_equal(cleaned, take)
    assert remove_leak(take, take, SR)[1] > 20  # (nearly) all of it was the playback
