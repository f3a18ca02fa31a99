"""Takes compared with a reference (a score or a take), bar by bar and note by note.

Every take is aligned with the reference (alignments and analyses come from the session
cache when they are there) and laid on one musical axis (:mod:`.bar_grid`): the same bar
lines up across takes. Per bar: where it starts in the take, how long it lasts, its tempo
against the reference, its timing against a steady pulse, loudness, articulation and, for
a melody, intonation and wrong/missing/extra notes. Per note: the score's notes as played
(score reference), or the take's transcribed notes placed in bars (take reference).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import numpy as np

from musicpractice.alignment import Alignment, ScoreComparison
from musicpractice.analysis.take import TakeAnalysis, analyze_file
from musicpractice.analysis.voices import DEFAULT_RANGE
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.pitch import note_name
from musicpractice.core.progress import CancelToken, ProgressFn, Steps
from musicpractice.compare.bar_grid import (
    BarGrid,
    score_grid,
    section_grid,
    take_grid_from_score,
)
from musicpractice.workspace.derived import (
    TakeAudio,
    ensure_alignment,
    ensure_analysis,
    ensure_score_comparison,
)
from musicpractice.workspace.references import Reference, find_reference, session_score
from musicpractice.score import Score
from musicpractice.session.model import Take
from musicpractice.session.store import Session

UNSURE_CONFIDENCE = 0.3
"""A bar whose alignment confidence is below this is shown as unsure."""
MOMENTARY_CENTRE_S = 0.2
"""Momentary loudness is measured over 400 ms windows; a value belongs to the window's middle."""


@dataclass(frozen=True)
class BarRow:
    """One bar (or section) of one take.

    Attributes
    ----------
    take_id : str
    index : int
        Position of the bar on the grid (performed order, from 0).
    bar : int
        Written bar number (section number without a score).
    ref_start : float
        Start of the bar in the reference (quarter notes for a score, seconds for a take).
    take_start_s, duration_s : float
        Start and length of the bar in the take, seconds (NaN where the take does not
        play the bar).
    tempo_bpm : float
        Played tempo, quarter notes per minute (NaN without a score).
    ref_tempo_bpm : float
        Tempo of the bar in the reference (marked tempo of a score, played tempo of a
        reference take), quarter notes per minute; NaN without a score.
    tempo_pct : float
        Tempo as a percentage of the reference's (100: same, 110: 10 % faster).
    deviation_ms : float
        Barline minus where a steady tempo fitted to the whole take puts it, milliseconds
        (negative: early).
    loudness_lufs : float
        Momentary loudness averaged (as power) over the bar, LUFS.
    articulation_ratio : float
        Median sounding-to-spacing ratio of the notes starting in the bar (1 = legato).
    intonation_cents : float
        Median pitch deviation of the bar's notes, cents: from the written pitch for a
        monophonic part against a score, else from equal temperament; NaN for polyphony.
    wrong, missing, extra : int or None
        Notes more than 50 cents off, not heard, or sung/played where the score has
        none; ``None`` when not checked (no monophonic part against a score).
    confidence : float
        Alignment confidence over the bar, 0-1.
    """

    take_id: str
    index: int
    bar: int
    ref_start: float
    take_start_s: float
    duration_s: float
    tempo_bpm: float
    ref_tempo_bpm: float
    tempo_pct: float
    deviation_ms: float
    loudness_lufs: float
    articulation_ratio: float
    intonation_cents: float
    wrong: int | None
    missing: int | None
    extra: int | None
    confidence: float

    @property
    def covered(self) -> bool:
        """Whether the take plays this bar."""
        return math.isfinite(self.take_start_s) and math.isfinite(self.duration_s)

    @property
    def unsure(self) -> bool:
        """Whether the alignment is unsure in this bar."""
        return self.confidence < UNSURE_CONFIDENCE


