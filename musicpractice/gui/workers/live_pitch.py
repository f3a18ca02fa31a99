"""Live pitch readout while recording: a level meter that also keeps the latest audio.

:class:`TappedMeter` replaces a :class:`~musicpractice.audio.recorder.Recorder`'s meter;
in the audio callback it copies the newest block into a small ring (no locks, no I/O).
:func:`live_note` reads the ring from the window's timer and runs the melody tracker on
the last fraction of a second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from musicpractice.analysis.melody import track_melody
from musicpractice.analysis.voices import voice_range
from musicpractice.audio.levels import LevelMeter
from musicpractice.core.errors import MusicPracticeError
from musicpractice.core.pitch import hz_to_midi, note_name

WINDOW_S = 0.3
"""Audio the readout looks at."""
MIN_VOICED_PROB = 0.5


class TappedMeter(LevelMeter):
    """A level meter that also keeps the last ``seconds`` of mono audio."""

    def __init__(self, sr: int, seconds: float = WINDOW_S) -> None:
        super().__init__()
        self.sr = int(sr)
        self._ring = np.zeros(int(seconds * sr), dtype=np.float32)
        self._write = 0

    def update(self, block: np.ndarray, *, overflow: bool = False) -> None:
        super().update(block, overflow=overflow)
        mono = block.mean(axis=1) if block.ndim == 2 else block
        mono = mono[-len(self._ring):]
        start = self._write % len(self._ring)
        first = min(len(mono), len(self._ring) - start)
        self._ring[start: start + first] = mono[:first]
        self._ring[: len(mono) - first] = mono[first:]
        self._write += len(mono)

    def recent(self) -> np.ndarray:
        """The last ``seconds`` of audio, oldest first."""
        start = self._write % len(self._ring)
        return np.concatenate([self._ring[start:], self._ring[:start]])


@dataclass(frozen=True)
class LiveNote:
    """What is being sung or played now.

    Attributes
    ----------
    name : str
        Nearest note, e.g. ``"A4"``; "" when nothing pitched is heard.
    cents : float
        Deviation from that note in cents (NaN when unpitched).
    freq_hz : float
        Fundamental in Hz (NaN when unpitched).
    """

    name: str
    cents: float
    freq_hz: float


def live_note(samples: np.ndarray, sr: int, *, voice: str = "wide", tuning_hz: float = 440.0) -> LiveNote:
    """The note in the last ``WINDOW_S`` of ``samples`` (median of the voiced frames)."""
    silent = LiveNote("", math.nan, math.nan)
    if len(samples) < int(0.1 * sr) or float(np.max(np.abs(samples))) < 1e-3:
        return silent
    fmin, fmax = voice_range(voice)
    try:
        track = track_melody(samples, sr, fmin_hz=fmin, fmax_hz=fmax, tuning_hz=tuning_hz)
    except MusicPracticeError:
        return silent
    voiced = (track.f0_hz > 0) & (track.voiced_prob >= MIN_VOICED_PROB)
    if voiced.sum() < 3:
        return silent
    freq = float(np.median(track.f0_hz[voiced]))
    midi = float(hz_to_midi(freq, tuning_hz=tuning_hz))
    nearest = round(midi)
    return LiveNote(note_name(nearest), 100.0 * (midi - nearest), freq)


def warm_up_live_note(sr: int) -> None:
    """Run :func:`live_note` once on a tone, so its compiled kernels are loaded before a
    take starts (call it on a worker thread)."""
    t = np.arange(int(WINDOW_S * sr)) / sr
    live_note((0.3 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32), sr)
