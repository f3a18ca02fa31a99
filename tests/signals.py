"""Synthetic test signals with exact truth (tones, harmonic notes, clicks)."""

from __future__ import annotations

import numpy as np

SR = 22_050


def harmonic_tone(freq_hz, duration_s: float, *, sr: int = SR, n_harmonics: int = 6,
                  amplitude: float = 0.3, decay: float = 0.7) -> np.ndarray:
    """A harmonic tone; ``freq_hz`` may be a scalar or an array of per-sample Hz."""
    n = int(round(duration_s * sr))
    f = np.broadcast_to(np.asarray(freq_hz, dtype=float), (n,))
    phase = 2 * np.pi * np.cumsum(f) / sr
    y = sum(decay ** (k - 1) * np.sin(k * phase) for k in range(1, n_harmonics + 1))
    return (amplitude * y / np.max(np.abs(y))).astype(np.float32)


def click_track(bpm: float, duration_s: float, *, sr: int = SR, click_hz: float = 1000.0,
                click_s: float = 0.03) -> tuple[np.ndarray, np.ndarray]:
    """Clicks at a constant tempo; returns (signal, beat_times_s)."""
    n = int(round(duration_s * sr))
    y = np.zeros(n, dtype=np.float32)
    beats = np.arange(0.0, duration_s - click_s, 60.0 / bpm)
    t = np.arange(int(click_s * sr)) / sr
    click = (np.sin(2 * np.pi * click_hz * t) * np.exp(-t / (click_s / 5))).astype(np.float32)
    for b in beats:
        i = int(round(b * sr))
        y[i:i + len(click)] += click[: n - i]
    return 0.5 * y, beats


def sung_phrase(midi_notes, *, bpm: float = 90.0, a4_hz: float = 440.0, sr: int = SR,
                level: float = 0.3, sounding: float = 0.95, brightness: float = 0.6,
                attack_s: float = 0.04, vibrato_cents: float = 0.0, vibrato_hz: float = 5.5,
                repeats: int = 1) -> np.ndarray:
    """A phrase of harmonic notes, one per beat, with exact expressive settings.

    ``sounding`` is the share of each beat the note sounds (1 legato, ~0.4 staccato),
    ``brightness`` the amplitude ratio between successive harmonics (higher = brighter),
    ``attack_s`` the rise time of each note, ``level`` the RMS amplitude while a note
    sounds (so articulation and timbre change without changing how loud the notes are).
    """
    beat_s = 60.0 / bpm
    pieces = []
    for midi in list(midi_notes) * repeats:
        n_sound = int(round(sounding * beat_s * sr))
        t = np.arange(n_sound) / sr
        f0 = a4_hz * 2 ** ((midi - 69) / 12) * 2 ** (
            vibrato_cents * np.sin(2 * np.pi * vibrato_hz * t) / 1200)
        phase = 2 * np.pi * np.cumsum(f0) / sr
        tone = sum(brightness ** k * np.sin((k + 1) * phase) for k in range(10))
        env = np.minimum(1.0, t / attack_s) * np.minimum(1.0, (n_sound / sr - t) / 0.02)
        note = np.zeros(int(round(beat_s * sr)))
        note[:n_sound] = tone * env
        pieces.append(note)
    y = np.concatenate([np.zeros(sr // 4), *pieces, np.zeros(sr // 4)])
    sounding_rms = np.sqrt(np.mean(y[y != 0] ** 2))
    y = level * y / sounding_rms + 1e-5 * np.random.default_rng(0).standard_normal(len(y))
    return y.astype(np.float32)


def piano_note(midi: int, duration_s: float, amplitude: float, *, sr: int = SR) -> np.ndarray:
    """A struck, decaying harmonic note (eight partials, 3 ms attack, exp(-3 t) decay)."""
    t = np.arange(int(duration_s * sr)) / sr
    f = 440.0 * 2 ** ((midi - 69) / 12)
    tone = sum(0.6 ** k * np.sin(2 * np.pi * (k + 1) * f * t) for k in range(8))
    return amplitude * tone * np.exp(-3.0 * t) * np.minimum(1.0, t / 0.003)
