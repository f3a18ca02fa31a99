"""Progress over time: one performer's takes of one piece, by date, a few measures per take.

Every take is compared with the same reference (:func:`compare_takes`), so the measures
are comparable from week to week: tempo and timing against the reference, intonation and
notes off pitch for a melody, and the whole-take cues articulation, dynamics and tempo
variability. Changes are named neutrally ("went from ... to ...").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.progress import CancelToken, ProgressFn
from musicpractice.compare.model import Comparison, TakeResult, compare_takes
from musicpractice.compare.cue_format import cue_value_text
from musicpractice.session.store import Session


@dataclass(frozen=True)
class Measure:
    """One measure across the takes.

    Attributes
    ----------
    key, name, unit : str
    values : tuple of float
        One per take, in date order; NaN where not measured.
    """

    key: str
    name: str
    unit: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Progress:
    """A performer's takes by date and their measures.

    Attributes
    ----------
    performer, piece : str
    take_ids, titles, dates : tuple of str
        The takes in date order.
    measures : tuple of Measure
        Only measures with a value in at least one take.
    shared : str
        The bars every take played, over which the bar measures are taken (e.g.
        ``"bars 1–24"``); "" when every take played every compared bar, ``"no bars"`` when
        the takes share none.
    """

    performer: str
    piece: str
    take_ids: tuple[str, ...]
    titles: tuple[str, ...]
    dates: tuple[str, ...]
    measures: tuple[Measure, ...]
    shared: str = ""

    def sentences(self) -> list[str]:
        """How each measure changed from the first take to the last, in words."""
        if len(self.take_ids) < 2:
            return ["Only one take so far; progress shows from the second take on."]
        lines = []
        if self.shared == "no bars":
            lines.append("The takes share no bars, so their bars cannot be compared.")
        elif self.shared:
            lines.append(f"Bar by bar, the takes are compared over {self.shared}, which every "
                         "take played.")
        for m in self.measures:
            finite = [(d, v) for d, v in zip(self.dates, m.values) if math.isfinite(v)]
            if len(finite) >= 2:
                (d0, v0), (d1, v1) = finite[0], finite[-1]
                a, b = cue_value_text(v0, m.unit), cue_value_text(v1, m.unit)
                lines.append(f"{m.name} stayed at {a} ({d0} to {d1})." if a == b else
                             f"{m.name} went from {a} ({d0}) to {b} ({d1}).")
        return lines


def performer_takes(session: Session, performer: str, piece: str = "",
                    exclude: str = "") -> list[str]:
    """Ids of the performer's takes (of ``piece`` when given), oldest first."""
    takes = [t for t in session.takes if t.performer == performer and t.id != exclude
             and (not piece or t.piece == piece)]
    return [t.id for t in sorted(takes, key=lambda t: (t.date or t.started_at[:10], t.started_at))]


def progress_over_time(session: Session, reference_id: str, *, performer: str,
                       piece: str = "", part: str | None = None, score_id: str | None = None,
                       progress: ProgressFn | None = None,
                       cancel: CancelToken | None = None) -> Progress:
    """The measures of a performer's takes (of one piece) against one reference, by date.

    Raises
    ------
    InvalidParameterError
        The performer has no takes in the session (for that piece).
    """
    ids = performer_takes(session, performer, piece, exclude=reference_id)
    if not ids:
        raise InvalidParameterError(
            f"The session has no takes by {performer or 'an unnamed performer'}"
            + (f" of {piece}" if piece else "") + ".")
    comparison = compare_takes(session, reference_id, ids, part=part, score_id=score_id,
                               progress=progress, cancel=cancel)
    return progress_of(comparison, performer=performer, piece=piece)


def progress_performer(session: Session, reference_id: str,
                       take_ids: list[str]) -> tuple[str, str]:
    """The performer (and piece, "" when the takes name none or several) whose progress
    :func:`progress_for_takes` follows; checked before any work is done.

    Raises
    ------
    InvalidParameterError
        The takes are by more than one performer, or the performer has no take in the
        session other than the reference.
    """
    takes = [session.take(t) for t in take_ids]
    performers = sorted({t.performer for t in takes})
    if len(performers) != 1:
        raise InvalidParameterError("Progress follows one performer; these takes are by "
                                    + ", ".join(p or "(unnamed)" for p in performers) + ".")
    pieces = {t.piece for t in takes}
    piece = pieces.pop() if len(pieces) == 1 else ""
    if not performer_takes(session, performers[0], piece, exclude=reference_id):
        raise InvalidParameterError(
            f"The session has no takes by {performers[0] or 'an unnamed performer'}"
            + (f" of {piece}" if piece else "") + " other than the reference, so there is "
            "no progress to show.")
    return performers[0], piece