@dataclass(frozen=True)
class NoteRow:
    """One note of one take.

    Attributes
    ----------
    take_id : str
    bar : int or None
        Written bar (or section) number; None outside the compared bars.
    ref_position : float
        Position in the reference (quarter notes or seconds), NaN when unknown.
    midi : int
        Written pitch (score reference) or transcribed pitch.
    name : str
        Note name, e.g. ``"C#4"``.
    take_onset_s : float
        Onset in the take, seconds.
    duration_s : float
        Length in the take, seconds (NaN for written notes not measured).
    deviation_ms : float
        Onset minus an even pulse through its bar, milliseconds (NaN when not measured).
    cents : float
        Pitch deviation, cents (from the written pitch against a score, else from equal
        temperament); NaN when not measured.
    status : str
        ``ok``, ``wrong``, ``missing``, ``extra``, ``unchecked``, ``unsure`` (against a
        score; see :class:`musicpractice.alignment.NoteComparison`) or ``transcribed``.
    confidence : float
        Probability in [0, 1] that ``status`` is right (NaN when not estimated).
    played_midi : int or None
        The pitch sung or played instead, for a wrong note.
    attempt : int
        Pass through the passage (0 = first; a restart starts the next).
    """

    take_id: str
    bar: int | None
    ref_position: float
    midi: int
    name: str
    take_onset_s: float
    duration_s: float
    deviation_ms: float
    cents: float
    status: str
    confidence: float = math.nan
    played_midi: int | None = None
    attempt: int = 0


@dataclass(frozen=True)
class TakeResult:
    """One take laid on the grid.

    Attributes
    ----------
    take : Take
    is_reference : bool
        This take is the reference itself.
    alignment : Alignment or None
        Take -> reference (None for the reference take).
    analysis : TakeAnalysis
    bars : tuple of BarRow
        One per grid bar.
    notes : tuple of NoteRow
    curve_position : numpy.ndarray
        Grid coordinate (bar index + fraction) of each loudness value.
    curve_lufs : numpy.ndarray
        Momentary loudness, LUFS, over the bars the take plays.
    warnings : tuple of str
    """

    take: Take
    is_reference: bool
    alignment: Alignment | None
    analysis: TakeAnalysis
    bars: tuple[BarRow, ...]
    notes: tuple[NoteRow, ...]
    curve_position: np.ndarray
    curve_lufs: np.ndarray
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """How the take is called in tables and sentences."""
        return self.take.title or self.take.id

    def to_reference(self, take_s) -> np.ndarray:
        """Reference positions (quarter notes or seconds) of take times, seconds."""
        if self.alignment is None:
            return np.asarray(take_s, dtype=float)
        return self.alignment.ref_at(take_s)

    def from_reference(self, ref) -> np.ndarray:
        """Take times (seconds) of reference positions; NaN where the take does not play."""
        if self.alignment is None:
            return np.asarray(ref, dtype=float)
        return self.alignment.take_at(ref)

    def bar_at(self, take_s: float) -> int | None:
        """Grid index of the bar the take is in at ``take_s`` seconds, or None."""
        for row in self.bars:
            if row.covered and row.take_start_s <= take_s < row.take_start_s + row.duration_s:
                return row.index
        return None


@dataclass(frozen=True)
class Comparison:
    """Takes compared with a reference on one musical axis.

    Attributes
    ----------
    session_title : str
    reference : Reference
    grid : BarGrid
    takes : tuple of TakeResult
        The reference take first when the reference is a take, then the compared takes.
    part : str or None
        The score part the takes play.
    monophonic : bool
        Pitch was checked note by note against the score.
    warnings : tuple of str
    """

    session_title: str
    reference: Reference
    grid: BarGrid
    takes: tuple[TakeResult, ...]
    part: str | None
    monophonic: bool
    warnings: tuple[str, ...] = ()

    @property
    def compared(self) -> tuple[TakeResult, ...]:
        """The takes compared (without the reference take)."""
        return tuple(t for t in self.takes if not t.is_reference)

    def take(self, take_id: str) -> TakeResult:
        """The result of one take of the comparison."""
        for take in self.takes:
            if take.take.id == take_id:
                return take
        raise InvalidParameterError(f"The take {take_id!r} is not part of this comparison.")

    def same_moment(self, from_id: str, take_s: float, to_id: str) -> float:
        """Where take ``to_id`` is at the musical position take ``from_id`` has at
        ``take_s`` seconds (A/B switching); NaN where ``to_id`` does not play it."""
        ref = self.take(from_id).to_reference(take_s)
        return float(self.take(to_id).from_reference(ref))

    def covered_indices(self) -> list[int]:
        """Grid indices that at least one take plays."""
        return [k for k in range(len(self.grid))
                if any(t.bars[k].covered for t in self.takes)]


