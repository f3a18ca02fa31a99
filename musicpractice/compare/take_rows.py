"""One take laid on the comparison's bar grid: where each bar starts and how long it
lasts in the take, its tempo and timing, loudness, cues and, for a melody, intonation and
the notes as played (:func:`take_result`)."""

from __future__ import annotations

import math

import numpy as np

from musicpractice.alignment import Alignment, ScoreComparison
from musicpractice.analysis.take import TakeAnalysis
from musicpractice.compare.bar_grid import BarGrid, beat_name
from musicpractice.compare.results import BarRow, NoteRow, TakeResult
from musicpractice.core.pitch import note_name
from musicpractice.score import Score
from musicpractice.score.spelling import signature_key
from musicpractice.session.model import Take

MOMENTARY_CENTRE_S = 0.2
"""Momentary loudness is measured over 400 ms windows; a value belongs to the window's middle."""


def take_result(take: Take, grid: BarGrid, alignment: Alignment | None,
                 analysis: TakeAnalysis, *, score: Score | None = None,
                 detail: ScoreComparison | None = None,
                 reference_bars: tuple[BarRow, ...] | None = None) -> TakeResult:
    """Lay one take on the grid (``alignment`` None: the take is the reference itself)."""
    if alignment is None:
        span = (grid.edges[0], grid.edges[-1])
        to_take = np.asarray
    else:
        span = alignment.ref_span
        to_take = alignment.take_at
    ref_starts = np.clip(grid.edges[:-1], *span)
    ref_ends = np.clip(grid.edges[1:], *span)
    ref_length = ref_ends - ref_starts
    played = ref_length > 1e-6
    t_start = np.where(played, to_take(ref_starts), np.nan)
    t_end = np.where(played, to_take(ref_ends), np.nan)
    duration = t_end - t_start
    with np.errstate(divide="ignore", invalid="ignore"):
        if grid.unit == "quarter":
            tempo = np.where(duration > 0, ref_length / duration * 60.0, np.nan)
            tempo_pct = 100.0 * tempo / grid.ref_tempo_bpm
        else:
            tempo_pct = np.where(duration > 0, 100.0 * ref_length / duration, np.nan)
            tempo = tempo_pct / 100.0 * grid.ref_tempo_bpm
    # tempi are given in the beat of the score's time signature (dotted quarters in 6/8)
    beats = grid.beats()
    tempo, ref_tempo = tempo / beats, grid.ref_tempo_beats()
    finite = np.isfinite(t_start)
    deviation = np.full(len(grid), np.nan)
    if finite.sum() >= 2:
        deviation = t_start - np.polyval(np.polyfit(ref_starts[finite], t_start[finite], 1),
                                         ref_starts)
    edges_s = np.append(t_start, np.nan)
    ends = np.isfinite(t_end)
    edges_s[1:][ends] = t_end[ends]
    loudness = _per_bar_loudness(analysis, t_start, t_end)
    articulation = _per_bar_cue(analysis, "articulation_ratio", t_start, t_end)
    key = spelling_key(score, analysis)
    notes = (_score_notes(take.id, detail, grid, t_start, t_end, key) if detail is not None
             else _transcribed_notes(take.id, analysis, alignment, grid, t_start, t_end, key))
    intonation, counts = _per_bar_pitch(notes, detail, len(grid), grid, analysis)
    if alignment is None:
        confidence = np.where(played, 1.0, 0.0)
    else:
        confidence = np.array([
            float(np.mean(alignment.confidence_at(np.linspace(a, b, 5))))
            if np.isfinite(a) and np.isfinite(b) else 0.0 for a, b in zip(t_start, t_end)])
    rows = []
    for k in range(len(grid)):
        wrong, missing, extra = counts[k] if counts is not None else (None, None, None)
        rows.append(BarRow(
            take_id=take.id, index=k, bar=grid.numbers[k], ref_start=float(ref_starts[k]),
            take_start_s=float(t_start[k]), duration_s=float(duration[k]),
            tempo_bpm=float(tempo[k]), ref_tempo_bpm=float(ref_tempo[k]),
            tempo_pct=float(tempo_pct[k]), deviation_ms=float(1000.0 * deviation[k]),
            loudness_lufs=float(loudness[k]), articulation_ratio=float(articulation[k]),
            intonation_cents=float(intonation[k]), wrong=wrong, missing=missing, extra=extra,
            confidence=float(confidence[k]), tempo_beat=beat_name(float(beats[k]))[1]))
    position, lufs = _loudness_curve(analysis, edges_s)
    warnings = list(take.warnings) + (list(alignment.warnings) if alignment else [])
    warnings += list(detail.warnings) if detail is not None else []
    return TakeResult(take, alignment is None, alignment, analysis, tuple(rows), tuple(notes),
                      position, lufs, tuple(dict.fromkeys(warnings)), spelling=key,
                      restarts=tuple(detail.restarts) if detail is not None else ())


def spelling_key(score: Score | None, analysis: TakeAnalysis) -> tuple[str, str] | None:
    """The key note names are spelled in (F# in D major): the score's key signature when
    there is a score (none written: C major), else the key heard in the take (None when
    no key was found)."""
    if score is not None:
        return signature_key(score.keys) or ("C", "major")
    key = analysis.key
    if key.confidence > 0 and key.mode in ("major", "minor"):
        return key.tonic, key.mode
    return None


def _momentary(analysis: TakeAnalysis) -> tuple[np.ndarray, np.ndarray]:
    loud = analysis.loudness
    return loud.momentary_times_s - MOMENTARY_CENTRE_S, loud.momentary_lufs


