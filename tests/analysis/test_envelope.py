import numpy as np
import pytest

from musicpractice.analysis.envelope import (
    amplitude_envelope,
    attack_rise_times_s,
    rearticulations,
    sounding_ratios,
)
from musicpractice.core.errors import InvalidParameterError
from tests.signals import SR


def _notes(onsets_s, *, attack_s, length_s, total_s, freq_hz=440.0):
    """Sine notes with a linear attack of ``attack_s`` and a hard stop after ``length_s``."""
    y = np.zeros(int(total_s * SR))
    t = np.arange(int(length_s * SR)) / SR
    shape = np.minimum(1.0, t / attack_s) if attack_s > 0 else np.ones_like(t)
    note = 0.5 * shape * np.sin(2 * np.pi * freq_hz * t)
    for onset in onsets_s:
        i = int(onset * SR)
        y[i:i + len(note)] += note[: len(y) - i]
    return y.astype(np.float32)


@pytest.mark.parametrize("attack_s", [0.005, 0.04, 0.1])
def test_rise_time_matches_a_linear_attack(attack_s):
    onsets = np.arange(0.2, 3.0, 0.5)
    y = _notes(onsets, attack_s=attack_s, length_s=0.4, total_s=3.2)
    rise = attack_rise_times_s(amplitude_envelope(y, SR), onsets)
    # a linear ramp goes from 10 % to 90 % in 80 % of its length
    assert np.nanmedian(rise) == pytest.approx(0.8 * attack_s, abs=0.006)


def test_sounding_ratio_separates_staccato_from_legato():
    onsets = np.arange(0.1, 3.0, 0.5)
    legato = _notes(onsets, attack_s=0.01, length_s=0.5, total_s=3.2)
    staccato = _notes(onsets, attack_s=0.01, length_s=0.2, total_s=3.2)
    r_legato = np.nanmedian(sounding_ratios(amplitude_envelope(legato, SR), onsets))
    r_staccato = np.nanmedian(sounding_ratios(amplitude_envelope(staccato, SR), onsets))
    assert r_legato > 0.95
    assert r_staccato == pytest.approx(0.4, abs=0.05)


def test_envelope_rejects_empty_signal():
    with pytest.raises(InvalidParameterError):
        amplitude_envelope(np.zeros(0, np.float32), SR)


def test_rearticulations_keep_restarts_and_drop_swells():
    t = np.arange(int(2.0 * SR)) / SR
    gain = np.ones_like(t)
    gain[(t > 0.9) & (t < 1.0)] = 0.01  # the sound stops and starts again at 1.0 s
    gain *= 1 + 0.3 * (t > 1.5)  # a swell at 1.5 s
    y = (0.3 * gain * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    kept = rearticulations(amplitude_envelope(y, SR), np.array([1.0, 1.5]))
    np.testing.assert_allclose(kept, [1.0])
