"""Damaged and implausible audio files: what decodes is kept, nothing overflows, damage is
reported (issue 17, part 3)."""

from __future__ import annotations

import os

import numpy as np
import pytest
import soundfile as sf

from musicpractice.audio.io import load_signal
from musicpractice.core.errors import AudioFileError
from tests.limits import bounded  # noqa: F401  (the fixture below)

pytestmark = pytest.mark.usefixtures("bounded")

SR = 22_050


def _tone(seconds: float = 3.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.3 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)


def test_a_damaged_flac_block_keeps_the_audio_around_it(tmp_path):
    path = tmp_path / "tone.flac"
    sf.write(path, _tone(), SR)
    data = bytearray(path.read_bytes())
    start = len(data) // 3
    for k in range(start, start + 200):  # garble 200 bytes inside the first 65,536-frame block
        data[k] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(sf.LibsndfileError):  # the truth: a whole-block read fails here
        with sf.SoundFile(path) as handle:
            handle.read(1 << 16)
    signal = load_signal(path)
    assert signal.duration_s == pytest.approx(3.0, abs=0.01)  # times after the damage hold
    assert len(signal.warnings) == 1 and "damaged at 0.9 s" in signal.warnings[0]
    t = np.arange(len(signal.samples)) / SR
    good = (t < 0.8) | (t > 1.5)
    expected = 0.3 * np.sin(2 * np.pi * 440.0 * t)
    assert np.max(np.abs(signal.samples[good] - expected[good])) < 1e-3
    assert np.all(signal.samples[(t > 0.95) & (t < 1.2)] == 0.0)  # the gap is silence


def test_a_truncated_wav_is_read_with_a_warning(tmp_path):
    path = tmp_path / "cut.wav"
    sf.write(path, _tone(), SR, subtype="PCM_16")
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    signal = load_signal(path)
    assert signal.duration_s == pytest.approx(1.5, abs=0.01)
    assert any("cut short" in w and "50 %" in w for w in signal.warnings)
    whole = tmp_path / "whole.wav"
    sf.write(whole, _tone(), SR, subtype="PCM_16")
    assert load_signal(whole).warnings == ()


def test_float_samples_far_beyond_full_scale_are_scaled_without_overflow(tmp_path):
    path = tmp_path / "huge.wav"
    y = _tone(2.0).astype(np.float64) / 0.3 * 1e30
    y[100] = np.nan
    sf.write(path, y.astype(np.float32), SR, subtype="FLOAT")
    with np.errstate(all="raise"):
        signal = load_signal(path)
    assert np.isfinite(signal.samples).all()
    assert signal.peak_dbfs == pytest.approx(-6.02, abs=0.05)
    assert len(signal.warnings) == 1 and "1e+30 times full scale" in signal.warnings[0] \
        and "not numbers" in signal.warnings[0]
    assert signal.samples[100] == 0.0


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_fifos_and_devices_are_refused_by_what_they_are(tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "pipe.wav"
        os.mkfifo(path)
        expected = "pipe.wav is a FIFO"
    else:
        path, expected = "/dev/zero", "zero is a device"
    with pytest.raises(AudioFileError, match=expected):
        load_signal(path)
