"""The tempo reported is the beat players count (issue 11, item 5).

A slow piece with running eighths is counted in quarters around 60, not "120 BPM, fast":
the bass and the harmony move on the quarters. A pop backbeat (kick on 1 and 3, louder
snare on 2 and 4) is still counted on every beat. Synthetic pieces with exact beat times.
"""

from __future__ import annotations

import mir_eval
import numpy as np
import pytest

from musicpractice.analysis.cue_scales import SCALES
from musicpractice.analysis.tempo import beats_at_level, estimate_tempo
from tests.signals import SR, piano_note

CHORDS = ((48, 60, 64, 67), (45, 57, 60, 64), (41, 53, 57, 60), (43, 55, 59, 62))


def add(y: np.ndarray, at_s: float, sound: np.ndarray) -> None:
    start = int(at_s * SR)
    y[start:start + len(sound)] += sound[: len(y) - start]


def slow_piece(quarter_bpm: float, bars: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Bass and chord change on every quarter, running eighths above; (signal, quarter times)."""
    q = 60.0 / quarter_bpm
    y = np.zeros(int((bars * 4 * q + 2.0) * SR))
    quarters = 0.5 + q * np.arange(bars * 4)
    for i, t0 in enumerate(quarters):
        bass, *upper = CHORDS[(i // 2) % 4]
        add(y, t0, piano_note(bass, 2 * q, 0.5))
        for j in range(2):
            add(y, t0 + j * q / 2, piano_note(upper[(2 * i + j) % 3] + 12, q, 0.25 * (1.0 - 0.1 * j)))
    return (0.3 * y / np.max(np.abs(y))).astype(np.float32), quarters


def backbeat(bpm: float, bars: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Kick on beats 1 and 3, a louder-sounding snare on 2 and 4, hi-hat eighths."""
    q = 60.0 / bpm
    rng = np.random.default_rng(1)
    t = np.arange(int(0.15 * SR)) / SR
    kick = 0.8 * np.sin(2 * np.pi * 60 * t) * np.exp(-25 * t)
    snare = 0.6 * rng.standard_normal(len(t)) * np.exp(-30 * t)
    hat = 0.2 * rng.standard_normal(int(0.03 * SR))
    y = np.zeros(int((bars * 4 * q + 1.0) * SR))
    beats = 0.3 + q * np.arange(bars * 4)
    for i, t0 in enumerate(beats):
        add(y, t0, kick if i % 2 == 0 else snare)
        add(y, t0, hat)
        add(y, t0 + q / 2, hat)
    return (0.3 * y / np.max(np.abs(y))).astype(np.float32), beats


def waltz(quarter_bpm: float, bars: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Oom-pah-pah: a bass note on the first beat, a short chord on the second and third."""
    q = 60.0 / quarter_bpm
    y = np.zeros(int((bars * 3 * q + 2.0) * SR))
    quarters = 0.5 + q * np.arange(bars * 3)
    for i, t0 in enumerate(quarters):
        bass, *upper = CHORDS[(i // 6) % 4]
        if i % 3 == 0:
            add(y, t0, piano_note(bass, q, 0.5))
        else:
            for midi in upper:
                add(y, t0, piano_note(midi + 12, q / 2, 0.15))
    return (0.3 * y / np.max(np.abs(y))).astype(np.float32), quarters


def six_eight(dotted_quarter_bpm: float, bars: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """6/8 in a quarter-and-eighth figure over a bass on every dotted quarter; (signal,
    dotted-quarter times)."""
    eighth = 60.0 / dotted_quarter_bpm / 3
    y = np.zeros(int((bars * 6 * eighth + 2.0) * SR))
    beats = 0.5 + 3 * eighth * np.arange(bars * 2)
    for i, t0 in enumerate(beats):
        bass, *upper = CHORDS[(i // 2) % 4]
        add(y, t0, piano_note(bass, 3 * eighth, 0.5))
        add(y, t0, piano_note(upper[i % 3] + 12, 2 * eighth, 0.3))
        add(y, t0 + 2 * eighth, piano_note(upper[(i + 1) % 3] + 12, eighth, 0.25))
    return (0.3 * y / np.max(np.abs(y))).astype(np.float32), beats


def f_measure(reference: np.ndarray, estimate: np.ndarray) -> float:
    return mir_eval.beat.f_measure(mir_eval.beat.trim_beats(reference),
                                   mir_eval.beat.trim_beats(estimate))


@pytest.mark.parametrize("quarter_bpm", [56.0, 60.0, 66.0, 72.0])
def test_a_slow_piece_with_running_eighths_is_counted_in_quarters(quarter_bpm):
    y, quarters = slow_piece(quarter_bpm)
    estimate = estimate_tempo(y, SR)
    assert estimate.bpm == pytest.approx(quarter_bpm, rel=0.03)
    assert f_measure(quarters, estimate.beats_s) > 0.95
    assert SCALES["tempo_bpm"].word(estimate.bpm) == "slow"
    # the eighths stay one click away
    eighths = beats_at_level(estimate, "double")
    assert 60.0 / np.median(np.diff(eighths)) == pytest.approx(2 * quarter_bpm, rel=0.03)


def test_a_pop_backbeat_is_counted_on_every_beat():
    y, beats = backbeat(120.0)
    estimate = estimate_tempo(y, SR)
    assert estimate.bpm == pytest.approx(120.0, rel=0.03)
    assert f_measure(beats, estimate.beats_s) > 0.95


@pytest.mark.parametrize("quarter_bpm", [180.0, 198.0])
def test_a_waltz_with_its_three_beats_played_is_counted_in_three(quarter_bpm):
    """Without the rule the tempo prior takes the bar (66 at 198): a fast waltz whose
    quarters are all played and no faster than a metronome goes is counted in three."""
    y, quarters = waltz(quarter_bpm)
    estimate = estimate_tempo(y, SR)
    assert estimate.bpm == pytest.approx(quarter_bpm, rel=0.03)
    assert f_measure(quarters, estimate.beats_s) > 0.95
    bars = beats_at_level(estimate, "third")  # one in a bar stays one click away
    assert 60.0 / np.median(np.diff(bars)) == pytest.approx(quarter_bpm / 3, rel=0.03)


def test_a_waltz_faster_than_a_metronome_is_counted_in_one():
    y, quarters = waltz(240.0)
    estimate = estimate_tempo(y, SR)
    assert estimate.bpm == pytest.approx(80.0, rel=0.03)
    assert f_measure(quarters[::3], estimate.beats_s) > 0.95
    assert f_measure(quarters, beats_at_level(estimate, "triple")) > 0.95


@pytest.mark.parametrize("dotted_quarter_bpm", [56.0, 68.0])
def test_six_eight_with_figures_is_counted_in_dotted_quarters(dotted_quarter_bpm):
    """Its eighths (168 and 204 a minute) are countable, but the second is rarely played."""
    y, beats = six_eight(dotted_quarter_bpm)
    estimate = estimate_tempo(y, SR)
    assert estimate.bpm == pytest.approx(dotted_quarter_bpm, rel=0.03)
    assert f_measure(beats, estimate.beats_s) > 0.95
