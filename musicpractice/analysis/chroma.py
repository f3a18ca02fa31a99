"""Chroma: how strongly each of the 12 pitch classes sounds, frame by frame.

A peak-based pitch-class profile (in the spirit of Gomez's HPCP): the spectral peaks of
each frame, located to a fraction of a cent (see
:func:`musicpractice.analysis.tuning.spectral_peaks`), are mapped to pitch classes at the
given tuning, each split linearly between its two nearest pitch classes. Peaks rather
than whole spectra keep noise and window leakage out of the profile, and a plain FFT keeps
it fast (several hundred times faster than real time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.analysis.signal import check_signal
from musicpractice.analysis.tuning import frame_layout, iter_spectral_peaks
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.pitch import hz_to_midi
from musicpractice.core.progress import CancelToken, ProgressFn

WINDOW_S = 0.25
"""FFT window (rounded up to a power of two samples: 0.37 s at 22 050 Hz), long enough to
separate neighbouring semitones down to about 80 Hz."""
MIN_HZ = 50.0
MAX_HZ = 5000.0
"""Band of the partials that count."""
PEAK_FLOOR_DB = 40.0
"""Peaks more than this far below their frame's strongest bin are ignored."""
MIN_TUNING_HZ = 400.0
MAX_TUNING_HZ = 480.0


@dataclass(frozen=True)
class Chroma:
    """Pitch-class energy over time.

    Attributes
    ----------
    times_s : numpy.ndarray
        Centre of each frame in seconds from the start of the signal, shape (frames,).
    values : numpy.ndarray
        float32, shape (12, frames); row 0 is C, row 1 C#, ... row 11 B. Each frame is
        scaled so its strongest pitch class is 1; silent frames are all 0.
    hop_s : float
        Time between frames in seconds (the requested hop rounded to whole samples).
    """

    times_s: np.ndarray
    values: np.ndarray
    hop_s: float


def chroma(
    y: np.ndarray,
    sr: int,
    *,
    tuning_hz: float = 440.0,
    hop_s: float = 0.05,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Chroma:
    """Compute a chromagram (12 pitch classes, C = 0) of a mono signal.

    Parameters
    ----------
    y : numpy.ndarray
        Mono signal (float, full scale = 1.0).
    sr : int
        Sample rate in Hz.
    tuning_hz : float
        Frequency of A4 in Hz the pitch classes are centred on (400 to 480 Hz); use
        :func:`musicpractice.analysis.tuning.estimate_tuning` for recordings not at 440.
    hop_s : float
        Time between frames in seconds (0.005 to 2 s).
    progress : callable, optional
        ``progress(fraction, message)``.
    cancel : object with ``is_set()``, optional
        Checked between blocks of frames.

    Returns
    -------
    Chroma

    Raises
    ------
    InvalidParameterError
        Not a finite mono signal, a non-positive sample rate, or ``tuning_hz`` or
        ``hop_s`` out of range.
    """
    y = check_signal(y, sr)
    if not MIN_TUNING_HZ <= tuning_hz <= MAX_TUNING_HZ:
        raise InvalidParameterError(
            f"The tuning must be an A4 between {MIN_TUNING_HZ:g} and {MAX_TUNING_HZ:g} Hz, "
            f"not {tuning_hz:g} Hz.")
    if not 0.005 <= hop_s <= 2.0:
        raise InvalidParameterError(f"The chroma hop must be between 0.005 and 2 s, not {hop_s:g} s.")
    _, hop, n_frames = frame_layout(len(y), float(sr), window_s=WINDOW_S, hop_s=hop_s)
    values = np.zeros((n_frames, 12))
    for peaks in iter_spectral_peaks(y, float(sr), window_s=WINDOW_S, hop_s=hop_s, min_hz=MIN_HZ,
                                     max_hz=MAX_HZ, floor_db=PEAK_FLOOR_DB, progress=progress,
                                     cancel=cancel):
        pitch = np.asarray(hz_to_midi(peaks.freq_hz.astype(np.float64), tuning_hz=tuning_hz))
        _fold(values, peaks.frame, pitch, peaks.magnitude)
    top = values.max(axis=1, keepdims=True)
    values = np.divide(values, top, out=np.zeros_like(values), where=top > 0)
    hop_s = hop / sr
    return Chroma(times_s=np.arange(n_frames) * hop_s, values=values.T.astype(np.float32),
                  hop_s=float(hop_s))


def _fold(values: np.ndarray, frame: np.ndarray, pitch: np.ndarray, magnitude: np.ndarray) -> None:
    """Add peak magnitudes into ``values`` (frames x 12 pitch classes), in place.

    A peak at fractional MIDI pitch ``p`` is split linearly between ``floor(p)`` and
    ``floor(p) + 1``.
    """
    below = np.floor(pitch).astype(int)
    frac = pitch - below
    np.add.at(values, (frame, below % 12), (1.0 - frac) * magnitude)
    np.add.at(values, (frame, (below + 1) % 12), frac * magnitude)
