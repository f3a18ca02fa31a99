"""Melody (f0) tracking: one pitch and one voicing probability every few milliseconds.

A pYIN-class probabilistic tracker (Mauch & Dixon 2014): YIN pitch candidates with
probabilities in every frame (:mod:`musicpractice.analysis.pitch_track`), a loudness gate
that keeps breaths, room noise and reverb tails unvoiced, and a Viterbi path over voiced
and unvoiced states on a 20-cent pitch grid whose transitions are limited to a band, so
the cost grows with frames x grid x band. Each voiced frame's f0 is then refined to the
candidate the path passes through, so it is exact to a few cents.

Audio is processed in blocks of frames and the path is decoded in overlapping blocks, so
memory stays bounded (a few tens of MB) whatever the length of the recording.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d

from musicpractice.analysis.frames import frames_between
from musicpractice.analysis.pitch_track import (
    MAX_CANDIDATES,
    cmndf_frames,
    pitch_candidates,
    viterbi_banded,
)
from musicpractice.analysis.signal import check_sample_rate, check_signal
from musicpractice.analysis.voices import DEFAULT_RANGE, VOICE_RANGES, as_number, validate_range
from musicpractice.core.errors import AudioTooShortError, InvalidParameterError
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report

MIN_SR = 8_000
MAX_SR = 192_000
MIN_HOP_S = 0.001
MAX_HOP_S = 0.01
MIN_WINDOW_S = 0.025
"""Shortest YIN integration window; longer when the lowest pitch's period needs it."""
BINS_PER_SEMITONE = 5
"""Pitch grid of the Viterbi path: 20 cents per bin (f0 itself is refined further)."""
MAX_OCTAVES_PER_S = 35.92
"""Fastest pitch move the path allows, in octaves per second (pYIN's value)."""
SWITCH_PROB = 0.01
"""Probability of a voiced/unvoiced switch from one frame to the next."""
GATE_BELOW_PEAK_DB = 30.0
"""Frames this many dB below the recording's loud frames are considered unvoiced."""
GATE_SLOPE_DB = 3.0
DECAY_BELOW_RECENT_DB = 15.0
DECAY_WINDOW_S = 0.3
PERIODICITY_CMNDF = 0.55
"""Best CMNDF value at which a frame is as likely pitched as not."""
PERIODICITY_SLOPE = 0.1
BLOCK_FRAMES = 2048
"""Frames analysed per block (bounds the memory of the candidate stage)."""
VITERBI_BLOCK_FRAMES = 6000
VITERBI_OVERLAP_FRAMES = 400
"""Decoding blocks and their context on each side (bounds the back-pointer memory)."""
POLYPHONY_APERIODICITY = (0.06, 0.75)
"""Median best-CMNDF value of the loud frames between which a signal looks polyphonic:
below, one clear pitch; above, noise."""


@dataclass(frozen=True)
class PitchTrack:
    """The predominant melody of a recording, frame by frame.

    Attributes
    ----------
    hop_s : float
        Time between frames in seconds (the requested hop rounded to whole samples).
    times_s : numpy.ndarray
        Frame centres in seconds from the start, ``hop_s * arange(n)``.
    f0_hz : numpy.ndarray
        Fundamental frequency in Hz per frame; 0.0 where unvoiced.
    voiced_prob : numpy.ndarray
        Probability in [0, 1] that each frame holds a pitched sound in range.
    fmin_hz, fmax_hz : float
        The pitch range searched, in Hz.
    window_s : float
        Length of signal each pitch value averages over, in seconds (the YIN
        integration window): faster pitch movements are smoothed.
    tuning_hz : float
        Reference A4 in Hz the pitch grid was laid on.
    confidence : float
        Overall reliability in [0, 1] (mean voicing probability of the voiced frames,
        lowered for polyphonic input); 0 when nothing is voiced.
    polyphonic : bool
        True when the signal looks polyphonic (piano, choir, band); ``f0_hz`` is then
        only the predominant melody.
    warnings : tuple of str
        Plain-language reasons to doubt the result.
    """

    hop_s: float
    times_s: np.ndarray
    f0_hz: np.ndarray
    voiced_prob: np.ndarray
    fmin_hz: float
    fmax_hz: float
    window_s: float
    tuning_hz: float
    confidence: float
    polyphonic: bool
    warnings: tuple[str, ...]

    @property
    def voiced(self) -> np.ndarray:
        """Boolean mask of the voiced frames."""
        return self.f0_hz > 0


