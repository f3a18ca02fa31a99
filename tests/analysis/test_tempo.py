"""Tempo and beats on synthetic click tracks with exact beat times; bad input."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import scipy.stats

from musicpractice.analysis.onsets import detect_onsets
from musicpractice.analysis.tempo import RELATIONS, beats_at_level, estimate_tempo
from musicpractice.core.errors import Cancelled, InvalidParameterError
from tests.signals import SR, click_track

LEAD_IN_S = 0.25


def clicks(bpm: float, duration_s: float) -> tuple[np.ndarray, np.ndarray]:
    """A click track that starts after a short silence, like a real recording."""
    y, beats = click_track(bpm, duration_s)
    return np.concatenate([np.zeros(int(LEAD_IN_S * SR), np.float32), y]), beats + LEAD_IN_S


def accelerating_clicks(start_bpm: float, end_bpm: float, duration_s: float):
    """Clicks whose tempo rises linearly from ``start_bpm`` to ``end_bpm``."""
    t = np.arange(int(duration_s * SR)) / SR
    beats_done = np.cumsum(start_bpm + (end_bpm - start_bpm) * t / duration_s) / 60 / SR
    onsets = np.flatnonzero(np.diff(np.floor(beats_done)) > 0) + 1
    click = click_track(60, 1.0)[0][: int(0.03 * SR)]
    y = np.zeros(len(t), np.float32)
    for i in onsets:
        y[i: i + len(click)] += click[: len(y) - i]
    return y, onsets / SR


@pytest.fixture(scope="module")
def at_90():
    y, truth = clicks(90, 20)
    return estimate_tempo(y, SR), truth


@pytest.mark.parametrize("bpm", [60, 72, 90, 120, 150])
def test_click_track_tempo_and_beats(bpm):
    y, truth = clicks(bpm, 20)
    estimate = estimate_tempo(y, SR)
    assert estimate.bpm == pytest.approx(bpm, rel=0.02)  # not doubled, not halved
    assert len(estimate.beats_s) == len(truth)
    assert np.max(np.abs(estimate.beats_s - truth)) < 0.03
    assert estimate.alternatives[0].relation == "chosen"
    assert estimate.confidence > 0.4
    assert estimate.stability > 0.9
    assert estimate.ibi_cv < 0.02


def test_results_are_consistent(at_90):
    estimate, _ = at_90
    weights = [level.weight for level in estimate.alternatives]
    assert sum(weights) == pytest.approx(1.0)
    assert all(0.0 <= w <= 1.0 for w in weights)
    assert weights[1:] == sorted(weights[1:], reverse=True)
    assert estimate.alternatives[0].weight > 0.8
    for level in estimate.alternatives:
        assert level.bpm == pytest.approx(estimate.bpm * RELATIONS[level.relation])
    assert len(estimate.curve_times_s) == len(estimate.curve_bpm) == len(estimate.beats_s) - 1
    np.testing.assert_allclose(estimate.curve_bpm, 90, rtol=0.02)
    assert estimate.warnings == ()


def test_beats_at_other_levels(at_90):
    estimate, truth = at_90
    double = beats_at_level(estimate, "double")
    assert len(double) == pytest.approx(2 * len(truth), abs=2)
    assert np.median(np.diff(double)) == pytest.approx(60 / 180, rel=0.02)
    half = beats_at_level(estimate, "half")
    assert np.median(np.diff(half)) == pytest.approx(60 / 45, rel=0.02)
    # every half-tempo beat is one of the clicks
    assert np.max(np.min(np.abs(half[:, None] - truth[None, :]), axis=1)) < 0.03
    np.testing.assert_array_equal(beats_at_level(estimate, "chosen"), estimate.beats_s)


def test_unknown_level_is_refused(at_90):
    estimate, _ = at_90
    with pytest.raises(InvalidParameterError, match="quintuple"):
        beats_at_level(estimate, "quintuple")


def test_levels_outside_the_range_are_not_offered():
    y, _ = clicks(90, 12)
    estimate = estimate_tempo(y, SR, min_bpm=60, max_bpm=150)
    relations = {level.relation for level in estimate.alternatives}
    assert "double" not in relations and "half" not in relations
    with pytest.raises(InvalidParameterError, match="double"):
        beats_at_level(estimate, "double")


def test_accelerating_clicks_give_a_rising_curve():
    y, truth = accelerating_clicks(70, 130, 30)
    estimate = estimate_tempo(y, SR)
    rho = scipy.stats.spearmanr(estimate.curve_times_s, estimate.curve_bpm).statistic
    assert rho > 0.95
    assert estimate.curve_bpm[0] == pytest.approx(70, rel=0.08)
    assert estimate.curve_bpm[-1] == pytest.approx(130, rel=0.08)
    matched = np.min(np.abs(estimate.beats_s[:, None] - truth[None, :]), axis=1)
    assert np.mean(matched < 0.03) > 0.95
    assert estimate.stability < 0.2  # the tempo is far from constant


def test_silence_has_no_beats():
    estimate = estimate_tempo(np.zeros(5 * SR, np.float32), SR)
    assert len(estimate.beats_s) == 0 and len(estimate.curve_bpm) == 0
    assert estimate.confidence == 0.0 and estimate.stability == 0.0
    assert estimate.alternatives == ()
    assert estimate.warnings and "silent" in estimate.warnings[0]


def test_short_recording_is_flagged():
    y, _ = clicks(100, 5)
    estimate = estimate_tempo(y, SR)
    assert estimate.bpm == pytest.approx(100, rel=0.03)
    assert any("long" in w for w in estimate.warnings)


def test_too_few_beats():
    y, _ = clicks(120, 0.6)
    estimate = estimate_tempo(y, SR)
    assert len(estimate.beats_s) < 3
    assert estimate.confidence == 0.0 and np.isnan(estimate.ibi_cv)
    assert any("Too few beats" in w for w in estimate.warnings)


def test_onsets_are_reused():
    y, _ = clicks(72, 10)
    onsets = detect_onsets(y, SR)
    with_onsets = estimate_tempo(y, SR, onsets=onsets)
    np.testing.assert_array_equal(with_onsets.beats_s, estimate_tempo(y, SR).beats_s)


def test_onsets_of_another_recording_are_refused():
    y, _ = clicks(72, 10)
    onsets = detect_onsets(y[: 5 * SR], SR)
    with pytest.raises(InvalidParameterError, match="different recording"):
        estimate_tempo(y, SR, onsets=onsets)


def test_progress_and_cancel():
    y, _ = clicks(120, 6)
    seen = []
    estimate_tempo(y, SR, progress=lambda f, m: seen.append(f))
    assert seen == sorted(seen) and seen[-1] > 0.8
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        estimate_tempo(y, SR, cancel=cancel)


@pytest.mark.parametrize("min_bpm, max_bpm", [(100, 150), (5, 300), (60, 2000),
                                              (float("nan"), 200), (200, 100)])
def test_bad_tempo_range(min_bpm, max_bpm):
    y, _ = clicks(90, 3)
    with pytest.raises(InvalidParameterError, match="tempo range"):
        estimate_tempo(y, SR, min_bpm=min_bpm, max_bpm=max_bpm)


@pytest.mark.parametrize("y, sr", [(np.zeros((2, 4000), np.float32), SR),
                                   (np.full(4000, np.inf, np.float32), SR),
                                   (np.zeros(4000, np.float32), 0)])
def test_bad_signal(y, sr):
    with pytest.raises(InvalidParameterError):
        estimate_tempo(y, sr)
