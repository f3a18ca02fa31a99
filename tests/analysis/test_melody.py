"""Melody tracker on synthetic signals with exact truth, and its error paths."""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import pytest

from musicpractice.analysis import melody
from musicpractice.analysis.melody import PitchTrack, track_melody
from musicpractice.analysis.voices import VOICE_RANGES, validate_range, voice_range
from musicpractice.core.errors import (
    AudioTooShortError,
    Cancelled,
    InvalidParameterError,
    MusicPracticeError,
)
from musicpractice.core.pitch import cents_between
from tests.signals import SR, harmonic_tone


def _voiced_cents(track: PitchTrack, truth_hz: float, margin_s: float = 0.1) -> np.ndarray:
    inner = (track.times_s > margin_s) & (track.times_s < track.times_s[-1] - margin_s)
    f0 = track.f0_hz[inner]
    assert np.all(f0 > 0), "a steady tone must be voiced throughout"
    return cents_between(f0, truth_hz)


@pytest.mark.parametrize("freq_hz", [82.41, 196.0, 440.0, 987.77])
def test_steady_harmonic_tone_within_a_few_cents(freq_hz):
    track = track_melody(harmonic_tone(freq_hz, 1.5), SR)
    err = _voiced_cents(track, freq_hz)
    assert np.max(np.abs(err)) < 3.0
    assert track.confidence > 0.8
    assert not track.polyphonic
    assert not track.warnings


def test_pure_sine_is_tracked():
    t = np.arange(SR) / SR
    track = track_melody((0.5 * np.sin(2 * np.pi * 300.0 * t)).astype(np.float32), SR)
    assert np.max(np.abs(_voiced_cents(track, 300.0))) < 3.0


@pytest.mark.parametrize("sr", [8000, 16000, 44100, 48000])
def test_any_sample_rate(sr):
    track = track_melody(harmonic_tone(293.66, 1.0, sr=sr), sr)
    assert np.max(np.abs(_voiced_cents(track, 293.66))) < 3.0


