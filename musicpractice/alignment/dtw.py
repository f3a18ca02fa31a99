"""Multiscale banded dynamic time warping whose memory grows linearly with length.

The coarsest level (a few frames per second) is aligned with a full DTW; each finer
level only explores a band around the path found one level up (the idea of FastDTW and
of Müller's multiscale DTW). Local costs are computed on the fly from the features, so
no cost matrix is ever stored: a band holds one byte per cell for backtracking and two
rows of accumulated cost.

Steps are (1, 1), (1, 0) and (0, 1); the diagonal step is weighted ``DIAGONAL_WEIGHT``
(the horizontal and vertical steps 1), so that a path moving at the pace of both
sequences is not penalised against a staircase.
"""

from __future__ import annotations

import numba
import numpy as np
from scipy.ndimage import maximum_filter1d, minimum_filter1d

DIAGONAL_WEIGHT = 1.0
CHROMA_DIMS = 13
"""Columns compared by cosine: 12 pitch classes plus one "silence" column."""
_DIAG, _DOWN, _RIGHT, _START = 0, 1, 2, 3


@numba.njit(cache=True, nogil=True)
def _local_cost(x, y, i, j, onset_weight):
    dot = 0.0
    for k in range(CHROMA_DIMS):
        dot += x[i, k] * y[j, k]
    cost = 1.0 - dot
    if onset_weight > 0.0:
        s = 0.0
        for k in range(CHROMA_DIMS, x.shape[1]):
            d = x[i, k] - y[j, k]
            s += d * d
        cost += onset_weight * np.sqrt(s)
    return cost


@numba.njit(cache=True, nogil=True)
def _banded(x, y, lo, hi, onset_weight, diagonal_weight, open_begin, open_end):
    n = x.shape[0]
    width = hi - lo + 1
    offsets = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        offsets[i + 1] = offsets[i] + width[i]
    steps = np.empty(offsets[n], dtype=np.int8)
    max_w = 0
    for i in range(n):
        if width[i] > max_w:
            max_w = width[i]
    prev = np.full(max_w, np.inf)
    cur = np.full(max_w, np.inf)
    for i in range(n):
        for jj in range(width[i]):
            j = lo[i] + jj
            c = _local_cost(x, y, i, j, onset_weight)
            best = np.inf
            step = _START
            if i == 0:
                if open_begin or j == 0:
                    best = c
            else:
                pj = j - 1 - lo[i - 1]
                if 0 <= pj < width[i - 1]:
                    v = prev[pj] + diagonal_weight * c
                    if v < best:
                        best = v
                        step = _DIAG
                pj = j - lo[i - 1]
                if 0 <= pj < width[i - 1]:
                    v = prev[pj] + c
                    if v < best:
                        best = v
                        step = _DOWN
            if jj > 0:
                v = cur[jj - 1] + c
                if v < best:
                    best = v
                    step = _RIGHT
            cur[jj] = best
            steps[offsets[i] + jj] = step
        for jj in range(width[i]):
            prev[jj] = cur[jj]
            cur[jj] = np.inf
    # end point
    i = n - 1
    if open_end:
        jj_best = 0
        for jj in range(width[i]):
            if prev[jj] < prev[jj_best]:
                jj_best = jj
        j = lo[i] + jj_best
    else:
        j = hi[i]
    total = prev[j - lo[i]]
    path_i = np.empty(n + y.shape[0], dtype=np.int64)
    path_j = np.empty(n + y.shape[0], dtype=np.int64)
    k = 0
    while True:
        path_i[k] = i
        path_j[k] = j
        k += 1
        step = steps[offsets[i] + j - lo[i]]
        if step == _START:
            break
        if step == _DIAG:
            i -= 1
            j -= 1
        elif step == _DOWN:
            i -= 1
        else:
            j -= 1
    return path_i[:k][::-1].copy(), path_j[:k][::-1].copy(), total


def banded_dtw(x: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray, *,
               onset_weight: float, open_begin: bool, open_end: bool):
    """DTW of feature rows ``x`` (take) against ``y`` (reference) inside a band.

    Parameters
    ----------
    x, y : numpy.ndarray
        float32 (n, d) and (m, d): the first ``CHROMA_DIMS`` columns unit-length (chroma
        and silence), then onset features.
    lo, hi : numpy.ndarray
        int64 (n,): first and last reference frame allowed for each take frame.
    onset_weight : float
        Weight of the onset-feature distance against the chroma distance.
    open_begin, open_end : bool
        Let the path start / end anywhere in the reference (subsequence alignment).

    Returns
    -------
    path_i, path_j : numpy.ndarray
        The warping path (take frames, reference frames), both non-decreasing.
    total_cost : float
    """
    if not open_begin:
        lo = lo.copy()
        lo[0] = 0
    if not open_end:
        hi = hi.copy()
        hi[-1] = y.shape[0] - 1
    return _banded(np.ascontiguousarray(x, dtype=np.float32),
                   np.ascontiguousarray(y, dtype=np.float32), lo.astype(np.int64),
                   hi.astype(np.int64), float(onset_weight), DIAGONAL_WEIGHT,
                   bool(open_begin), bool(open_end))


