"""The one framing of a signal: frame ``i`` is centred on sample ``i * hop`` (``centre``,
zeros beyond the ends), or starts there (``centre=False``), and frames come a block at a
time, so an hour of audio never needs all its frames in memory at once.

Times of frames are therefore ``i * hop / sr`` seconds, whatever the window length.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from musicpractice.core.errors import InvalidParameterError

BLOCK_FRAMES = 1024
"""Frames per block yielded by :func:`iter_frames` unless asked otherwise."""


def to_samples(seconds: float, sr: float) -> int:
    """``seconds`` as a whole number of samples at ``sr`` Hz (rounded, at least one)."""
    return max(1, int(round(seconds * sr)))


def frame_count(n_samples: int, *, window: int, hop: int, centre: bool = True) -> int:
    """How many frames a signal of ``n_samples`` has.

    Centred: one per hop starting at sample 0, up to and including the last hop inside the
    signal (``1 + n_samples // hop``). Not centred: the frames that fit entirely inside it.
    """
    if centre:
        return 1 + n_samples // hop
    return 0 if n_samples < window else 1 + (n_samples - window) // hop


def frames_between(y: np.ndarray, first: int, stop: int, *, window: int, hop: int,
                   centre: bool = True) -> np.ndarray:
    """Frames ``first`` to ``stop - 1`` of ``y``, shape ``(stop - first, window)``.

    Parameters
    ----------
    y : numpy.ndarray
        Mono signal, shape ``(n,)``.
    first, stop : int
        Frame indices (``stop`` excluded).
    window, hop : int
        Frame length and hop in samples.
    centre : bool
        Frame ``i`` centred on sample ``i * hop`` (zeros before the start and after the
        end), else starting there.

    Returns
    -------
    numpy.ndarray
        A read-only strided view of a copy of just that stretch of ``y`` (``y``'s float
        type; float32 for any other).
    """
    dtype = y.dtype if np.issubdtype(y.dtype, np.floating) else np.float32
    if stop <= first:
        return np.zeros((0, window), dtype=dtype)
    start = first * hop - (window // 2 if centre else 0)
    end = start + (stop - 1 - first) * hop + window
    segment = np.zeros(end - start, dtype=dtype)
    lo, hi = max(start, 0), min(end, len(y))
    if hi > lo:
        segment[lo - start:hi - start] = y[lo:hi]
    return np.lib.stride_tricks.sliding_window_view(segment, window)[::hop]


def iter_frames(y: np.ndarray, sr: float, *, window_s: float, hop_s: float,
                centre: bool = True,
                block_frames: int = BLOCK_FRAMES) -> Iterator[tuple[int, np.ndarray]]:
    """The frames of a signal, a block at a time.

    Parameters
    ----------
    y : numpy.ndarray
        Mono signal, shape ``(n,)`` (see :func:`~musicpractice.analysis.signal.check_signal`).
    sr : float
        Sample rate in Hz.
    window_s, hop_s : float
        Frame length and hop in seconds, rounded to whole samples (:func:`to_samples`).
    centre : bool
        Frame ``i`` centred at ``i * hop_s`` seconds (zeros beyond the ends), else
        starting there.
    block_frames : int
        Most frames per block.

    Yields
    ------
    (int, numpy.ndarray)
        Index of the block's first frame, and its frames, shape ``(k, window)`` with
        ``k <= block_frames``.

    Raises
    ------
    InvalidParameterError
        A non-positive window, hop or block size.
    """
    if not (window_s > 0 and hop_s > 0 and block_frames >= 1):
        raise InvalidParameterError("Frames need a positive window, hop and block size.")
    window, hop = to_samples(window_s, sr), to_samples(hop_s, sr)
    n_frames = frame_count(len(y), window=window, hop=hop, centre=centre)
    for first in range(0, n_frames, block_frames):
        stop = min(n_frames, first + block_frames)
        yield first, frames_between(y, first, stop, window=window, hop=hop, centre=centre)