def test_memory_is_bounded_by_blocks(monkeypatch):
    sizes = {"cmndf": [], "viterbi": []}
    real_cmndf, real_viterbi = melody.cmndf_frames, melody.viterbi_banded

    def cmndf(frames, *args):
        sizes["cmndf"].append(len(frames))
        return real_cmndf(frames, *args)

    def viterbi(obs, *args, **kwargs):
        sizes["viterbi"].append(len(obs))
        return real_viterbi(obs, *args, **kwargs)

    monkeypatch.setattr(melody, "cmndf_frames", cmndf)
    monkeypatch.setattr(melody, "viterbi_banded", viterbi)
    monkeypatch.setattr(melody, "BLOCK_FRAMES", 64)
    monkeypatch.setattr(melody, "VITERBI_BLOCK_FRAMES", 100)
    monkeypatch.setattr(melody, "VITERBI_OVERLAP_FRAMES", 20)
    track = track_melody(harmonic_tone(220.0, 3.0), SR)
    assert sum(sizes["cmndf"]) == track.f0_hz.size and max(sizes["cmndf"]) == 64
    assert max(sizes["viterbi"]) == 140 and len(sizes["viterbi"]) == -(-track.f0_hz.size // 100)


def test_frames_every_hop_and_fields():
    track = track_melody(harmonic_tone(220.0, 1.0), SR, hop_s=0.005)
    assert abs(track.hop_s - 0.005) < 1e-4
    assert track.times_s.shape == track.f0_hz.shape == track.voiced_prob.shape
    np.testing.assert_allclose(np.diff(track.times_s), track.hop_s)
    assert track.times_s[-1] <= 1.0
    assert np.all((track.voiced_prob >= 0) & (track.voiced_prob <= 1))
    assert 0 < track.window_s < 0.1
    with pytest.raises(dataclasses.FrozenInstanceError):
        track.confidence = 0.0  # type: ignore[misc]


def test_step_between_pitches_is_timed_to_one_frame():
    f = np.r_[np.full(SR, 200.0), np.full(SR, 300.0)]
    track = track_melody(harmonic_tone(f, 2.0), SR)
    midi = 12 * np.log2(np.where(track.f0_hz > 0, track.f0_hz, np.nan) / 200.0)
    after = track.times_s[np.nan_to_num(midi) > 3.5]
    assert abs(after[0] - 1.0) <= 0.02


def test_silence_is_unvoiced_with_zero_confidence():
    track = track_melody(np.zeros(SR, dtype=np.float32), SR)
    assert not track.voiced.any()
    assert track.confidence == 0.0
    assert any("No pitched sound" in w for w in track.warnings)


def test_white_noise_is_unvoiced():
    rng = np.random.default_rng(1)
    track = track_melody((0.2 * rng.standard_normal(2 * SR)).astype(np.float32), SR)
    assert track.voiced.mean() < 0.05
    assert track.confidence < 0.5


def test_quiet_tail_is_unvoiced():
    tone = harmonic_tone(330.0, 1.0)
    y = np.r_[tone, tone * 10 ** (-60 / 20)]
    track = track_melody(y, SR)
    assert track.voiced[(track.times_s > 0.1) & (track.times_s < 0.9)].all()
    assert not track.voiced[track.times_s > 1.1].any()


def test_dissonant_cluster_flagged_polyphonic():
    y = sum(harmonic_tone(f, 2.0) for f in (233.08, 277.18, 311.13, 329.63, 415.30))
    track = track_melody(y / 5, SR)
    assert track.polyphonic
    assert track.confidence < 0.7
    assert any("Several notes" in w for w in track.warnings)


def test_blocked_processing_matches_one_block(monkeypatch):
    rng = np.random.default_rng(2)
    freqs = np.repeat(rng.uniform(150, 500, 12), SR // 4)
    y = harmonic_tone(freqs, freqs.size / SR)
    whole = track_melody(y, SR)
    monkeypatch.setattr(melody, "BLOCK_FRAMES", 37)
    monkeypatch.setattr(melody, "VITERBI_BLOCK_FRAMES", 90)
    monkeypatch.setattr(melody, "VITERBI_OVERLAP_FRAMES", 40)
    blocked = track_melody(y, SR)
    np.testing.assert_allclose(blocked.voiced_prob, whole.voiced_prob, atol=1e-5)
    agree = (blocked.voiced == whole.voiced) & (np.abs(blocked.f0_hz - whole.f0_hz) < 0.01 * whole.f0_hz + 1e-9)
    assert agree.mean() > 0.99


def test_progress_reaches_one_and_cancel_raises():
    y = harmonic_tone(220.0, 1.0)
    seen = []
    track_melody(y, SR, progress=lambda f, m: seen.append(f))
    assert seen[-1] == 1.0
    assert all(b >= a for a, b in zip(seen, seen[1:]))
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        track_melody(y, SR, cancel=stop)


@pytest.mark.parametrize("name", list(VOICE_RANGES))
def test_every_preset_is_valid_at_the_analysis_rate(name):
    fmin_hz, fmax_hz = voice_range(name)
    assert validate_range(fmin_hz, fmax_hz, SR) == (fmin_hz, fmax_hz)


def test_preset_range_tracks_its_voice():
    track = track_melody(harmonic_tone(110.0, 1.0), SR, fmin_hz=voice_range("Bass")[0],
                         fmax_hz=voice_range("bass")[1])
    assert np.max(np.abs(_voiced_cents(track, 110.0))) < 3.0


def test_unknown_preset():
    with pytest.raises(InvalidParameterError, match="choose one of"):
        voice_range("kazoo")


@pytest.mark.parametrize("kwargs, match", [
    ({"fmin_hz": 500.0, "fmax_hz": 200.0}, "below the highest"),
    ({"fmin_hz": 300.0, "fmax_hz": 300.0}, "below the highest"),
    ({"fmin_hz": 20.0, "fmax_hz": 400.0}, "outside what can be tracked"),
    ({"fmin_hz": 100.0, "fmax_hz": 5000.0}, "outside what can be tracked"),
    ({"fmin_hz": 100.0, "fmax_hz": 103.0}, "narrower than a semitone"),
    ({"fmin_hz": float("nan"), "fmax_hz": 400.0}, "two numbers"),
    ({"fmin_hz": "low", "fmax_hz": 400.0}, "two numbers"),
    ({"hop_s": 0.05}, "hop"),
    ({"hop_s": 0.0}, "hop"),
    ({"hop_s": "fast"}, "hop"),
    ({"tuning_hz": None}, "tuning"),
    ({"tuning_hz": 300.0}, "tuning"),
])
def test_bad_parameters(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        track_melody(harmonic_tone(220.0, 0.5), SR, **kwargs)


def test_fmax_needs_sample_rate():
    y = harmonic_tone(220.0, 0.5, sr=8000)
    with pytest.raises(InvalidParameterError, match="sample rate of at least"):
        track_melody(y, 8000, fmin_hz=100.0, fmax_hz=3000.0)


@pytest.mark.parametrize("sr", [0, 1000, 500_000, 22050.5, "22050", None, True])
def test_bad_sample_rate(sr):
    with pytest.raises(InvalidParameterError, match="sample rate"):
        track_melody(harmonic_tone(220.0, 0.5), sr)


def test_bad_signals():
    with pytest.raises(AudioTooShortError, match="empty"):
        track_melody(np.zeros(0, dtype=np.float32), SR)
    with pytest.raises(AudioTooShortError, match="too short"):
        track_melody(np.zeros(100, dtype=np.float32), SR)
    y = harmonic_tone(220.0, 0.5)
    y[100] = np.nan
    with pytest.raises(InvalidParameterError, match="NaN"):
        track_melody(y, SR)
    with pytest.raises(InvalidParameterError, match="mono"):
        track_melody(np.zeros((2, SR), dtype=np.float32), SR)
    with pytest.raises(InvalidParameterError, match="numbers"):
        track_melody(np.array(["a"] * SR), SR)
    assert issubclass(AudioTooShortError, MusicPracticeError)