def compare_takes(session: Session, reference_id: str, take_ids: list[str], *,
                  part: str | None = None, score_id: str | None = None,
                  voice: str = DEFAULT_RANGE, analyze=analyze_file,
                  progress: ProgressFn | None = None,
                  cancel: CancelToken | None = None) -> Comparison:
    """Compare takes of a session with a reference (a score or a take of the session).

    Parameters
    ----------
    session : Session
    reference_id : str
        Id of a score or a take in the session.
    take_ids : list of str
        The takes to compare (at least one).
    part : str, optional
        The score part the takes play (score reference); a monophonic part gets its pitch
        checked note by note.
    score_id : str, optional
        With a take reference: a score whose bars number the axis (otherwise sections of
        the reference take).
    voice : str
        Pitch-range preset of the takes' analyses (cached per preset).
    analyze : callable
        Computes an analysis that is not cached (see
        :func:`~musicpractice.workspace.derived.ensure_analysis`).
    progress, cancel
        See :mod:`musicpractice.core.progress`.

    Raises
    ------
    InvalidParameterError
        Unknown ids, no takes, the reference among the takes, options that do not fit.
    """
    reference = find_reference(session, reference_id)
    take_ids = list(dict.fromkeys(take_ids))
    if not take_ids:
        raise InvalidParameterError("Choose at least one take to compare.")
    if reference.kind == "take" and reference.id in take_ids:
        raise InvalidParameterError("The reference take cannot also be one of the compared takes.")
    for take_id in take_ids:
        session.take(take_id)
    if reference.kind == "score" and score_id is not None:
        raise InvalidParameterError("--score names the bars of a take reference; the "
                                    "reference is already a score.")
    weights = [(f"take {t}", 1) for t in take_ids]
    if reference.kind == "take":
        weights.insert(0, ("reference", 1))
    steps = Steps(progress, weights)
    analyse = partial(ensure_analysis, session, voice=voice, analyze=analyze)
    audio = TakeAudio(session)  # each take decoded once for all its alignments and checks
    if reference.kind == "score":
        return _against_score(session, reference, take_ids, part, analyse, audio, steps, cancel)
    if part is not None:
        raise InvalidParameterError("A part can be chosen only when the reference is a score.")
    return _against_take(session, reference, take_ids, score_id, analyse, audio, steps, cancel)


def _against_score(session, reference, take_ids, part, analyse, audio, steps,
                   cancel) -> Comparison:
    score = session_score(session, reference.id)
    part_name = score.find_part(part) if part is not None else None
    grid = score_grid(score)
    results, monophonic, warnings = [], False, list(score.warnings)
    for take_id in take_ids:
        stage = Steps(steps.stage(f"take {take_id}"),
                      [("analysis", 6), ("alignment", 2), ("comparison", 2)])
        analysis = analyse(take_id, progress=stage.stage("analysis"), cancel=cancel)
        alignment = ensure_alignment(session, take_id, reference, part=part_name, score=score,
                                     audio=audio, progress=stage.stage("alignment"),
                                     cancel=cancel)
        detail = ensure_score_comparison(session, take_id, reference, alignment, score,
                                         part=part_name, audio=audio,
                                         progress=stage.stage("comparison"), cancel=cancel)
        audio.release(take_id)
        monophonic = monophonic or detail.monophonic
        results.append(_take_result(session.take(take_id), grid, alignment, analysis,
                                    score=score, detail=detail))
    return Comparison(session.title, reference, grid, tuple(results), part_name, monophonic,
                      tuple(dict.fromkeys(warnings)))


