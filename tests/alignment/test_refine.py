"""Local onset refinement: the time map is bent onto clear chord onsets, and only those."""

from __future__ import annotations

import numpy as np

from musicpractice.alignment.features import LOWEST_MIDI, PitchOnsets
from musicpractice.alignment.refine import SEARCH_S, refine_to_onsets
from musicpractice.alignment.timemap import Alignment

RATE_HZ = 100.0


def straight_map(seconds_per_quarter: float, quarters: float) -> Alignment:
    """A path that plays every quarter note in ``seconds_per_quarter``, at 20 ms steps."""
    take_s = np.arange(0.0, quarters * seconds_per_quarter, 0.02)
    return Alignment(reference_kind="score", take_s=take_s, ref=take_s / seconds_per_quarter,
                     confidence=np.ones(take_s.size, np.float32), overall_confidence=1.0,
                     transposition_semitones=0, take_tuning_cents=0.0)


def onsets_at(times_s, midis, duration_s: float) -> PitchOnsets:
    rise = np.zeros((int(duration_s * RATE_HZ) + 1, 88), np.float32)
    for t, midi in zip(times_s, midis):
        rise[int(round(t * RATE_HZ)), midi - LOWEST_MIDI] = 2.0
    return PitchOnsets(rise=rise, rate_hz=RATE_HZ)


def test_map_moves_onto_clear_onsets_and_stays_monotonic():
    alignment = straight_map(0.5, 8)  # the path puts quarter k at 0.5 k s
    chord_q = np.arange(8.0)
    played = 0.5 * chord_q + np.array([0.0, 0.08, -0.06, 0.1, -0.1, 0.04, 0.0, 0.07])
    pitches = [np.array([60 + k]) for k in range(8)]
    refined = refine_to_onsets(alignment, onsets_at(played, [60 + k for k in range(8)], 4.0),
                               chord_q, pitches)
    np.testing.assert_allclose(refined.take_at(chord_q), played, atol=0.011)
    assert np.all(np.diff(refined.take_s) >= 0)
    np.testing.assert_array_equal(refined.ref, alignment.ref)


def test_onsets_of_other_pitches_or_too_far_away_are_ignored():
    alignment = straight_map(0.5, 4)
    chord_q = np.arange(4.0)
    pitches = [np.array([60]), np.array([62]), np.array([64]), np.array([65])]
    # quarter 1: only a wrong pitch starts nearby; quarter 2: its pitch starts too late
    onsets = onsets_at([0.0, 0.55, 1.0 + SEARCH_S + 0.05, 1.5], [60, 70, 64, 65], 2.5)
    refined = refine_to_onsets(alignment, onsets, chord_q, pitches)
    np.testing.assert_allclose(refined.take_at(chord_q), [0.0, 0.5, 1.0, 1.5], atol=0.011)
