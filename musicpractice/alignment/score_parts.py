"""Which part of a score a take performs, when nobody said.

A choir singer records the alto line and opens the whole chorale. Aligned to all four parts
together, one sung line hardly matches (overall confidence ~0.05); aligned to its own part it
matches almost perfectly (~1.0), and to the other parts poorly. So when no part is named and
the score has several, each part that is a single line (a melody a voice can sing) is tried
against the take's features: a part that explains the take clearly better than all parts
together and than every other part is the part the take performs. A piano or a choir
recording, which contains all the parts, matches all parts together best and keeps them.

Margins, from the alignment engine's overall confidence in [0, 1] (on Bach chorales sung by
a synthetic voice, every part of two chorales): the part sung 0.75-1.0, the next part at
most 0.48, all parts together at most 0.23; a full mix of the parts: all parts 0.61-0.77,
any single part at most 0.35.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.alignment.engine import FrameAlignment, align_features
from musicpractice.alignment.features import FEATURE_RATE_HZ, AlignmentFeatures, notes_features
from musicpractice.core.progress import CancelToken, check_cancel
from musicpractice.score.model import Score, ScoreNote, single_line

MIN_PART_CONFIDENCE = 0.5
"""A part must match the take at least this well (overall confidence) to be chosen."""
MIN_MARGIN = 0.3
"""...and this much better than all parts together and than any other part."""
MIN_NOTES = 8
"""...over a stretch of at least this many of its notes."""


@dataclass(frozen=True)
class PartChoice:
    """The part a take was found to perform.

    Attributes
    ----------
    part : str
        The part's full name.
    confidence : float
        Its overall alignment confidence with the take, in [0, 1].
    all_parts_confidence : float
        The same for all parts together.
    runner_up : float
        The best confidence of any other single part (0 when there is none).
    frames : FrameAlignment
        The take aligned with the part (the engine's output, reused by the caller).
    """

    part: str
    confidence: float
    all_parts_confidence: float
    runner_up: float
    frames: FrameAlignment

    def sentence(self) -> str:
        """What the user is told (and how to change it)."""
        return (f"Followed as the {self.part} part: the take matches it best (confidence "
                f"{self.confidence:.2f}; all parts together {self.all_parts_confidence:.2f}). "
                "Name a part to check the take as another.")


def written_features(score: Score, notes: list[ScoreNote], q0: float, q1: float):
    """Alignment features of written notes between quarter positions ``q0`` and ``q1``
    (see :func:`~musicpractice.alignment.features.notes_features`), timed by the score's
    tempo from ``q0`` on."""
    start_s = float(score.seconds_at(q0))
    onsets = score.seconds_at([n.onset_quarter for n in notes]) - start_s
    offsets = score.seconds_at([min(n.onset_quarter + n.duration_quarter, q1)
                                for n in notes]) - start_s
    duration_s = float(score.seconds_at(q1)) - start_s
    return notes_features(np.array([n.midi for n in notes]), onsets, offsets,
                          duration_s=duration_s, rate_hz=FEATURE_RATE_HZ)


def performed_part(take_f: AlignmentFeatures, score: Score, q0: float, q1: float, *,
                   all_parts: FrameAlignment, subsequence: bool | None = None,
                   cancel: CancelToken | None = None) -> PartChoice | None:
    """The single-line part of ``score`` the take performs, or None (all parts, or unclear).

    Parameters
    ----------
    take_f : AlignmentFeatures
        The take's alignment features.
    score : Score
        A score with several parts.
    q0, q1 : float
        The stretch of the score considered, in quarter notes.
    all_parts : FrameAlignment
        The take already aligned with all the parts' notes of that stretch.
    subsequence : bool or None
        As for :func:`~musicpractice.alignment.engine.align_features`.
    """
    def inside(notes):
        return [n for n in notes if q0 - 1e-9 <= n.onset_quarter < q1 - 1e-9]

    parts = {p: inside(score.part_notes(p)) for p in score.parts}
    lines = {p: notes for p, notes in parts.items() if notes and single_line(notes)}
    if len(score.parts) < 2 or not lines:
        return None
    found = {}
    for p, notes in lines.items():
        check_cancel(cancel)
        found[p] = align_features(take_f, written_features(score, notes, q0, q1),
                                  subsequence=subsequence)
    scores = {p: _confidence(frames, score, lines[p], q0) for p, frames in found.items()}
    best = max(scores, key=scores.get)
    runner_up = max((c for p, c in scores.items() if p != best), default=0.0)
    if scores[best] < MIN_PART_CONFIDENCE or scores[best] - runner_up < MIN_MARGIN:
        return None
    all_confidence = _confidence(all_parts, score, inside(score.notes), q0)
    if scores[best] - all_confidence < MIN_MARGIN:
        return None
    return PartChoice(best, scores[best], all_confidence, runner_up, found[best])


def _confidence(frames: FrameAlignment, score: Score, notes: list[ScoreNote], q0: float) -> float:
    """Overall confidence of an alignment with ``notes``; 0 when the stretch it matches holds
    fewer than ``MIN_NOTES`` of them (a lone tone matches any note of its pitch)."""
    first, last = frames.ref_frames[[0, -1]] / frames.rate_hz
    onsets = score.seconds_at([n.onset_quarter for n in notes]) - float(score.seconds_at(q0))
    covered = int(np.sum((onsets >= first - 1e-6) & (onsets <= last + 1e-6)))
    return float(frames.overall_confidence) if covered >= MIN_NOTES else 0.0
