"""Gain-free cues that carry arousal: how busy, changing, rough and dynamic the sound is.

Listeners hear energy in how many events a passage has, how fast its spectrum changes,
how rough (dissonant, noisy) it sounds and how much its level varies -- not in the
microphone's gain. Every cue here is therefore measured relative to the take itself:
the spectrum is read in dB below the take's own loud level, the dynamic range as the
spread of its own short-term loudness, so doubling the gain changes none of them.

References: event density and spectral flux (Eerola, Lartillot & Toiviainen 2009;
Schubert 2004), sensory roughness (Sethares 1993, as in MIRtoolbox ``mirroughness``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import scipy.fft

from musicpractice.analysis.frames import frame_count, frames_between
from musicpractice.analysis.signal import check_signal

N_FFT = 2048
"""FFT size of the spectral cues at the analysis rate (93 ms at 22.05 kHz)."""
HOP = 512
"""Hop of the spectral cues in samples (23 ms at 22.05 kHz)."""
FLOOR_DB = -50.0
"""Spectral values are clipped this far below the take's loud level (gain-free floor, and
high enough that hiss, hum and 16-bit quantisation noise of a soft recording stay below it)."""
LOUD_PERCENTILE = 95
"""The take's loud level: this percentile of its frame energies."""
ACTIVE_DB = -40.0
"""Frames this far below the loud level are silence for the spectral cues."""
ROUGHNESS_PEAKS = 20
"""Spectral peaks per frame that enter the roughness sum."""
ROUGHNESS_FRAME_STEP = 4
"""Roughness is computed on every this-many spectral frames (about 11 frames per second)."""
HIGH_BAND_HZ = 1600.0
LOW_BAND_HZ = 200.0
N_MELS = 64
"""Mel bands of the spectral flux and the harmonic/percussive split."""
HPSS_FRAMES = 17
"""Median-filter length (frames, about 0.4 s; bands for the percussive part) of the split."""
WHOLE_TAKE_S = 600.0
"""Takes up to this long are measured whole; a longer one through excerpts of
:data:`EXCERPT_S` spread evenly over it, as long together (its whole spectrogram of an
hour would need about 3 GB)."""
EXCERPT_S = 30.0
ACTIVE_LUFS_BELOW = 20.0
"""Short-term loudness more than this many LU below the take's loudest 3 s is a pause."""


@dataclass(frozen=True)
class ArousalCueValues:
    """The arousal cues of one take (NaN when not measurable).

    Attributes
    ----------
    event_density_per_s : float
        Onsets per second of sounding time.
    spectral_flux_db : float
        Mean rise of the mel spectrum (dB, :data:`N_MELS` bands) from one 23 ms frame to
        the next, per band, over the sounding frames.
    roughness : float
        Mean sensory roughness (Sethares) of the strongest spectral peaks, normalised
        by the frame's peak energy: 0 for one pure tone, larger for beating, clashing or
        noisy spectra (dimensionless, typically 0-0.5).
    percussive_share : float
        Share (0-1) of the sounding spectral energy in the percussive part of a
        harmonic/percussive median-filter split (Fitzgerald 2010): drums, struck and
        plucked attacks.
    flatness : float
        Median spectral flatness of the sounding frames (0 = pure tones, 1 = white noise).
    high_flux_db, low_flux_db : float
        The spectral flux of the mel bands above :data:`HIGH_BAND_HZ` (cymbals, consonants,
        bright attacks) and below :data:`LOW_BAND_HZ` (bass and drums), dB per band.
    contrast_db : float
        Mean spectral contrast (Jiang et al. 2002): peak minus valley level within octave
        bands, dB; low for dense, distorted or noisy sound.
    low_energy_share : float
        Share (0-1) of the sounding frames quieter than their mean energy (Tzanetakis &
        Cook 2002): high for sparse, pulsing sound, low for a continuous wall of sound.
    dynamic_range_lu : float
        95th minus 10th percentile of the short-term loudness over the sounding parts, LU.
    times_s : numpy.ndarray
        Frame times in seconds of ``flux_db`` and ``roughness_frames``, shape (n,).
    flux_db, roughness_frames : numpy.ndarray
        Per-frame values the means summarise, shape (n,) (NaN in silent frames).
    """

    event_density_per_s: float
    spectral_flux_db: float
    roughness: float
    percussive_share: float
    flatness: float
    high_flux_db: float
    low_flux_db: float
    contrast_db: float
    low_energy_share: float
    dynamic_range_lu: float
    times_s: np.ndarray
    flux_db: np.ndarray
    roughness_frames: np.ndarray


