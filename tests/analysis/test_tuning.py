import threading

import numpy as np
import pytest

from musicpractice.analysis.tuning import estimate_tuning
from musicpractice.audio.io import load_signal
from musicpractice.core.errors import AudioTooShortError, Cancelled, InvalidParameterError
from tests.signals import SR, harmonic_tone

MELODY_MIDI = (60, 64, 67, 72, 62, 57, 45, 53)


def melody(a4_hz: float, note_s: float = 0.5) -> np.ndarray:
    """Harmonic notes of several pitch classes, tuned to ``a4_hz``."""
    return np.concatenate([harmonic_tone(a4_hz * 2 ** ((m - 69) / 12), note_s) for m in MELODY_MIDI])


@pytest.mark.parametrize("a4_hz", [440.0, 432.0, 445.0, 436.7, 449.9])
def test_synthetic_tuning_within_two_cents(a4_hz):
    est = estimate_tuning(melody(a4_hz), SR)
    assert est.a4_hz == pytest.approx(a4_hz, abs=0.5)
    assert est.deviation_cents == pytest.approx(1200 * np.log2(a4_hz / 440.0), abs=2.0)
    assert est.confidence > 0.8
    assert est.warnings == ()


def test_a_semitone_low_is_indistinguishable_from_440():
    est = estimate_tuning(melody(440.0 * 2 ** (-1 / 12)), SR)
    assert est.a4_hz == pytest.approx(440.0, abs=0.5)


def test_a_quarter_tone_off_is_reported_as_ambiguous():
    est = estimate_tuning(melody(440.0 * 2 ** (50 / 1200)), SR)
    assert abs(est.deviation_cents) == pytest.approx(50.0, abs=2.0)
    assert -50.0 <= est.deviation_cents < 50.0
    assert any("ambiguous" in w for w in est.warnings)


@pytest.mark.parametrize("name", ["Guitar-A4-432-1.ogg", "Guitar-A4-432-2.ogg"])
def test_real_guitar_tuned_to_432(shared_data, name):
    signal = load_signal(shared_data / "tuning" / name)
    est = estimate_tuning(signal.samples, signal.sr)
    assert est.a4_hz == pytest.approx(432.0, abs=1.0)
    assert est.confidence > 0.5


def test_silence_has_no_tuning():
    est = estimate_tuning(np.zeros(SR, np.float32), SR)
    assert est.a4_hz == 440.0 and est.confidence == 0.0
    assert est.warnings


def test_noise_gives_low_confidence_and_a_warning():
    noise = (0.1 * np.random.default_rng(0).standard_normal(3 * SR)).astype(np.float32)
    est = estimate_tuning(noise, SR)
    assert est.confidence < 0.2
    assert est.warnings


def test_progress_reaches_one_and_cancel_stops():
    seen = []
    estimate_tuning(melody(440.0), SR, progress=lambda f, m: seen.append(f))
    assert seen[-1] == 1.0 and all(0.0 <= f <= 1.0 for f in seen)
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        estimate_tuning(melody(440.0), SR, cancel=stop)


@pytest.mark.parametrize("y, sr, error", [
    (np.zeros((2, SR), np.float32), SR, InvalidParameterError),
    (np.full(SR, np.nan, np.float32), SR, InvalidParameterError),
    (np.zeros(SR, np.float32), 0, InvalidParameterError),
    (np.zeros(SR // 10, np.float32), SR, AudioTooShortError),
])
def test_bad_input(y, sr, error):
    with pytest.raises(error):
        estimate_tuning(y, sr)
