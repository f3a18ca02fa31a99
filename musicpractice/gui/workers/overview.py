"""Display data of a take's audio: a min/max pyramid and a downsampled spectrogram.

Both are computed once on a worker thread; drawing then only slices them, so an
hour-long take draws as fast as a short one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.core.progress import CancelToken, check_cancel

BASE_BIN = 16
"""Samples per bin of the finest pyramid level."""
FACTOR = 4
"""Each coarser level merges this many bins."""
SPEC_N_FFT = 1024
SPEC_HOP = 256
SPEC_MAX_COLUMNS = 2000
SPEC_FMAX_HZ = 5000.0
SPEC_FLOOR_DB = -80.0


@dataclass(frozen=True)
class MinMaxPyramid:
    """Per-bin minima and maxima of the samples at successively coarser bin sizes.

    Attributes
    ----------
    sr : int
        Sample rate of the samples, Hz.
    bin_sizes : tuple of int
        Samples per bin of each level, finest first.
    mins, maxs : tuple of numpy.ndarray
        Per-level bin minima and maxima (float32).
    """

    sr: int
    bin_sizes: tuple[int, ...]
    mins: tuple[np.ndarray, ...]
    maxs: tuple[np.ndarray, ...]

    def envelope(self, start_s: float, end_s: float, max_bins: int) -> tuple[np.ndarray, np.ndarray]:
        """A zig-zag polyline ``(times_s, values)`` tracing min and max of each bin in view.

        The finest level with at most ``max_bins`` bins between ``start_s`` and ``end_s``
        is used, so the line always has about one vertical stroke per pixel.
        """
        span = max(end_s - start_s, 1.0 / self.sr)
        level = len(self.bin_sizes) - 1
        for i, size in enumerate(self.bin_sizes):
            if span * self.sr / size <= max_bins:
                level = i
                break
        size = self.bin_sizes[level]
        mins, maxs = self.mins[level], self.maxs[level]
        lo = max(0, int(start_s * self.sr / size) - 1)
        hi = min(len(mins), int(end_s * self.sr / size) + 2)
        if hi <= lo:
            return np.zeros(0), np.zeros(0)
        times = (np.arange(lo, hi) + 0.5) * size / self.sr
        values = np.empty(2 * (hi - lo), dtype=np.float32)
        values[0::2], values[1::2] = mins[lo:hi], maxs[lo:hi]
        return np.repeat(times, 2), values


def min_max_pyramid(samples: np.ndarray, sr: int, *, cancel: CancelToken | None = None) -> MinMaxPyramid:
    """Build the pyramid of a mono signal (levels down to about 1000 bins)."""
    samples = np.asarray(samples, dtype=np.float32)
    n = len(samples) // BASE_BIN * BASE_BIN
    if n == 0:
        padded = np.zeros(BASE_BIN, np.float32)
        padded[: len(samples)] = samples
        samples, n = padded, BASE_BIN
    blocks = samples[:n].reshape(-1, BASE_BIN)
    mins, maxs, sizes = [blocks.min(axis=1)], [blocks.max(axis=1)], [BASE_BIN]
    while len(mins[-1]) > 1000:
        check_cancel(cancel)
        m = len(mins[-1]) // FACTOR * FACTOR
        if m == 0:
            break
        mins.append(mins[-1][:m].reshape(-1, FACTOR).min(axis=1))
        maxs.append(maxs[-1][:m].reshape(-1, FACTOR).max(axis=1))
        sizes.append(sizes[-1] * FACTOR)
    return MinMaxPyramid(int(sr), tuple(sizes), tuple(mins), tuple(maxs))


@dataclass(frozen=True)
class DisplaySpectrogram:
    """A magnitude spectrogram for drawing.

    Attributes
    ----------
    db : numpy.ndarray
        Level in dB relative to the loudest cell, shape (columns, bins), floored at
        ``SPEC_FLOOR_DB``.
    column_s : float
        Seconds per column.
    fmax_hz : float
        Frequency of the top of the last bin.
    """

    db: np.ndarray
    column_s: float
    fmax_hz: float


def display_spectrogram(samples: np.ndarray, sr: int, *,
                        cancel: CancelToken | None = None) -> DisplaySpectrogram:
    """Spectrogram up to 5 kHz with at most ``SPEC_MAX_COLUMNS`` columns (max-pooled)."""
    samples = np.asarray(samples, dtype=np.float32)
    n_frames = max(1, 1 + (len(samples) - SPEC_N_FFT) // SPEC_HOP)
    pool = max(1, int(np.ceil(n_frames / SPEC_MAX_COLUMNS)))
    n_bins = int(SPEC_FMAX_HZ / sr * SPEC_N_FFT) + 1
    n_bins = min(n_bins, SPEC_N_FFT // 2 + 1)
    window = np.hanning(SPEC_N_FFT).astype(np.float32)
    padded = np.pad(samples, (0, max(0, SPEC_N_FFT - len(samples))))
    columns = []
    chunk = 512 * pool
    for start in range(0, n_frames, chunk):
        check_cancel(cancel)
        stop = min(n_frames, start + chunk)
        index = np.arange(start, stop)[:, None] * SPEC_HOP + np.arange(SPEC_N_FFT)[None, :]
        power = np.abs(np.fft.rfft(padded[index] * window, axis=1)[:, :n_bins]) ** 2
        m = len(power) // pool * pool
        pooled = power[:m].reshape(-1, pool, n_bins).max(axis=1) if m else power[:0]
        if len(power) > m:
            pooled = np.vstack([pooled, power[m:].max(axis=0, keepdims=True)])
        columns.append(pooled)
    power = np.vstack(columns)
    db = 10 * np.log10(np.maximum(power, 1e-12) / max(float(power.max()), 1e-12))
    return DisplaySpectrogram(np.maximum(db, SPEC_FLOOR_DB).astype(np.float32),
                              pool * SPEC_HOP / sr, n_bins * sr / SPEC_N_FFT)
