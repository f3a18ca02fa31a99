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

BEAT_NAMES = {0.5: ("♪", "eighth"), 0.75: ("♪.", "dotted eighth"), 1.0: ("♩", "quarter"),
              1.5: ("♩.", "dotted quarter"), 2.0: ("half", "half"),
              3.0: ("dotted half", "dotted half"), 4.0: ("whole", "whole")}
"""Symbol and name of the beat a musician counts, by its length in quarter notes (the fonts
in use have ♩ and ♪ but not the half-note glyph, so longer beats are named in words)."""


def beat_name(beat_quarter: float) -> tuple[str, str]:
    """Symbol and name of a beat ``beat_quarter`` quarter notes long.

    ``("♩.", "dotted quarter")`` for 1.5; an unusual length gives its quarter-note count
    (``("1.25♩", "1.25-quarter")``).
    """
    for length, names in BEAT_NAMES.items():
        if abs(beat_quarter - length) < 1e-6:
            return names
    return f"{beat_quarter:g}♩", f"{beat_quarter:g}-quarter"


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
        Tempo of each bar in the reference in quarter notes per minute (what the
        alignment's speed is measured in; tables show it in the bar's beat, see
        :attr:`beat_quarter`): the marked tempo of a score, the played tempo of a
        reference take; NaN without a score.
    kind : str
        ``"bar"`` or ``"section"``: what to call one element.
    beat_quarter : numpy.ndarray or None
        Length of the beat each bar is counted in, quarter notes (1.5 for the dotted
        quarter of 6/8, 2 for the half of 2/2), from the score's time signatures; None
        without a score (the beat is then a quarter note).
    """

    numbers: tuple[int, ...]
    edges: np.ndarray
    unit: str
    ref_tempo_bpm: np.ndarray
    kind: str = "bar"
    beat_quarter: np.ndarray | None = None

    def beats(self) -> np.ndarray:
        """Beat length of every bar in quarter notes, shape ``(n,)`` (ones without a score)."""
        if self.beat_quarter is None:
            return np.ones(len(self))
        return np.asarray(self.beat_quarter, dtype=float)

    def ref_tempo_beats(self) -> np.ndarray:
        """:attr:`ref_tempo_bpm` in each bar's own beat per minute, shape ``(n,)``."""
        return self.ref_tempo_bpm / self.beats()

    def tempo_words(self) -> str:
        """What the tempo numbers count: ``"dotted quarter notes per minute (♩. = …)"``."""
        symbol, name = self.beat_unit()
        if name == "beat":
            return "beats per minute (each bar's beat from its time signature)"
        return f"{name} notes per minute ({symbol} = …)"

    def beat_unit(self) -> tuple[str, str]:
        """Symbol and name of the beat tempi are given in: ``("♩.", "dotted quarter")``.

        When the time signature changes the beat, ``("beat", "beat")``: each bar is then
        counted in its own beat.
        """
        lengths = np.unique(np.round(self.beats(), 6))
        return beat_name(float(lengths[0])) if lengths.size == 1 else ("beat", "beat")

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
                   ref_tempo_bpm=np.asarray(score.tempo_at(edges[:-1]), dtype=float),
                   beat_quarter=np.array([m.beat_quarter for m in measures], dtype=float))


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
                   edges=seconds[first: first + length + 1], unit="s", ref_tempo_bpm=tempo,
                   beat_quarter=bars.beats()[run])


def section_grid(duration_s: float) -> BarGrid:
    """Sections of :data:`SECTION_S` seconds over a reference take of ``duration_s``."""
    n = max(1, round(duration_s / SECTION_S))
    edges = np.linspace(0.0, duration_s, n + 1)
    return BarGrid(numbers=tuple(range(1, n + 1)), edges=edges, unit="s",
                   ref_tempo_bpm=np.full(n, np.nan), kind="section")
