"""Timing evidence that weighs a note verdict against the other reading of the same sound.

A sung note at a wrong pitch has a rival reading: an extra note and a left-out written
note. A written note called missing has one too: it was sung (at a wrong pitch) and held
on through the next written note, which the follower then matched by pitch. Pitch cannot
tell these apart; time can:

- a wrong note lasts until (or nearly until) the next note or its written end: a sung
  note that fills less than ``MIN_WRONG_FILL`` of that time, a gap after it, is as
  likely an extra note followed by a left-out one;
- a note is missing when nothing starts where it belongs: if the sung note matched to
  the *next* written note starts where this one belongs and lasts as long as both, the
  "sung wrong and held on" reading is at least as good; so is "this note sung wrong and
  the one before left out" when the previous note's match starts where this one belongs.

Either way the verdict cannot be given as sure.
"""

from __future__ import annotations

import numpy as np

MIN_WRONG_FILL = 0.5
"""Share of the time until the next matched note a sung note must last to be a written
note sung wrong (legato or detached); shorter, with a gap after it, it may be an extra."""


def fill_until_next(onset_s: float, offset_s: float, until_s: float) -> float:
    """Share (0-1) of the time from a sung note's onset to ``until_s`` (s: the next
    matched note's onset, or sooner the written note's end at the take's tempo when a
    rest follows it) that the sung note lasts."""
    return float(np.clip((offset_s - onset_s) / max(until_s - onset_s, 1e-3), 0.0, 1.0))


def held_from_here(j: int, quarter: np.ndarray, duration_quarter: np.ndarray, *,
                   previous_onset_s: float, next_onset_s: float, next_offset_s: float,
                   seconds_per_quarter: float) -> bool:
    """Whether the sung note matched to written note ``j + 1`` is rather note ``j`` sung
    (at whatever pitch) and held on through ``j + 1``: it starts nearer to where ``j``
    belongs than to where ``j + 1`` does (at the take's tempo from the match of ``j - 1``)
    and lasts nearer to both notes' written length than to ``j + 1``'s alone.

    Parameters
    ----------
    j : int
        The written note called missing (``0 < j < len(quarter) - 1``).
    quarter, duration_quarter : numpy.ndarray
        float, shape ``(n,)``: written onsets and lengths in quarter notes.
    previous_onset_s : float
        Take time (s) of the sung note matched to written note ``j - 1``.
    next_onset_s, next_offset_s : float
        Take times (s) of the sung note matched to ``j + 1`` (its end where it is held).
    seconds_per_quarter : float
        The take's tempo.
    """
    here = previous_onset_s + (quarter[j] - quarter[j - 1]) * seconds_per_quarter
    there = previous_onset_s + (quarter[j + 1] - quarter[j - 1]) * seconds_per_quarter
    length = next_offset_s - next_onset_s
    alone = duration_quarter[j + 1] * seconds_per_quarter
    both = alone + duration_quarter[j] * seconds_per_quarter
    return (abs(next_onset_s - here) < abs(next_onset_s - there)
            and abs(length - both) < abs(length - alone))


def matched_late(j: int, quarter: np.ndarray, *, before_onset_s: float, onset_s: float,
                 seconds_per_quarter: float) -> bool:
    """Whether the sung note matched to written note ``j - 1`` (onset ``onset_s``) starts
    nearer to where the left-out note ``j`` belongs than to where ``j - 1`` does (at the
    take's tempo from the match of ``j - 2``, onset ``before_onset_s``): then it may be
    ``j`` sung wrong, and ``j - 1`` the note left out."""
    here = before_onset_s + (quarter[j] - quarter[j - 2]) * seconds_per_quarter
    there = before_onset_s + (quarter[j - 1] - quarter[j - 2]) * seconds_per_quarter
    return abs(onset_s - here) < abs(onset_s - there)


def timing_fit(j, onset, anchor_q, anchor_t, quarter, spq) -> float:
    """How well a match sits in time between its matched neighbours (1 = exactly)."""
    k = int(np.searchsorted(anchor_q, quarter[j]))
    if anchor_q.size < 3 or k == 0 or k >= anchor_q.size - 1:
        return 0.95
    expected = float(np.interp(quarter[j], np.delete(anchor_q, k), np.delete(anchor_t, k)))
    span = max((anchor_q[k + 1] - anchor_q[k - 1]) * spq, 0.2)
    miss = abs(onset - expected) / span
    return float(np.clip(1.0 - max(0.0, miss - 0.25), 0.5, 1.0))
