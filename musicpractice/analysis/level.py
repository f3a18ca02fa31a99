"""The take's own loud level: what makes the analyses independent of the microphone gain.

A recording made 20 dB quieter, or normalised, is the same performance. Every threshold
an analysis needs on the sound level (silence gates, the compression of a spectrogram
before its rises are measured) is therefore taken relative to :func:`loud_level_rms`,
the level of the loud passages of the take itself, never in dB re full scale. Scaling the
signal by any gain scales this level by the same gain, so the analyses see the same
relative levels and give the same results (within float error).

Absolute level (LUFS) still means something between takes recorded with the same
microphone and gain, and is reported as such by the loudness meter.
"""

from __future__ import annotations

import numpy as np

FRAME_S = 0.05
"""Length of the frames whose RMS is measured, in seconds."""
LOUD_PERCENTILE = 95.0
"""The loud level is this percentile of the frame RMS values of the sounding frames."""
REFERENCE_RMS = 0.1
"""RMS amplitude (-20 dB re full scale) that the analyses treat as the loud level of a take.

Thresholds once written in dB re full scale were tuned on recordings whose loud passages
lie near this level, so ``threshold * loud_level_rms(y) / REFERENCE_RMS`` keeps their
meaning for such recordings and makes them follow the gain on all others."""
MAX_FRAMES = 200_000
"""Longer signals measure every n-th frame only (the level is a percentile: sampling
evenly over the take changes it very little and bounds the time)."""


def loud_level_rms(y: np.ndarray, sr: float) -> float:
    """RMS amplitude of the loud passages of a signal (linear, full scale = 1).

    Parameters
    ----------
    y : numpy.ndarray
        Mono signal, shape (samples,), float, already validated (finite).
    sr : float
        Sample rate in Hz.

    Returns
    -------
    float
        The :data:`LOUD_PERCENTILE` percentile of the RMS of :data:`FRAME_S` frames,
        ignoring digitally silent frames; 0 for a silent signal. ``loud_level_rms(g * y)``
        equals ``g * loud_level_rms(y)`` for every gain ``g > 0`` (within float error).
    """
    frame = max(1, int(round(FRAME_S * sr)))
    n_frames = len(y) // frame
    if n_frames == 0:
        rms = np.sqrt(np.mean(np.square(y, dtype=np.float64))) if len(y) else 0.0
        return float(rms)
    step = max(1, -(-n_frames // MAX_FRAMES))
    frames = np.asarray(y[: n_frames * frame]).reshape(n_frames, frame)[::step]
    rms = np.sqrt(np.einsum("ij,ij->i", frames, frames, dtype=np.float64) / frame)
    sounding = rms[rms > 0]
    return float(np.percentile(sounding, LOUD_PERCENTILE)) if len(sounding) else 0.0


def gain_to_reference(y: np.ndarray, sr: float) -> float:
    """Factor that brings the take's loud level to :data:`REFERENCE_RMS` (1 for silence).

    Parameters
    ----------
    y : numpy.ndarray
        Mono signal, shape (samples,), float, already validated (finite).
    sr : float
        Sample rate in Hz.

    Returns
    -------
    float
        ``REFERENCE_RMS / loud_level_rms(y, sr)``; multiply linear amplitudes (or divide
        amplitude thresholds) by it.
    """
    level = loud_level_rms(y, sr)
    return REFERENCE_RMS / level if level > 0 else 1.0