def _spectrogram_db(y: np.ndarray) -> np.ndarray:
    """Magnitude spectrogram in dB below the take's loud level, shape (bins, frames)."""
    n_frames = frame_count(len(y), window=N_FFT, hop=HOP)
    window = np.hanning(N_FFT + 1)[:-1].astype(np.float32)
    power = np.empty((N_FFT // 2 + 1, n_frames), dtype=np.float32)
    for start in range(0, n_frames, 1024):
        stop = min(n_frames, start + 1024)
        frames = frames_between(y, start, stop, window=N_FFT, hop=HOP)
        power[:, start:stop] = (np.abs(scipy.fft.rfft(frames * window, axis=1)) ** 2).T
    energy = power.sum(axis=0)
    loud = float(np.percentile(energy, LOUD_PERCENTILE)) if n_frames else 0.0
    if loud <= 0:
        return np.full_like(power, FLOOR_DB)
    # per-bin reference: the loud frame energy spread evenly over the bins
    reference = loud / power.shape[0]
    return np.maximum(10.0 * np.log10(np.maximum(power, 1e-30) / reference), FLOOR_DB)


def _active_frames(spec_db: np.ndarray) -> np.ndarray:
    energy = np.sum(10.0 ** (spec_db / 10.0), axis=0)
    loud = np.percentile(energy, LOUD_PERCENTILE) if energy.size else 0.0
    return energy > loud * 10.0 ** (ACTIVE_DB / 10.0) if loud > 0 else np.zeros(energy.shape, bool)


def _sethares(f_lo: np.ndarray, f_hi: np.ndarray) -> np.ndarray:
    """Sethares' dissonance curve for partial pairs (Hz), maximal near a quarter of a
    critical band apart."""
    s = 0.24 / (0.021 * f_lo + 19.0)
    d = s * (f_hi - f_lo)
    return np.exp(-3.5 * d) - np.exp(-5.75 * d)


def _roughness(spec_db: np.ndarray, sr: int, active: np.ndarray) -> np.ndarray:
    """Per-frame roughness (NaN where not computed or silent), shape (frames,)."""
    out = np.full(spec_db.shape[1], np.nan)
    freqs = np.fft.rfftfreq(N_FFT, 1.0 / sr)
    columns = np.flatnonzero(active)[::ROUGHNESS_FRAME_STEP]
    if not len(columns):
        return out
    amp = 10.0 ** (spec_db[:, columns] / 20.0)
    is_peak = np.zeros_like(amp, dtype=bool)
    is_peak[1:-1] = (amp[1:-1] > amp[:-2]) & (amp[1:-1] >= amp[2:])
    masked = np.where(is_peak & (freqs[:, None] > 20.0), amp, 0.0)
    k = min(ROUGHNESS_PEAKS, masked.shape[0])
    top = np.argpartition(-masked, k - 1, axis=0)[:k].T  # (frames, k)
    a = np.take_along_axis(masked.T, top, axis=1)
    f = freqs[top]
    f_lo, f_hi = np.minimum(f[:, :, None], f[:, None, :]), np.maximum(f[:, :, None], f[:, None, :])
    pair = a[:, :, None] * a[:, None, :] * _sethares(f_lo, f_hi)
    upper = np.triu(np.ones((k, k), dtype=bool), 1)
    norm = np.sum(a * a, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[columns] = np.where(norm > 0, pair[:, upper].sum(axis=1) / norm, np.nan)
    return out


def _mel_power(spec_db: np.ndarray, sr: int) -> np.ndarray:
    import librosa

    mel = librosa.filters.mel(sr=sr, n_fft=N_FFT, n_mels=N_MELS, fmax=min(11_000.0, sr / 2))
    return mel @ (10.0 ** (spec_db / 10.0))


def _percussive_share(mel_power: np.ndarray, active: np.ndarray) -> float:
    import scipy.ndimage

    if active.sum() < HPSS_FRAMES:
        return float("nan")
    harmonic = scipy.ndimage.median_filter(mel_power, size=(1, HPSS_FRAMES))
    percussive = scipy.ndimage.median_filter(mel_power, size=(HPSS_FRAMES, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        mask = percussive ** 2 / (harmonic ** 2 + percussive ** 2)
    mask = np.nan_to_num(mask)
    total = mel_power[:, active].sum()
    return float((mask * mel_power)[:, active].sum() / total) if total > 0 else float("nan")


def _contrast_db(spec_db: np.ndarray, sr: int, active: np.ndarray) -> float:
    if not active.any():
        return float("nan")
    freqs = np.fft.rfftfreq(N_FFT, 1.0 / sr)
    edges = [200.0 * 2 ** k for k in range(6) if 200.0 * 2 ** (k + 1) <= sr / 2]
    spec = spec_db[:, active]
    values = []
    for lo in edges:
        band = spec[(freqs >= lo) & (freqs < 2 * lo)]
        if len(band) >= 4:
            q = np.percentile(band, [2, 98], axis=0)
            values.append(np.mean(q[1] - q[0]))
    return float(np.mean(values)) if values else float("nan")


def _low_energy_share(spec_db: np.ndarray, active: np.ndarray) -> float:
    energy = np.sum(10.0 ** (spec_db[:, active] / 10.0), axis=0)
    return float(np.mean(energy < energy.mean())) if len(energy) >= 10 else float("nan")


def _flatness(spec_db: np.ndarray, active: np.ndarray) -> float:
    if not active.any():
        return float("nan")
    power = 10.0 ** (spec_db[1:, active] / 10.0)
    flat = np.exp(np.mean(np.log(power), axis=0)) / np.mean(power, axis=0)
    return float(np.median(flat))


def _dynamic_range_lu(short_term_lufs: np.ndarray) -> float:
    st = np.asarray(short_term_lufs, dtype=float)
    st = st[np.isfinite(st)]
    if len(st) < 3:
        return float("nan")
    active = st[st > st.max() - ACTIVE_LUFS_BELOW]
    if len(active) < 3:
        return float("nan")
    return float(np.percentile(active, 95) - np.percentile(active, 10))


def measure_arousal_cues(
    y: np.ndarray,
    sr: int,
    *,
    onsets_s: np.ndarray,
    short_term_lufs: np.ndarray,
) -> ArousalCueValues:
    """Measure the gain-free arousal cues of a take.

    Parameters
    ----------
    y : numpy.ndarray
        Mono signal, shape (samples,), full scale = 1.
    sr : int
        Sample rate in Hz (the analysis rate, 22.05 kHz, is what the weights were fitted at).
    onsets_s : numpy.ndarray
        Onset times in seconds, shape (onsets,).
    short_term_lufs : numpy.ndarray
        Short-term (3 s) loudness in LUFS, shape (windows,) (only its spread is used).

    Returns
    -------
    ArousalCueValues

    Raises
    ------
    InvalidParameterError
        ``y`` is not a finite mono signal or ``sr`` not a sample rate (see
        :func:`~musicpractice.analysis.signal.check_signal`); AudioTooShortError when empty.
    """
    y = check_signal(y, sr)
    if len(y) <= WHOLE_TAKE_S * sr:
        return _measure(y, sr, onsets_s=np.asarray(onsets_s, dtype=float),
                        short_term_lufs=short_term_lufs)
    # a long take: evenly spread excerpts stand for it (the cues are averages over the take)
    n_excerpts = int(np.ceil(WHOLE_TAKE_S / EXCERPT_S))
    length = int(EXCERPT_S * sr)
    starts = np.linspace(0, len(y) - length, n_excerpts).astype(int)
    onsets_s = np.asarray(onsets_s, dtype=float)
    inside = [onsets_s[(onsets_s >= a / sr) & (onsets_s < (a + length) / sr)] - a / sr + k * EXCERPT_S
              for k, a in enumerate(starts)]
    values = _measure(np.concatenate([y[a:a + length] for a in starts]), sr,
                      onsets_s=np.concatenate(inside), short_term_lufs=short_term_lufs)
    k = np.minimum((values.times_s // EXCERPT_S).astype(int), n_excerpts - 1)
    return replace(values, times_s=starts[k] / sr + values.times_s - k * EXCERPT_S)


def _measure(y: np.ndarray, sr: int, *, onsets_s: np.ndarray,
             short_term_lufs: np.ndarray) -> ArousalCueValues:
    """:func:`measure_arousal_cues` of a checked signal, all of it at once."""
    spec_db = _spectrogram_db(y)
    active = _active_frames(spec_db)
    times_s = np.arange(spec_db.shape[1]) * HOP / sr
    mel_power = _mel_power(spec_db, sr)
    mel_db = 10.0 * np.log10(np.maximum(mel_power, 10.0 ** (FLOOR_DB / 10.0)))
    flux = np.full(spec_db.shape[1], np.nan)
    rise = np.maximum(np.diff(mel_db, axis=1), 0.0)
    if spec_db.shape[1] > 1:
        flux[1:] = rise.mean(axis=0)
    import librosa

    centres = librosa.mel_frequencies(N_MELS + 2, fmax=min(11_000.0, sr / 2))[1:-1]
    sounding_rise = rise[:, active[1:]] if rise.shape[1] else rise

    def band_flux(mask: np.ndarray) -> float:
        return float(sounding_rise[mask].mean()) if mask.any() and sounding_rise.size else float("nan")

    flux[~active] = np.nan
    rough = _roughness(spec_db, sr, active)
    sounding_s = float(active.sum()) * HOP / sr
    onsets_s = np.asarray(onsets_s, dtype=float)
    density = len(onsets_s) / sounding_s if sounding_s >= 1.0 else float("nan")

    def mean(x: np.ndarray) -> float:
        x = x[np.isfinite(x)]
        return float(np.mean(x)) if len(x) else float("nan")

    return ArousalCueValues(
        event_density_per_s=density if math.isfinite(density) else float("nan"),
        spectral_flux_db=mean(flux), roughness=mean(rough),
        percussive_share=_percussive_share(mel_power, active), flatness=_flatness(spec_db, active),
        high_flux_db=band_flux(centres >= HIGH_BAND_HZ), low_flux_db=band_flux(centres < LOW_BAND_HZ),
        contrast_db=_contrast_db(spec_db, sr, active),
        low_energy_share=_low_energy_share(spec_db, active),
        dynamic_range_lu=_dynamic_range_lu(short_term_lufs),
        times_s=times_s, flux_db=flux, roughness_frames=rough,
    )


def as_cues(values: ArousalCueValues, *, onsets_s: np.ndarray, pulse_clarity: float) -> list:
    """The arousal cues as :class:`~musicpractice.analysis.cues.Cue` rows (for the cue
    table, the JSON and the listener model), with where in the take each comes from.

    Parameters
    ----------
    values : ArousalCueValues
    onsets_s : numpy.ndarray
        Onset times in seconds, shape (onsets,) (where the event density comes from).
    pulse_clarity : float
        The tempo estimate's confidence, 0-1 (how clear the beat is).
    """
    from musicpractice.analysis.cue_scales import SCALES
    from musicpractice.analysis.cues import Cue

    def cue(key, name, value, unit, method, times=(), series=()):
        value = float(value) if value is not None else float("nan")
        return Cue(key, name, value, unit, method, SCALES[key].word(value),
                   np.asarray(times, dtype=float), np.asarray(series, dtype=float))

    onsets_s = np.asarray(onsets_s, dtype=float)
    return [
        cue("event_density_per_s", "Event density", values.event_density_per_s, "per s",
            "Note onsets per second of sounding time.", onsets_s, np.ones(len(onsets_s))),
        cue("spectral_flux_db", "Spectral change", values.spectral_flux_db, "dB",
            "Mean rise of the mel spectrum from one 23 ms frame to the next, per band.",
            values.times_s, values.flux_db),
        cue("high_flux_db", "Treble change", values.high_flux_db, "dB",
            f"Spectral change of the mel bands above {HIGH_BAND_HZ:g} Hz.",),
        cue("low_flux_db", "Bass change", values.low_flux_db, "dB",
            f"Spectral change of the mel bands below {LOW_BAND_HZ:g} Hz."),
        cue("contrast_db", "Spectral contrast", values.contrast_db, "dB",
            "Peak minus valley level within octave bands (low = dense, distorted or noisy sound)."),
        cue("low_energy_share", "Low-energy share", values.low_energy_share, "",
            "Share of the sounding frames quieter than their mean (high = pulsing, sparse sound)."),
        cue("roughness", "Roughness", values.roughness, "",
            "Sensory roughness (Sethares) of the strongest spectral peaks, relative to their energy.",
            values.times_s, values.roughness_frames),
        cue("percussive_share", "Percussive share", values.percussive_share, "",
            "Share of the sounding energy in the percussive part of a harmonic/percussive split."),
        cue("flatness", "Noisiness", values.flatness, "",
            "Median spectral flatness of the sounding frames (0 tonal, 1 noise)."),
        cue("dynamic_range_lu", "Dynamic range", values.dynamic_range_lu, "LU",
            "95th minus 10th percentile of the short-term loudness over the sounding parts "
            "(relative to the take: gain-free)."),
        cue("pulse_clarity", "Pulse clarity", pulse_clarity, "",
            "How clear the beat is (the tempo estimate's confidence)."),
    ]
