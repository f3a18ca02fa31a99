"""One sung part tracked inside a mix whose other parts are known from the score.

A time-domain tracker (YIN) follows the common period of two voices a fourth or a fifth
apart, far below either of them. Here each frame's spectrum is searched instead, on a
10-cent grid around the part's written range, for the pitch whose harmonics carry the
most energy (harmonic summation, with the energy between the harmonics subtracted so the
octave below does not win), after the partials of the other parts' notes sounding at
that moment -- placed by the alignment -- are masked out.
"""

from __future__ import annotations

import librosa
import numpy as np
from scipy.ndimage import median_filter

from musicpractice.analysis.melody import PitchTrack
from musicpractice.core.pitch import midi_to_hz

N_FFT = 4096
HOP_S = 0.01
GRID_CENTS = 10.0
HARMONICS = 8
HARMONIC_DECAY = 0.85
MASK_CENTS = 45.0
"""Spectrum within this distance of another part's partial is masked out."""
RANGE_MARGIN_SEMITONES = 4
VOICED_SHARE = 0.25
"""A frame is voiced when its best salience reaches this share of the loud frames' typical
salience."""
SMOOTH_FRAMES = 5
REFINE_CENTS = 80.0
NEIGHBOURHOOD_SEMITONES = 3.5
"""A frame's pitch is searched this close to the notes written around it."""
NEIGHBOURHOOD_S = 0.3
"""... the notes whose aligned span, widened by this much, covers the frame."""


def masked_part_track(take: np.ndarray, sr: int, *, lowest_midi: int, highest_midi: int,
                      others_midi: np.ndarray, others_on_s: np.ndarray,
                      others_off_s: np.ndarray, part_midi: np.ndarray | None = None,
                      part_on_s: np.ndarray | None = None,
                      part_off_s: np.ndarray | None = None) -> PitchTrack:
    """Pitch track of one part in a mix, the other parts' known notes masked.

    Parameters
    ----------
    take : numpy.ndarray
        Mono samples, shape ``(n,)``.
    sr : int
        Sample rate in Hz.
    lowest_midi, highest_midi : int
        The part's written range.
    others_midi, others_on_s, others_off_s : numpy.ndarray
        Shape ``(m,)``: the other parts' written pitches and their aligned start and end
        in the take (seconds; NaN where the take does not reach them).
    part_midi, part_on_s, part_off_s : numpy.ndarray, optional
        The part's own written notes and their aligned times: each frame is then searched
        only within ``NEIGHBOURHOOD_SEMITONES`` of the notes written around it.

    Returns
    -------
    PitchTrack
        Hop 10 ms, A4 = 440 Hz; ``voiced_prob`` is the frame's salience relative to the
        loud frames (clipped to [0, 1]).
    """
    hop = max(1, int(round(HOP_S * sr)))
    spectrum = np.abs(librosa.stft(np.asarray(take, dtype=np.float32), n_fft=N_FFT,
                                   hop_length=hop, center=True)) ** 0.5
    n_frames = spectrum.shape[1]
    times = np.arange(n_frames) * hop / sr
    bin_hz = sr / N_FFT
    grid = np.arange((lowest_midi - RANGE_MARGIN_SEMITONES) * 100.0,
                     (highest_midi + RANGE_MARGIN_SEMITONES) * 100.0 + 1e-9, GRID_CENTS) / 100.0
    f0_grid = midi_to_hz(grid)
    weights = HARMONIC_DECAY ** np.arange(HARMONICS)
    on_bins = [(h + 1) * f0_grid / bin_hz for h in range(HARMONICS)]
    off_bins = [(h + 0.5) * f0_grid / bin_hz for h in range(HARMONICS)]
    mask = _other_parts_mask(spectrum.shape, times, bin_hz, others_midi, others_on_s,
                             others_off_s)
    masked = np.where(mask, 0.0, spectrum)
    salience = np.zeros((grid.size, n_frames))
    plain = np.zeros((grid.size, n_frames))
    for w, on, off in zip(weights, on_bins, off_bins):
        salience += w * (_at_bins(masked, on) - 0.5 * _at_bins(masked, off))
        plain += w * _at_bins(spectrum, on)
    if part_midi is not None:
        salience = np.where(_neighbourhood(grid, times, part_midi, part_on_s, part_off_s),
                            salience, -np.inf)
    best = np.argmax(salience, axis=0)
    peak = np.nan_to_num(salience[best, np.arange(n_frames)], neginf=0.0)
    loud = peak[peak > 0]
    typical = float(np.percentile(loud, 75)) if loud.size else 1.0
    voiced_prob = np.clip(peak / max(typical, 1e-12) / (2 * VOICED_SHARE), 0.0, 1.0)
    voiced = median_filter((peak >= VOICED_SHARE * typical).astype(np.int8), SMOOTH_FRAMES) > 0
    f0 = np.where(voiced, midi_to_hz(_refined(plain, _nearby_peak(plain, best), grid)), 0.0)
    return PitchTrack(hop_s=hop / sr, times_s=times, f0_hz=f0,
                      voiced_prob=voiced_prob.astype(np.float32),
                      fmin_hz=float(f0_grid[0]), fmax_hz=float(f0_grid[-1]),
                      window_s=N_FFT / sr, tuning_hz=440.0, confidence=float(np.mean(voiced)),
                      polyphonic=True, warnings=())


