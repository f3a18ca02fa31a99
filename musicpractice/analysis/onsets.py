"""Note onsets and the onset-strength envelope.

The envelope is a spectral flux on a log-magnitude mel spectrogram: for every frame, the
mean over mel bands of how much each band rose since a frame ``LAG_S`` earlier, compared
with the loudest of its neighbouring bands then (SuperFlux, Boeck & Widmer 2013). The
neighbour maximum ignores the small frequency wobble of vibrato, so sung notes give one
onset each; the 30 ms lag catches soft attacks (voices, bowed strings) that rise over
several frames. Piano attacks give sharp peaks.

The envelope is computed block by block (about 50 MB of work space whatever the length;
an hour's envelope is 1.2 MB). The tempo tracker and the expressive cues reuse it, and the
same rise restricted to the bass bands, which marks the strong beats of the bar.
"""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np
import scipy.fft
import scipy.ndimage

from musicpractice.analysis.level import gain_to_reference
from musicpractice.analysis.frames import frame_count, frames_between
from musicpractice.analysis.signal import check_signal
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report

HOP_S = 0.0116
"""Target time between envelope values in seconds (a power-of-two hop near it is used)."""
LAG_S = 0.03
"""Spectral-flux lag in seconds."""
N_MELS = 80
VIBRATO_BANDS = 3
"""Width in mel bands of the maximum filter that makes the flux ignore vibrato."""
BASS_HZ = 200.0
"""Upper edge of the bass bands in Hz."""
BLOCK_FRAMES = 4096
"""Envelope frames computed per block (about 48 s)."""
PEAK_WAIT_S = 0.03
"""Two onsets closer than this count as one."""
THRESHOLD_WINDOW_S = 0.1
"""Half-width of the moving average an onset peak must exceed."""
LOUD_PERCENTILE = 95
"""The loud level is this percentile of the envelope's local maxima (one per 0.2 s at most)."""
MIN_LOUD = 0.05
"""Floor of the loud level: the envelope of a steady tone or hum stays far below it."""
THRESHOLD_DELTA = 0.1
"""How far (in units of the envelope's loud-level) a peak must rise above that average."""


@dataclass(frozen=True)
class OnsetEnvelope:
    """Onset strength over time.

    Attributes
    ----------
    values : numpy.ndarray
        float32, non-negative, one value per frame; frame ``i`` is at ``i * hop_s``
        seconds. Units: mean rise of log-magnitude per mel band (natural log).
    bass : numpy.ndarray
        The same for the mel bands below :data:`BASS_HZ` only: bass notes, which mostly
        fall on the strong beats of the bar.
    hop_s : float
        Time between frames in seconds.
    """

    values: np.ndarray
    bass: np.ndarray
    hop_s: float


@dataclass(frozen=True)
class Onsets:
    """Detected note onsets.

    Attributes
    ----------
    times_s : numpy.ndarray
        Onset times in seconds, increasing.
    strength : numpy.ndarray
        Envelope value at each onset divided by the envelope's loud level (see
        :data:`LOUD_PERCENTILE`): about 1 for a strong attack, near 0 for a barely audible
        one.
    envelope : numpy.ndarray
        The onset-strength envelope (see :class:`OnsetEnvelope`).
    bass_envelope : numpy.ndarray
        The onset strength of the bass bands alone (see :class:`OnsetEnvelope`).
    envelope_hop_s : float
        Time between envelope values in seconds.
    confidence : float
        In [0, 1]: median ``strength`` of the onsets minus the median scaled envelope
        (clipped); 0 for silence, low when onsets barely rise above the background.
    warnings : tuple of str
        Plain-language notes on unreliable results.
    """

    times_s: np.ndarray
    strength: np.ndarray
    envelope: np.ndarray
    bass_envelope: np.ndarray
    envelope_hop_s: float
    confidence: float
    warnings: tuple[str, ...]


def _frame_settings(sr: float) -> tuple[int, int, int]:
    """Hop, FFT size and flux lag (in samples, samples, frames) of the envelope at ``sr`` Hz."""
    hop = int(2 ** round(np.log2(HOP_S * sr)))
    lag = max(1, round(LAG_S * sr / hop))
    return hop, 4 * hop, lag