def track_melody(y, sr: int, *, fmin_hz: float = VOICE_RANGES[DEFAULT_RANGE][0],
                 fmax_hz: float = VOICE_RANGES[DEFAULT_RANGE][1], hop_s: float = 0.01,
                 tuning_hz: float = 440.0, progress: ProgressFn | None = None,
                 cancel: CancelToken | None = None) -> PitchTrack:
    """Track the (predominant) melody of a mono signal.

    Parameters
    ----------
    y : numpy.ndarray
        Mono samples, float, full scale = 1.0.
    sr : int
        Sample rate in Hz (8 000 - 192 000).
    fmin_hz, fmax_hz : float
        Pitch range in Hz (see :data:`musicpractice.analysis.voices.VOICE_RANGES`);
        30 <= fmin_hz < fmax_hz <= min(4000, sr / 4).
    hop_s : float
        Time between frames in seconds, 0.001 - 0.01.
    tuning_hz : float
        Reference A4 in Hz (380 - 500); the pitch grid is laid on its semitones.
    progress, cancel
        The usual progress callable and cancel token (see
        :mod:`musicpractice.core.progress`).

    Returns
    -------
    PitchTrack

    Raises
    ------
    InvalidParameterError
        For a bad signal (not 1-D, NaN or infinite samples), sample rate, range, hop or
        tuning.
    AudioTooShortError
        For a signal shorter than one analysis frame.
    """
    sr = check_sample_rate(sr, min_sr_hz=MIN_SR, max_sr_hz=MAX_SR)
    y = check_signal(y, sr)
    fmin_hz, fmax_hz = validate_range(fmin_hz, fmax_hz, sr)
    if not MIN_HOP_S <= as_number(hop_s) <= MAX_HOP_S:
        raise InvalidParameterError(
            f"The pitch-tracking hop must be between {MIN_HOP_S * 1000:g} and {MAX_HOP_S * 1000:g} ms.")
    if not 380.0 <= as_number(tuning_hz) <= 500.0:
        raise InvalidParameterError("The tuning reference A4 must be between 380 and 500 Hz.")
    hop = max(1, int(round(hop_s * sr)))
    max_lag = int(math.ceil(sr / fmin_hz)) + 1
    min_lag = max(2, int(math.floor(sr / fmax_hz)) - 1)
    window = max(max_lag, int(round(MIN_WINDOW_S * sr)))
    if y.size < window:
        raise AudioTooShortError(
            f"The recording is too short to track its melody ({y.size / sr * 1000:.0f} ms; "
            f"at least {window / sr * 1000:.0f} ms is needed).")
    n_frames = 1 + (y.size - 1) // hop

    cand_hz, cand_prob, min_cmndf, level_db = _frame_candidates(
        y, sr, hop=hop, window=window, min_lag=min_lag, max_lag=max_lag, n_frames=n_frames,
        progress=progress, cancel=cancel)
    check_cancel(cancel)
    gate = _loudness_gate(level_db, hop_s=hop / sr)
    voiced_prob = _voicing_probability(min_cmndf, gate)
    f0_hz = _decode(cand_hz, cand_prob, voiced_prob, fmin_hz=fmin_hz, fmax_hz=fmax_hz,
                    tuning_hz=float(tuning_hz), hop_s=hop / sr, progress=progress, cancel=cancel)
    f0_hz = _recentre(f0_hz, sr=sr, hop=hop, max_lag=max_lag)
    voiced = f0_hz > 0
    polyphonic = _looks_polyphonic(min_cmndf, gate)
    confidence, warnings = _assess(voiced, voiced_prob, polyphonic, y.size / sr)
    report(progress, 1.0, "melody tracked")
    return PitchTrack(hop_s=hop / sr, times_s=np.arange(n_frames) * (hop / sr), f0_hz=f0_hz,
                      voiced_prob=voiced_prob.astype(np.float32), fmin_hz=fmin_hz,
                      fmax_hz=fmax_hz, window_s=window / sr, tuning_hz=float(tuning_hz),
                      confidence=confidence, polyphonic=polyphonic, warnings=warnings)


