import math

import numpy as np
import pytest

from musicpractice.gui.workers.live_pitch import TappedMeter, live_note

SR = 44_100


def test_ring_keeps_the_latest_audio_in_order_across_wraps():
    meter = TappedMeter(SR, seconds=0.01)  # 441 samples
    ramp = np.arange(2000, dtype=np.float32)
    for start in range(0, 2000, 300):
        meter.update(ramp[start:start + 300, None])
    assert np.array_equal(meter.recent(), ramp[-441:])
    assert meter.blocks == 7  # still a level meter
    meter.update(np.arange(5000, dtype=np.float32)[:, None])  # a block longer than the ring
    assert np.array_equal(meter.recent(), np.arange(5000 - 441, 5000, dtype=np.float32))


@pytest.mark.parametrize("freq_hz, name, cents", [(440.0, "A4", 0.0), (446.0, "A4", 23.5),
                                                  (261.63, "C4", 0.0), (155.0, "Eb3", -6.2)])
def test_live_note_of_a_sung_tone(freq_hz, name, cents):
    t = np.arange(int(0.3 * SR)) / SR
    y = sum(0.5 ** k * np.sin(2 * np.pi * freq_hz * (k + 1) * t) for k in range(5))
    note = live_note((0.2 * y).astype(np.float32), SR)
    assert note.name == name
    assert note.cents == pytest.approx(cents, abs=3)
    assert note.freq_hz == pytest.approx(freq_hz, rel=0.005)


def test_silence_and_noise_give_no_note():
    assert live_note(np.zeros(SR // 3, np.float32), SR).name == ""
    noise = np.random.default_rng(0).standard_normal(SR // 3).astype(np.float32) * 0.2
    note = live_note(noise, SR)
    assert note.name == "" and math.isnan(note.cents)
    assert live_note(np.zeros(100, np.float32), SR).name == ""
