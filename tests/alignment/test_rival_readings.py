"""Timing against the rival reading of a sung note (rival_readings), on the timings of
three cases where pitch alone gave a sure false verdict (benchmark takes of the second
voice, FIT chorales): a wrong note held on through the next written note, an extra note
before a note left out in silence, and a wrong note matched to the left-out note before it."""

from __future__ import annotations

import numpy as np

from musicpractice.alignment.rival_readings import (
    fill_until_next,
    held_from_here,
    matched_late,
)

QUARTER = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
LENGTH = np.array([1.0, 1.0, 1.0, 1.0, 1.0])
SPQ = 0.62


def test_a_note_held_on_from_where_the_left_out_one_belongs_is_that_note():
    # note 1 sung (wrong) at 0.76 s and held through note 2 until 1.98 s; note 0 at 0.0 s
    assert held_from_here(1, QUARTER, LENGTH, previous_onset_s=0.0, next_onset_s=0.76,
                          next_offset_s=1.98, seconds_per_quarter=SPQ)


def test_a_next_note_sung_on_time_and_alone_leaves_the_note_missing():
    # note 1 left out in silence: note 2 sung on time (1.24 s) for its own length
    assert not held_from_here(1, QUARTER, LENGTH, previous_onset_s=0.0, next_onset_s=1.27,
                              next_offset_s=1.86, seconds_per_quarter=SPQ)
    # ... or held on from note 0 (the sung note matched to note 2 starts on time)
    assert not held_from_here(1, QUARTER, LENGTH, previous_onset_s=0.0, next_onset_s=1.22,
                              next_offset_s=2.4, seconds_per_quarter=SPQ)
    # a note sung early but only as long as its own written length stays note 2
    assert not held_from_here(1, QUARTER, LENGTH, previous_onset_s=0.0, next_onset_s=0.9,
                              next_offset_s=1.5, seconds_per_quarter=SPQ)


def test_a_short_note_before_a_gap_does_not_fill_a_written_note():
    # an extra note 13.22-13.35 s, silence where the next written note belongs, the
    # note after it at 13.90 s: 0.19 of the time
    assert fill_until_next(13.22, 13.35, 13.90) < 0.5
    # a wrong note sung legato until the next one, or detached with a short breath
    assert fill_until_next(13.37, 13.88, 13.90) > 0.9
    assert fill_until_next(13.37, 13.70, 13.90) > 0.5


def test_a_match_sitting_where_the_next_note_belongs_may_be_that_note():
    # note 0 at 0.0 s; note 1 left out (note 0 held on); note 2 sung 150 cents flat at
    # 1.26 s (it belongs at 1.24 s) and matched by pitch to note 1: note 2 then looks
    # left out, which is no sure verdict
    assert matched_late(2, QUARTER, before_onset_s=0.0, onset_s=1.26, seconds_per_quarter=SPQ)
    # note 1 sung on time: note 2 really is left out
    assert not matched_late(2, QUARTER, before_onset_s=0.0, onset_s=0.66,
                            seconds_per_quarter=SPQ)
