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
