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
from dataclasses import replace
from functools import partial

import numpy as np

from musicpractice.analysis.take import analyze_file
from musicpractice.analysis.voices import DEFAULT_RANGE
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.progress import CancelToken, ProgressFn, Steps
from musicpractice.compare.bar_grid import score_grid, section_grid, take_grid_from_score
from musicpractice.compare.results import (  # noqa: F401 (the comparison's data, importable from here)
    UNSURE_CONFIDENCE,
    BarRow,
    Comparison,
    NoteRow,
    TakeResult,
)
from musicpractice.compare.take_rows import take_result
from musicpractice.workspace.derived import (
    TakeAudio,
    ensure_alignment,
    ensure_analysis,
    ensure_score_comparison,
)
from musicpractice.workspace.references import find_reference, session_score
from musicpractice.session.store import Session


def compare_takes(session: Session, reference_id: str, take_ids: list[str], *,
                  part: str | None = None, score_id: str | None = None,
                  voice: str = DEFAULT_RANGE, analyze=analyze_file,
                  tolerance_cents: float = 50.0, progress: ProgressFn | None = None,
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
    tolerance_cents : float
        Intonation tolerance of the note verdicts against a score, in cents.
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
        return _against_score(session, reference, take_ids, part, analyse, audio, steps, cancel,
                              tolerance_cents=tolerance_cents)
    if part is not None:
        raise InvalidParameterError("A part can be chosen only when the reference is a score.")
    return _against_take(session, reference, take_ids, score_id, analyse, audio, steps, cancel)


def _against_score(session, reference, take_ids, part, analyse, audio, steps,
                   cancel, *, tolerance_cents: float = 50.0) -> Comparison:
    score = session_score(session, reference.id)
    part_name = score.checked_part(part)
    grid = score_grid(score)
    prepared, monophonic, warnings = [], False, list(score.warnings)
    for take_id in take_ids:
        stage = Steps(steps.stage(f"take {take_id}"),
                      [("analysis", 6), ("alignment", 2), ("comparison", 2)])
        analysis = analyse(take_id, progress=stage.stage("analysis"), cancel=cancel)
        alignment = ensure_alignment(session, take_id, reference, part=part_name, score=score,
                                     audio=audio, progress=stage.stage("alignment"),
                                     cancel=cancel)
        detail = ensure_score_comparison(session, take_id, reference, alignment, score,
                                         part=part_name, tolerance_cents=tolerance_cents,
                                         audio=audio, progress=stage.stage("comparison"),
                                         cancel=cancel)
        audio.release(take_id)
        monophonic = monophonic or detail.monophonic
        alignment = detail.alignment or alignment  # pinned to the sung notes
        prepared.append((take_id, analysis, alignment, detail))
    from_takes = False
    if score.tempo_assumed:  # compare with the takes' own tempo, not an invented one
        tempo = played_tempo_bpm([alignment for _id, _a, alignment, _d in prepared])
        from_takes = math.isfinite(tempo)
        if from_takes:
            grid = replace(grid, ref_tempo_bpm=np.full(len(grid), tempo))
            warnings = [w for w in warnings if "no tempo mark" not in w]
            symbol, name = grid.beat_unit()
            beats = tempo / float(np.median(grid.beats()))
            unit = "beats" if name == "beat" else f"{name} notes"
            warnings.append(f"The score has no tempo mark: tempo is compared with the takes' "
                            f"own median tempo, {beats:.0f} {unit} per minute "
                            f"({symbol} = {beats:.0f}).")
    results = [take_result(session.take(take_id), grid, alignment, analysis, score=score,
                           detail=detail) for take_id, analysis, alignment, detail in prepared]
    return Comparison(session.title, reference, grid, tuple(results), part_name, monophonic,
                      tuple(dict.fromkeys(warnings)), tolerance_cents=float(tolerance_cents),
                      tempo_from_takes=from_takes)


def played_tempo_bpm(alignments) -> float:
    """Median over the takes of each one's average tempo through the bars it plays, in
    quarter notes per minute (NaN when no take plays a stretch of the score)."""
    tempos = []
    for alignment in alignments:
        (t0, t1), (q0, q1) = alignment.take_span_s, alignment.ref_span
        if t1 - t0 > 0.5 and q1 > q0:
            tempos.append(60.0 * (q1 - q0) / (t1 - t0))
    return float(np.median(tempos)) if tempos else math.nan


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
    results = [take_result(session.take(reference.id), grid, None, ref_analysis)]
    for take_id in take_ids:
        stage = Steps(steps.stage(f"take {take_id}"), [("analysis", 6), ("alignment", 2)])
        analysis = analyse(take_id, progress=stage.stage("analysis"), cancel=cancel)
        alignment = ensure_alignment(session, take_id, reference, audio=audio,
                                     progress=stage.stage("alignment"), cancel=cancel)
        audio.release(take_id)
        results.append(take_result(session.take(take_id), grid, alignment, analysis,
                                    reference_bars=results[0].bars))
    return Comparison(session.title, reference, grid, tuple(results), None, False)
