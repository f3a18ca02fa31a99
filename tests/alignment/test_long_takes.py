"""Long take-to-take alignment: strophic music (the same verse again and again) over
minutes, with exact truth, and confidence that drops where the take is not the reference."""

from __future__ import annotations

import numpy as np
import pytest

from musicpractice.alignment import align_takes
from musicpractice.alignment.dtw import band_around
from tests.alignment.synth import melody_score, random_melody, render

SR = 11_025
VERSES = 14
VERSE = random_melody(21, n=32, low=55, high=72)


def time_map(score, *, start_s, spq, wobble, period_q):
    """A known smooth time map quarters -> seconds: tempo swaying around ``spq`` seconds
    per quarter with a period that does not match the verse (no two verses alike)."""
    q = np.linspace(0.0, score.duration_quarter, 20_000)
    local = spq * (1.0 + wobble * np.sin(2 * np.pi * q / period_q))
    t = start_s + np.concatenate([[0.0], np.cumsum(np.diff(q) * local[:-1])])
    return lambda quarters: np.interp(quarters, q, t)


@pytest.fixture(scope="module")
def strophic():
    """Fourteen verses of 32 quarter notes, played twice under different tempo curves:
    take A about 7.5 minutes, take B about 6.5 (a coarse level 11 frames deep)."""
    score = melody_score(VERSE * VERSES, bpm=60.0)
    slow = time_map(score, start_s=0.8, spq=1.0, wobble=0.15, period_q=37.0)
    fast = time_map(score, start_s=0.3, spq=0.87, wobble=-0.12, period_q=53.0)
    return score, slow, fast


def test_band_follows_a_path_across_a_non_integer_level_ratio():
    """From 9 to 2 frames per coarse frame the finer level is 4.5 times longer: the band
    must hold the path projected by 4.5, to the last frame (not drift by 4/4.5)."""
    n, m = 900, 810
    fine_i = np.arange(n)
    fine_j = np.floor(fine_i * 0.9 + 3.0 * np.sin(fine_i / 40.0) ** 2).astype(np.int64)
    coarse = np.unique(np.column_stack([np.floor(fine_i / 4.5), np.floor(fine_j / 4.5)]),
                       axis=0).astype(np.int64)
    lo, hi = band_around(coarse[:, 0], coarse[:, 1], 4.5, 0, n, m)
    assert np.all((lo <= fine_j) & (fine_j <= hi))
    assert np.max(hi - lo) <= 15


def test_looped_verses_stay_aligned_to_the_end(strophic):
    score, slow, fast = strophic
    take_a, take_b = render(score.notes, slow, sr=SR), render(score.notes, fast, sr=SR)
    alignment = align_takes(take_a, take_b, SR)
    q = np.array([n.onset_quarter for n in score.notes])
    errors = np.abs(alignment.take_at(fast(q)) - slow(q))
    last_verses = q >= score.duration_quarter - 3 * 32
    assert np.mean(errors <= 0.1) >= 0.9
    assert np.mean(errors[last_verses] <= 0.1) >= 0.9
    assert alignment.overall_confidence > 0.5
    assert not alignment.warnings


def test_confidence_drops_where_the_take_plays_something_else(strophic):
    """Verses 6 and 7 of take A replaced by another tune: the alignment cannot be right
    there, and says so; elsewhere it stays sure and right."""
    score, slow, fast = strophic
    other = random_melody(5, n=64, low=48, high=80)
    notes = list(score.notes)
    start, end = 5 * 32, 7 * 32
    replaced = [n.__class__(**{**n.__dict__, "midi": other[k - start]}) if start <= k < end
                else n for k, n in enumerate(notes)]
    take_a, take_b = render(replaced, slow, sr=SR), render(score.notes, fast, sr=SR)
    alignment = align_takes(take_a, take_b, SR)
    inside = (slow(start + 8.0), slow(end - 8.0))
    outside = np.concatenate([slow(np.arange(8.0, start - 32.0, 2.0)),
                              slow(np.arange(end + 32.0, score.duration_quarter - 8.0, 2.0))])
    assert np.mean(alignment.confidence_at(np.linspace(*inside, 50))) < 0.3
    assert np.mean(alignment.confidence_at(outside)) > 0.5
    unsure = sum(max(0.0, min(b, inside[1]) - max(a, inside[0]))
                 for a, b in alignment.unsure_regions())
    assert unsure >= 0.75 * (inside[1] - inside[0])
    q = np.array([n.onset_quarter for n in score.notes])
    kept = (q < start - 32) | (q >= end + 32)
    errors = np.abs(alignment.take_at(fast(q[kept])) - slow(q[kept]))
    assert np.mean(errors <= 0.1) >= 0.9