def full_band(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The band covering the whole (n, m) grid."""
    return np.zeros(n, dtype=np.int64), np.full(n, m - 1, dtype=np.int64)


def band_around(path_i: np.ndarray, path_j: np.ndarray, factor: float, radius: int,
                n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Band at a ``factor`` times finer level around a coarse path, widened by ``radius``.

    ``factor`` is the exact ratio of the two levels' frame lengths (4.5 from 9 to 2
    frames per coarse frame): rounding it down would make the band drift away from the
    path by a share of the elapsed time (seconds off after five minutes).

    Returns
    -------
    lo, hi : numpy.ndarray
        First and last reference frame allowed for each of the ``n`` finer take frames;
        both non-decreasing, so the band is connected.
    """
    coarse_n = int(path_i.max()) + 1
    c_lo = np.full(coarse_n, np.iinfo(np.int64).max, dtype=np.int64)
    c_hi = np.full(coarse_n, -1, dtype=np.int64)
    np.minimum.at(c_lo, path_i, path_j)
    np.maximum.at(c_hi, path_i, path_j)
    rows = np.minimum(np.floor(np.arange(n) / factor).astype(np.int64), coarse_n - 1)
    lo = np.floor(c_lo[rows] * factor).astype(np.int64)
    hi = np.ceil((c_hi[rows] + 1) * factor).astype(np.int64) - 1
    if radius > 0:
        lo = minimum_filter1d(lo, 2 * radius + 1, mode="nearest") - radius
        hi = maximum_filter1d(hi, 2 * radius + 1, mode="nearest") + radius
    lo = np.minimum.accumulate(np.clip(lo, 0, m - 1)[::-1])[::-1]
    hi = np.maximum.accumulate(np.clip(hi, 0, m - 1))
    return lo.astype(np.int64), hi.astype(np.int64)


@numba.njit(cache=True, nogil=True)
def _subsequence(x, y, onset_weight):
    n, m = x.shape[0], y.shape[0]
    steps = np.full((n, m), _START, dtype=np.int8)
    rows = np.full((3, m), np.inf)
    for i in range(n):
        cur = rows[i % 3]
        p1 = rows[(i - 1) % 3]
        p2 = rows[(i - 2) % 3]
        for j in range(m):
            c = _local_cost(x, y, i, j, onset_weight)
            if i == 0:
                cur[j] = c
                continue
            best = np.inf
            step = _START
            if j >= 1 and p1[j - 1] + c < best:
                best = p1[j - 1] + c
                step = 0
            if i >= 2 and j >= 1 and p2[j - 1] + 2.0 * c < best:
                best = p2[j - 1] + 2.0 * c
                step = 1
            if j >= 2 and p1[j - 2] + c < best:
                best = p1[j - 2] + c
                step = 2
            if i == 1 and j == 0:
                best = p1[0] + c
                step = 1
            cur[j] = best
            steps[i, j] = step
        if i == 0:
            for j in range(m):
                rows[1][j] = np.inf
                rows[2][j] = np.inf
    last = rows[(n - 1) % 3]
    j = 0
    for jj in range(m):
        if last[jj] < last[j]:
            j = jj
    total = last[j]
    i = n - 1
    path_i = np.empty(2 * n + 2 * m, dtype=np.int64)
    path_j = np.empty(2 * n + 2 * m, dtype=np.int64)
    k = 0
    while True:
        path_i[k] = i
        path_j[k] = j
        k += 1
        step = steps[i, j]
        if step == _START or i == 0:
            break
        if step == 0:
            i -= 1
            j -= 1
        elif step == 1:
            path_i[k] = i - 1
            path_j[k] = j
            k += 1
            i -= 2
            j -= 1
        else:
            path_i[k] = i
            path_j[k] = j - 1
            k += 1
            i -= 1
            j -= 2
        if i < 0:
            i = 0
        if j < 0:
            j = 0
    return path_i[:k][::-1].copy(), path_j[:k][::-1].copy(), total


def subsequence_dtw(x: np.ndarray, y: np.ndarray, *, onset_weight: float = 0.0):
    """Find the take ``x`` inside the reference ``y`` (full grid, for coarse levels).

    The steps (1, 1), (2, 1) and (1, 2) are weighted by the take frames they advance, so
    the total cost grows with the take's length only: covering more of the reference is
    not penalised, as long as the take's pace is within half and twice the reference's.

    Returns
    -------
    path_i, path_j : numpy.ndarray
    total_cost : float
        Sum of the local costs, weighted per take frame.
    """
    return _subsequence(np.ascontiguousarray(x, dtype=np.float32),
                        np.ascontiguousarray(y, dtype=np.float32), float(onset_weight))
