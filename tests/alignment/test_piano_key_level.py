"""A written key's level after its onset, read against the same key's other strokes (or,
for a key written too rarely, against the nearest keys'): exact levels, exact answers."""

from __future__ import annotations

import numpy as np

from musicpractice.alignment.piano_key_level import (
    LEVEL_FLOOR,
    MIN_OTHERS,
    level_over_key_median,
)


def test_a_key_only_held_reads_below_its_own_strokes():
    """Key 64 read 0.8 at four strokes and 0.35 where it was only held: that one reads
    ln(0.35 / 0.8) against its key's median, the strokes 0; key 48 (0.5 at each of its
    four strokes) is at its own median although it reads lower than key 64."""
    levels = np.array([0.8, 0.8, 0.35, 0.8, 0.8, 0.5, 0.5, 0.5, 0.5])
    midis = np.array([64, 64, 64, 64, 64, 48, 48, 48, 48])
    out = level_over_key_median(levels, midis)
    np.testing.assert_allclose(out, [0, 0, np.log(0.35 / 0.8), 0, 0, 0, 0, 0, 0], atol=1e-12)


def test_a_key_written_once_is_read_against_the_nearest_keys():
    """Key 79 is written once (left out: level 0.1); keys 76-78 were struck at 0.7 and
    the bass 40 at 0.3: 79 is read against the three keys within 3 semitones
    (ln(0.1 / 0.7)), not against the bass and not as 0 ("nothing to compare with")."""
    levels = np.array([0.7, 0.7, 0.7, 0.1, 0.3, 0.3])
    midis = np.array([76, 77, 78, 79, 40, 40])
    assert MIN_OTHERS == 3
    out = level_over_key_median(levels, midis)
    assert abs(out[3] - np.log(0.1 / 0.7)) < 1e-12
    # 76 has no other stroke of its own: its nearest keys are 77, 78 and 79 (median 0.7)
    assert abs(out[0] - 0.0) < 1e-12


def test_levels_not_read_are_neither_judged_nor_references():
    """A note whose level was not read (NaN: no aligned onset) gets 0 and does not pull
    the median of the others; a level below the floor (a silent key) is read as the
    floor."""
    levels = np.array([0.9, np.nan, 0.9, 0.9, 0.01])
    midis = np.array([60, 60, 60, 60, 60])
    out = level_over_key_median(levels, midis)
    assert out[1] == 0.0
    np.testing.assert_allclose(out[[0, 2, 3]], 0.0)
    assert abs(out[4] - np.log(LEVEL_FLOOR / 0.9)) < 1e-12
