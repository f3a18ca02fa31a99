"""Metronome: a count-in and an optional click during the take.

:class:`ClickTrack` renders clicks block by block from a frame counter (so an output
callback can pull any block size) -- an accented higher click on the first beat of each
bar. The count-in is ``count_in_bars`` whole bars; with ``during_take`` the click goes
on after it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.core.errors import InvalidParameterError

CLICK_S = 0.03
ACCENT_HZ = 1760.0
BEAT_HZ = 1320.0


@dataclass(frozen=True)
class ClickSettings:
    """Tempo and meter of the count-in / metronome.

    Attributes
    ----------
    tempo_bpm : float
        Beats per minute, 20-400.
    beats_per_bar : int
        Beats in one bar, 1-16 (the first is accented).
    count_in_bars : int
        Bars of clicks before the take starts, 0-8.
    during_take : bool
        Keep clicking while recording.
    level_dbfs : float
        Peak level of a click, -60 to 0 dBFS.
    """

    tempo_bpm: float
    beats_per_bar: int = 4
    count_in_bars: int = 1
    during_take: bool = False
    level_dbfs: float = -12.0

    def __post_init__(self) -> None:
        if not 20.0 <= self.tempo_bpm <= 400.0:
            raise InvalidParameterError(
                f"The metronome tempo must be 20-400 beats per minute (got {self.tempo_bpm:g}).")
        if not 1 <= self.beats_per_bar <= 16:
            raise InvalidParameterError(
                f"A bar must have 1-16 beats (got {self.beats_per_bar}).")
        if not 0 <= self.count_in_bars <= 8:
            raise InvalidParameterError(
                f"The count-in can be 0-8 bars (got {self.count_in_bars}).")
        if not -60.0 <= self.level_dbfs <= 0.0:
            raise InvalidParameterError(
                f"The click level must be -60 to 0 dBFS (got {self.level_dbfs:g}).")

    @property
    def beat_s(self) -> float:
        """Seconds per beat."""
        return 60.0 / self.tempo_bpm

    @property
    def count_in_s(self) -> float:
        """Length of the count-in in seconds."""
        return self.count_in_bars * self.beats_per_bar * self.beat_s


def _click(freq_hz: float, sr: int, amplitude: float) -> np.ndarray:
    t = np.arange(int(CLICK_S * sr)) / sr
    return (amplitude * np.sin(2 * np.pi * freq_hz * t) * np.exp(-t / (CLICK_S / 5))).astype(np.float32)


class ClickTrack:
    """Renders the clicks of ``settings`` at ``sr`` Hz, one block after another."""

    def __init__(self, settings: ClickSettings, sr: int) -> None:
        self.settings = settings
        self.sr = int(sr)
        amplitude = 10.0 ** (settings.level_dbfs / 20.0)
        self._accent = _click(ACCENT_HZ, self.sr, amplitude)
        self._beat = _click(BEAT_HZ, self.sr, amplitude)
        self._beat_frames = settings.beat_s * self.sr
        self.count_in_frames = int(round(settings.count_in_s * self.sr))
        self.position = 0

    @property
    def finished(self) -> bool:
        """No more clicks will come (count-in over and no click during the take)."""
        return not self.settings.during_take and self.position >= self.count_in_frames

    def render(self, frames: int) -> np.ndarray:
        """The next ``frames`` samples (mono float32); silence once :attr:`finished`."""
        out = np.zeros(frames, np.float32)
        start, end = self.position, self.position + frames
        limit = end if self.settings.during_take else min(end, self.count_in_frames)
        first = int(np.ceil((start - len(self._accent)) / self._beat_frames))
        for beat in range(max(first, 0), int(np.ceil(limit / self._beat_frames)) + 1):
            onset = int(round(beat * self._beat_frames))
            if onset >= limit:
                break
            sound = self._accent if beat % self.settings.beats_per_bar == 0 else self._beat
            lo, hi = max(onset, start), min(onset + len(sound), end)
            if lo < hi:
                out[lo - start:hi - start] += sound[lo - onset:hi - onset]
        self.position = end
        return out