def onset_envelope(
    y: np.ndarray,
    sr: int,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> OnsetEnvelope:
    """Onset-strength envelope of a mono signal (SuperFlux on a log mel spectrogram).

    Parameters
    ----------
    y : numpy.ndarray
        Mono signal, float, full scale = 1.
    sr : int
        Sample rate in Hz.
    progress, cancel
        See :mod:`musicpractice.core.progress`.

    Returns
    -------
    OnsetEnvelope

    Raises
    ------
    InvalidParameterError
        ``y`` is not a finite mono signal or ``sr`` is not positive.
    """
    y = check_signal(y, sr)
    hop, n_fft, lag = _frame_settings(sr)
    n_frames = frame_count(len(y), window=n_fft, hop=hop)
    fmax = min(11_000.0, sr / 2)
    # the log compression below sees the take at its reference level: the same rises
    # whatever the microphone gain (see musicpractice.analysis.level)
    mel = (gain_to_reference(y, sr) * librosa.filters.mel(
        sr=sr, n_fft=n_fft, n_mels=N_MELS, fmin=30.0, fmax=fmax)).astype(np.float32)
    bass_bands = librosa.mel_frequencies(N_MELS + 2, fmin=30.0, fmax=fmax)[1:-1] < BASS_HZ
    window = np.hanning(n_fft + 1)[:-1].astype(np.float32)
    out = np.zeros(n_frames, dtype=np.float32)
    bass = np.zeros(n_frames, dtype=np.float32)
    previous = None  # the last `lag` frames of the block before
    for start in range(0, n_frames, BLOCK_FRAMES):
        check_cancel(cancel)
        stop = min(n_frames, start + BLOCK_FRAMES)
        log_mel = _log_mel(y, start, stop, hop=hop, n_fft=n_fft, window=window, mel=mel)
        if previous is None:  # a recording may start mid-note: no onset at its first frame
            previous = np.repeat(log_mel[:, :1], lag, axis=1)
        spectrum = np.concatenate([previous, log_mel], axis=1)
        reference = scipy.ndimage.maximum_filter1d(spectrum, size=VIBRATO_BANDS, axis=0)
        rise = np.maximum(spectrum[:, lag:] - reference[:, :-lag], 0.0)
        out[start:stop] = rise.mean(axis=0)
        bass[start:stop] = rise[bass_bands].mean(axis=0)
        previous = log_mel[:, -lag:]
        report(progress, stop / n_frames, "Finding onsets")
    # a recording may stop mid-note: frames reaching past its end see no onset
    past_end = max(0, (len(y) - n_fft // 2) // hop + 1)
    out[past_end:] = 0.0
    bass[past_end:] = 0.0
    return OnsetEnvelope(out, bass, hop / sr)


def _log_mel(y: np.ndarray, start: int, stop: int, *, hop: int, n_fft: int,
             window: np.ndarray, mel: np.ndarray) -> np.ndarray:
    """log(1 + 1000 |mel|) of frames ``start``..``stop``, frame ``i`` centred on ``i * hop``."""
    frames = frames_between(y, start, stop, window=n_fft, hop=hop)
    spectrum = np.abs(scipy.fft.rfft(frames * window, axis=1))
    return np.log1p(1000.0 * (mel @ spectrum.T))


def detect_onsets(
    y: np.ndarray,
    sr: int,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Onsets:
    """Find note onsets (piano attacks and the softer starts of sung or bowed notes).

    Parameters
    ----------
    y : numpy.ndarray
        Mono signal, float, full scale = 1.
    sr : int
        Sample rate in Hz.
    progress, cancel
        See :mod:`musicpractice.core.progress`.

    Returns
    -------
    Onsets

    Raises
    ------
    InvalidParameterError
        ``y`` is not a finite mono signal or ``sr`` is not positive.
    """
    envelope = onset_envelope(y, sr, progress=progress, cancel=cancel)
    values, bass, hop_s = envelope.values, envelope.bass, envelope.hop_s
    if not np.any(values > 0):
        return Onsets(np.zeros(0), np.zeros(0), values, bass, hop_s, 0.0,
                      ("No onsets were found: the recording is silent or has no note attacks.",))
    half = max(1, round(THRESHOLD_WINDOW_S / hop_s))
    wait = max(1, round(PEAK_WAIT_S / hop_s))
    candidates = librosa.util.peak_pick(values, pre_max=half, post_max=half, pre_avg=half,
                                        post_avg=half, delta=0.0, wait=half)
    loud = float(np.percentile(values[candidates], LOUD_PERCENTILE)) if len(candidates) else 0.0
    scaled = values / max(loud, MIN_LOUD)
    peaks = librosa.util.peak_pick(scaled, pre_max=wait, post_max=wait, pre_avg=half,
                                   post_avg=half, delta=THRESHOLD_DELTA, wait=wait)
    warnings = []
    if len(peaks) == 0:
        warnings.append("No clear note attacks were found.")
    contrast = float(np.median(scaled[peaks]) - np.median(scaled)) if len(peaks) else 0.0
    return Onsets(peaks * hop_s, scaled[peaks].astype(np.float64), values, bass, hop_s,
                  float(np.clip(contrast, 0.0, 1.0)), tuple(warnings))
