"""A time map pinned to the notes a follower placed surely.

The alignment engine's time map comes from frame features (chroma, onsets); on a sung line it
can slide over a run of repeated or slurred notes (about 10 % of sung notes more than 100 ms
off). The sung note follower (:mod:`.note_follow`) places each note on its own attack and
steady pitch and is within 100 ms for over 99 % of them. Pinning the time map to the notes it
is sure of puts the barlines, beats and bar tempi where the notes are.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from musicpractice.alignment.timemap import Alignment

MIN_ANCHORS = 4
"""Fewer sure notes than this leave the time map as it is."""


def pinned_to_notes(alignment: Alignment, take_s, ref) -> Alignment:
    """``alignment`` with its time map passing through the given (take, reference) points.

    Parameters
    ----------
    alignment : Alignment
        The engine's alignment of the take.
    take_s, ref : array-like
        (n,) take times in seconds and reference positions (quarter notes) of notes placed
        surely, one attempt of the score (no restarts). Points that would make the map run
        backwards are dropped (the longest increasing chain is kept).

    Returns
    -------
    Alignment
        Between the first and last point, the straight lines through the points (the path
        confidence carried over from the engine's map); before and after, the engine's map
        shifted to join them. With fewer than ``MIN_ANCHORS`` points, ``alignment`` itself.
    """
    take_s = np.asarray(take_s, dtype=float)
    ref = np.asarray(ref, dtype=float)
    keep = np.isfinite(take_s) & np.isfinite(ref)
    take_s, ref = take_s[keep], ref[keep]
    order = np.argsort(ref, kind="stable")
    take_s, ref = take_s[order], ref[order]
    chain = _increasing_chain(take_s, ref)
    if chain.size < MIN_ANCHORS:
        return alignment
    take_s, ref = take_s[chain], ref[chain]
    before = (alignment.ref < ref[0]) & (alignment.take_s < take_s[0])
    after = (alignment.ref > ref[-1]) & (alignment.take_s > take_s[-1])
    # the engine's map outside the pinned stretch, shifted in take time to meet its ends
    head_shift = take_s[0] - float(alignment.take_at([ref[0]])[0])
    tail_shift = take_s[-1] - float(alignment.take_at([ref[-1]])[0])
    head_t = alignment.take_s[before] + (head_shift if np.isfinite(head_shift) else 0.0)
    tail_t = alignment.take_s[after] + (tail_shift if np.isfinite(tail_shift) else 0.0)
    head_ok = head_t < take_s[0]
    tail_ok = tail_t > take_s[-1]
    new_t = np.maximum.accumulate(np.concatenate([head_t[head_ok], take_s, tail_t[tail_ok]]))
    new_ref = np.concatenate([alignment.ref[before][head_ok], ref, alignment.ref[after][tail_ok]])
    confidence = alignment.confidence_at(new_t).astype(np.float32)
    return replace(alignment, take_s=new_t, ref=new_ref, confidence=confidence)


def _increasing_chain(take_s: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Indices of the longest chain strictly increasing in both ``ref`` (sorted already)
    and ``take_s`` (O(n log n) patience sorting)."""
    n = take_s.size
    tails: list[int] = []
    tail_values: list[float] = []
    parent = np.full(n, -1)
    for k in range(n):
        if k and ref[k] <= ref[k - 1]:
            continue  # two notes at one position: keep the first
        pos = int(np.searchsorted(tail_values, take_s[k], side="left"))
        if pos > 0:
            parent[k] = tails[pos - 1]
        if pos == len(tails):
            tails.append(k)
            tail_values.append(float(take_s[k]))
        else:
            tails[pos] = k
            tail_values[pos] = float(take_s[k])
    chain = []
    k = tails[-1] if tails else -1
    while k >= 0:
        chain.append(k)
        k = parent[k]
    return np.array(chain[::-1], dtype=int)
