"""Differences between takes named in words: "Take B is 12 % faster and more legato than
Take A in bars 9–16."

Sentences describe what the recordings do (faster, softer, more legato); they suggest
where to listen and never grade the person playing. Each compared take is described
against a baseline: the reference take, else the first compared take, else (one take
against a score) the score's marked tempo.
"""

from __future__ import annotations

import math

import numpy as np

from musicpractice.analysis.cue_scales import SCALES
from musicpractice.compare.model import UNSURE_CONFIDENCE, Comparison, TakeResult
from musicpractice.compare.cue_format import cue_value_text

TEMPO_STEP = 0.08
"""Bars played at least 8 % faster or slower than the baseline are named."""
OVERALL_TEMPO_STEP = 0.03
LOUDNESS_STEP_DB = 3.0
ARTICULATION_STEP = 0.12
"""Difference in sounding-to-spacing ratio (1 = legato) that is named."""
CUE_SCORE_STEP = 0.5
"""Difference of two takes' positions on a cue's scale (-1..1) that is named."""
MIN_RUN = 2
"""Shortest run of bars named (a single bar is named only when the takes share one bar)."""
SKIP_CUES = ("tempo_bpm", "level_lufs", "articulation_ratio", "mode")
"""Cues the bar-by-bar sentences already cover, or that describe the piece, not the take."""


def describe_differences(comparison: Comparison) -> list[str]:
    """Sentences naming how each compared take differs from its baseline."""
    return [s for _take, sentences in differences_by_take(comparison) for s in sentences]


def differences_by_take(comparison: Comparison) -> list[tuple[TakeResult, list[str]]]:
    """The sentences of :func:`describe_differences`, per compared take, the most telling
    first (overall tempo, then where it changes, loudness, the ending, then the cues)."""
    takes = comparison.takes
    base = next((t for t in takes if t.is_reference), None)
    compared = list(comparison.compared)
    if base is None and len(compared) >= 2:
        base = compared.pop(0)
    return [(take, _against_marked_tempo(comparison, take) if base is None
             else _against_take(comparison, take, base)) for take in compared]


def _runs(signs: np.ndarray, min_run: int) -> list[tuple[int, int, int]]:
    """(first, last, sign) of runs of equal non-zero signs at least ``min_run`` long."""
    runs, start = [], 0
    for k in range(1, signs.size + 1):
        if k == signs.size or signs[k] != signs[start]:
            if signs[start] != 0 and k - start >= min_run:
                runs.append((start, k - 1, int(signs[start])))
            start = k
    return runs


def _column(take: TakeResult, name: str) -> np.ndarray:
    return np.array([getattr(row, name) for row in take.bars], dtype=float)


def _pct(ratio: float) -> str:
    return f"{abs(ratio - 1.0) * 100:.0f} %"


def _against_take(comparison: Comparison, take: TakeResult, base: TakeResult) -> list[str]:
    grid = comparison.grid
    both = np.array([a.covered and b.covered for a, b in zip(take.bars, base.bars)])
    if not both.any():
        return [f"{take.name} and {base.name} share no {grid.kind}s; they are not compared."]
    min_run = MIN_RUN if both.sum() > MIN_RUN else 1
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(both, _column(base, "duration_s") / _column(take, "duration_s"), np.nan)
    loud = np.where(both, _column(take, "loudness_lufs") - _column(base, "loudness_lufs"), np.nan)
    artic = np.where(both, _column(take, "articulation_ratio") - _column(base, "articulation_ratio"),
                     np.nan)
    phrases: dict[tuple[int, int], list[str]] = {}
    for first, last, sign in _runs(_sign(ratio - 1.0, TEMPO_STEP), min_run):
        r = float(np.median(ratio[first:last + 1]))
        phrases.setdefault((first, last), []).append(
            f"{_pct(r)} {'faster' if sign > 0 else 'slower'}")
    for first, last, sign in _runs(_sign(loud, LOUDNESS_STEP_DB), min_run):
        d = float(np.median(loud[first:last + 1]))
        phrases.setdefault((first, last), []).append(
            f"{abs(d):.0f} dB {'louder' if sign > 0 else 'softer'}")
    for first, last, sign in _runs(_sign(artic, ARTICULATION_STEP), min_run):
        phrases.setdefault((first, last), []).append(
            "more legato" if sign > 0 else "more detached")
    index = np.flatnonzero(both)
    span = grid.span_label(int(index[0]), int(index[-1]))
    total = np.nansum(_column(base, "duration_s")[both]) / np.nansum(_column(take, "duration_s")[both])
    if abs(total - 1.0) >= OVERALL_TEMPO_STEP:
        overall = (f"Over {span}, {take.name} is {_pct(total)} "
                   f"{'faster' if total > 1 else 'slower'} overall than {base.name}.")
    else:
        overall = f"Over {span}, {take.name} and {base.name} take about the same time."
    sentences = [overall]
    confidence = np.minimum(_column(take, "confidence"), _column(base, "confidence"))
    for (first, last), words in sorted(phrases.items()):
        unsure = np.median(confidence[first:last + 1]) < UNSURE_CONFIDENCE
        sentences.append(f"{take.name} is {' and '.join(words)} than {base.name} in "
                         f"{grid.span_label(first, last)}"
                         + (" (the alignment is unsure there)." if unsure else "."))
    sentences += _cue_sentences(take, base)
    return sentences


