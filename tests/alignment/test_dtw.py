"""The banded and subsequence DTW kernels against a plain dynamic programme."""

from __future__ import annotations

import numpy as np

from musicpractice.alignment.dtw import band_around, banded_dtw, full_band, subsequence_dtw


def features(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.random((n, 13)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def reference_dtw(x, y):
    cost = 1.0 - x @ y.T
    d = np.full((x.shape[0] + 1, y.shape[0] + 1), np.inf)
    d[0, 0] = 0.0
    for i in range(1, x.shape[0] + 1):
        for j in range(1, y.shape[0] + 1):
            d[i, j] = cost[i - 1, j - 1] + min(d[i - 1, j - 1], d[i - 1, j], d[i, j - 1])
    return d[-1, -1]


def test_full_band_equals_plain_dtw():
    x, y = features(40, 1), features(55, 2)
    lo, hi = full_band(40, 55)
    pi, pj, total = banded_dtw(x, y, lo, hi, onset_weight=0.0, open_begin=False, open_end=False)
    assert total == np.float32(reference_dtw(x, y)) or abs(total - reference_dtw(x, y)) < 1e-4
    assert (pi[0], pj[0], pi[-1], pj[-1]) == (0, 0, 39, 54)
    steps = np.diff(np.column_stack([pi, pj]), axis=0)
    assert set(map(tuple, steps)) <= {(1, 1), (1, 0), (0, 1)}


def test_band_around_a_path_is_connected_and_contains_it():
    pi = np.array([0, 1, 1, 2, 3, 4])
    pj = np.array([0, 0, 1, 2, 2, 3])
    lo, hi = band_around(pi, pj, 4, 2, 20, 16)
    assert np.all(np.diff(lo) >= 0) and np.all(np.diff(hi) >= 0)
    assert np.all(lo[1:] <= hi[:-1] + 1)
    for i, j in zip(pi, pj):
        assert np.all(lo[i * 4:(i + 1) * 4] <= j * 4 + 3) and np.all(hi[i * 4:(i + 1) * 4] >= j * 4)


def test_subsequence_finds_an_excerpt():
    y = features(200, 3)
    x = np.repeat(y[120:160], 2, axis=0)  # the excerpt played at half speed
    pi, pj, _ = subsequence_dtw(x, y)
    assert abs(pj[0] - 120) <= 1 and abs(pj[-1] - 159) <= 1
    assert np.all(np.diff(pi) >= 0) and np.all(np.diff(pj) >= 0)
