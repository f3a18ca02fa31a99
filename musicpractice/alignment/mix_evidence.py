"""Is the singer there? The level of a part's own partials inside a mix.

Inside a mix the pitch tracker finds *something* in every frame: when the singer leaves a
note out, the other parts' partials (or what masking leaves of them) are followed
instead. The other parts' notes are known from the score and placed by the alignment,
so at a given pitch and moment the partials that no other sounding note shares can be
listed; their energy is the singer's alone. Compared with the same measure on the notes
the singer sang around it, it tells a sung note from a left-out one.
"""

from __future__ import annotations

import copy

import librosa
import numpy as np

from musicpractice.core.pitch import midi_to_hz

N_FFT = 4096
HOP_S = 0.01
HARMONICS = 8
SHARED_MIN_BINS = 2.5
"""A partial is shared when another sounding note's partial lies within its search
window widened by this many FFT bins (the window's main lobe)."""
SEARCH_CENTS = 30.0
"""A partial's energy is the strongest bin this close to its nominal frequency (vibrato)."""
PITCH_REACH_CENTS = 70.0
"""A partial's peak is looked for this far from where the pitch found puts it (vibrato)."""
PEAK_DB = 6.0
"""A partial stands this far above the spectrum beside it to be a reference level."""
OTHERS_MIN_S = 0.3
"""Shortest note of another part read for the tuning the other parts sing at."""
CORE = (0.2, 0.8)
"""The part of a note's span measured (the glide into it and the release left out)."""
SHORT_N_FFT = 1024
VIBRATO_CENTS = 50.0
"""How far a sung partial swings (vibrato) on the short spectrum."""
FOLLOWED_SEMITONES = 1.0
"""A pitch found this close to another part's note (or its octave) may be that part."""
REATTACK_DB = 6.0
"""A dip this deep in a pitch's own partials is a new attack of it."""
REATTACK_SIDE_S, REATTACK_NEAR_S = 0.25, 0.08
"""The louder moments are looked for this far on each side; the dip this close."""