def _frame_candidates(y, sr, *, hop, window, min_lag, max_lag, n_frames, progress, cancel):
    """Pitch candidates (Hz, probability), best CMNDF and level (dBFS) of every frame."""
    frame_len = window + max_lag  # frame i centred on sample i * hop
    cand_hz = np.zeros((n_frames, MAX_CANDIDATES), dtype=np.float32)
    cand_prob = np.zeros((n_frames, MAX_CANDIDATES), dtype=np.float32)
    min_cmndf = np.ones(n_frames, dtype=np.float32)
    level_db = np.empty(n_frames, dtype=np.float32)
    for start in range(0, n_frames, BLOCK_FRAMES):
        check_cancel(cancel)
        stop = min(n_frames, start + BLOCK_FRAMES)
        frames = frames_between(y, start, stop, window=frame_len, hop=hop)
        d = cmndf_frames(frames, window, max_lag)
        lags, probs, best = pitch_candidates(d, min_lag)
        with np.errstate(divide="ignore"):
            cand_hz[start:stop] = np.where(lags > 0, sr / np.maximum(lags, 1e-9), 0.0)
        cand_prob[start:stop] = probs
        min_cmndf[start:stop] = best
        power = np.mean(np.square(frames[:, :window], dtype=np.float64), axis=1)
        level_db[start:stop] = 10.0 * np.log10(power + 1e-12)
        report(progress, 0.7 * stop / n_frames, "finding pitch candidates")
    return cand_hz, cand_prob, min_cmndf, level_db


