"""Local tempo salience (a tempogram) and the most plausible tempo path through it.

Every ``STEP_S`` seconds an ``WINDOW_S``-long Hann-windowed stretch of the onset envelope
is compared with pulse trains on a logarithmic BPM grid in two ways: its Fourier
magnitude at the pulse frequency (strong at the tempo and its multiples) and its
autocorrelation at the pulse period (strong at the tempo and its fractions). Their
product is strong only where both agree, at the tempo (Peeters 2007). The tempo path is
the Viterbi path through that salience with small tempo steps between neighbouring
windows, so the tempo can drift (accelerando, ritardando) but not jump an octave.
"""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np
import scipy.ndimage

from musicpractice.analysis.frames import frames_between
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report

WINDOW_S = 8.0
"""Length of the analysis window in seconds."""
STEP_S = 0.25
"""Time between tempogram columns in seconds."""
BINS_PER_OCTAVE = 48
"""Resolution of the BPM grid (48 bins per octave = 1.45 % per bin)."""
MAX_STEP_BINS = 2
"""Largest tempo change between neighbouring columns, in bins (about 3 % per STEP_S)."""
STEP_SPREAD_BINS = 0.7
"""Standard deviation of the tempo change between neighbouring columns, in bins."""
WINDOWS_PER_BLOCK = 512


@dataclass(frozen=True)
class Tempogram:
    """Tempo salience over time.

    Attributes
    ----------
    bpm : numpy.ndarray
        The tempo grid in beats per minute, increasing, log-spaced.
    times_s : numpy.ndarray
        Centre of each column in seconds.
    salience : numpy.ndarray
        Shape ``(len(times_s), len(bpm))``, non-negative; how strongly each tempo pulses
        around each time. Columns of silence are zero.
    """

    bpm: np.ndarray
    times_s: np.ndarray
    salience: np.ndarray


def _bpm_grid(min_bpm: float, max_bpm: float) -> np.ndarray:
    """Log-spaced tempi from ``min_bpm`` to ``max_bpm`` (BPM), ``BINS_PER_OCTAVE`` per octave."""
    n = int(np.ceil(BINS_PER_OCTAVE * np.log2(max_bpm / min_bpm))) + 1
    return min_bpm * 2.0 ** (np.arange(n) / BINS_PER_OCTAVE)


def tempogram(
    envelope: np.ndarray,
    hop_s: float,
    *,
    min_bpm: float,
    max_bpm: float,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Tempogram:
    """Fourier x autocorrelation tempogram of an onset envelope.

    Parameters
    ----------
    envelope : numpy.ndarray
        Onset strength, one value every ``hop_s`` seconds.
    hop_s : float
        Envelope hop in seconds.
    min_bpm, max_bpm : float
        Range of the tempo grid in BPM.
    progress, cancel
        See :mod:`musicpractice.core.progress`.
    """
    bpm = _bpm_grid(min_bpm, max_bpm)
    width = round(WINDOW_S / hop_s) | 1
    step = max(1, round(STEP_S / hop_s))
    novelty = _local_novelty(envelope.astype(np.float64), hop_s)
    centres = np.arange(0, len(envelope), step)
    window = np.hanning(width + 2)[1:-1]
    offsets = np.arange(width) * hop_s
    fourier_basis = window[:, None] * np.exp(-2j * np.pi * offsets[:, None] * (bpm / 60.0))
    lags = 60.0 / (bpm * hop_s)
    lag_floor = np.minimum(lags.astype(int), width - 2)
    lag_frac = np.clip(lags - lag_floor, 0.0, 1.0)
    salience = np.zeros((len(centres), len(bpm)))
    for first in range(0, len(centres), WINDOWS_PER_BLOCK):
        check_cancel(cancel)
        block = centres[first: first + WINDOWS_PER_BLOCK]
        segments = frames_between(novelty, first, first + len(block), window=width, hop=step)
        fourier = np.abs(segments @ fourier_basis)
        acf = np.fft.irfft(np.abs(np.fft.rfft(segments * window, n=2 * width, axis=1)) ** 2,
                           axis=1)[:, :width]
        energy = acf[:, :1]
        periodicity = acf[:, lag_floor] * (1 - lag_frac) + acf[:, lag_floor + 1] * lag_frac
        periodicity = np.maximum(periodicity, 0.0) / np.where(energy > 0, energy, 1.0)
        norm = np.sqrt(np.where(energy > 0, energy, 1.0) * width)
        salience[first: first + len(block)] = fourier / norm * periodicity
        report(progress, (first + len(block)) / len(centres), "Measuring tempo")
    return Tempogram(bpm, centres * hop_s, salience)


def _local_novelty(envelope: np.ndarray, hop_s: float) -> np.ndarray:
    """The envelope minus its 1-second moving average, clipped at zero."""
    average = scipy.ndimage.uniform_filter1d(envelope, max(1, round(1.0 / hop_s)), mode="nearest")
    return np.maximum(envelope - average, 0.0)


def tempo_path(gram: Tempogram, weights: np.ndarray) -> np.ndarray:
    """The most plausible smoothly varying tempo at each tempogram column.

    Parameters
    ----------
    gram : Tempogram
        Tempo salience.
    weights : numpy.ndarray
        Prior weight of each BPM-grid tempo, shape ``(len(gram.bpm),)``, positive.

    Returns
    -------
    numpy.ndarray
        Index into ``gram.bpm`` of the tempo at each column.
    """
    n_bins = len(gram.bpm)
    column_peak = gram.salience.max(axis=1, keepdims=True)
    likelihood = gram.salience / np.where(column_peak > 0, column_peak, 1.0)
    likelihood = (likelihood + 1e-3) * weights
    likelihood /= likelihood.sum(axis=1, keepdims=True)
    distance = np.subtract.outer(np.arange(n_bins), np.arange(n_bins))
    transition = np.where(np.abs(distance) <= MAX_STEP_BINS,
                          np.exp(-0.5 * (distance / STEP_SPREAD_BINS) ** 2), 0.0)
    transition /= transition.sum(axis=1, keepdims=True)
    return librosa.sequence.viterbi(likelihood.T, transition)
