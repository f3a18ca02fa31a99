"""The one front door of every analysis: a mono signal and its sample rate, checked by the
same rules everywhere (see :func:`check_signal`).

Rules: the sample rate is a whole number of Hz between ``min_sr_hz`` and
:data:`MAX_SR_HZ`; the signal is numbers, one channel (or ``(frames, channels)`` where the
caller allows it), not empty, at least ``min_duration_s`` long, and finite.
"""

from __future__ import annotations

import numpy as np

from musicpractice.core.errors import AudioTooShortError, InvalidParameterError

MIN_SR_HZ = 1
"""Lowest sample rate accepted unless the analysis asks for more, Hz."""
MAX_SR_HZ = 192_000
"""Highest sample rate accepted, Hz (the highest common studio rate)."""


def check_sample_rate(sr, *, min_sr_hz: int = MIN_SR_HZ, max_sr_hz: int = MAX_SR_HZ) -> int:
    """``sr`` as an int after checking it is a whole number of Hz in range.

    Parameters
    ----------
    sr : int or float
        Sample rate in Hz; whole-number floats such as 44100.0 are accepted.
    min_sr_hz, max_sr_hz : int
        Accepted range in Hz.

    Raises
    ------
    InvalidParameterError
        Not a whole number (also: a bool, a string, None, NaN) or out of range.
    """
    number = isinstance(sr, (int, float, np.integer, np.floating)) and not isinstance(sr, bool)
    if not number or not np.isfinite(sr) or not float(sr).is_integer() or sr <= 0:
        raise InvalidParameterError(f"The sample rate must be a positive whole number of Hz, "
                                    f"not {sr!r}.")
    if sr < min_sr_hz:
        raise InvalidParameterError(f"This needs a sample rate of at least {min_sr_hz} Hz, "
                                    f"not {int(sr)} Hz.")
    if sr > max_sr_hz:
        raise InvalidParameterError(f"The sample rate {int(sr)} Hz is above the supported "
                                    f"{max_sr_hz} Hz.")
    return int(sr)


def check_signal(y, sr, *, min_duration_s: float = 0.0, min_sr_hz: int = MIN_SR_HZ,
                 channels: bool = False) -> np.ndarray:
    """A signal checked for analysis, as float32.

    Parameters
    ----------
    y : array_like
        Samples, shape ``(n,)``; or ``(n, channels)`` when ``channels`` is true.
    sr : int or float
        Sample rate in Hz (see :func:`check_sample_rate`).
    min_duration_s : float
        Shortest accepted duration in seconds (an empty signal is always refused).
    min_sr_hz : int
        Lowest accepted sample rate in Hz (e.g. twice the highest frequency analysed).
    channels : bool
        Accept ``(n, channels)`` arrays with at least one channel as well.

    Returns
    -------
    numpy.ndarray
        float32, the shape of ``y``.

    Raises
    ------
    InvalidParameterError
        A bad sample rate, samples that are not real numbers, the wrong number of
        dimensions, or NaN/infinite samples.
    AudioTooShortError
        An empty signal or one shorter than ``min_duration_s`` (also an
        :class:`InvalidParameterError`).
    """
    sr = check_sample_rate(sr, min_sr_hz=min_sr_hz)
    y = np.asarray(y)
    if not (np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.floating)):
        raise InvalidParameterError("The audio samples must be real numbers.")
    if y.ndim != 1 and not (channels and y.ndim == 2):
        raise InvalidParameterError(
            "The analysis needs a mono signal (one channel)." if not channels
            else "The analysis needs a mono signal or an array of shape (frames, channels).")
    if y.ndim == 2 and y.shape[1] == 0:
        raise InvalidParameterError("The audio has no channel.")
    if y.shape[0] == 0:
        raise AudioTooShortError("The recording is empty: there is nothing to analyse.")
    if y.shape[0] / sr < min_duration_s:
        raise AudioTooShortError(f"The recording is too short ({y.shape[0] / sr:.2f} s); "
                                 f"at least {min_duration_s:g} s is needed.")
    y = y.astype(np.float32, copy=False)
    if not np.all(np.isfinite(y)):
        raise InvalidParameterError("The audio contains invalid samples (NaN or infinity); "
                                    "the file may be corrupt.")
    return y
