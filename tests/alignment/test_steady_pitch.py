"""A sung note's pitch centre and its precision (steady_pitch), and the singer's vibrato
period (sung_segments.vibrato_period_s), on pitch curves with exact truth."""

from __future__ import annotations

import numpy as np
import pytest

from musicpractice.alignment.steady_pitch import singer_vibrato_hz, steady_pitch
from musicpractice.alignment.sung_segments import STEP_WINDOW_S, vibrato_period_s
from musicpractice.analysis.melody import PitchTrack

HOP_S = 0.01


def _f0(centre_cents: float, *, seconds: float, vibrato_cents: float = 50.0,
        vibrato_hz: float = 6.3, phase: float = 0.7, noise_cents: float = 0.0,
        seed: int = 0) -> np.ndarray:
    """f0 (Hz) around A4 + ``centre_cents`` with a sinusoidal vibrato and tracker noise."""
    t = np.arange(int(round(seconds / HOP_S))) * HOP_S
    rng = np.random.default_rng(seed)
    cents = (centre_cents + vibrato_cents * np.sin(2 * np.pi * vibrato_hz * t + phase)
             + noise_cents * rng.standard_normal(t.size))
    return 440.0 * 2.0 ** (cents / 1200.0)


def test_the_centre_of_a_long_note_with_a_wide_vibrato_within_a_cent():
    for rate, phase in ((4.6, 0.3), (6.3, 2.0), (7.8, 4.0)):
        pitch = steady_pitch(_f0(-37.0, seconds=0.8, vibrato_hz=rate, phase=phase),
                             hop_s=HOP_S)
        assert 100 * (pitch.centre_semitones - 69.0) == pytest.approx(-37.0, abs=1.0)
        assert pitch.vibrato_hz == pytest.approx(rate, abs=0.3)
        assert pitch.vibrato_cents == pytest.approx(50.0, abs=5.0)
        assert pitch.sd_cents < 6.0  # A / (sqrt(2) pi f T) of a part cycle
        longer = steady_pitch(_f0(-37.0, seconds=1.6, vibrato_hz=rate), hop_s=HOP_S)
        assert longer.sd_cents < 0.6 * pitch.sd_cents


def test_a_short_note_is_less_precise_and_its_error_stays_within_its_spread():
    errors, spreads = [], []
    for seed in range(30):
        rng = np.random.default_rng(seed)
        f0 = _f0(20.0, seconds=0.16, phase=rng.uniform(0, 2 * np.pi),
                 vibrato_hz=rng.uniform(5.0, 7.5), noise_cents=4.0, seed=seed)
        pitch = steady_pitch(f0, hop_s=HOP_S)
        errors.append(100 * (pitch.centre_semitones - 69.0) - 20.0)
        spreads.append(pitch.sd_cents)
    long_note = steady_pitch(_f0(20.0, seconds=0.8, noise_cents=4.0), hop_s=HOP_S)
    assert min(spreads) > 2 * long_note.sd_cents
    z = np.abs(errors) / np.array(spreads)
    assert np.mean(z > 1.96) <= 0.1  # a 95 % interval holds about as often as it says


def test_unvoiced_frames_are_left_out_and_a_tiny_note_is_not_measured():
    f0 = _f0(0.0, seconds=0.6)
    f0[::7] = 0.0
    assert 100 * (steady_pitch(f0, hop_s=HOP_S).centre_semitones - 69.0) == pytest.approx(
        0.0, abs=1.5)
    tiny = steady_pitch(_f0(0.0, seconds=0.03), hop_s=HOP_S)
    assert tiny.sd_cents >= 40.0


def _track(f0: np.ndarray) -> PitchTrack:
    return PitchTrack(hop_s=HOP_S, times_s=np.arange(f0.size) * HOP_S, f0_hz=f0,
                      voiced_prob=(f0 > 0).astype(float), fmin_hz=100.0, fmax_hz=1000.0,
                      window_s=0.04, tuning_hz=440.0, confidence=1.0, polyphonic=False,
                      warnings=())


def _melody_f0(vibrato_hz: float, vibrato_cents: float) -> np.ndarray:
    pieces = []
    for k, step in enumerate([0, 200, 400, 200, 500, 300, 0, -100, 200, 0]):
        pieces.append(_f0(step, seconds=0.6, vibrato_hz=vibrato_hz, phase=k,
                          vibrato_cents=vibrato_cents))
        pieces.append(np.zeros(3))
    return np.concatenate(pieces)


def test_the_singers_vibrato_period_is_measured_from_the_take():
    for rate in (4.8, 5.5, 6.6, 7.5):
        assert vibrato_period_s(_track(_melody_f0(rate, 40.0))) == pytest.approx(
            1.0 / rate, abs=0.012)
    assert vibrato_period_s(_track(_melody_f0(6.0, 0.0))) == STEP_WINDOW_S


