"""The filters of the loudness meter (ITU-R BS.1770-4): the K-weighting (pre-filter and
RLB high-pass) at any sample rate, and the true-peak meter's oversampling interpolator.
See :mod:`musicpractice.analysis.loudness` for the measurement they serve."""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import firwin, kaiserord

from musicpractice.analysis.signal import check_sample_rate

MIN_SAMPLE_RATE_HZ = 8_000
MAX_SAMPLE_RATE_HZ = 192_000
TRUE_PEAK_REJECTION_DB = 50.0
"""Image rejection of the true-peak interpolator: peaks read at most 0.03 dB off."""
TRUE_PEAK_TRANSITION = 0.3
"""Transition band of the true-peak interpolator, as a fraction of the input's Nyquist
frequency, centred on it (pass band to 85 %, stop band from 115 %)."""
TRUE_PEAK_CHUNK_FRAMES = 4096
"""Frames the true-peak meter skips at once when they cannot raise the peak."""
BS1770_TABLE_RATE_HZ = 48_000
"""The rate at which BS.1770 tabulates the K-weighting coefficients."""

# Analog prototypes of the K-weighting filters (libebur128's derivation of BS.1770's
# 48 kHz coefficients).
_SHELF_CENTRE_HZ = 1681.974450955533
_SHELF_GAIN_DB = 3.999843853973347
_SHELF_Q = 0.7071752369554196
_SHELF_BAND_EXPONENT = 0.4996667741545416
_HIGHPASS_CENTRE_HZ = 38.13547087602444
_HIGHPASS_Q = 0.5003270373238773


def k_weighting_sos(sample_rate_hz: int) -> np.ndarray:
    """K-weighting filter at ``sample_rate_hz`` as second-order sections.

    Returns
    -------
    numpy.ndarray
        Shape (2, 6): the pre-filter (high shelf) and the RLB high-pass, in the layout of
        :func:`scipy.signal.sosfilt`.
    """
    sample_rate_hz = check_sample_rate(sample_rate_hz, min_sr_hz=MIN_SAMPLE_RATE_HZ, max_sr_hz=MAX_SAMPLE_RATE_HZ)
    k = math.tan(math.pi * _SHELF_CENTRE_HZ / sample_rate_hz)
    v_high = 10.0 ** (_SHELF_GAIN_DB / 20.0)
    v_band = v_high ** _SHELF_BAND_EXPONENT
    a0 = 1.0 + k / _SHELF_Q + k * k
    shelf = [
        (v_high + v_band * k / _SHELF_Q + k * k) / a0,
        2.0 * (k * k - v_high) / a0,
        (v_high - v_band * k / _SHELF_Q + k * k) / a0,
        1.0,
        2.0 * (k * k - 1.0) / a0,
        (1.0 - k / _SHELF_Q + k * k) / a0,
    ]
    a0 = _highpass_a0(sample_rate_hz)
    k = math.tan(math.pi * _HIGHPASS_CENTRE_HZ / sample_rate_hz)
    # The table's numerator (1, -2, 1) is not normalised, which gives the high-pass a
    # pass-band gain of a0 (+0.04 dB at 48 kHz, +0.26 dB at 8 kHz if left so); scaling it
    # by a0(48 kHz) / a0 keeps the table's exact gain at every rate.
    gain = _highpass_a0(BS1770_TABLE_RATE_HZ) / a0
    highpass = [gain, -2.0 * gain, gain,
                1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / _HIGHPASS_Q + k * k) / a0]
    return np.array([shelf, highpass])


def _highpass_a0(sample_rate_hz: int) -> float:
    k = math.tan(math.pi * _HIGHPASS_CENTRE_HZ / sample_rate_hz)
    return 1.0 + k / _HIGHPASS_Q + k * k


class TruePeakMeter:
    """Highest absolute value between samples, by polyphase oversampling (streaming)."""

    def __init__(self, sample_rate_hz: int, channels: int) -> None:
        self.peak = 0.0
        self._factor = 4 if sample_rate_hz < 96_000 else 2 if sample_rate_hz < 192_000 else 1
        if self._factor == 1:
            return
        taps, beta = kaiserord(TRUE_PEAK_REJECTION_DB, TRUE_PEAK_TRANSITION / self._factor)
        taps_per_phase = -(-taps // self._factor)
        # One tap short of a whole number per phase, padded with a zero: an odd length,
        # hence a delay of a whole number of output samples, so the oversampled grid
        # contains the original sampling instants.
        h = self._factor * firwin(taps_per_phase * self._factor - 1, 1.0 / self._factor,
                                  window=("kaiser", beta))
        h = np.append(h, 0.0)
        self._phases = h.reshape(taps_per_phase, self._factor).T
        self._history = np.zeros((taps_per_phase - 1, channels))
        # No interpolated value exceeds the largest input it is made of times this bound.
        self._gain_bound = float(np.abs(self._phases).sum(axis=1).max())

    def feed(self, x: np.ndarray) -> None:
        """Measure the next ``(frames, channels)`` float64 block."""
        if self._factor == 1:
            return
        self.peak = max(self.peak, float(np.max(np.abs(x))))
        padded = np.concatenate([self._history, x])
        context = len(self._history)
        for channel in padded.T:
            for start in range(0, len(x), TRUE_PEAK_CHUNK_FRAMES):
                # Output j is made of padded[j : j + context + 1].
                piece = channel[start:min(len(x), start + TRUE_PEAK_CHUNK_FRAMES) + context]
                if float(np.max(np.abs(piece))) * self._gain_bound <= self.peak:
                    continue  # cannot raise the peak: skip the costly interpolation
                for phase in self._phases:
                    interpolated = np.convolve(piece, phase, mode="valid")
                    self.peak = max(self.peak, float(np.max(np.abs(interpolated))))
        self._history = padded[len(padded) - context:]