class PartEvidence:
    """Levels of a part's own (unshared) partials in a mixed take.

    Parameters
    ----------
    take : numpy.ndarray
        Mono samples, shape ``(n,)``.
    sr : int
        Sample rate in Hz.
    others_midi, others_on_s, others_off_s : numpy.ndarray
        Shape ``(m,)``: the other parts' written pitches (MIDI, at A4 = 440 Hz) and their
        aligned start and end in the take (seconds; NaN where the take does not reach
        them).
    tuning_semitones : float
        The take's tuning (semitones from A4 = 440 Hz): the other parts sing at it.
    """

    def __init__(self, take: np.ndarray, sr: int, *, others_midi: np.ndarray,
                 others_on_s: np.ndarray, others_off_s: np.ndarray,
                 tuning_semitones: float = 0.0) -> None:
        self._hop = max(1, int(round(HOP_S * sr)))
        self._sr = sr
        self._take = np.asarray(take, dtype=np.float32)
        self._short = None
        self._power = np.abs(librosa.stft(np.asarray(take, dtype=np.float32), n_fft=N_FFT,
                                          hop_length=self._hop, center=True)) ** 2
        self._bin_hz = sr / N_FFT
        ok = np.isfinite(others_on_s) & np.isfinite(others_off_s)
        self._tuning = tuning_semitones
        self._midi = np.asarray(others_midi, dtype=float)[ok] + tuning_semitones
        self._on = np.asarray(others_on_s, dtype=float)[ok]
        self._off = np.asarray(others_off_s, dtype=float)[ok]

    def partial_levels_db(self, pitch_midi: float, start_s: float, end_s: float, *,
                          besides: float | None = None, besides_all: bool = True,
                          peaks_only: bool = False) -> np.ndarray:
        """Power (dB) of each partial of ``pitch_midi`` over the core of a note's span,
        NaN where another part's note sounding then (or a note at ``besides``) shares the
        partial.

        Parameters
        ----------
        pitch_midi : float
            Absolute pitch (MIDI number at A4 = 440 Hz, fractional).
        start_s, end_s : float
            The note's span in the take (seconds).
        besides : float, optional
            A pitch (MIDI) heard there too whose partials are left out as well (the pitch
            the singer was found at, when the written one is measured).
        besides_all : bool
            Leave out all partials of ``besides`` up to this note's 16th (a singer's
            voice has them), not only its first ``HARMONICS`` (another part's).
        peaks_only : bool
            Leave out (NaN) partials that do not stand ``PEAK_DB`` above the spectrum
            half-way to the partials beside them: a level a note's partial is compared
            with must be a partial, not the noise floor both would share.

        Returns
        -------
        numpy.ndarray
            Shape ``(HARMONICS,)``, dB (arbitrary reference, comparable within a take);
            all NaN when the span holds no frame.
        """
        out = np.full(HARMONICS, np.nan)
        frames = self._frames(start_s, end_s)
        if frames is None or not np.isfinite(pitch_midi):
            return out
        a, b, t0, t1 = frames
        f0 = float(midi_to_hz(pitch_midi))
        other_partials = self._other_partials(
            t0, t1, besides, up_to_hz=2 * HARMONICS * f0 if besides_all else 0.0)
        power = self._power[:, a:b]
        for h in range(1, HARMONICS + 1):
            centre = h * f0
            half = max(centre * (2 ** (SEARCH_CENTS / 1200.0) - 1.0), self._bin_hz)
            if centre + half + self._bin_hz >= self._sr / 2:
                break
            reach = half + SHARED_MIN_BINS * self._bin_hz
            if other_partials.size and np.min(np.abs(other_partials - centre)) < reach:
                continue
            lo = int(np.floor((centre - half) / self._bin_hz))
            hi = int(np.ceil((centre + half) / self._bin_hz)) + 1
            level = float(np.mean(np.max(power[lo:hi], axis=0)))
            if peaks_only and level <= 10.0 ** (PEAK_DB / 10.0) * self._between(
                    power, centre, f0, half):
                continue
            out[h - 1] = 10.0 * np.log10(level + 1e-20)
        return out

    def _between(self, power: np.ndarray, centre: float, f0: float, half: float) -> float:
        """Mean power half-way from a partial at ``centre`` (Hz) to the partials beside
        it, on the quieter side (the louder may hold another sound's partial)."""
        sides = []
        for mid in (centre - 0.5 * f0, centre + 0.5 * f0):
            lo = max(int(np.floor((mid - half) / self._bin_hz)), 0)
            hi = min(int(np.ceil((mid + half) / self._bin_hz)) + 1, power.shape[0])
            if hi > lo:
                sides.append(float(np.mean(np.max(power[lo:hi], axis=0))))
        return min(sides) if sides else 0.0

    def own_pitch(self, pitch_midi: float, start_s: float, end_s: float, *,
                  besides: float | None = None) -> float:
        """The pitch (MIDI, fractional) within ``PITCH_REACH_CENTS`` of ``pitch_midi``
        read from the partials no other sounding note comes near: per frame the
        power-weighted mean of their peaks' frequencies divided by the harmonic number,
        averaged over the note's core (the vibrato averages out). NaN when no partial
        is free.

        Parameters
        ----------
        pitch_midi : float
            Absolute pitch searched around (MIDI number at A4 = 440 Hz).
        start_s, end_s : float
            The note's span in the take (seconds).
        besides : float, optional
            A pitch (MIDI) heard there too whose partials are left out as well.

        Returns
        -------
        float
        """
        frames = self._frames(start_s, end_s)
        if frames is None or not np.isfinite(pitch_midi):
            return float("nan")
        a, b, t0, t1 = frames
        f0 = float(midi_to_hz(pitch_midi))
        others = self._other_partials(t0, t1, besides, up_to_hz=2 * HARMONICS * f0)
        return self._pitch_from_partials(f0, self._power[:, a:b], others)

    def others_offset_cents(self, *, part_midi: np.ndarray, part_on_s: np.ndarray,
                            part_off_s: np.ndarray) -> tuple[float, int]:
        """How far the other parts sing from their written pitches at the tuning given:
        each of their notes at least ``OTHERS_MIN_S`` long read from its partials that no
        other sounding note (the part's own written notes included) comes near.

        Parameters
        ----------
        part_midi, part_on_s, part_off_s : numpy.ndarray
            The part's own written notes (MIDI, at A4 = 440 Hz) and their aligned start
            and end in the take (seconds).

        Returns
        -------
        offset_cents : float
            The median over the notes read (NaN when none could be).
        count : int
            How many notes were read.
        """
        part = np.asarray(part_midi, dtype=float) + self._tuning
        part_on, part_off = np.asarray(part_on_s, dtype=float), np.asarray(part_off_s, dtype=float)
        offsets = []
        for i, (m, on, off) in enumerate(zip(self._midi, self._on, self._off)):
            frames = self._frames(on, off) if off - on >= OTHERS_MIN_S else None
            if frames is None:
                continue
            a, b, t0, t1 = frames
            near = np.concatenate([
                np.delete(self._midi, i)[(np.delete(self._on, i) < t1) & (np.delete(self._off, i) > t0)],
                part[(part_on < t1) & (part_off > t0)]])
            found = self._pitch_from_partials(float(midi_to_hz(m)), self._power[:, a:b],
                                              _partials_hz(near))
            if np.isfinite(found):
                offsets.append(100.0 * (found - m))
        return (float(np.median(offsets)) if offsets else float("nan")), len(offsets)

    def retuned(self, tuning_semitones: float) -> "PartEvidence":
        """The same evidence with the other parts placed at another tuning."""
        out = copy.copy(self)
        out._midi = self._midi - self._tuning + tuning_semitones
        out._tuning = tuning_semitones
        return out

    def with_window(self, seconds: float) -> "PartEvidence":
        """The same evidence read on a spectrum whose window lasts about ``seconds`` (the
        nearest power of two of samples; same hop): a window shorter than ``N_FFT``'s
        measures a span of a fifth of a second without the notes before and after it
        smeared in, at a coarser frequency resolution."""
        n_fft = int(2 ** round(np.log2(max(seconds * self._sr, 64))))
        out = copy.copy(self)
        out._power = np.abs(librosa.stft(self._take, n_fft=n_fft, hop_length=self._hop,
                                         center=True)) ** 2
        out._bin_hz = self._sr / n_fft
        out._short = None
        return out

    def _pitch_from_partials(self, f0: float, power: np.ndarray, others: np.ndarray) -> float:
        """Pitch (MIDI) within ``PITCH_REACH_CENTS`` of ``f0`` (Hz) read from its partials
        in ``power`` (bins x frames) that no frequency in ``others`` (Hz) comes near."""
        estimates, weights = [], []
        for h in range(1, HARMONICS + 1):
            centre = h * f0
            half = max(centre * (2 ** (PITCH_REACH_CENTS / 1200.0) - 1.0), 2 * self._bin_hz)
            if centre + half + self._bin_hz >= self._sr / 2:
                break
            if others.size and np.min(np.abs(others - centre)) < half + SHARED_MIN_BINS * self._bin_hz:
                continue
            lo = int(np.floor((centre - half) / self._bin_hz))
            hi = int(np.ceil((centre + half) / self._bin_hz)) + 1
            band = power[lo:hi]
            peak = np.clip(np.argmax(band, axis=0), 1, band.shape[0] - 2)
            cols = np.arange(band.shape[1])
            la, lb, lc = (np.log(band[peak + d, cols] + 1e-20) for d in (-1, 0, 1))
            denom = la - 2 * lb + lc
            shift = np.where(np.abs(denom) > 1e-12, 0.5 * (la - lc) / np.where(denom == 0, 1, denom), 0.0)
            freq = (lo + peak + np.clip(shift, -0.5, 0.5)) * self._bin_hz / h
            estimates.append(12.0 * np.log2(np.maximum(freq, 1e-6) / 440.0) + 69.0)
            weights.append(band[peak, cols])
        if not estimates:
            return float("nan")
        est, w = np.array(estimates), np.array(weights)
        total = np.sum(w, axis=0)
        heard = total > 0
        if not heard.any():
            return float("nan")
        return float(np.mean(np.sum(est * w, axis=0)[heard] / total[heard]))

    def reattacked(self, pitch_midi: float, at_s: float, *,
                   until_s: float | None = None) -> bool:
        """Whether the level of ``pitch_midi``'s partials that no other part comes near
        dips ``REATTACK_DB`` within ``REATTACK_NEAR_S`` of ``at_s`` below the louder
        moments on both sides (a new attack of the same pitch, not one note held on).
        Read on a short spectrum (``SHORT_N_FFT``) that shows a breath between notes.

        Parameters
        ----------
        pitch_midi : float
            Absolute pitch (MIDI number at A4 = 440 Hz).
        at_s : float
            Where the new note would start (seconds).
        until_s : float, optional
            Look for the dip anywhere from ``at_s`` to this (seconds): where a note
            placed by the alignment really starts is not known to a tenth of a second.

        Returns
        -------
        bool
            True when it dips, or when it cannot be told (no free partial).
        """
        if not (np.isfinite(pitch_midi) and np.isfinite(at_s)):
            return True
        last_s = at_s if until_s is None or not np.isfinite(until_s) else max(until_s, at_s)
        free = self.partial_levels_db(pitch_midi, at_s - REATTACK_SIDE_S,
                                      last_s + REATTACK_SIDE_S)
        harmonics = np.flatnonzero(np.isfinite(free)) + 1
        if harmonics.size == 0:
            return True
        if self._short is None:
            self._short = np.abs(librosa.stft(self._take, n_fft=SHORT_N_FFT,
                                              hop_length=self._hop // 2, center=True)) ** 2
        hop_s = (self._hop // 2) / self._sr
        bin_hz = self._sr / SHORT_N_FFT
        first, last = int(round(at_s / hop_s)), int(round(last_s / hop_s))
        side, near = int(round(REATTACK_SIDE_S / hop_s)), int(round(REATTACK_NEAR_S / hop_s))
        a, b = max(first - side, 0), min(last + side + 1, self._short.shape[1])
        if first - near - 1 <= a or last + near + 1 >= b:
            return True
        level = np.zeros(b - a)
        for h in harmonics:  # the strongest bin within the vibrato's reach of each partial
            centre_hz = h * float(midi_to_hz(pitch_midi))
            reach = centre_hz * (2 ** (VIBRATO_CENTS / 1200.0) - 1.0) + bin_hz
            lo, hi = int(np.floor((centre_hz - reach) / bin_hz)), int(np.ceil((centre_hz + reach) / bin_hz))
            level += np.max(self._short[max(lo, 0):min(hi + 1, self._short.shape[0]), a:b], axis=0)
        level = 10.0 * np.log10(level + 1e-20)
        for c in range(first - a, last - a + 1):
            dip = float(np.min(level[c - near:c + near + 1]))
            sides = min(float(np.max(level[max(c - side, 0):c - near])),
                        float(np.max(level[c + near + 1:c + side + 1])))
            if sides - dip >= REATTACK_DB:
                return True
        return False

    def other_part_near(self, pitch_midi: float, start_s: float, end_s: float) -> bool:
        """Whether another part's note sounding in the span lies within
        ``FOLLOWED_SEMITONES`` of ``pitch_midi`` (MIDI), or an octave above or below it:
        a pitch tracker that lost the singer follows such a note."""
        if not np.isfinite(pitch_midi):
            return False
        octaves = np.array([-12.0, 0.0, 12.0])
        steps = np.abs(self._sounding(start_s, end_s)[:, None] + octaves[None, :] - pitch_midi)
        return bool((steps <= FOLLOWED_SEMITONES).any())

    def _sounding(self, start_s: float, end_s: float) -> np.ndarray:
        """Pitches (MIDI, at the take's tuning) of the other parts' notes sounding at some
        moment of a span (seconds), shape (notes,)."""
        return self._midi[(self._on < end_s) & (self._off > start_s)]

    def _frames(self, start_s: float, end_s: float):
        """(first frame, end frame, core start s, core end s) of a note's core, or None."""
        if not (np.isfinite(start_s) and np.isfinite(end_s)):
            return None
        length = max(end_s - start_s, 0.05)
        t0, t1 = start_s + CORE[0] * length, start_s + CORE[1] * length
        a = max(int(np.floor(t0 * self._sr / self._hop)), 0)
        b = min(max(int(np.ceil(t1 * self._sr / self._hop)), a + 1), self._power.shape[1])
        return None if b <= a else (a, b, t0, t1)

    def _other_partials(self, t0: float, t1: float, besides: float | None = None, *,
                        up_to_hz: float) -> np.ndarray:
        """Frequencies (Hz) of the partials of the other parts' notes sounding in a span
        (the first ``HARMONICS``) and of a note at ``besides`` (MIDI, when given: its first
        ``HARMONICS`` and any more up to ``up_to_hz``: the 9th of a note sung a tone low is
        the written note's 8th)."""
        out = _partials_hz(self._sounding(t0, t1))
        if besides is not None and np.isfinite(besides):
            f0 = float(midi_to_hz(besides))
            out = np.append(out, f0 * np.arange(1, max(int(up_to_hz // f0), HARMONICS) + 1))
        return out


def _partials_hz(pitches: np.ndarray) -> np.ndarray:
    """Frequencies (Hz) of the first ``HARMONICS`` partials of each pitch (MIDI), shape
    (pitches * HARMONICS,)."""
    return (np.arange(1, HARMONICS + 1)[None, :] * midi_to_hz(pitches)[:, None]).ravel()


def relative_level_db(levels: np.ndarray, neighbours: list[np.ndarray], *,
                      min_common: int = 1) -> float:
    """How much louder (dB) a note's own partials are than its neighbours' same partials.

    Parameters
    ----------
    levels : numpy.ndarray
        Shape ``(HARMONICS,)``: the note's partial levels (see
        :meth:`PartEvidence.partial_levels_db`).
    neighbours : list of numpy.ndarray
        The same for notes sung around it.
    min_common : int
        A neighbour counts only when it has at least this many unshared partials in
        common with the note.

    Returns
    -------
    float
        Median over the neighbours of the mean difference on the partials both have
        unshared; NaN when no neighbour has one in common.
    """
    diffs = []
    for other in neighbours:
        common = np.isfinite(levels) & np.isfinite(other)
        if common.sum() >= max(min_common, 1):
            diffs.append(float(np.mean(levels[common] - other[common])))
    return float(np.median(diffs)) if diffs else float("nan")
