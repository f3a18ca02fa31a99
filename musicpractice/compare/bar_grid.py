"""The musical axis takes are laid on: the bars of a score, or sections of a reference take.

A grid has ``n`` bars with ``n + 1`` edges in reference units: quarter notes from the
start of the score (repeats expanded) when the reference is a score; seconds of the
reference take's audio when the reference is a take. Bars of a score keep their written
numbers (a repeated bar appears twice with the same number); without a score the
reference take is cut into numbered sections of :data:`SECTION_S` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.alignment import Alignment
from musicpractice.score import Score

SECTION_S = 4.0
"""Length of a section of the reference take when there is no score to give bars."""


@dataclass(frozen=True)
class BarGrid:
    """Bars (or sections) on the reference's axis.

    Attributes
    ----------
    numbers : tuple of int
        Written bar number of each bar in performed order (section number without a score).
    edges : numpy.ndarray
        ``n + 1`` reference positions: bar ``k`` spans ``edges[k]`` to ``edges[k + 1]``.
    unit : str
        ``"quarter"`` (reference is a score) or ``"s"`` (reference is a take).
    ref_tempo_bpm : numpy.ndarray
        Tempo of each bar in the reference in quarter notes per minute: the marked tempo
        of a score, the played tempo of a reference take; NaN without a score.
    kind : str
        ``"bar"`` or ``"section"``: what to call one element.
    """

    numbers: tuple[int, ...]
    edges: np.ndarray
    unit: str
    ref_tempo_bpm: np.ndarray
    kind: str = "bar"

    def __len__(self) -> int:
        return len(self.numbers)

    def label(self, index: int) -> str:
        """``"bar 9"`` or ``"section 3"``."""
        return f"{self.kind} {self.numbers[index]}"

    def span_label(self, first: int, last: int) -> str:
        """``"bars 9–16"``, ``"bar 9"``, ``"sections 2–4"`` for grid indices first..last."""
        a, b = self.numbers[first], self.numbers[last]
        return f"{self.kind} {a}" if first == last else f"{self.kind}s {a}–{b}"


def score_grid(score: Score) -> BarGrid:
    """All bars of a score, in performed order."""
    measures = score.measures
    edges = np.array([m.start_quarter for m in measures] + [score.duration_quarter])
    return BarGrid(numbers=tuple(m.number for m in measures), edges=edges, unit="quarter",
                   ref_tempo_bpm=np.asarray(score.tempo_at(edges[:-1]), dtype=float))


def take_grid_from_score(score: Score, ref_to_score: Alignment) -> BarGrid:
    """The score's bars as they fall in a reference take aligned to that score.

    Only the longest run of consecutive bars the reference take covers is kept (a take
    plays one stretch of the score); a bar it covers in part counts from where it starts.
    """
    bars = score_grid(score)
    quarters = np.clip(bars.edges, *ref_to_score.ref_span)
    seconds = ref_to_score.take_at(quarters)
    covered = (np.isfinite(seconds[:-1]) & np.isfinite(seconds[1:]) & (np.diff(seconds) > 0)
               & (np.diff(quarters) > 1e-6))
    best, start = (0, 0), None
    for k, ok in enumerate(np.append(covered, False)):
        if ok and start is None:
            start = k
        elif not ok and start is not None:
            best = max(best, (k - start, start))
            start = None
    length, first = best
    if length == 0:
        return section_grid(float(ref_to_score.take_span_s[1]))
    run = np.arange(first, first + length)
    with np.errstate(divide="ignore", invalid="ignore"):
        tempo = np.diff(quarters)[run] / np.diff(seconds)[run] * 60.0
    return BarGrid(numbers=tuple(bars.numbers[i] for i in run),
                   edges=seconds[first: first + length + 1], unit="s", ref_tempo_bpm=tempo)


def section_grid(duration_s: float) -> BarGrid:
    """Sections of :data:`SECTION_S` seconds over a reference take of ``duration_s``."""
    n = max(1, round(duration_s / SECTION_S))
    edges = np.linspace(0.0, duration_s, n + 1)
    return BarGrid(numbers=tuple(range(1, n + 1)), edges=edges, unit="s",
                   ref_tempo_bpm=np.full(n, np.nan), kind="section")
