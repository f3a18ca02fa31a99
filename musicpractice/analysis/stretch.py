"""Slow a take down without changing its pitch (phase-vocoder time stretch) for practice.

The phase vocoder is librosa's (magnitude interpolated between STFT frames, phase
advanced by each bin's measured instantaneous frequency), run in blocks of frames with
the phase accumulator carried from block to block: an hour-long take needs no hour-long
STFT in memory, there are no seams between blocks, and the job reports progress and can
be cancelled. Within a block the phase is accumulated with a cumulative sum instead of
a Python loop, so slowing down runs many times faster than real time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.analysis.frames import frame_count, frames_between
from musicpractice.analysis.signal import check_sample_rate
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report

MIN_SPEED = 0.5
"""Slowest playback speed offered (half tempo)."""
MAX_SPEED = 1.0
N_FFT = 2048
HOP = N_FFT // 4
BLOCK_FRAMES = 2048
"""Output STFT frames synthesised at a time."""


@dataclass(frozen=True)
class StretchedAudio:
    """A take slowed down to ``speed`` of its tempo at unchanged pitch.

    Attributes
    ----------
    samples : numpy.ndarray
        Mono float32 samples, ``round(len(input) / speed)`` long.
    sr : int
        Sample rate in Hz (that of the input).
    speed : float
        Playback speed as a fraction of the original tempo (0.5-1.0); a time ``t_s`` in
        ``samples`` is ``t_s * speed`` in the original take.
    """

    samples: np.ndarray
    sr: int
    speed: float


def time_stretch(y: np.ndarray, sr: int, *, speed: float, progress: ProgressFn | None = None,
                 cancel: CancelToken | None = None) -> StretchedAudio:
    """Slow ``y`` down to ``speed`` of its tempo without changing its pitch.

    Parameters
    ----------
    y : numpy.ndarray
        Mono samples (float).
    sr : int
        Sample rate in Hz.
    speed : float
        Fraction of the original tempo, from 0.5 (half speed) to 1.0 (unchanged; the
        samples are returned as they are).
    progress, cancel
        See :mod:`musicpractice.core.progress`.

    Raises
    ------
    InvalidParameterError
        ``speed`` outside 0.5-1.0, a non-positive rate, or a signal that is not mono.
    """
    if not isinstance(speed, (int, float)) or not MIN_SPEED <= speed <= MAX_SPEED:
        raise InvalidParameterError(
            f"Practice speed must be between {MIN_SPEED:.0%} and {MAX_SPEED:.0%} (got {speed!r}).")
    sr = check_sample_rate(sr)
    y = np.asarray(y, dtype=np.float32)
    if y.ndim != 1:
        raise InvalidParameterError("Slowing down works on one channel; mix the take to mono first.")
    if speed == MAX_SPEED or len(y) == 0:
        report(progress, 1.0, "Speed")
        return StretchedAudio(y, int(sr), float(speed))
    n_in = frame_count(len(y), window=N_FFT, hop=HOP)
    steps = np.arange(0, n_in, speed)
    out_len = round(len(y) / speed)
    out = np.zeros((len(steps) + N_FFT // HOP, HOP), dtype=np.float32)
    window = np.hanning(N_FFT + 1)[:-1].astype(np.float32)
    advance = (HOP * 2 * np.pi * np.arange(N_FFT // 2 + 1) / N_FFT)[:, None].astype(np.float32)
    phase = None
    for first in range(0, len(steps), BLOCK_FRAMES):
        check_cancel(cancel)
        block = steps[first: first + BLOCK_FRAMES]
        index = block.astype(int)
        lo = index[0]
        columns = _stft(y, lo, index[-1] + 2, window, n_in)
        left, right = columns[:, index - lo], columns[:, index - lo + 1]
        alpha = (block - index)[None, :].astype(np.float32)
        magnitude = (1.0 - alpha) * np.abs(left) + alpha * np.abs(right)
        dphase = np.angle(right) - np.angle(left) - advance
        dphase -= np.float32(2.0 * np.pi) * np.round(dphase / np.float32(2.0 * np.pi))
        increment = advance + dphase
        if phase is None:
            phase = np.angle(left[:, 0])
        phases = phase[:, None] + np.cumsum(increment, axis=1) - increment
        phase = phases[:, -1] + increment[:, -1]
        frames = np.fft.irfft(magnitude * np.exp(1j * phases.astype(np.float32)), n=N_FFT,
                              axis=0).astype(np.float32)
        _overlap_add(out, frames * window[:, None], first)
        report(progress, min(1.0, (first + len(block)) / len(steps)), "Slowing down")
    out /= float(np.sum(window ** 2) / HOP)
    out = out.ravel()
    samples = out[N_FFT // 2: N_FFT // 2 + out_len]
    return StretchedAudio(np.pad(samples, (0, out_len - len(samples))), int(sr), float(speed))


def _stft(y: np.ndarray, first: int, stop: int, window: np.ndarray, n_frames: int) -> np.ndarray:
    """STFT columns ``first`` to ``stop - 1`` of ``y`` (frame i centred on sample i * HOP;
    zero columns past its last frame)."""
    count = stop - first
    frames = frames_between(y, first, min(stop, n_frames), window=N_FFT, hop=HOP)
    spectrum = np.zeros((N_FFT // 2 + 1, count), dtype=np.complex64)
    spectrum[:, : len(frames)] = np.fft.rfft(frames * window, axis=1).T
    return spectrum


def _overlap_add(out: np.ndarray, frames: np.ndarray, first: int) -> None:
    """Add windowed frames (columns) starting at frame ``first`` into ``out`` (rows of HOP)."""
    count = frames.shape[1]
    for part in range(N_FFT // HOP):
        out[first + part: first + part + count] += frames[part * HOP:(part + 1) * HOP].T