def _loudness_gate(level_db: np.ndarray, *, hop_s: float) -> np.ndarray:
    """Probability in [0, 1] that a frame is loud enough to hold a note.

    A frame must be loud against the whole recording (not GATE_BELOW_PEAK_DB under its
    loud frames) and against its own recent past (not DECAY_BELOW_RECENT_DB under the
    loudest of the last DECAY_WINDOW_S: a reverberant tail after a note has ended).
    """
    loud_db = float(np.percentile(level_db, 95))
    threshold_db = loud_db - GATE_BELOW_PEAK_DB  # relative: the same at any microphone gain
    width = max(1, int(round(DECAY_WINDOW_S / hop_s)))
    recent_db = maximum_filter1d(level_db, size=width, origin=(width - 1) // 2)
    return (_sigmoid((level_db - threshold_db) / GATE_SLOPE_DB)
            * _sigmoid((level_db - recent_db + DECAY_BELOW_RECENT_DB) / GATE_SLOPE_DB))


def _voicing_probability(min_cmndf: np.ndarray, gate: np.ndarray) -> np.ndarray:
    """Probability that each frame is pitched: periodic enough and loud enough."""
    return _sigmoid((PERIODICITY_CMNDF - min_cmndf) / PERIODICITY_SLOPE) * gate


def _looks_polyphonic(min_cmndf: np.ndarray, gate: np.ndarray) -> bool:
    """Loud frames partly periodic: several pitches at once rather than one or noise."""
    loud = gate > 0.5
    if loud.sum() < 10:
        return False
    aperiodicity = float(np.median(min_cmndf[loud]))
    return POLYPHONY_APERIODICITY[0] < aperiodicity < POLYPHONY_APERIODICITY[1]


def _sigmoid(x) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def _decode(cand_hz, cand_prob, voiced_prob, *, fmin_hz, fmax_hz, tuning_hz, hop_s, progress,
            cancel) -> np.ndarray:
    """Viterbi path in overlapping blocks, then f0 refined to the candidates on it."""
    n_frames = cand_hz.shape[0]
    grid_lo = 69 + 12 * math.log2(fmin_hz / tuning_hz)
    grid_hi = 69 + 12 * math.log2(fmax_hz / tuning_hz)
    first_bin = math.floor(grid_lo * BINS_PER_SEMITONE)
    n_bins = math.ceil(grid_hi * BINS_PER_SEMITONE) - first_bin + 1
    band = max(1, int(round(MAX_OCTAVES_PER_S * hop_s * 12 * BINS_PER_SEMITONE)))
    with np.errstate(divide="ignore", invalid="ignore"):
        cand_bin = np.round(BINS_PER_SEMITONE * (69 + 12 * np.log2(cand_hz / tuning_hz))) - first_bin
    usable = (cand_prob > 0) & (cand_hz >= fmin_hz) & (cand_hz <= fmax_hz)
    cand_bin = np.where(usable, np.clip(cand_bin, 0, n_bins - 1), -1).astype(np.int64)
    f0_hz = np.zeros(n_frames, dtype=np.float64)
    for start in range(0, n_frames, VITERBI_BLOCK_FRAMES):
        check_cancel(cancel)
        stop = min(n_frames, start + VITERBI_BLOCK_FRAMES)
        lo = max(0, start - VITERBI_OVERLAP_FRAMES)
        hi = min(n_frames, stop + VITERBI_OVERLAP_FRAMES)
        obs = np.full((hi - lo, n_bins), 1e-12)
        rows = np.repeat(np.arange(hi - lo), cand_bin.shape[1])
        bins = cand_bin[lo:hi].ravel()
        ok = bins >= 0
        np.add.at(obs, (rows[ok], bins[ok]), cand_prob[lo:hi].ravel()[ok])
        obs *= (voiced_prob[lo:hi] / np.maximum(cand_prob[lo:hi].sum(axis=1), 1e-12))[:, None]
        path = viterbi_banded(np.log(obs + 1e-12), np.log(1.0 - voiced_prob[lo:hi] + 1e-12),
                              band=band, switch_prob=SWITCH_PROB)
        keep = slice(start - lo, stop - lo)
        states = path[keep]
        voiced = states < n_bins
        # refine to the nearest candidate of the chosen bin, else the bin centre
        dist = np.abs(cand_bin[start:stop] - states[:, None])
        dist[cand_bin[start:stop] < 0] = 1 << 20
        nearest = np.argmin(dist, axis=1)
        near_hz = cand_hz[start:stop][np.arange(stop - start), nearest]
        centre_hz = tuning_hz * 2.0 ** (((states % n_bins) + first_bin) / BINS_PER_SEMITONE / 12 - 69 / 12)
        refined = np.where(dist[np.arange(stop - start), nearest] <= 1, near_hz, centre_hz)
        f0_hz[start:stop] = np.where(voiced, refined, 0.0)
        report(progress, 0.7 + 0.3 * stop / n_frames, "following the melody")
    return f0_hz


def _recentre(f0_hz: np.ndarray, *, sr: int, hop: int, max_lag: int) -> np.ndarray:
    """Move each f0 to the frame time it belongs to.

    A frame compares its first ``window`` samples with a copy one period later, so the
    samples it measures are centred (max_lag - period) / 2 samples before the frame
    centre: up to 10 ms early for high notes. Within each voiced run the pitch curve is
    re-interpolated at the true frame times.
    """
    voiced = f0_hz > 0
    if not voiced.any():
        return f0_hz
    frame = np.arange(f0_hz.size, dtype=np.float64)
    lag = np.where(voiced, sr / np.where(voiced, f0_hz, 1.0), max_lag)
    measured_at = frame - (max_lag - lag) / (2.0 * hop)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], voiced.astype(np.int8), [0]])))
    out = f0_hz.copy()
    for a, b in zip(edges[::2], edges[1::2]):
        if b - a > 1:
            out[a:b] = np.exp(np.interp(frame[a:b], measured_at[a:b], np.log(f0_hz[a:b])))
    return out


def _assess(voiced, voiced_prob, polyphonic, duration_s) -> tuple[float, tuple[str, ...]]:
    """Overall confidence and the warnings a musician should see."""
    warnings = []
    confidence = float(np.mean(voiced_prob[voiced])) if voiced.any() else 0.0
    if polyphonic:
        confidence *= 0.6
        warnings.append("Several notes seem to sound at once (piano, choir or band): the "
                        "pitch shown is only the most prominent line.")
    if not voiced.any():
        warnings.append("No pitched sound was found in range: the recording may be silent, "
                        "noise, or outside the chosen voice range.")
    elif voiced.mean() < 0.05:
        confidence *= 0.5
        warnings.append("Very little of the recording is pitched; the melody may be unreliable.")
    if duration_s < 1.0:
        warnings.append("The recording is shorter than a second; the melody may be unreliable.")
    return float(np.clip(confidence, 0.0, 1.0)), tuple(warnings)