def _neighbourhood(grid, times, midi, on_s, off_s) -> np.ndarray:
    """True (grid x frames) within ``NEIGHBOURHOOD_SEMITONES`` of a note written around
    each frame (its aligned span widened by ``NEIGHBOURHOOD_S``)."""
    allowed = np.zeros((grid.size, times.size), dtype=bool)
    for m, a, b in zip(midi, on_s, off_s):
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        lo, hi = np.searchsorted(times, [a - NEIGHBOURHOOD_S, b + NEIGHBOURHOOD_S])
        rows = np.abs(grid - m) <= NEIGHBOURHOOD_SEMITONES
        allowed[np.ix_(rows, np.arange(lo, hi))] = True
    return allowed


def _at_bins(spectrum: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """Spectrum rows at fractional bins (linear interpolation), shape (len(bins), frames)."""
    bins = np.clip(bins, 0, spectrum.shape[0] - 2)
    low = bins.astype(int)
    frac = (bins - low)[:, None]
    return (1 - frac) * spectrum[low] + frac * spectrum[low + 1]


def _nearby_peak(plain: np.ndarray, best: np.ndarray) -> np.ndarray:
    """The unmasked salience's peak within ``REFINE_CENTS`` of the masked one: masking a
    partial's neighbour leaves a lopsided remnant of it, which biases the masked peak."""
    reach = int(round(REFINE_CENTS / GRID_CENTS))
    offsets = np.arange(-reach, reach + 1)
    rows = np.clip(best[None, :] + offsets[:, None], 0, plain.shape[0] - 1)
    values = np.take_along_axis(plain, rows, axis=0)
    return rows[np.argmax(values, axis=0), np.arange(best.size)]


def _refined(salience: np.ndarray, best: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Grid pitch refined by a parabola through the peak and its neighbours (MIDI)."""
    k = np.clip(best, 1, grid.size - 2)
    cols = np.arange(best.size)
    a, b, c = salience[k - 1, cols], salience[k, cols], salience[k + 1, cols]
    denom = a - 2 * b + c
    shift = np.where(np.abs(denom) > 1e-12, 0.5 * (a - c) / np.where(denom == 0, 1, denom), 0.0)
    return grid[k] + np.clip(shift, -0.5, 0.5) * (grid[1] - grid[0])


def _other_parts_mask(shape, times, bin_hz, midi, on_s, off_s) -> np.ndarray:
    """True where a partial of another part's sounding note lies (bins x frames)."""
    mask = np.zeros(shape, dtype=bool)
    n_bins = shape[0]
    for m, a, b in zip(midi, on_s, off_s):
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        f_lo, f_hi = np.searchsorted(times, [a - 0.03, b + 0.03])
        if f_hi <= f_lo:
            continue
        f0 = float(midi_to_hz(m))
        for h in range(1, 2 * HARMONICS + 1):
            centre = h * f0
            width = max(centre * (2 ** (MASK_CENTS / 1200.0) - 1.0), 1.5 * bin_hz)
            lo, hi = int(np.floor((centre - width) / bin_hz)), int(np.ceil((centre + width) / bin_hz))
            if lo >= n_bins:
                break
            mask[max(lo, 0):min(hi + 1, n_bins), f_lo:f_hi] = True
    return mask
