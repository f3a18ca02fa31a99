"""What listeners heard, next to what the product reads: agreement, personal readings and
which take to ask about next (the services the window and the command line share)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from musicpractice.analysis.listener_model import (
    DIMENSIONS, MIN_PERSONAL_ANNOTATIONS, ListenerModel, committee_disagreement, differences,
    fit_personal, group_model)
from musicpractice.analysis.take import TakeAnalysis
from musicpractice.core.errors import InvalidParameterError
from musicpractice.session.agreement import Agreement, listener_agreement
from musicpractice.session.annotations import Annotation, session_annotations
from musicpractice.session.store import Session
from musicpractice.workspace.derived import cached_analysis, ensure_analysis

AnalysisGetter = Callable[[Session, str], TakeAnalysis | None]


def _cached(session: Session, take_id: str) -> TakeAnalysis | None:
    return cached_analysis(session, take_id)


def _computed(session: Session, take_id: str) -> TakeAnalysis | None:
    return ensure_analysis(session, take_id)


def product_reading(analysis: TakeAnalysis) -> tuple[str, float, float]:
    """The product's ``(character, arousal, valence)`` of a take's analysis."""
    ch = analysis.character
    top = ch.emotions[0].name if ch.emotions and ch.confidence > 0 else ""
    return top, float(np.clip(ch.arousal.value, -1, 1)), float(np.clip(ch.valence.value, -1, 1))


def session_agreement(session: Session, *, compute: bool = False) -> Agreement:
    """Agreement of the session's listeners, and of the product's reading with them
    (takes without an analysis are left out of the product's part unless ``compute``)."""
    annotations = session_annotations(session)
    getter = _computed if compute else _cached
    product = {}
    for take_id in sorted({a.take_id for a in annotations}):
        analysis = getter(session, take_id)
        if analysis is not None:
            product[take_id] = product_reading(analysis)
    return listener_agreement(annotations, product=product)


@dataclass(frozen=True)
class PersonalReading:
    """A listener's own model and where it differs from the group's.

    Attributes
    ----------
    listener : str
    annotations : int
        Whole-take annotations with a point on the plane it was fitted on.
    model : ListenerModel
    differences : list of (dimension, cue, personal weight, group weight)
    """

    listener: str
    annotations: int
    model: ListenerModel
    differences: list


def _points(annotations: Sequence[Annotation], listener: str | None) -> dict[str, tuple[float, float]]:
    """``{take id: (arousal, valence)}`` of a listener's whole-take perceived points
    (the mean over listeners when ``listener`` is None)."""
    sums: dict[str, list] = {}
    for a in annotations:
        if a.arousal is None or a.passage != ("take",) or a.felt:
            continue
        if listener is None or a.listener == listener:
            sums.setdefault(a.take_id, []).append((a.arousal, a.valence))
    return {t: tuple(np.mean(v, axis=0)) for t, v in sums.items()}


def _z(session: Session, take_ids: Sequence[str], getter: AnalysisGetter,
       model: ListenerModel) -> tuple[list[str], np.ndarray]:
    kept, rows = [], []
    for take_id in take_ids:
        analysis = getter(session, take_id)
        if analysis is not None:
            kept.append(take_id)
            rows.append(model.z_vector(analysis.cues.values()))
    return kept, np.array(rows).reshape(len(rows), len(model.terms))


def personal_reading(session: Session, listener: str, *, compute: bool = True) -> PersonalReading | None:
    """The listener's personal reading, or ``None`` with fewer than
    :data:`MIN_PERSONAL_ANNOTATIONS` annotated takes (with a point on the plane)."""
    points = _points(session_annotations(session), listener)
    if len(points) < MIN_PERSONAL_ANNOTATIONS:
        return None
    group = group_model()
    takes, z = _z(session, sorted(points), _computed if compute else _cached, group)
    if len(takes) < MIN_PERSONAL_ANNOTATIONS:
        return None
    targets = {d: np.array([points[t][i] for t in takes]) for i, d in enumerate(DIMENSIONS)}
    model = fit_personal(group, z, targets)
    return PersonalReading(listener, len(takes), model, differences(model, group))


def personal_take_reading(session: Session, personal: PersonalReading, take_id: str
                          ) -> tuple[float, float, float, float] | None:
    """``(arousal, valence)`` of a take by the personal model, then by the group's
    (from the take's cached analysis; ``None`` when it has none yet)."""
    from musicpractice.analysis.listener_model import model_readings

    analysis = cached_analysis(session, take_id)
    if analysis is None:
        return None
    values = analysis.cues.values()
    mine, group = model_readings(values, personal.model), model_readings(values)
    return mine[0].value, mine[1].value, group[0].value, group[1].value


def describe_personal(personal: PersonalReading) -> str:
    """Where a listener's personal reading differs from the group's, in words."""
    from musicpractice.analysis.cue_scales import SCALES

    text = (f"{personal.listener}'s personal reading is fitted on {personal.annotations} "
            "annotated takes (shrunk towards the group's).")
    if not personal.differences:
        return text + " It weighs the cues much as the group does."
    parts = []
    for dimension, cue, mine, theirs in personal.differences:
        name = f"{SCALES[cue].low_word} / {SCALES[cue].high_word}" if cue in SCALES else cue
        more = "more" if abs(mine) > abs(theirs) else "less"
        parts.append(f"{cue} ({name}) counts {more} for {dimension} "
                     f"(weight {mine:+.2f}, group {theirs:+.2f})")
    return text + " Where it differs from the group: " + "; ".join(parts) + "."


@dataclass(frozen=True)
class NextQuery:
    """The take to ask a listener about next.

    Attributes
    ----------
    take_id : str
    disagreement : float
        Vote entropy (bits) plus spread of the committee about it; 0 when it agrees.
    candidates : int
        Takes the listener has not annotated yet.
    """

    take_id: str
    disagreement: float
    candidates: int


def next_query(session: Session, listener: str | None = None, *, compute: bool = True) -> NextQuery:
    """Consensus-entropy active learning: the unannotated take a committee of models
    (fitted on bootstrap resamples of the listener's annotations, shrunk to the group
    model) disagrees about most. Without a listener, the committee learns from the mean
    of all listeners' points and the candidates are the takes nobody annotated.

    Raises
    ------
    InvalidParameterError
        Every take has been annotated already.
    """
    annotations = session_annotations(session)
    points = _points(annotations, listener)
    done = {a.take_id for a in annotations if listener is None or a.listener == listener}
    candidates = [t.id for t in session.takes if t.id not in done and t.frames > 0]
    if not candidates:
        who = f"{listener} has" if listener else "listeners have"
        raise InvalidParameterError(f"Every take of this session is annotated: {who} heard them all.")
    group = group_model()
    getter = _computed if compute else _cached
    known, z_known = _z(session, sorted(points), getter, group)
    cand, z_cand = _z(session, candidates, getter, group)
    if not cand:
        return NextQuery(candidates[0], 0.0, len(candidates))
    targets = {d: np.array([points[t][i] for t in known]) for i, d in enumerate(DIMENSIONS)}
    scores = committee_disagreement(group, z_known, targets, z_cand)
    # a committee that still agrees everywhere (no annotations yet): ask where the group
    # model is closest to a boundary of the plane
    margin = np.minimum(np.abs(group.predict(z_cand, "arousal")), np.abs(group.predict(z_cand, "valence")))
    best = int(np.lexsort((margin, -np.round(scores, 6)))[0])
    return NextQuery(cand[best], float(scores[best]), len(candidates))
