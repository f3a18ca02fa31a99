import numpy as np
import pytest

from musicpractice.core.errors import Cancelled
from musicpractice.gui.workers.overview import (
    BASE_BIN,
    SPEC_FLOOR_DB,
    display_spectrogram,
    min_max_pyramid,
)


def test_pyramid_envelope_holds_the_true_extremes_of_each_bin():
    rng = np.random.default_rng(1)
    sr = 8000
    y = rng.uniform(-0.5, 0.5, sr * 60).astype(np.float32)
    y[123_457] = 0.99
    y[400_001] = -0.97
    pyramid = min_max_pyramid(y, sr)
    assert pyramid.bin_sizes[0] == BASE_BIN
    assert len(pyramid.mins[-1]) <= 1000
    _times, values = pyramid.envelope(0.0, 60.0, 500)
    assert values.max() == pytest.approx(0.99)
    assert values.min() == pytest.approx(-0.97)
    assert len(values) <= 2 * 500 + 8


def test_envelope_zoomed_in_uses_the_finest_level():
    sr = 8000
    y = np.sin(2 * np.pi * 5 * np.arange(sr * 10) / sr).astype(np.float32)
    pyramid = min_max_pyramid(y, sr)
    times, _values = pyramid.envelope(1.0, 1.1, 2000)
    assert np.all(np.diff(times[::2]) == pytest.approx(BASE_BIN / sr))
    assert times.min() >= 1.0 - 2 * BASE_BIN / sr and times.max() <= 1.1 + 3 * BASE_BIN / sr


def test_tiny_signal_still_makes_a_pyramid():
    pyramid = min_max_pyramid(np.array([0.1, -0.2], np.float32), 8000)
    _, values = pyramid.envelope(0, 1, 100)
    assert values.min() == pytest.approx(-0.2) and values.max() == pytest.approx(0.1)


def test_spectrogram_peaks_at_the_tone_and_is_pooled():
    sr = 22050
    y = np.sin(2 * np.pi * 1000 * np.arange(sr * 200) / sr).astype(np.float32)
    spec = display_spectrogram(y, sr)
    assert spec.db.shape[0] <= 2000
    peak_hz = np.argmax(spec.db.mean(axis=0)) * spec.fmax_hz / spec.db.shape[1]
    assert peak_hz == pytest.approx(1000, abs=30)
    assert spec.db.max() == 0.0 and spec.db.min() >= SPEC_FLOOR_DB
    assert spec.column_s * spec.db.shape[0] == pytest.approx(200, rel=0.01)


def test_spectrogram_honours_cancel():
    class Set:
        def is_set(self):
            return True
    with pytest.raises(Cancelled):
        display_spectrogram(np.zeros(22050 * 5, np.float32), 22050, cancel=Set())