def _sign(values: np.ndarray, step: float) -> np.ndarray:
    values = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
    return np.where(values >= step, 1, np.where(values <= -step, -1, 0))


def _against_marked_tempo(comparison: Comparison, take: TakeResult) -> list[str]:
    grid = comparison.grid
    pct = _column(take, "tempo_pct")
    covered = np.isfinite(pct)
    if not covered.any():
        return [f"{take.name} could not be placed on the score's {grid.kind}s."]
    min_run = MIN_RUN if covered.sum() > MIN_RUN else 1
    sentences = []
    marked = float(np.nanmedian(_column(take, "ref_tempo_bpm")))
    symbol = grid.beat_unit()[0]
    against = "the takes' median tempo" if comparison.tempo_from_takes else "the marked tempo"
    for first, last, sign in _runs(_sign(pct / 100.0 - 1.0, TEMPO_STEP), min_run):
        r = float(np.median(pct[first:last + 1])) / 100.0
        sentences.append(f"{take.name} is {_pct(r)} {'faster' if sign > 0 else 'slower'} than "
                         f"{against} ({symbol} = {marked:.0f}) in "
                         f"{grid.span_label(first, last)}.")
    if not sentences:
        sentences.append(f"{take.name} stays within {TEMPO_STEP * 100:.0f} % of {against}.")
    # the verdicts already hold the user's intonation tolerance: name no number here
    kinds = [_note_count(take, kind) for kind in ("wrong", "missing", "extra")]
    kinds = [k for k in kinds if k]
    if kinds:
        listed = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
        sentences.append(f"{take.name} has {listed}.")
    return sentences


def _note_count(take: TakeResult, kind: str) -> str | None:
    """``"2 wrong notes (bars 3, 5)"``: the take's sure ``kind`` verdicts and their bars,
    or None when it has none."""
    off = [row for row in take.bars if getattr(row, kind)]
    if not off:
        return None
    bars = list(dict.fromkeys(str(row.bar) for row in off))  # a repeated bar: once
    count = sum(getattr(row, kind) for row in off)
    return (f"{count} {kind} note{'s' if count > 1 else ''} "
            f"(bar{'s' if len(bars) > 1 else ''} {', '.join(bars)})")


def _cue_sentences(take: TakeResult, base: TakeResult) -> list[str]:
    sentences = []
    for cue in take.analysis.cues.cues:
        scale = SCALES.get(cue.key)
        if scale is None or cue.key in SKIP_CUES:
            continue
        try:
            other = base.analysis.cues[cue.key]
        except KeyError:
            continue
        a, b = scale.score(cue.value), scale.score(other.value)
        if math.isnan(a) or math.isnan(b) or abs(a - b) < CUE_SCORE_STEP:
            continue
        sentences.append(
            f"{cue.name}: {take.name} {cue_value_text(cue.value, cue.unit)} "
            f"({scale.word(cue.value)}), {base.name} {cue_value_text(other.value, other.unit)} "
            f"({scale.word(other.value)}).")
    return sentences
