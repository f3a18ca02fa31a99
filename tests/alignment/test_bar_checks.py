"""A bar whose tempo jumps from its neighbours and the score is sure only when the take
bears it out; a time map that cut a corner gives unsure bars, not 240 BPM at confidence 1."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from musicpractice.alignment import align_to_score, compare_with_score, piano_check
from musicpractice.alignment.bar_checks import UNSURE_CONFIDENCE, tempo_jumps
from tests.alignment.synth import SR, melody_score, random_melody, render

BPM = 100.0


@pytest.fixture(autouse=True)
def key_activation_only(monkeypatch):
    """The bars do not depend on the note verdicts, and the test tone is no piano: the
    piano transcription would cost a model run per take only for its guard to set the
    reading aside (that guard is tested on test_piano_check's additive take)."""
    monkeypatch.setattr(piano_check, "TRANSCRIPTION", "off")


@pytest.fixture(scope="module")
def score():
    """Two parts: checked as one polyphonic take, on the engine's time map as given."""
    bass = random_melody(5, n=10, low=40, high=52)
    return melody_score(random_melody(17, n=40, low=55, high=76), bpm=BPM,
                        extra_parts={"Bass": (bass, [4.0] * 10)})


@pytest.fixture(scope="module")
def melody():
    """One line: its notes are followed and the time map pinned to them (.anchors)."""
    return melody_score(random_melody(17, n=40, low=55, high=76), bpm=BPM)


def steady(start_s=0.5, spq=0.6, fast_bar=None):
    """Time map quarters -> seconds; ``fast_bar`` (1-based) played twice as fast."""
    def time_of(q):
        q = np.asarray(q, dtype=float)
        t = start_s + spq * q
        if fast_bar is not None:
            a, b = 4.0 * (fast_bar - 1), 4.0 * fast_bar
            t = t - 0.5 * spq * np.clip(q - a, 0.0, b - a)
        return t
    return time_of


def test_tempo_jumps_need_both_neighbours_and_the_score():
    tempo = np.array([100, 102, 98, 240, 101, 99, 100, 150, 152, 149.0])
    marked = np.full(tempo.size, 100.0)
    jumps = tempo_jumps(tempo, marked)
    assert jumps[3]                      # 240 among 100s
    assert not jumps[7] and not jumps[8]  # a lasting change: one side agrees
    marked[3] = 240.0
    assert not tempo_jumps(tempo, marked)[3]  # the score asks for it


def test_a_bar_the_map_squeezed_becomes_unsure(score):
    time_of = steady()
    take = render(score.notes, time_of, sr=SR)
    alignment = align_to_score(take, SR, score)
    # a time map that cut a corner: bar 5's end placed 0.9 s early (as the aligner can)
    bent = alignment.take_s - 0.9 * np.interp(alignment.ref, [16.0, 20.0, 22.0], [0, 1, 0],
                                              left=0.0, right=0.0)
    wrong = replace(alignment, take_s=np.maximum.accumulate(bent))
    bars = {b.measure: b for b in compare_with_score(take, SR, score, wrong).bars}
    assert bars[5].tempo_bpm > 1.5 * BPM          # the spike is there ...
    assert bars[5].confidence < UNSURE_CONFIDENCE  # ... and said to be unsure
    assert "not heard" in bars[5].reason
    steady_bars = [b for m, b in bars.items() if m in (2, 3, 8, 9)]
    assert all(b.confidence >= UNSURE_CONFIDENCE and b.reason == "" for b in steady_bars)


@pytest.mark.parametrize("which", ["score", "melody"])
def test_a_bar_really_played_fast_stays_sure_and_says_why(which, request):
    score = request.getfixturevalue(which)
    time_of = steady(fast_bar=5)
    take = render(score.notes, time_of, sr=SR)
    alignment = align_to_score(take, SR, score)
    bars = {b.measure: b for b in compare_with_score(take, SR, score, alignment).bars}
    assert bars[5].tempo_bpm == pytest.approx(2 * BPM, rel=0.1)
    assert bars[5].confidence >= UNSURE_CONFIDENCE
    assert "heard where they are placed" in bars[5].reason


def test_a_clear_jump_where_the_alignment_is_lost_says_both(score):
    take = render(score.notes, steady(fast_bar=5), sr=SR)
    alignment = align_to_score(take, SR, score)
    lost = replace(alignment, confidence=np.where(
        (alignment.ref > 15.0) & (alignment.ref < 21.0), 0.05, alignment.confidence
    ).astype(np.float32))
    bar = {b.measure: b for b in compare_with_score(take, SR, score, lost).bars}[5]
    assert bar.confidence < UNSURE_CONFIDENCE  # unsure in the table ...
    assert "heard where they are placed" in bar.reason  # ... and why, without a contradiction
    assert "alignment around it is unsure" in bar.reason