def _per_bar_loudness(analysis, t_start, t_end) -> np.ndarray:
    centres, lufs = _momentary(analysis)
    power = 10.0 ** (lufs / 10.0)
    out = np.full(t_start.size, np.nan)
    for k, (a, b) in enumerate(zip(t_start, t_end)):
        if np.isfinite(a) and np.isfinite(b):
            inside = (centres >= a) & (centres < max(b, a + 0.1))
            mean = np.mean(power[inside]) if inside.any() else 0.0
            out[k] = 10.0 * np.log10(mean) if mean > 0 else -np.inf
    return out


def _per_bar_cue(analysis, key, t_start, t_end) -> np.ndarray:
    try:
        cue = analysis.cues[key]
    except KeyError:
        return np.full(t_start.size, np.nan)
    times, values = np.asarray(cue.times_s, dtype=float), np.asarray(cue.values, dtype=float)
    out = np.full(t_start.size, np.nan)
    for k, (a, b) in enumerate(zip(t_start, t_end)):
        inside = (times >= a) & (times < b) & np.isfinite(values)
        if inside.any():
            out[k] = float(np.median(values[inside]))
    return out


def _bar_of(times: np.ndarray, t_start: np.ndarray, t_end: np.ndarray) -> np.ndarray:
    """Grid index of each take time, -1 outside the bars the take plays."""
    out = np.full(np.size(times), -1)
    for k, (a, b) in enumerate(zip(t_start, t_end)):
        if np.isfinite(a) and np.isfinite(b):
            out[(times >= a) & (times < b)] = k
    return out


def _score_notes(take_id, detail: ScoreComparison, grid, t_start, t_end, key) -> list[NoteRow]:
    rows = [NoteRow(take_id=take_id, bar=n.measure, ref_position=n.ref_quarter, midi=n.midi,
                    name=note_name(n.midi, key=key), take_onset_s=n.take_onset_s, duration_s=math.nan,
                    deviation_ms=1000.0 * n.deviation_s, cents=n.cents, status=n.status,
                    confidence=n.confidence, played_midi=n.played_midi, attempt=n.attempt)
            for n in detail.notes]
    onsets = np.array([e.take_onset_s for e in detail.extra_notes])
    where = _bar_of(onsets, t_start, t_end)
    for extra, k in zip(detail.extra_notes, where):
        rows.append(NoteRow(take_id=take_id, bar=grid.numbers[k] if k >= 0 else None,
                            ref_position=math.nan, midi=extra.midi,
                            name=note_name(extra.midi, key=key),
                            take_onset_s=extra.take_onset_s, duration_s=extra.duration_s,
                            deviation_ms=math.nan, cents=math.nan, status="extra",
                            confidence=extra.confidence))
    return sorted(rows, key=lambda r: (np.nan_to_num(r.take_onset_s, nan=np.inf), r.midi))


def _transcribed_notes(take_id, analysis, alignment, grid, t_start, t_end,
                       key) -> list[NoteRow]:
    notes = analysis.notes
    onsets = np.array([n.onset_s for n in notes])
    where = _bar_of(onsets, t_start, t_end)
    if alignment is None:
        positions = onsets
    else:
        positions = alignment.ref_at(onsets) if notes else onsets
    return [NoteRow(take_id=take_id, bar=grid.numbers[k] if k >= 0 else None,
                    ref_position=float(p), midi=int(n.midi), name=note_name(n.midi, key=key),
                    take_onset_s=n.onset_s, duration_s=n.offset_s - n.onset_s,
                    deviation_ms=math.nan, cents=n.cents, status="transcribed")
            for n, k, p in zip(notes, where, positions)]


def _per_bar_pitch(notes, detail, n_bars, grid, analysis):
    """Median cents per bar, and (wrong, missing, extra) per bar when pitch was checked."""
    intonation = np.full(n_bars, np.nan)
    checked = detail is not None and detail.monophonic
    if detail is None and analysis.melody.polyphonic:
        return intonation, None
    if detail is not None and not checked:
        return intonation, None
    index_of = {}
    for k, number in enumerate(grid.numbers):
        index_of.setdefault(number, []).append(k)
    by_bar: dict[int, list[NoteRow]] = {}
    for row in notes:
        if row.bar is None:
            continue
        # a repeated bar number: the note belongs to the pass its onset falls in
        ks = index_of.get(row.bar, [])
        k = ks[0] if len(ks) == 1 else _pass_of(row, ks, grid)
        if k is not None:
            by_bar.setdefault(k, []).append(row)
    counts = [(0, 0, 0) for _ in range(n_bars)] if checked else None
    for k, rows in by_bar.items():
        cents = [r.cents for r in rows if r.status in ("ok", "wrong", "transcribed")
                 and math.isfinite(r.cents)]
        if cents:
            intonation[k] = float(np.median(cents))
        if checked:
            counts[k] = tuple(sum(r.status == s for r in rows) for s in ("wrong", "missing", "extra"))
    return intonation, counts


def _pass_of(row: NoteRow, ks: list[int], grid: BarGrid) -> int | None:
    if not math.isfinite(row.ref_position):
        return ks[0] if ks else None
    for k in ks:
        if grid.edges[k] - 1e-6 <= row.ref_position < grid.edges[k + 1] - 1e-6:
            return k
    return ks[0] if ks else None


def _loudness_curve(analysis, edges_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Momentary loudness over the bars the take plays, on the grid coordinate."""
    centres, lufs = _momentary(analysis)
    finite = np.isfinite(edges_s)
    if finite.sum() < 2:
        return np.zeros(0), np.zeros(0)
    index = np.flatnonzero(finite)
    times = edges_s[index]
    inside = (centres >= times[0]) & (centres <= times[-1])
    position = np.interp(centres[inside], times, index.astype(float))
    return position, lufs[inside]
