"""Notes heard in rendered or recorded audio, found without knowing how it was made.

Onsets from the signal's envelope (a rise through 30 % of the peak after a fall below
8 %), pitches with librosa's YIN: the practice-playback tests check the renderer and the
sing-along recording with these, never with the renderer's own events.
"""

from __future__ import annotations

import librosa
import numpy as np
from scipy.signal import hilbert


def heard_onsets(y: np.ndarray, sr: int) -> np.ndarray:
    """Times (s) where the envelope rises through 30 % of its peak after falling below 8 %."""
    env = np.abs(hilbert(y.astype(float)))
    width = int(0.002 * sr)
    env = np.convolve(env, np.ones(width) / width, mode="same")
    high, low = 0.3 * env.max(), 0.08 * env.max()
    onsets, armed = [], True
    for i in np.flatnonzero((env > high) | (env < low)):
        if env[i] < low:
            armed = True
        elif armed:
            onsets.append(i / sr)
            armed = False
    return np.array(onsets)


def heard_midi(y: np.ndarray, sr: int, start_s: float, end_s: float) -> float:
    """Median YIN pitch (fractional MIDI) over the middle half of a span."""
    a, b = start_s + 0.25 * (end_s - start_s), end_s - 0.25 * (end_s - start_s)
    seg = y[int(a * sr): int(b * sr)]
    f0 = librosa.yin(seg, fmin=60, fmax=1200, sr=sr, frame_length=1024, hop_length=128,
                     center=False)
    return float(np.median(librosa.hz_to_midi(f0)))
