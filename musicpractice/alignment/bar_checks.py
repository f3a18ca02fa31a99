"""Bars whose played tempo cannot be trusted from the time map alone.

A bar read far faster or slower than both its neighbours and the score's mark is most often
a time map that cut a corner (one barline placed a few tenths of a second off makes one
bar 240 BPM and the next 90). Such a bar is kept as sure only when the take itself shows
it: the written notes at both of its barlines start clearly where the map places them.
Otherwise its confidence drops below :data:`UNSURE_CONFIDENCE` (hollow in plots, "unsure"
in tables, left out of summaries in words). A bar the take covers only a sliver of has no
meaningful tempo either.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from musicpractice.alignment.features import PitchOnsets, pitch_onsets
from musicpractice.alignment.refine import PEAK_RATIO, _columns
from musicpractice.alignment.timemap import Alignment

UNSURE_CONFIDENCE = 0.3
JUMP_RATIO = 1.4
"""A bar's tempo jumps when it is this many times faster (or slower) than the median of
the bars on each side of it and than the score's mark."""
NEIGHBOURS = 2
"""Bars on each side whose median tempo the bar is compared with."""
MIN_SHARE = 0.5
"""A bar covered for less than this share of its written length has no reliable tempo."""
JUDGE_S = 0.06
"""A barline's notes must start within this many seconds of where the map places them."""
CONTEXT_S = 0.3
"""... standing out (``PEAK_RATIO`` times the mean) from this much either side."""
CAPPED_CONFIDENCE = 0.2
"""Confidence given to a bar whose tempo is not borne out by the take."""
JUMP_REASON_SURE = ("tempo far from the neighbouring bars and the score, but the notes at "
                    "both barlines are heard where they are placed")
JUMP_REASON_UNSURE = ("tempo far from the neighbouring bars and the score, and the notes at "
                      "its barlines are not heard clearly there")
JUMP_REASON_LOST = ("tempo far from the neighbouring bars and the score; its barlines are "
                    "heard where they are placed, but the alignment around it is unsure")
SLIVER_REASON = "only a small part of the bar is played"


def tempo_jumps(tempo_bpm: np.ndarray, score_bpm: np.ndarray) -> np.ndarray:
    """Whether each bar's tempo jumps from both sides' neighbours and from the score.

    Parameters
    ----------
    tempo_bpm, score_bpm : numpy.ndarray
        float (n,) played (NaN where not covered) and marked tempo per bar, in quarter
        notes per minute.

    Returns
    -------
    numpy.ndarray
        bool (n,).
    """
    tempo = np.asarray(tempo_bpm, dtype=float)
    limit = np.log(JUMP_RATIO)
    out = np.zeros(tempo.size, dtype=bool)
    for k, value in enumerate(tempo):
        if not np.isfinite(value) or value <= 0:
            continue
        sides = [tempo[max(0, k - NEIGHBOURS):k], tempo[k + 1:k + 1 + NEIGHBOURS]]
        medians = [np.median(s[np.isfinite(s) & (s > 0)]) for s in sides
                   if np.any(np.isfinite(s) & (s > 0))]
        references = medians + [float(score_bpm[k])]
        out[k] = bool(medians) and all(abs(np.log(value / r)) > limit for r in references)
    return out


def barline_is_clear(onsets: PitchOnsets, time_s: float, pitches: np.ndarray, *,
                     context_s: float = CONTEXT_S) -> bool:
    """Whether notes of ``pitches`` (MIDI) start clearly within ``JUDGE_S`` of ``time_s``:
    their onset there is the strongest within ``context_s`` seconds around it (give or
    take 20 %)."""
    if not np.isfinite(time_s) or len(pitches) == 0:
        return False
    rate = onsets.rate_hz
    context_s = max(float(context_s), 1.5 * JUDGE_S)
    lo = max(0, int(np.floor((time_s - context_s) * rate)))
    hi = min(onsets.rise.shape[0], int(np.ceil((time_s + context_s) * rate)) + 1)
    if hi - lo < 3:
        return False
    strength = onsets.rise[lo:hi][:, _columns(np.asarray(pitches))].sum(axis=1)
    a = max(0, int(np.floor((time_s - JUDGE_S) * rate)) - lo)
    b = max(a + 1, int(np.ceil((time_s + JUDGE_S) * rate)) + 1 - lo)
    near = strength[a:b].max() if b > a else 0.0
    return bool(near > PEAK_RATIO * strength.mean() and near >= 0.8 * strength.max())


def check_bars(bars: list, *, written_quarters: np.ndarray, covered_quarters: np.ndarray,
               take: np.ndarray, sr: int, alignment: Alignment, notes: list) -> list:
    """The bars with unsure tempo readings marked (confidence and ``reason``).

    Parameters
    ----------
    bars : list of BarComparison
        In performed order, from one pass through the score.
    written_quarters, covered_quarters : numpy.ndarray
        float (n,) each bar's written length and the part of it the take covers, in
        quarter notes.
    take : numpy.ndarray
        The mono take at ``sr`` (its note onsets are looked at only for jumping bars).
    sr : int
    alignment : Alignment
        The take aligned to the score.
    notes : list of ScoreNote
        The written notes that were aligned.

    Returns
    -------
    list of BarComparison
    """
    if not bars:
        return bars
    tempo = np.array([b.tempo_bpm for b in bars], dtype=float)
    marked = np.array([b.score_tempo_bpm for b in bars], dtype=float)
    jumps = tempo_jumps(tempo, marked)
    onsets = pitch_onsets(take, sr) if jumps.any() else None
    positions = np.array([n.onset_quarter for n in notes])
    midis = np.array([n.midi for n in notes])
    out = []
    for k, bar in enumerate(bars):
        if covered_quarters[k] < MIN_SHARE * written_quarters[k]:
            bar = replace(bar, confidence=min(bar.confidence, CAPPED_CONFIDENCE),
                          reason=SLIVER_REASON)
        elif jumps[k]:
            end_q = bar.ref_quarter + covered_quarters[k]
            clear = all(barline_is_clear(onsets, float(alignment.take_at(q)),
                                         midis[np.abs(positions - q) < 1e-6],
                                         context_s=_context_s(alignment, positions, q))
                        for q in (bar.ref_quarter, end_q))
            sure = JUMP_REASON_SURE if bar.confidence >= UNSURE_CONFIDENCE else JUMP_REASON_LOST
            bar = (replace(bar, reason=sure) if clear else
                   replace(bar, confidence=min(bar.confidence, CAPPED_CONFIDENCE),
                           reason=JUMP_REASON_UNSURE))
        out.append(bar)
    return out


def _context_s(alignment: Alignment, positions: np.ndarray, q: float) -> float:
    """Seconds around the barline at ``q`` to compare its onset with: ``CONTEXT_S``, or less
    where the notes just before and after it come sooner (a fast bar's neighbours are not
    the barline's rivals), in the take's time."""
    others = np.unique(positions[np.abs(positions - q) > 1e-6])
    before, after = others[others < q], others[others > q]
    near = [p for p in (before[-1:], after[:1]) if p.size]
    if not near:
        return CONTEXT_S
    t = float(alignment.take_at(q))
    gaps = [abs(float(alignment.take_at(p[0])) - t) for p in near]
    gaps = [g for g in gaps if np.isfinite(g)]
    return min([CONTEXT_S] + [0.8 * g for g in gaps])
