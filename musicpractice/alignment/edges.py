"""Where the shared music starts and ends in two recordings of one piece.

A take may begin with something the reference does not have (a count-in, a tuning note,
a cough, a few words, a longer silence) and end with applause or talk. A DTW forced from
corner to corner maps that onto the reference's first bars and is seconds off there. Here a
coarse DTW may begin anywhere on the grid's first row or column and end anywhere on its
last row or column; every frame it leaves out costs ``skip`` — more than a frame of the same
music costs, less than a frame of other material — so only what matches nothing is left out.
"""

from __future__ import annotations

import numba
import numpy as np

from musicpractice.alignment.dtw import CHROMA_DIMS, _local_cost

SKIP_SHARE = 0.35
"""The skip cost per frame lies this share of the way from the cost of a frame's best match
in the other sequence (median over frames) to the cost of a typical pairing (median)."""
_DIAG, _DOWN, _RIGHT, _START = 0, 1, 2, 3


@numba.njit(cache=True, nogil=True)
def _edge_free(x, y, skip):
    n, m = x.shape[0], y.shape[0]
    steps = np.full((n, m), _START, dtype=np.int8)
    prev = np.full(m, np.inf)
    cur = np.full(m, np.inf)
    best_end, end_i, end_j = np.inf, n - 1, m - 1
    for i in range(n):
        for j in range(m):
            c = _local_cost(x, y, i, j, 0.0)
            best = np.inf
            step = _START
            if i == 0:
                best = skip * j
            elif j == 0:
                best = skip * i
            if i > 0 and j > 0 and prev[j - 1] < best:
                best = prev[j - 1]
                step = _DIAG
            if i > 0 and prev[j] < best:
                best = prev[j]
                step = _DOWN
            if j > 0 and cur[j - 1] < best:
                best = cur[j - 1]
                step = _RIGHT
            cur[j] = best + c
            steps[i, j] = step
            if i == n - 1 and cur[j] + skip * (m - 1 - j) < best_end:
                best_end, end_i, end_j = cur[j] + skip * (m - 1 - j), i, j
        if cur[m - 1] + skip * (n - 1 - i) < best_end:
            best_end, end_i, end_j = cur[m - 1] + skip * (n - 1 - i), i, m - 1
        for j in range(m):
            prev[j] = cur[j]
            cur[j] = np.inf
    i, j = end_i, end_j
    while steps[i, j] != _START:
        step = steps[i, j]
        if step == _DIAG:
            i -= 1
            j -= 1
        elif step == _DOWN:
            i -= 1
        else:
            j -= 1
    return i, end_i, j, end_j


def skip_cost(x: np.ndarray, y: np.ndarray) -> float:
    """Cost per frame of leaving a frame out (see ``SKIP_SHARE``)."""
    best = np.empty(x.shape[0])
    typical = np.empty(x.shape[0])
    chroma_x, chroma_y = x[:, :CHROMA_DIMS], y[:, :CHROMA_DIMS]
    for a in range(0, x.shape[0], 1024):
        rows = 1.0 - chroma_x[a:a + 1024] @ chroma_y.T
        best[a:a + 1024] = rows.min(axis=1)
        typical[a:a + 1024] = np.median(rows, axis=1)
    matched, usual = float(np.median(best)), float(np.median(typical))
    return matched + SKIP_SHARE * max(usual - matched, 0.0)


def shared_music(x: np.ndarray, y: np.ndarray) -> tuple[tuple[int, int], tuple[int, int]]:
    """First and last frames of ``x`` and of ``y`` that hold music the other also plays.

    Parameters
    ----------
    x, y : numpy.ndarray
        float32 (n, d) and (m, d) coarse feature rows, the first ``CHROMA_DIMS`` columns
        unit-length (chroma and silence); n * m cells are visited (keep it to a few million).

    Returns
    -------
    (x_first, x_last), (y_first, y_last) : tuple of int
        Inclusive frame ranges; at least one sequence keeps its first frame and at least
        one its last (a path from edge to edge).
    """
    x = np.ascontiguousarray(x, dtype=np.float32)
    y = np.ascontiguousarray(y, dtype=np.float32)
    i0, i1, j0, j1 = _edge_free(x, y, skip_cost(x, y))
    return (int(i0), int(i1)), (int(j0), int(j1))