def _against_take(session, reference, take_ids, score_id, analyse, audio, steps,
                  cancel) -> Comparison:
    stage = Steps(steps.stage("reference"), [("analysis", 6), ("bars", 2)])
    ref_analysis = analyse(reference.id, progress=stage.stage("analysis"), cancel=cancel)
    bars_progress = stage.stage("bars")
    if score_id is not None:
        score = session_score(session, score_id)
        score_reference = find_reference(session, score_id)
        if score_reference.kind != "score":
            raise InvalidParameterError(f"{score_id!r} is a take, not a score.")
        ref_to_score = ensure_alignment(session, reference.id, score_reference, score=score,
                                        audio=audio, progress=bars_progress, cancel=cancel)
        grid = take_grid_from_score(score, ref_to_score)
    else:
        grid = section_grid(session.take(reference.id).duration_s
                            or ref_analysis.duration_s)
    results = [_take_result(session.take(reference.id), grid, None, ref_analysis)]
    for take_id in take_ids:
        stage = Steps(steps.stage(f"take {take_id}"), [("analysis", 6), ("alignment", 2)])
        analysis = analyse(take_id, progress=stage.stage("analysis"), cancel=cancel)
        alignment = ensure_alignment(session, take_id, reference, audio=audio,
                                     progress=stage.stage("alignment"), cancel=cancel)
        audio.release(take_id)
        results.append(_take_result(session.take(take_id), grid, alignment, analysis,
                                    reference_bars=results[0].bars))
    return Comparison(session.title, reference, grid, tuple(results), None, False)


def _take_result(take: Take, grid: BarGrid, alignment: Alignment | None,
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
    notes = (_score_notes(take.id, detail, grid, t_start, t_end) if detail is not None
             else _transcribed_notes(take.id, analysis, alignment, grid, t_start, t_end))
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
            tempo_bpm=float(tempo[k]), ref_tempo_bpm=float(grid.ref_tempo_bpm[k]),
            tempo_pct=float(tempo_pct[k]), deviation_ms=float(1000.0 * deviation[k]),
            loudness_lufs=float(loudness[k]), articulation_ratio=float(articulation[k]),
            intonation_cents=float(intonation[k]), wrong=wrong, missing=missing, extra=extra,
            confidence=float(confidence[k])))
    position, lufs = _loudness_curve(analysis, edges_s)
    warnings = list(take.warnings) + (list(alignment.warnings) if alignment else [])
    warnings += list(detail.warnings) if detail is not None else []
    return TakeResult(take, alignment is None, alignment, analysis, tuple(rows), tuple(notes),
                      position, lufs, tuple(dict.fromkeys(warnings)))


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


def _score_notes(take_id, detail: ScoreComparison, grid, t_start, t_end) -> list[NoteRow]:
    rows = [NoteRow(take_id=take_id, bar=n.measure, ref_position=n.ref_quarter, midi=n.midi,
                    name=note_name(n.midi), take_onset_s=n.take_onset_s, duration_s=math.nan,
                    deviation_ms=1000.0 * n.deviation_s, cents=n.cents, status=n.status,
                    confidence=n.confidence, played_midi=n.played_midi, attempt=n.attempt)
            for n in detail.notes]
    onsets = np.array([e.take_onset_s for e in detail.extra_notes])
    where = _bar_of(onsets, t_start, t_end)
    for extra, k in zip(detail.extra_notes, where):
        rows.append(NoteRow(take_id=take_id, bar=grid.numbers[k] if k >= 0 else None,
                            ref_position=math.nan, midi=extra.midi, name=note_name(extra.midi),
                            take_onset_s=extra.take_onset_s, duration_s=extra.duration_s,
                            deviation_ms=math.nan, cents=math.nan, status="extra",
                            confidence=extra.confidence))
    return sorted(rows, key=lambda r: (np.nan_to_num(r.take_onset_s, nan=np.inf), r.midi))


def _transcribed_notes(take_id, analysis, alignment, grid, t_start, t_end) -> list[NoteRow]:
    notes = analysis.notes
    onsets = np.array([n.onset_s for n in notes])
    where = _bar_of(onsets, t_start, t_end)
    if alignment is None:
        positions = onsets
    else:
        positions = alignment.ref_at(onsets) if notes else onsets
    return [NoteRow(take_id=take_id, bar=grid.numbers[k] if k >= 0 else None,
                    ref_position=float(p), midi=int(n.midi), name=note_name(n.midi),
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