def test_a_short_note_gliding_in_has_its_error_within_its_spread():
    """The end of a slow glide (exponential settle, 67 ms time constant, from 1-3
    semitones away) left in a short note with a wide vibrato: a part cycle must not be
    fitted to it as vibrato with the centre extrapolated far off at a tight spread."""
    for seconds in (0.25, 0.35):
        z = []
        for seed in range(100):
            rng = np.random.default_rng(seed)
            t = np.arange(int(round(seconds / HOP_S))) * HOP_S
            glide = rng.choice([-300, -200, -100, 100, 200, 300]) * np.exp(-t / 0.067)
            cents = (20.0 + 55.0 * np.sin(2 * np.pi * rng.uniform(5.5, 7.5) * t
                                          + rng.uniform(0, 2 * np.pi))
                     + glide + 3.0 * rng.standard_normal(t.size))
            pitch = steady_pitch(440.0 * 2.0 ** (cents / 1200.0), hop_s=HOP_S)
            z.append(abs(100 * (pitch.centre_semitones - 69.0) - 20.0) / pitch.sd_cents)
        z = np.array(z)  # a 95 % interval may hold a little less often, never half as
        assert np.mean(z > 1.96) <= 0.15 and np.mean(z > 3.0) <= 0.05, seconds


def _gliding_note(seconds: float, seed: int, *, glide_s: float) -> np.ndarray:
    """f0 (Hz) of a note 20 cents above A4 with a 55-cent vibrato at 5.5-7.5 Hz, 3 cents
    of tracker noise, gliding in from 1-3 semitones away (time constant ``glide_s``; 0:
    the glide was already cut off by the note tracker)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(round(seconds / HOP_S))) * HOP_S
    glide = (rng.choice([-300, -200, -100, 100, 200, 300]) * np.exp(-t / glide_s)
             if glide_s > 0 else 0.0)
    cents = (20.0 + 55.0 * np.sin(2 * np.pi * rng.uniform(5.5, 7.5) * t
                                  + rng.uniform(0, 2 * np.pi))
             + glide + 3.0 * rng.standard_normal(t.size))
    return 440.0 * 2.0 ** (cents / 1200.0)


def test_with_the_singers_rate_known_a_short_note_is_placed_finer_and_stays_honest():
    """The singer's take-wide rate (6.5 Hz; each note drawn within 15 % of it) lets the
    window be chosen per note: a 0.25 s note already cut after its glide holds about
    1.6 cycles, which a fixed fifth left out at each end cut below the cycles needed.
    Its centre must come out tighter than without the rate, and its error (and that of
    notes still gliding in) within the spread it states."""
    for seconds, glide_s in ((0.25, 0.0), (0.35, 0.0), (0.25, 0.067), (0.35, 0.067)):
        z, spread, spread_without = [], [], []
        for seed in range(60):
            f0 = _gliding_note(seconds, seed, glide_s=glide_s)
            pitch = steady_pitch(f0, hop_s=HOP_S, vibrato_hz=6.5)
            z.append(abs(100 * (pitch.centre_semitones - 69.0) - 20.0) / pitch.sd_cents)
            spread.append(pitch.sd_cents)
            spread_without.append(steady_pitch(f0, hop_s=HOP_S).sd_cents)
        z = np.array(z)
        assert np.mean(z > 1.96) <= 0.1 and np.mean(z > 3.0) <= 0.04, (seconds, glide_s)
        if glide_s == 0.0:
            assert np.median(spread) < 0.6 * np.median(spread_without), seconds
            assert np.median(spread) < 20.0  # a verdict at 50 cents can be sure


def test_the_singers_rate_from_the_long_notes_and_none_for_a_straight_tone():
    """Notes whose rates scatter 10 % around the singer's: the median of the long ones;
    a straight tone with a slow wander and tracker noise has no rate."""
    for rate in (4.8, 6.6, 7.6):
        rng = np.random.default_rng(int(rate * 10))
        notes = [_f0(0.0, seconds=seconds, vibrato_hz=rate * rng.uniform(0.9, 1.1),
                     phase=rng.uniform(0, 6.3), vibrato_cents=rng.uniform(25, 60),
                     noise_cents=4.0, seed=k)
                 for k, seconds in enumerate((0.3, 0.6, 0.8, 1.2, 0.25, 0.7, 1.0))]
        assert singer_vibrato_hz(notes, hop_s=HOP_S) == pytest.approx(rate, rel=0.06)
        assert singer_vibrato_hz(notes[:3], hop_s=HOP_S) is None  # two long notes only
    t = np.arange(80) * HOP_S
    straight = [440.0 * 2.0 ** ((12.0 * np.sin(2 * np.pi * 1.3 * t + k)
                                 + 4.0 * np.random.default_rng(k).standard_normal(t.size))
                                / 1200.0) for k in range(6)]
    assert singer_vibrato_hz(straight, hop_s=HOP_S) is None
