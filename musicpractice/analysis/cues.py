"""Expressive cues of a performance (after Juslin 1997, Juslin & Laukka 2003).

Each cue is a measured value with its unit, how it was measured, a plain-language
meaning, and where in the take it comes from (a time series the GUI can highlight).
Cues describe how a take sounds; they never grade the person who played it.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from musicpractice.analysis.brightness import measure_brightness
from musicpractice.analysis.cue_scales import SCALES
from musicpractice.analysis.envelope import (
    Envelope,
    amplitude_envelope,
    attack_rise_times_s,
    sounding_ratios,
)
from musicpractice.core.progress import CancelToken, ProgressFn, Steps, check_cancel

MAX_PHRASE_IOI_S = 2.0
"""Gaps between notes longer than this are phrase breaks, not articulation."""
FINAL_BEATS = 4
"""The final ritardando compares the last this-many inter-beat intervals with the median."""
LOUD_SHORT_TERM_PERCENTILE = 95.0
SOUNDING_BELOW_LOUD_LU = 25.0
"""Short-term loudness more than ``SOUNDING_BELOW_LOUD_LU`` below the take's loud level
(this percentile of its short-term loudness) counts as silence. Both are relative to the
take (not the R128 absolute gate at -70 LUFS), so the dynamics cue does not depend on
the microphone gain."""


@dataclass(frozen=True)
class Cue:
    """One expressive cue.

    Attributes
    ----------
    key : str
        Stable identifier, e.g. ``"tempo_bpm"``; its unit is in the name.
    name : str
        Name shown to the user.
    value : float
        The measurement, NaN when it could not be measured.
    unit : str
        Unit of ``value`` as shown to the user.
    method : str
        How it was measured, in one sentence.
    meaning : str
        Plain-language reading of the value ("slow", "legato", ...).
    times_s, values : numpy.ndarray
        Where in the take the cue comes from: the per-beat/per-note/per-frame
        measurements it summarises (empty when not applicable).
    """

    key: str
    name: str
    value: float
    unit: str
    method: str
    meaning: str
    times_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    values: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def available(self) -> bool:
        """Whether the cue could be measured on this take."""
        return not math.isnan(self.value)


@dataclass(frozen=True)
class ExpressiveCues:
    """All cues of a take, in display order."""

    cues: tuple[Cue, ...]

    def __getitem__(self, key: str) -> Cue:
        for cue in self.cues:
            if cue.key == key:
                return cue
        raise KeyError(key)

    def values(self) -> dict[str, float]:
        """``{cue key: value}`` for every cue (NaN where unavailable)."""
        return {cue.key: cue.value for cue in self.cues}


def _cue(key: str, name: str, value: float, unit: str, method: str,
         times_s=None, values=None) -> Cue:
    value = float(value) if value is not None else float("nan")
    meaning = SCALES[key].word(value) if key in SCALES else ""
    return Cue(key, name, value, unit, method, meaning,
               np.asarray(times_s if times_s is not None else [], dtype=float),
               np.asarray(values if values is not None else [], dtype=float))


def _nanmedian(x: np.ndarray) -> float:
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    return float(np.median(x)) if len(x) else float("nan")


def _tempo_cues(beats_s: np.ndarray, tempo_bpm: float, curve_times_s: np.ndarray,
                curve_bpm: np.ndarray) -> list[Cue]:
    ibi = np.diff(beats_s)
    enough = len(ibi) >= 4
    cv = 100.0 * float(np.std(ibi) / np.mean(ibi)) if enough else float("nan")
    curve = np.asarray(curve_bpm, dtype=float)
    finite = np.isfinite(curve)
    sd_bpm = float(np.std(curve[finite])) if finite.sum() >= 4 else float("nan")
    if len(ibi) >= 8:
        # timing variability: beat-to-beat irregularity left after removing the slow
        # tempo trend (a running median over 5 beats), relative to the local beat length
        trend = np.array([np.median(ibi[max(0, i - 2): i + 3]) for i in range(len(ibi))])
        residual = (ibi - trend) / trend
        timing = 100.0 * float(np.sqrt(np.mean(residual ** 2)))
    else:
        residual, timing = np.zeros(0), float("nan")
    if len(ibi) >= 2 * FINAL_BEATS:
        final = 100.0 * (float(np.mean(ibi[-FINAL_BEATS:]) / np.median(ibi)) - 1.0)
    else:
        final = float("nan")
    beat_mid = beats_s[:-1] + ibi / 2 if len(ibi) else np.zeros(0)
    return [
        _cue("tempo_bpm", "Tempo", tempo_bpm if len(beats_s) >= 2 else float("nan"), "BPM",
             "Global tempo of the beat track.", curve_times_s, curve),
        _cue("tempo_cv_pct", "Tempo variability", cv, "%",
             "Coefficient of variation of the inter-beat intervals.", beat_mid, 60.0 / ibi if len(ibi) else []),
        _cue("tempo_sd_bpm", "Tempo spread", sd_bpm, "BPM",
             "Standard deviation of the local tempo curve.", curve_times_s, curve),
        _cue("timing_variability_pct", "Timing variability", timing, "%",
             "RMS beat-to-beat deviation from the local tempo trend (running median of 5 beats), "
             "relative to the beat length.", beat_mid[: len(residual)], 100 * residual),
        _cue("final_ritardando_pct", "Final ritardando", final, "%",
             f"How much longer the last {FINAL_BEATS} beats are than the median beat.",
             beat_mid[-FINAL_BEATS:] if len(ibi) else [], 60.0 / ibi[-FINAL_BEATS:] if len(ibi) else []),
    ]


def _level_cues(integrated_lufs: float, short_term_times_s: np.ndarray,
                short_term_lufs: np.ndarray) -> list[Cue]:
    st = np.asarray(short_term_lufs, dtype=float)
    level = integrated_lufs if integrated_lufs is not None and math.isfinite(integrated_lufs) else float("nan")
    finite = np.isfinite(st)
    loud = float(np.percentile(st[finite], LOUD_SHORT_TERM_PERCENTILE)) if finite.any() else np.nan
    active = finite & (st > loud - SOUNDING_BELOW_LOUD_LU)  # none when nothing sounds
    variability = float(np.std(st[active])) if active.sum() >= 3 else float("nan")
    sound_level = _cue("level_lufs", "Sound level", level, "LUFS",
                       "Integrated loudness (EBU R128). It depends on the microphone's gain and "
                       "distance: compare it only between takes of one session recorded with the "
                       "same set-up; the character reading does not use it.", short_term_times_s, st)
    if sound_level.available:
        sound_level = dataclasses.replace(
            sound_level, meaning=f"{sound_level.meaning} for this set-up (depends on the microphone gain)")
    return [
        sound_level,
        _cue("level_variability_lu", "Dynamics (level variability)", variability, "LU",
             "Standard deviation of the short-term (3 s) loudness over the sounding parts; "
             "the series is the short-term loudness relative to the take's loud passages "
             f"({LOUD_SHORT_TERM_PERCENTILE:.0f}th percentile).",
             np.asarray(short_term_times_s)[active], st[active] - loud),
    ]


def _articulation_cue(notes: Sequence, envelope, onsets_s: np.ndarray, monophonic: bool) -> Cue:
    if monophonic and len(notes) >= 4:
        onsets = np.array([n.onset_s for n in notes])
        offsets = np.array([n.offset_s for n in notes])
        ioi = np.diff(onsets)
        keep = (ioi > 0) & (ioi <= MAX_PHRASE_IOI_S)
        ratios = np.where(keep, (offsets[:-1] - onsets[:-1]) / np.where(ioi > 0, ioi, 1), np.nan)
        times, method = onsets[:-1], "Median of note duration / inter-onset interval of the melody notes."
    else:
        ratios = sounding_ratios(envelope, onsets_s, max_ioi_s=MAX_PHRASE_IOI_S)
        times = np.sort(onsets_s)[:-1]
        method = ("Median share of each inter-onset interval during which the sound stays within "
                  "15 dB of its peak (used for polyphonic takes).")
    return _cue("articulation_ratio", "Articulation", _nanmedian(ratios), "ratio", method,
                times, ratios)


def _vibrato_cues(notes: Sequence) -> list[Cue]:
    with_vibrato = [n for n in notes if math.isfinite(getattr(n, "vibrato_rate_hz", float("nan")))]
    times = [n.onset_s for n in with_vibrato]
    rates = [n.vibrato_rate_hz for n in with_vibrato]
    extents = [n.vibrato_extent_cents for n in with_vibrato]
    return [
        _cue("vibrato_rate_hz", "Vibrato rate", _nanmedian(rates), "Hz",
             "Median vibrato rate of the notes that have vibrato.", times, rates),
        _cue("vibrato_extent_cents", "Vibrato extent", _nanmedian(extents), "cents",
             "Median vibrato extent (half peak-to-peak) of the notes that have vibrato.", times, extents),
    ]


def compute_cues(
    y: np.ndarray,
    sr: int,
    *,
    beats_s: np.ndarray,
    tempo_bpm: float,
    tempo_curve_times_s: np.ndarray,
    tempo_curve_bpm: np.ndarray,
    integrated_lufs: float,
    short_term_times_s: np.ndarray,
    short_term_lufs: np.ndarray,
    onsets_s: np.ndarray,
    notes: Sequence = (),
    monophonic: bool = True,
    key_mode: str | None = None,
    key_confidence: float = 0.0,
    envelope: Envelope | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> ExpressiveCues:
    """Measure the expressive cues of a take from its signal and analyses.

    Parameters
    ----------
    y, sr
        Mono signal and its sample rate in Hz (for brightness and attacks).
    beats_s, tempo_bpm, tempo_curve_times_s, tempo_curve_bpm
        Beat times (s), global tempo (BPM) and local tempo curve from the tempo analysis.
    integrated_lufs, short_term_times_s, short_term_lufs
        From the loudness analysis (EBU R128).
    onsets_s
        Onset times in seconds.
    notes
        Melody notes (objects with ``onset_s``, ``offset_s``, ``vibrato_rate_hz``,
        ``vibrato_extent_cents``).
    monophonic
        Whether the notes describe the whole texture (a solo line); polyphonic takes
        measure articulation from the envelope instead.
    key_mode, key_confidence
        "major"/"minor" and its confidence: mode is a property of the piece rather than
        the performance, and is reported as such.
    envelope
        The RMS envelope of ``y`` when the caller has it already
        (:func:`~musicpractice.analysis.envelope.amplitude_envelope`).
    """
    steps = Steps(progress, [("brightness", 2), ("attacks", 1)])
    beats_s = np.asarray(beats_s, dtype=float)
    onsets_s = np.sort(np.asarray(onsets_s, dtype=float))
    brightness = measure_brightness(y, sr, progress=steps.stage("brightness"), cancel=cancel)
    check_cancel(cancel)
    steps.stage("attacks")
    envelope = amplitude_envelope(y, sr) if envelope is None else envelope
    rise_ms = 1000.0 * attack_rise_times_s(envelope, onsets_s)
    mode_value = float("nan")
    if key_mode in ("major", "minor"):
        mode_value = (1.0 if key_mode == "major" else -1.0) * float(key_confidence)
    cues = [
        *_tempo_cues(beats_s, float(tempo_bpm), tempo_curve_times_s, tempo_curve_bpm),
        *_level_cues(integrated_lufs, short_term_times_s, short_term_lufs),
        _articulation_cue(notes, envelope, onsets_s, monophonic),
        _cue("brightness_hz", "Brightness", brightness.mean_centroid_hz, "Hz",
             "Energy-weighted mean spectral centroid.", brightness.times_s, brightness.centroid_hz),
        _cue("hf_energy_pct", "High-frequency energy", 100 * brightness.mean_hf_share, "%",
             "Share of the spectral energy above 1 kHz.", brightness.times_s, 100 * brightness.hf_share),
        _cue("attack_ms", "Attacks", _nanmedian(rise_ms), "ms",
             "Median 10-90 % rise time of the amplitude envelope at the onsets (shorter = sharper).",
             onsets_s, rise_ms),
        *_vibrato_cues(notes),
        _cue("mode", "Mode (of the piece)", mode_value, "",
             "Major (+) or minor (-) from the key estimate, scaled by its confidence; "
             "a property of the music rather than of the performance."),
    ]
    return ExpressiveCues(tuple(cues))
