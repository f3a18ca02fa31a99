"""What an alignment to a score tells a musician: bar by bar and note by note.

Tempo per bar against the score's marks, timing deviations, loudness per bar and, for a
monophonic part (a singer, a wind player), the pitch of each note against the written one
with wrong, missing and extra notes.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np

from musicpractice.alignment.align import HARDLY_MATCH
from musicpractice.alignment.anchors import pinned_to_notes
from musicpractice.alignment.bar_checks import UNSURE_CONFIDENCE, check_bars
from musicpractice.alignment.comparison_rows import (  # noqa: F401  (re-exported here)
    BarComparison,
    BeatTime,
    ExtraNote,
    NoteComparison,
    Restart,
    ScoreComparison,
)
from musicpractice.alignment.pitch_standard import as_written, heard_pitch_standard, sounding_score
from musicpractice.alignment.timemap import Alignment
from musicpractice.analysis.loudness import measure_loudness
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.progress import CancelToken, ProgressFn, Steps
from musicpractice.score.model import Score, ScoreNote, single_line

TUNING_HZ = 440.0
WRONG_CENTS = 50.0
"""A note sung or played further than this from the written pitch is wrong."""
SURE_PIN = 0.9
"""Sung notes at least this sure pin the time map (see :mod:`.anchors`)."""
CONFIRMED_SHARE = 0.5
"""Half the written notes sung surely right where the alignment puts them confirm it
(:func:`confirmed_by_notes`)..."""
CONFIRMING_NOTES = 8
"""... when they are at least this many (``score_parts.MIN_NOTES``, the same count)."""


def compare_with_score(take: np.ndarray, sr: int, score: Score, alignment: Alignment, *,
                       part: str | None = None, tolerance_cents: float = WRONG_CENTS,
                       progress: ProgressFn | None = None,
                       cancel: CancelToken | None = None) -> ScoreComparison:
    """Bar-by-bar and note-by-note comparison of an aligned take with its score.

    Parameters
    ----------
    take : numpy.ndarray
        The mono take at ``sr`` that ``alignment`` was computed on.
    sr : int
        Sample rate in Hz.
    score : Score
    alignment : Alignment
        From :func:`musicpractice.alignment.align_to_score`.
    part : str, optional
        The part the take plays (pitch is checked when it is monophonic).
    tolerance_cents : float
        Intonation tolerance in cents: a note further from the written pitch is wrong.

    Returns
    -------
    ScoreComparison
    """
    if alignment.reference_kind != "score":
        raise InvalidParameterError("This comparison needs an alignment to a score.")
    standard = heard_pitch_standard(alignment)  # A = 415 Hz: pitches checked as they sound
    if standard is not None:
        found = compare_with_score(take, sr, sounding_score(score, standard),
                                   replace(alignment, transposition_semitones=0), part=part,
                                   tolerance_cents=tolerance_cents, progress=progress,
                                   cancel=cancel)
        return replace(found, notes=tuple(as_written(found.notes, standard)),
                       extra_notes=tuple(as_written(found.extra_notes, standard)),
                       tuning_hz=found.tuning_hz * 2.0 ** (standard.semitones / 12.0),
                       warnings=(standard.sentence, *found.warnings),
                       alignment=None if found.alignment is None else replace(
                           found.alignment,
                           transposition_semitones=alignment.transposition_semitones))
    steps = Steps(progress, [("loudness", 1), ("pitch", 4)])
    part_name = score.checked_part(part if part is not None else alignment.part)
    q0, q1 = alignment.ref_span
    loudness = measure_loudness(take, sr, progress=steps.stage("loudness"), cancel=cancel)
    notes = [n for n in score.part_notes(part_name) if q0 - 1e-6 <= n.onset_quarter <= q1]
    monophonic = part_name is not None and _is_monophonic(notes)
    engine_alignment = alignment
    warnings = []
    extra: list[ExtraNote] = []
    restarts: list[Restart] = []
    tuning_hz = TUNING_HZ
    if not 0.0 < float(tolerance_cents) <= 1200.0:
        raise InvalidParameterError("The intonation tolerance must be between 0 and 1200 cents.")
    if monophonic and notes:  # sung part: musicpractice.alignment.sung_check
        from musicpractice.alignment.sung_check import check_sung_take
        sung_rows, extra, restarts, tuning_hz, more = check_sung_take(
            take, sr, score, alignment, part_name, tolerance_cents=float(tolerance_cents),
            progress=steps.stage("pitch"), cancel=cancel)
        warnings.extend(more)
        if not restarts:  # barlines and bar tempi where the sung notes are
            alignment = pinned_to_notes(alignment, *_sure_points(sung_rows))
            q0, q1 = alignment.ref_span
            notes = [n for n in score.part_notes(part_name)
                     if q0 - 1e-6 <= n.onset_quarter <= q1]
        alignment = confirmed_by_notes(alignment, sung_rows)
    elif part_name is None and len(score.parts) > 1:
        warnings.append("All parts were checked together, note by note, as one polyphonic "
                        "recording; choose a part to check a singer's intonation in cents.")
    bars = _bars(score, alignment, loudness, q0, q1)
    beats = _beats(score, alignment, q0, q1)
    measures = _covered_measures(score, q0, q1)
    bars = check_bars(bars, written_quarters=np.array([m.duration_quarter for m in measures]),
                      covered_quarters=np.array([min(m.start_quarter + m.duration_quarter, q1)
                                                 - max(m.start_quarter, q0) for m in measures]),
                      take=take, sr=sr, alignment=alignment, notes=notes)
    if monophonic and notes:
        compared = _with_deviations(score, alignment, sung_rows)
    elif notes:  # piano / several parts: musicpractice.alignment.piano_check
        from musicpractice.alignment.piano_check import check_piano_notes
        onsets = alignment.take_at([n.onset_quarter for n in notes])
        deviations = _within_bar_deviation(score, alignment, notes, onsets)
        confidence = alignment.confidence_at(np.nan_to_num(onsets))
        placed = [NoteComparison(
            part=note.part, measure=note.measure, ref_quarter=note.onset_quarter,
            midi=note.midi, take_onset_s=float(onsets[k]), deviation_s=float(deviations[k]),
            cents=np.nan,
            status="unsure" if confidence[k] < UNSURE_CONFIDENCE else "unchecked")
            for k, note in enumerate(notes)]
        compared, extra = check_piano_notes(take, sr, placed, score=score, alignment=alignment,
                                            progress=steps.stage("pitch"), cancel=cancel)
    else:
        compared = []
    return ScoreComparison(bars=tuple(bars), beats=tuple(beats), notes=tuple(compared),
                           extra_notes=tuple(extra), monophonic=bool(monophonic),
                           tuning_hz=float(tuning_hz), warnings=tuple(warnings),
                           restarts=tuple(restarts), tolerance_cents=float(tolerance_cents),
                           alignment=None if alignment is engine_alignment else alignment)


def confirmed_by_notes(alignment: Alignment, rows) -> Alignment:
    """The alignment of a sung part whose notes confirm it.

    The engine's overall confidence compares the take's features with the score's; a real
    voice (breath, vibrato, glides, an amateur's intonation) can match its own part at
    0.3 or less (``align.LOW_CONFIDENCE``: "is it the right piece?"). When at least
    ``CONFIRMED_SHARE`` of the written notes of the first attempt, and at least
    ``CONFIRMING_NOTES`` (a take of another piece can match three notes), are found surely at
    their place and pitch (``ok``, confidence ``SURE_PIN``; a ``wrong`` note confirms
    nothing: another tune sung against the score has its notes wrong), it is the piece:
    the overall confidence is raised to that share and the warning is dropped.
    """
    first = [r for r in rows if r.attempt == 0]
    found = sum(r.status == "ok" and r.confidence >= SURE_PIN for r in first)
    share = found / len(first) if first else 0.0
    if (share < CONFIRMED_SHARE or found < CONFIRMING_NOTES
            or alignment.overall_confidence >= share):
        return alignment
    return replace(alignment, overall_confidence=float(share),
                   warnings=tuple(w for w in alignment.warnings if w != HARDLY_MATCH))


def _sure_points(rows) -> tuple[np.ndarray, np.ndarray]:
    """(take_s, ref_quarter) of the first attempt's notes sung surely (ok or wrong, with
    a confidence of at least ``SURE_PIN``)."""
    sure = [r for r in rows if r.attempt == 0 and r.status in ("ok", "wrong")
            and r.confidence >= SURE_PIN and np.isfinite(r.take_onset_s)]
    return (np.array([r.take_onset_s for r in sure]), np.array([r.ref_quarter for r in sure]))


def _with_deviations(score, alignment, rows: list[NoteComparison]) -> list[NoteComparison]:
    """Rows with their within-bar timing deviation filled in, for every attempt: against
    the take's alignment when the take is one pass through the music, else each attempt
    against its own notes' times (the alignment follows one pass only: across a restart
    it stretches the bars around the jump)."""
    by_row = {}
    attempts = sorted({r.attempt for r in rows})
    for attempt in attempts:
        these = [r for r in rows if r.attempt == attempt]
        timeline = alignment if len(attempts) == 1 else _attempt_timeline(these)
        if timeline is None:
            continue
        deviations = _within_bar_deviation(
            score, timeline, [SimpleNamespace(onset_quarter=r.ref_quarter) for r in these],
            np.array([r.take_onset_s for r in these]))
        by_row.update({id(r): float(d) for r, d in zip(these, deviations)})
    return [replace(r, deviation_s=by_row[id(r)]) if id(r) in by_row else r for r in rows]


def _attempt_timeline(rows: list[NoteComparison]):
    """Score position -> take time of one attempt, through its notes' onsets (an object
    with ``take_at`` like an :class:`Alignment`); None with fewer than two notes."""
    sung = [r for r in rows if r.status != "missing" and np.isfinite(r.take_onset_s)]
    q = np.array([r.ref_quarter for r in sung])
    t = np.array([r.take_onset_s for r in sung])
    if np.unique(q).size < 2:
        return None
    order = np.argsort(q)
    q, t = q[order], t[order]

    def take_at(positions):
        positions = np.asarray(positions, dtype=float)
        slope_start = (t[1] - t[0]) / (q[1] - q[0])  # extended at the pace of the ends
        slope_end = (t[-1] - t[-2]) / (q[-1] - q[-2])
        inside = np.interp(positions, q, t)
        return np.where(positions < q[0], t[0] + (positions - q[0]) * slope_start,
                        np.where(positions > q[-1], t[-1] + (positions - q[-1]) * slope_end,
                                 inside))
    return SimpleNamespace(take_at=take_at)


def _covered_measures(score: Score, q0: float, q1: float):
    return [m for m in score.measures
            if m.start_quarter + m.duration_quarter > q0 + 1e-6 and m.start_quarter < q1 - 1e-6]


def _bars(score, alignment, loudness, q0, q1) -> list[BarComparison]:
    measures = _covered_measures(score, q0, q1)
    if not measures:
        return []
    starts = np.array([max(m.start_quarter, q0) for m in measures])
    ends = np.array([min(m.start_quarter + m.duration_quarter, q1) for m in measures])
    t_start = alignment.take_at(starts)
    t_end = alignment.take_at(ends)
    duration = t_end - t_start
    with np.errstate(divide="ignore", invalid="ignore"):
        tempo = np.where(duration > 0, (ends - starts) / duration * 60.0, np.nan)
    ok = np.isfinite(t_start)
    fit = np.polyfit(starts[ok], t_start[ok], 1) if ok.sum() >= 2 else None
    deviation = t_start - np.polyval(fit, starts) if fit is not None else np.full(starts.size, np.nan)
    centres = loudness.momentary_times_s - 0.2
    power = 10.0 ** (loudness.momentary_lufs / 10.0)
    bars = []
    for k, m in enumerate(measures):
        if np.isfinite(t_start[k]) and np.isfinite(t_end[k]):
            inside = (centres >= t_start[k]) & (centres < max(t_end[k], t_start[k] + 0.1))
            lufs = (10.0 * np.log10(np.mean(power[inside])) if inside.any() and
                    np.mean(power[inside]) > 0 else -np.inf)
            span = np.linspace(t_start[k], t_end[k], 5)
            confidence = float(np.mean(alignment.confidence_at(span)))
        else:
            lufs, confidence = np.nan, 0.0
        bars.append(BarComparison(
            measure=m.number, ref_quarter=float(starts[k]), take_s=float(t_start[k]),
            duration_s=float(duration[k]), tempo_bpm=float(tempo[k]),
            score_tempo_bpm=float(score.tempo_at(starts[k])),
            deviation_s=float(deviation[k]), loudness_lufs=float(lufs),
            confidence=confidence))
    return bars


def _beats(score, alignment, q0, q1) -> list[BeatTime]:
    beats = []
    for m in _covered_measures(score, q0, q1):
        n_beats = max(1, int(round(m.duration_quarter / m.beat_quarter)))
        for b in range(n_beats):
            q = m.start_quarter + b * m.beat_quarter
            if q0 - 1e-6 <= q <= q1 + 1e-6:
                beats.append(BeatTime(measure=m.number, beat=b + 1, ref_quarter=float(q),
                                      take_s=float(alignment.take_at(q))))
    return beats


def _within_bar_deviation(score, alignment, notes, onsets) -> np.ndarray:
    """Onset minus the time an even pulse through its bar's aligned barlines gives."""
    if not notes:
        return np.array([])
    starts = np.array([m.start_quarter for m in score.measures])
    q = np.array([n.onset_quarter for n in notes])
    k = np.clip(np.searchsorted(starts, q, side="right") - 1, 0, len(starts) - 1)
    bar_start = starts[k]
    bar_end = np.array([score.measures[i].start_quarter + score.measures[i].duration_quarter
                        for i in k])
    t0, t1 = alignment.take_at(bar_start), alignment.take_at(bar_end)
    expected = t0 + (q - bar_start) / (bar_end - bar_start) * (t1 - t0)
    return onsets - expected


def _is_monophonic(notes: list[ScoreNote]) -> bool:
    return single_line(notes)

