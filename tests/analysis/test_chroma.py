import threading

import numpy as np
import pytest

from musicpractice.analysis.chroma import chroma
from musicpractice.core.errors import Cancelled, InvalidParameterError
from tests.signals import SR, harmonic_tone


def tone(midi: float, duration_s: float = 1.0, a4_hz: float = 440.0) -> np.ndarray:
    return harmonic_tone(a4_hz * 2 ** ((midi - 69) / 12), duration_s)


@pytest.mark.parametrize("pitch_class", range(12))
def test_a_note_lands_in_its_pitch_class(pitch_class):
    for octave_midi in (36, 60, 84):
        c = chroma(tone(octave_midi + pitch_class), SR)
        assert np.argmax(c.values.mean(axis=1)) == pitch_class


def test_triad_has_its_three_notes_on_top():
    y = tone(48) + tone(64) + tone(67)  # C3 E4 G4
    mean = chroma(y, SR).values.mean(axis=1)
    assert set(np.argsort(mean)[-3:]) == {0, 4, 7}


def test_tuning_recentres_the_pitch_classes():
    a4_hz = 440.0 * 2 ** (50 / 1200)  # a quarter-tone sharp: halfway between A and Bb at 440
    y = tone(69, a4_hz=a4_hz)
    at_440 = chroma(y, SR).values.mean(axis=1)
    retuned = chroma(y, SR, tuning_hz=a4_hz).values.mean(axis=1)
    assert retuned[9] > 0.95 and retuned[10] < 0.1
    assert at_440[10] == pytest.approx(at_440[9], rel=0.1)  # split evenly between A and Bb


def test_frames_and_times():
    y = tone(60, 2.0)
    c = chroma(y, SR, hop_s=0.1)
    assert c.values.shape == (12, len(c.times_s)) and c.values.dtype == np.float32
    assert c.hop_s == pytest.approx(0.1, abs=1 / SR)
    assert c.times_s[0] == 0.0 and np.allclose(np.diff(c.times_s), c.hop_s)
    assert c.times_s[-1] == pytest.approx(2.0, abs=c.hop_s)
    assert np.all((c.values >= 0) & (c.values <= 1))


def test_silence_is_all_zero():
    c = chroma(np.zeros(SR, np.float32), SR)
    assert not np.any(c.values)


def test_cancel_stops():
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        chroma(tone(60), SR, cancel=stop)


@pytest.mark.parametrize("kwargs", [{"tuning_hz": 300.0}, {"tuning_hz": 500.0}, {"hop_s": 0.0},
                                    {"hop_s": 5.0}])
def test_bad_parameters(kwargs):
    with pytest.raises(InvalidParameterError):
        chroma(tone(60), SR, **kwargs)


def test_bad_signal():
    with pytest.raises(InvalidParameterError):
        chroma(np.zeros((SR, 2), np.float32), SR)
