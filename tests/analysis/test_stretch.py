import threading

import numpy as np
import pytest

from musicpractice.analysis.stretch import time_stretch
from musicpractice.core.errors import Cancelled, InvalidParameterError
from tests.signals import harmonic_tone

SR = 22_050


def _pitch_hz(y, sr):
    spectrum = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    return np.argmax(spectrum) * sr / len(y)


@pytest.mark.parametrize("speed", [0.5, 0.75, 0.9])
def test_slower_keeps_the_pitch_and_scales_the_length(speed):
    y = harmonic_tone(330.0, 3.0)
    out = time_stretch(y, SR, speed=speed)
    assert len(out.samples) == round(len(y) / speed)
    assert out.speed == speed and out.sr == SR
    middle = out.samples[len(out.samples) // 2 - SR // 2: len(out.samples) // 2 + SR // 2]
    assert _pitch_hz(middle, SR) == pytest.approx(330.0, abs=2.0)
    level = np.sqrt(np.mean(middle ** 2)) / np.sqrt(np.mean(y[SR:2 * SR] ** 2))
    assert 0.7 < level < 1.3


def test_clicks_move_to_the_slowed_times():
    y = np.zeros(SR * 4, np.float32)
    onsets_s = [0.5, 1.5, 2.5]
    for t in onsets_s:
        i = int(t * SR)
        y[i: i + 2000] = np.sin(2 * np.pi * 880 * np.arange(2000) / SR) * np.hanning(4000)[2000:]
    out = time_stretch(y, SR, speed=0.5).samples
    env = np.abs(out)
    for t in onsets_s:
        window = env[int((t / 0.5 - 0.2) * SR): int((t / 0.5 + 0.2) * SR)]
        assert window.max() > 0.2, f"no click near {t / 0.5} s"
    quiet = env[int(2.0 * SR): int(2.6 * SR)]
    assert quiet.max() < 0.05


def test_long_signal_has_no_seam_between_blocks():
    y = harmonic_tone(220.0, 70.0)  # longer than one block of frames
    out = time_stretch(y, SR, speed=0.5).samples
    frame = SR // 20
    rms = np.sqrt(np.mean(out[SR: len(out) - SR][: (len(out) - 2 * SR) // frame * frame]
                          .reshape(-1, frame) ** 2, axis=1))
    assert rms.min() > 0.6 * np.median(rms)


def test_full_speed_returns_the_input():
    y = harmonic_tone(440.0, 0.5)
    assert np.array_equal(time_stretch(y, SR, speed=1.0).samples, y)


def test_progress_and_cancel():
    seen = []
    time_stretch(harmonic_tone(440.0, 1.0), SR, speed=0.8, progress=lambda f, m: seen.append(f))
    assert seen[-1] == 1.0
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        time_stretch(harmonic_tone(440.0, 1.0), SR, speed=0.8, cancel=cancel)


@pytest.mark.parametrize("kwargs", [{"speed": 0.4}, {"speed": 1.2}, {"speed": "slow"}])
def test_bad_speed(kwargs):
    with pytest.raises(InvalidParameterError, match="speed"):
        time_stretch(np.zeros(100, np.float32), SR, **kwargs)


def test_bad_rate_and_stereo():
    with pytest.raises(InvalidParameterError, match="sample rate"):
        time_stretch(np.zeros(100, np.float32), 0, speed=0.5)
    with pytest.raises(InvalidParameterError, match="one channel"):
        time_stretch(np.zeros((100, 2), np.float32), SR, speed=0.5)
