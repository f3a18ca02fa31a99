import numpy as np
import pytest

from musicpractice.analysis.brightness import measure_brightness
from musicpractice.core.errors import InvalidParameterError
from tests.signals import SR, harmonic_tone


def test_pure_tone_centroid_is_its_frequency():
    t = np.arange(SR) / SR
    y = (0.3 * np.sin(2 * np.pi * 2000 * t)).astype(np.float32)
    b = measure_brightness(y, SR)
    assert b.mean_centroid_hz == pytest.approx(2000, rel=0.02)
    assert b.mean_hf_share > 0.99


def test_more_harmonics_sound_brighter():
    dull = harmonic_tone(220.0, 1.0, decay=0.3)
    bright = harmonic_tone(220.0, 1.0, decay=0.95, n_harmonics=12)
    assert measure_brightness(bright, SR).mean_centroid_hz > 1.5 * measure_brightness(dull, SR).mean_centroid_hz
    assert measure_brightness(bright, SR).mean_hf_share > measure_brightness(dull, SR).mean_hf_share


def test_silence_gives_nan_not_an_error():
    b = measure_brightness(np.zeros(SR, np.float32), SR)
    assert np.isnan(b.mean_centroid_hz) and np.all(np.isnan(b.centroid_hz))


def test_rejects_empty_signal():
    with pytest.raises(InvalidParameterError):
        measure_brightness(np.zeros(0, np.float32), SR)
