"""Brightness of the sound: spectral centroid and high-frequency energy share over time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.analysis.frames import frame_count, iter_frames
from musicpractice.analysis.signal import check_signal
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report

HIGH_FREQUENCY_EDGE_HZ = 1000.0
"""Energy above this frequency counts as high-frequency energy (Juslin 2000 uses the share
of spectral energy above a fixed edge; 1 kHz separates 'dull' from 'bright' timbres of
voices and acoustic instruments)."""


@dataclass(frozen=True)
class Brightness:
    """Spectral brightness of a signal.

    Attributes
    ----------
    times_s : numpy.ndarray
        Frame centres in seconds.
    centroid_hz : numpy.ndarray
        Spectral centroid per frame in Hz (NaN in silent frames).
    hf_share : numpy.ndarray
        Share (0-1) of the frame's spectral energy above :data:`HIGH_FREQUENCY_EDGE_HZ`
        (NaN in silent frames).
    mean_centroid_hz : float
        Energy-weighted mean centroid over non-silent frames, Hz (NaN if all silent).
    mean_hf_share : float
        High-frequency share of the total energy of non-silent frames (NaN if all silent).
    """

    times_s: np.ndarray
    centroid_hz: np.ndarray
    hf_share: np.ndarray
    mean_centroid_hz: float
    mean_hf_share: float


def measure_brightness(
    y: np.ndarray,
    sr: int,
    *,
    frame_s: float = 0.0464,
    hop_s: float = 0.0232,
    silence_db: float = -60.0,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Brightness:
    """Spectral centroid and high-frequency energy share, frame by frame.

    Parameters
    ----------
    y : numpy.ndarray
        Mono signal.
    sr : int
        Sample rate in Hz.
    frame_s, hop_s : float
        Frame length and hop in seconds.
    silence_db : float
        Frames whose energy is this far (dB) below the loudest frame are ignored.

    Raises
    ------
    InvalidParameterError
        Empty signal or non-positive frame/hop.
    """
    y = check_signal(y, sr)
    if frame_s <= 0 or hop_s <= 0:
        raise InvalidParameterError("frame and hop must be positive")
    n_fft = int(2 ** np.ceil(np.log2(frame_s * sr)))
    hop = max(1, int(round(hop_s * sr)))
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    high = freqs >= HIGH_FREQUENCY_EDGE_HZ
    window = np.hanning(n_fft).astype(np.float32)
    n_frames = frame_count(len(y), window=n_fft, hop=hop)
    energy = np.zeros(n_frames)
    centroid_num = np.zeros(n_frames)
    high_energy = np.zeros(n_frames)
    for start, frames in iter_frames(y, sr, window_s=n_fft / sr, hop_s=hop / sr,
                                     block_frames=2048):
        check_cancel(cancel)
        stop = start + len(frames)
        power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
        energy[start:stop] = power.sum(axis=1)
        centroid_num[start:stop] = power @ freqs
        high_energy[start:stop] = power[:, high].sum(axis=1)
        report(progress, stop / max(n_frames, 1), "Brightness")
    loud = energy > energy.max() * 10 ** (silence_db / 10) if n_frames and energy.max() > 0 \
        else np.zeros(n_frames, bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        centroid = np.where(loud, centroid_num / energy, np.nan)
        hf_share = np.where(loud, high_energy / energy, np.nan)
    total = energy[loud].sum()
    mean_centroid = float(centroid_num[loud].sum() / total) if total > 0 else float("nan")
    mean_hf = float(high_energy[loud].sum() / total) if total > 0 else float("nan")
    times = np.arange(n_frames) * hop / sr
    return Brightness(times, centroid, hf_share, mean_centroid, mean_hf)
