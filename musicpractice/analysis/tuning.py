"""Tuning of a recording: the frequency of A4 it was played at.

Spectral peaks are located to a fraction of a cent (quadratic interpolation of the log
magnitude of a long Hann-windowed FFT), their offsets from the equal-tempered grid at
A4 = 440 Hz are gathered into a power-weighted circular histogram over one semitone,
and the histogram's peak, refined by a local circular mean, is the tuning.

Tuning is only defined modulo a semitone: a recording a whole semitone low sounds
exactly like one in the key below at 440 Hz. The estimate is therefore reported as a
deviation in [-50, +50) cents from 440 Hz.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.fft

from musicpractice.analysis.frames import frame_count, frames_between, to_samples
from musicpractice.analysis.signal import check_signal
from musicpractice.analysis.level import loud_level_rms
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.pitch import hz_to_midi
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report

REFERENCE_HZ = 440.0
"""Concert pitch; deviations are measured from it."""
WINDOW_S = 0.5
"""FFT window (rounded up to a power of two samples: 0.74 s at 22 050 Hz); long enough to
locate low partials to a small fraction of a cent."""
HOP_S = 0.35
"""Hop between windows (about half a window)."""
MAX_FRAMES = 3000
"""Longer recordings (over about 17 minutes) spread this many frames evenly over their
length instead of one every :data:`HOP_S`, which bounds time and memory."""
MIN_PEAK_HZ = 80.0
MAX_PEAK_HZ = 4000.0
"""Peaks outside this band are ignored (rumble below; inharmonic upper partials and noise
above)."""
PEAK_FLOOR_DB = 50.0
"""Peaks more than this far below the loudest bin of their frame are ignored."""
SILENCE_BELOW_LOUD_DB = 40.0
"""Frames whose RMS is this far below the take's loud level (see
:func:`musicpractice.analysis.level.loud_level_rms`) are ignored: -60 dBFS for a take
whose loud passages are at -20 dBFS, and following the microphone gain on any other."""
MIN_DURATION_S = 0.25
MIN_STANDARD_HZ = 410.0
MAX_STANDARD_HZ = 466.0
"""Pitch standards :func:`at_pitch_standard` accepts: baroque (415) to Venetian (466) A4."""
REFINE_CENTS = 8.0
"""Half-width of the histogram neighbourhood averaged around its peak."""
CHUNK_SAMPLES = 1 << 21
"""Samples of frames transformed between progress reports and cancel checks."""


@dataclass(frozen=True)
class TuningEstimate:
    """Reference tuning of a recording.

    Attributes
    ----------
    a4_hz : float
        Frequency of A4 in Hz, within a semitone of 440 Hz (about 427.5 to 452.9 Hz).
    deviation_cents : float
        ``a4_hz`` relative to 440 Hz in cents, in [-50, +50).
    confidence : float
        0 to 1: how tightly the partials agree on one grid (0 for silence, noise or when
        there is not enough pitched sound).
    warnings : tuple of str
        Plain-language reasons the estimate may be unreliable.
    """

    a4_hz: float
    deviation_cents: float
    confidence: float
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class SpectralPeaks:
    """Local maxima of short-time magnitude spectra, frame by frame.

    Attributes
    ----------
    frame : numpy.ndarray
        int, index of the frame of each peak (frame ``i`` is centred on sample ``i * hop``).
    freq_hz : numpy.ndarray
        Interpolated frequency of each peak in Hz.
    magnitude : numpy.ndarray
        Interpolated magnitude of each peak (linear, window sum = FFT length / 2).
    n_frames : int
        Number of frames analysed.
    n_fft, hop : int
        Window length and hop in samples.
    """

    frame: np.ndarray
    freq_hz: np.ndarray
    magnitude: np.ndarray
    n_frames: int
    n_fft: int
    hop: int


def spectral_peaks(y: np.ndarray, sr: float, **options) -> SpectralPeaks:
    """All the peaks :func:`iter_spectral_peaks` finds (same parameters), in one
    :class:`SpectralPeaks`: frequencies and magnitudes float32, frame indices int32."""
    frames, freqs, mags = [np.zeros(0, np.int32)], [np.zeros(0, np.float32)], [np.zeros(0, np.float32)]
    for part in iter_spectral_peaks(y, sr, **options):
        frames.append(part.frame)
        freqs.append(part.freq_hz)
        mags.append(part.magnitude)
    n_fft, hop, n_frames = frame_layout(len(y), sr, window_s=options["window_s"], hop_s=options["hop_s"])
    return SpectralPeaks(np.concatenate(frames), np.concatenate(freqs), np.concatenate(mags),
                         n_frames, n_fft, hop)


def frame_layout(n_samples: int, sr: float, *, window_s: float,
                 hop_s: float) -> tuple[int, int, int]:
    """``(n_fft, hop, n_frames)`` in samples/frames of the spectral-peak frames of a signal
    (``window_s`` rounded up to a power of two samples; frames centred, see
    :mod:`musicpractice.analysis.frames`)."""
    n_fft = int(2 ** np.ceil(np.log2(window_s * sr)))
    hop = to_samples(hop_s, sr)
    return n_fft, hop, frame_count(n_samples, window=n_fft, hop=hop)


def iter_spectral_peaks(
    y: np.ndarray,
    sr: float,
    *,
    window_s: float,
    hop_s: float,
    min_hz: float,
    max_hz: float,
    floor_db: float,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
):
    """The spectral peaks of a signal, one block of frames at a time (bounded memory).

    Frequencies come from quadratic interpolation of the log magnitude around each local
    maximum (bias well below a cent for partials above 100 Hz at 0.37 s windows).

    Parameters
    ----------
    y : numpy.ndarray
        Mono float32 signal (already validated).
    sr : float
        Sample rate in Hz.
    window_s : float
        Window length in seconds, rounded up to a power of two samples.
    hop_s : float
        Hop between frames in seconds (at least one sample).
    min_hz, max_hz : float
        Band in which peaks are kept, Hz.
    floor_db : float
        Peaks more than this many dB below their frame's strongest bin are dropped.
        Frames :data:`SILENCE_BELOW_LOUD_DB` below the take's loud level have no peaks.

    Yields
    ------
    SpectralPeaks
        The peaks of one block of frames (frame indices count from the signal's start;
        ``n_frames`` is the whole signal's).
    """
    n_fft, hop, n_frames = frame_layout(len(y), sr, window_s=window_s, hop_s=hop_s)
    window = np.hanning(n_fft).astype(np.float32)
    lo = max(2, int(min_hz * n_fft / sr))
    hi = min(n_fft // 2 - 2, int(max_hz * n_fft / sr) + 1)
    min_energy = n_fft * (loud_level_rms(y, sr) * 10.0 ** (-SILENCE_BELOW_LOUD_DB / 20.0)) ** 2
    floor = 10.0 ** (-floor_db / 20.0)
    chunk = max(1, CHUNK_SAMPLES // n_fft)
    for c0 in range(0, n_frames, chunk):
        check_cancel(cancel)
        report(progress, c0 / n_frames, "spectral peaks")
        frames = frames_between(y, c0, min(n_frames, c0 + chunk), window=n_fft, hop=hop)
        frames = frames - frames.mean(axis=1, keepdims=True)  # a DC offset is not sound
        loud = np.einsum("ij,ij->i", frames, frames) > min_energy
        if not np.any(loud):
            continue
        index = c0 + np.flatnonzero(loud)
        spec = np.abs(scipy.fft.rfft(frames[loud] * window, axis=1)[:, lo - 1:hi + 1])
        left, mid, right = spec[:, :-2], spec[:, 1:-1], spec[:, 2:]
        is_peak = (mid > left) & (mid >= right) & (mid > floor * np.max(mid, axis=1, keepdims=True))
        rows, cols = np.nonzero(is_peak)
        # quadratic interpolation of the log magnitude around each peak
        a, b, c = (np.log(x[rows, cols].astype(np.float64) + 1e-12) for x in (left, mid, right))
        shift = 0.5 * (a - c) / (a - 2.0 * b + c)  # denominator < 0 at a strict peak
        yield SpectralPeaks(index[rows].astype(np.int32),
                            ((lo + cols + shift) * sr / n_fft).astype(np.float32),
                            np.exp(b - 0.25 * (a - c) * shift).astype(np.float32),
                            n_frames, n_fft, hop)
    report(progress, 1.0, "spectral peaks")


def estimate_tuning(
    y: np.ndarray,
    sr: int,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> TuningEstimate:
    """Estimate the reference frequency of A4 a recording was tuned to.

    Parameters
    ----------
    y : numpy.ndarray
        Mono signal (float, full scale = 1.0).
    sr : int
        Sample rate in Hz.
    progress : callable, optional
        ``progress(fraction, message)``.
    cancel : object with ``is_set()``, optional
        Checked between blocks of frames.

    Returns
    -------
    TuningEstimate
        A4 in Hz within +-50 cents of 440 Hz (tuning is only defined modulo a semitone),
        with a confidence. Silence or unpitched sound gives 440 Hz, confidence 0 and a
        warning.

    Raises
    ------
    InvalidParameterError
        Not a finite mono signal, or a non-positive sample rate.
    AudioTooShortError
        Shorter than 0.25 s.
    """
    y = check_signal(y, sr, min_duration_s=MIN_DURATION_S)
    hop_s = max(HOP_S, len(y) / sr / MAX_FRAMES)
    peaks = spectral_peaks(y, float(sr), window_s=WINDOW_S, hop_s=hop_s,
                           min_hz=MIN_PEAK_HZ, max_hz=MAX_PEAK_HZ, floor_db=PEAK_FLOOR_DB,
                           progress=progress, cancel=cancel)
    freqs_hz, mags = peaks.freq_hz, peaks.magnitude
    if len(freqs_hz) < 3:
        return TuningEstimate(REFERENCE_HZ, 0.0, 0.0, (
            "No pitched sound was found (silence or noise); assuming A4 = 440 Hz.",))
    cents = 100.0 * np.asarray(hz_to_midi(freqs_hz, tuning_hz=REFERENCE_HZ))
    angle = 2.0 * np.pi * cents / 100.0
    power = mags.astype(float) ** 2  # power weighting lets strong partials outvote weak clutter
    weights = power / power.sum()

    # Circular histogram (1-cent bins), smoothed over +-3 cents, then a local circular
    # mean around its peak: robust to the few stray partials that land between notes.
    hist = np.bincount(np.round(cents).astype(int) % 100, weights=weights, minlength=100)
    kernel = np.exp(-0.5 * (np.arange(-9, 10) / 3.0) ** 2)
    smooth = np.convolve(np.concatenate([hist[-9:], hist, hist[:9]]), kernel, mode="valid")
    peak_cents = float(np.argmax(smooth))
    offset = (cents - peak_cents + 50.0) % 100.0 - 50.0
    near = np.abs(offset) <= REFINE_CENTS
    deviation = peak_cents + float(np.average(offset[near], weights=weights[near]))
    deviation = (deviation + 50.0) % 100.0 - 50.0

    # Confidence: how much more weight sits near the peak than a uniform spread would put
    # there, scaled by the overall concentration of the partials on the grid.
    share_near = float(weights[near].sum())
    uniform_share = (2 * REFINE_CENTS + 1) / 100.0
    concentration = float(np.abs(np.sum(weights * np.exp(1j * angle))))
    confidence = float(np.clip((share_near - uniform_share) / (1.0 - uniform_share), 0.0, 1.0))
    confidence = float(np.clip(0.5 * confidence + 0.5 * concentration, 0.0, 1.0))
    warnings = ("The partials do not agree on a tuning (noise, drums or heavy vibrato?); "
                "the tuning estimate is unreliable.",) if confidence < 0.3 else ()
    a4_hz = float(REFERENCE_HZ * 2.0 ** (deviation / 1200.0))
    return TuningEstimate(a4_hz, float(deviation), confidence,
                          warnings + _quarter_tone_warning(deviation))


def _quarter_tone_warning(deviation_cents: float) -> tuple[str, ...]:
    """The warning for a tuning about a quarter-tone from 440 Hz, or nothing."""
    if abs(abs(deviation_cents) - 50.0) < 5.0:
        return ("The tuning is about a quarter-tone from 440 Hz, so it is ambiguous: "
                "notes may be named a semitone off.",)
    return ()


NOTES_MIN_COUNT = 6
"""Fewest notes that may confirm or correct a tuning."""
NOTES_SPREAD_CENTS = 25.0
"""Spread (median absolute deviation) of the notes' cents at which they no longer agree."""
SPECTRUM_SURE = 0.5
"""A spectral estimate at least this confident is kept as it is."""


def at_pitch_standard(estimate: TuningEstimate, *, standard_a4_hz: float) -> TuningEstimate:
    """The same tuning named on the grid of another pitch standard (e.g. A = 415 Hz).

    A take tuned a semitone low sounds exactly like one at A = 440 Hz a semitone lower:
    the audio alone cannot tell them apart. When the user says which standard was used
    (baroque 415, classical 430, Venetian 466 Hz...), A4 moves by the whole number of
    semitones that brings it nearest that standard, so notes and keys are named as written.

    Parameters
    ----------
    estimate : TuningEstimate
        From :func:`estimate_tuning` or :func:`refine_with_notes` (A4 near 440 Hz).
    standard_a4_hz : float
        The pitch standard in Hz, :data:`MIN_STANDARD_HZ` to :data:`MAX_STANDARD_HZ`.

    Returns
    -------
    TuningEstimate
        ``a4_hz`` within half a semitone of ``standard_a4_hz``; ``deviation_cents`` stays
        relative to 440 Hz (about -100 at A = 415 Hz); confidence and warnings unchanged.

    Raises
    ------
    InvalidParameterError
        ``standard_a4_hz`` is outside that range.
    """
    if not (np.isfinite(standard_a4_hz) and MIN_STANDARD_HZ <= standard_a4_hz <= MAX_STANDARD_HZ):
        raise InvalidParameterError(
            f"The pitch standard must be an A4 between {MIN_STANDARD_HZ:g} and "
            f"{MAX_STANDARD_HZ:g} Hz, not {standard_a4_hz:g}.")
    semitones = round(12.0 * np.log2(standard_a4_hz / estimate.a4_hz))
    if semitones == 0:
        return estimate
    return TuningEstimate(float(estimate.a4_hz * 2.0 ** (semitones / 12.0)),
                          float(estimate.deviation_cents + 100.0 * semitones),
                          estimate.confidence, estimate.warnings)


def refine_with_notes(estimate: TuningEstimate, note_cents, note_durations_s) -> TuningEstimate:
    """Let a clear melody confirm or correct a tuning the spectrum left unsure.

    Vibrato smears every partial over +-50 cents, so the spectral estimate of a singer's
    tuning is often unsure although the notes' median pitches agree closely. Each note's
    ``cents`` (its median pitch against the grid of ``estimate``) is one vote, weighted
    by the note's length; their weighted median shifts the tuning, and their agreement
    (1 at no spread, 0 at :data:`NOTES_SPREAD_CENTS`) becomes the confidence when it is
    higher than the spectrum's.

    Parameters
    ----------
    estimate : TuningEstimate
        The spectral estimate, whose A4 the notes were measured against.
    note_cents, note_durations_s : array-like
        Per note: deviation from equal temperament in cents, and length in seconds.

    Returns
    -------
    TuningEstimate
        ``estimate`` unchanged when it is sure (confidence >= :data:`SPECTRUM_SURE`),
        when there are too few notes, or when they agree less than the partials did;
        otherwise the note-based tuning, whose only warning can be a quarter-tone
        ambiguity (the spectrum's warnings no longer apply).
    """
    cents = np.asarray(note_cents, dtype=float)
    weights = np.asarray(note_durations_s, dtype=float)
    keep = np.isfinite(cents) & np.isfinite(weights) & (weights > 0)
    cents, weights = cents[keep], weights[keep]
    if estimate.confidence >= SPECTRUM_SURE or len(cents) < NOTES_MIN_COUNT:
        return estimate
    shift = _weighted_median(cents, weights)
    spread = _weighted_median(np.abs(cents - shift), weights)
    agreement = float(np.clip(1.0 - spread / NOTES_SPREAD_CENTS, 0.0, 1.0))
    if agreement <= estimate.confidence:
        return estimate
    deviation = (estimate.deviation_cents + shift + 50.0) % 100.0 - 50.0
    a4_hz = float(REFERENCE_HZ * 2.0 ** (deviation / 1200.0))
    return TuningEstimate(a4_hz, float(deviation), agreement, _quarter_tone_warning(deviation))


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, 0.5 * cumulative[-1])])