def progress_for_takes(session: Session, reference_id: str, take_ids: list[str], *,
                       part: str | None = None, score_id: str | None = None,
                       progress: ProgressFn | None = None,
                       cancel: CancelToken | None = None) -> Progress:
    """The progress of the one performer who played ``take_ids`` (of their piece, when the
    takes name one), over all of that performer's takes in the session.

    Raises
    ------
    InvalidParameterError
        See :func:`progress_performer`.
    """
    performer, piece = progress_performer(session, reference_id, take_ids)
    return progress_over_time(session, reference_id, performer=performer, piece=piece,
                              part=part, score_id=score_id, progress=progress, cancel=cancel)


def progress_of(comparison: Comparison, *, performer: str, piece: str = "") -> Progress:
    """The progress measures of the compared takes of a comparison (in its order)."""
    takes = comparison.compared
    grid = comparison.grid
    played = [k for k in range(len(grid)) if any(t.bars[k].covered for t in takes)]
    shared = [k for k in played if all(t.bars[k].covered for t in takes)]
    rows = [_measures(t, shared, {grid.numbers[k] for k in shared}) for t in takes]
    measures = []
    for key, name, unit in MEASURES:
        values = tuple(float(r.get(key, math.nan)) for r in rows)
        if any(math.isfinite(v) for v in values):
            measures.append(Measure(key, name, unit, values))
    return Progress(performer=performer, piece=piece,
                    take_ids=tuple(t.take.id for t in takes),
                    titles=tuple(t.name for t in takes),
                    dates=tuple(t.take.date or t.take.started_at[:10] for t in takes),
                    measures=tuple(measures),
                    shared="" if shared == played else _span_text(grid, shared))


def _span_text(grid, indices: list[int]) -> str:
    """``"bars 1–8 and 12–14"`` for grid indices (sorted), ``"no bars"`` for none."""
    if not indices:
        return "no bars"
    runs, start = [], indices[0]
    for prev, k in zip(indices, indices[1:] + [None]):
        if k != prev + 1:
            runs.append((start, prev))
            start = k
    spans = [grid.span_label(a, b) for a, b in runs]
    return spans[0] + "".join(", " + s.split(" ", 1)[1] for s in spans[1:-1]) + (
        " and " + spans[-1].split(" ", 1)[1] if len(spans) > 1 else "")


MEASURES = (
    ("tempo_pct", "Tempo against the reference (median of bars)", "%"),
    ("timing_ms", "Timing off a steady pulse (median of bars)", "ms"),
    ("intonation_cents", "Intonation, distance from the written pitch (median)", "cents"),
    ("notes_off_pct", "Notes off pitch or missing", "%"),
    ("articulation_ratio", "Articulation (1 = legato)", "ratio"),
    ("level_variability_lu", "Dynamics (level variability)", "LU"),
    ("tempo_cv_pct", "Tempo variability", "%"),
)


def _median(values) -> float:
    values = np.asarray([v for v in values if v is not None], dtype=float)
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else math.nan


def _measures(take: TakeResult, shared: list[int], numbers: set[int]) -> dict[str, float]:
    """The take's measures over the bars every take played (grid indices ``shared``, bar
    numbers ``numbers``), so a short take and a long one are measured on the same music;
    the whole-take cues (dynamics, tempo variability) describe the whole take."""
    bars = [take.bars[k] for k in shared]
    out = {"tempo_pct": _median(r.tempo_pct for r in bars),
           "timing_ms": _median(abs(r.deviation_ms) for r in bars),
           "intonation_cents": _median(abs(r.intonation_cents) for r in bars)}
    checked = [n for n in take.notes if n.status in ("ok", "wrong", "missing")
               and n.bar in numbers]
    if checked:
        out["notes_off_pct"] = 100.0 * sum(n.status != "ok" for n in checked) / len(checked)
    out["articulation_ratio"] = _median(r.articulation_ratio for r in bars)
    for key in ("level_variability_lu", "tempo_cv_pct"):
        try:
            out[key] = take.analysis.cues[key].value
        except KeyError:
            pass
    return out
