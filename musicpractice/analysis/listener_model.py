"""Arousal and valence as listeners hear them: a linear model over named, gain-free cues.

The weights are fitted to the consensus of real listeners (see
``benchmarks/emotion_fit.py``) and shipped as ``resources/models/emotion_model.json``.
Each cue is first put on a common scale -- ``z = (f(value) - center) / scale`` with
``f`` the identity or the logarithm, softly limited to ±:data:`Z_CLIP` -- and the reading
is ``tanh`` of the sum of ``weight * z`` over the cues: per-cue contributions a user can
inspect, and an order-preserving squash into [-1, 1].
0 is the typical excerpt of the fitting set; ±1 is about two standard deviations of the
listeners' consensus. An unmeasured cue contributes nothing (z = 0) and lowers the
reading's coverage.

What it is not: a measurement of what anyone felt, nor a grade. It was fitted on one-minute
excerpts of rock, electronic and pop recordings; other repertoire (classical piano and
choir) may weigh the cues differently.

Personal readings (:func:`fit_personal`) re-fit the weights on one listener's own
annotations, shrunk towards the group model, and :func:`committee_disagreement` scores
how much a committee of such models disagree about an item (for active learning).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np

from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.resources import resource_path

MODEL_RESOURCE = ("models", "emotion_model.json")
MODEL_FORMAT = "musicpractice.emotion_model"
Z_CLIP = 3.0
DIMENSIONS = ("arousal", "valence")
MIN_PERSONAL_ANNOTATIONS = 10
"""A listener needs this many annotations with a point on the plane for a personal reading."""


@dataclass(frozen=True)
class CueTerm:
    """How one cue enters the model: ``z = (f(value) - center) / scale``.

    Attributes
    ----------
    key : str
        Cue key (its unit is in the name).
    log : bool
        Whether ``f`` is the natural logarithm (for tempo, rates, frequencies, times).
    center, scale : float
        Median and robust spread of ``f(value)`` on the fitting set.
    """

    key: str
    log: bool
    center: float
    scale: float

    def z(self, value: float) -> float:
        """The cue's standard score, softly limited to ±:data:`Z_CLIP` (``Z_CLIP *
        tanh(z / Z_CLIP)``: order-preserving, so takes far outside the fitting set's range
        still rank); NaN when unmeasured."""
        if value is None or not math.isfinite(value) or (self.log and value <= 0):
            return float("nan")
        f = math.log(value) if self.log else value
        return Z_CLIP * math.tanh((f - self.center) / self.scale / Z_CLIP)


@dataclass(frozen=True)
class ListenerModel:
    """Cue terms and one weight per cue and dimension.

    Attributes
    ----------
    terms : tuple of CueTerm
    weights : dict
        ``{"arousal": {cue key: weight}, "valence": {...}}``.
    info : dict
        Where the weights come from (data, listeners, cross-validated ρ).
    """

    terms: tuple[CueTerm, ...]
    weights: dict
    info: dict

    def z_vector(self, cue_values: Mapping[str, float]) -> np.ndarray:
        """Standard scores of the model's cues, shape (cues,), NaN = unmeasured."""
        return np.array([t.z(cue_values.get(t.key, float("nan"))) for t in self.terms])

    def weight_vector(self, dimension: str) -> np.ndarray:
        """Weights of ``dimension`` in term order, shape (cues,)."""
        return np.array([self.weights[dimension].get(t.key, 0.0) for t in self.terms])

    def predict(self, z: np.ndarray, dimension: str) -> np.ndarray:
        """Readings of ``dimension`` for standard scores ``z`` (..., cues); NaN counts as 0."""
        return np.nan_to_num(np.asarray(z, dtype=float)) @ self.weight_vector(dimension)

    def contributions(self, cue_values: Mapping[str, float], dimension: str
                      ) -> tuple[list[tuple[str, float, float, float]], float]:
        """``([(cue, z, weight, weight * z) for measured cues], coverage)``; coverage is the
        share of the total absolute weight whose cues were measured."""
        z = self.z_vector(cue_values)
        w = self.weight_vector(dimension)
        total = float(np.abs(w).sum())
        measured = np.isfinite(z) & (w != 0)
        rows = [(t.key, float(z[i]), float(w[i]), float(w[i] * z[i]))
                for i, t in enumerate(self.terms) if measured[i]]
        return rows, (float(np.abs(w[measured]).sum()) / total if total else 0.0)

    def with_weights(self, weights: Mapping[str, np.ndarray]) -> "ListenerModel":
        """The same terms with new weight vectors per dimension (term order)."""
        return ListenerModel(self.terms, {d: {t.key: float(v[i]) for i, t in enumerate(self.terms)}
                                          for d, v in weights.items()}, dict(self.info))

    def to_json(self) -> dict:
        return {"format": MODEL_FORMAT, "version": 1,
                "terms": [{"key": t.key, "log": t.log, "center": t.center, "scale": t.scale}
                          for t in self.terms],
                "weights": self.weights, "info": self.info}

    @classmethod
    def from_json(cls, doc: dict) -> "ListenerModel":
        if doc.get("format") != MODEL_FORMAT:
            raise InvalidParameterError("not an emotion model file")
        terms = tuple(CueTerm(t["key"], bool(t["log"]), float(t["center"]), float(t["scale"]))
                      for t in doc["terms"])
        return cls(terms, {d: {k: float(v) for k, v in doc["weights"][d].items()} for d in DIMENSIONS},
                   dict(doc.get("info", {})))


@lru_cache(maxsize=1)
def group_model() -> ListenerModel:
    """The shipped model fitted on the listeners' consensus."""
    return ListenerModel.from_json(json.loads(resource_path(*MODEL_RESOURCE).read_text("utf-8")))


def fit_terms(keys: Sequence[str], log_keys: Sequence[str], table: np.ndarray) -> tuple[CueTerm, ...]:
    """Robust standardisation of each column of ``table`` (items, cues): median and
    IQR / 1.349 of ``f(value)`` over the measured items."""
    terms = []
    for j, key in enumerate(keys):
        x = np.asarray(table[:, j], dtype=float)
        log = key in log_keys
        x = np.log(x[np.isfinite(x) & (x > 0)]) if log else x[np.isfinite(x)]
        q25, q50, q75 = np.percentile(x, [25, 50, 75])
        terms.append(CueTerm(key, log, float(q50), float(max((q75 - q25) / 1.349, 1e-9))))
    return tuple(terms)


def ridge(z: np.ndarray, y: np.ndarray, *, penalty: float,
          prior: np.ndarray | None = None) -> np.ndarray:
    """Weights ``w`` minimising ``|y - z w|^2 + penalty * |w - prior|^2``.

    Parameters
    ----------
    z : numpy.ndarray
        Standard scores, shape (items, cues); NaN counts as 0 (the typical value).
    y : numpy.ndarray
        Targets, shape (items,), centred on the group's typical item.
    penalty : float
        Shrinkage strength (in units of items).
    prior : numpy.ndarray, optional
        Weights to shrink towards, shape (cues,); zeros when omitted.
    """
    z = np.nan_to_num(np.asarray(z, dtype=float))
    prior = np.zeros(z.shape[1]) if prior is None else np.asarray(prior, dtype=float)
    a = z.T @ z + penalty * np.eye(z.shape[1])
    return np.linalg.solve(a, z.T @ np.asarray(y, dtype=float) + penalty * prior)


def fit_personal(group: ListenerModel, z: np.ndarray, targets: Mapping[str, np.ndarray], *,
                 penalty: float = 8.0) -> ListenerModel:
    """A listener's own model: their annotations ``targets[dimension]`` (items,) on items
    with standard scores ``z`` (items, cues), with the weights shrunk towards ``group``.

    With few annotations the group's weights dominate; each annotation moves the weights
    towards what this listener hears. ``penalty`` is how many annotations the group model
    counts for.
    """
    return group.with_weights({d: ridge(z, targets[d], penalty=penalty,
                                        prior=group.weight_vector(d)) for d in DIMENSIONS})


def differences(personal: ListenerModel, group: ListenerModel, *, top: int = 3
                ) -> list[tuple[str, str, float, float]]:
    """Where a personal model weighs cues differently from the group:
    ``[(dimension, cue, personal weight, group weight)]``, largest differences first."""
    rows = [(d, t.key, personal.weights[d][t.key], group.weights[d][t.key])
            for d in DIMENSIONS for t in group.terms]
    rows.sort(key=lambda r: -abs(r[2] - r[3]))
    return [r for r in rows[:top] if abs(r[2] - r[3]) > 0.02]


def quadrant(arousal: np.ndarray, valence: np.ndarray) -> np.ndarray:
    """Quadrant of the plane, 0-3 (arousal sign x valence sign)."""
    return 2 * (np.asarray(arousal) > 0) + (np.asarray(valence) > 0)


def committee_disagreement(group: ListenerModel, z_known: np.ndarray,
                           targets: Mapping[str, np.ndarray], z_candidates: np.ndarray, *,
                           members: int = 16, penalty: float = 8.0, noise: float = 0.2,
                           seed: int = 0) -> np.ndarray:
    """How much a committee of personal models disagree about each candidate item.

    The members are drawn from the posterior of the personal model (Gaussian prior centred
    on the group's weights, ``penalty`` = noise variance / prior variance, answers with
    SD ``noise``): they agree where the listener's annotations or the group pin the
    reading down and disagree where neither does. The score is the vote entropy of the
    members' quadrants of the plane (bits, 0-2; consensus entropy) plus the spread of their
    arousal and valence (which separates items the members vote alike on).

    Returns
    -------
    numpy.ndarray
        Shape (candidates,); ask about the highest.
    """
    rng = np.random.default_rng(seed)
    z = np.nan_to_num(np.asarray(z_known, dtype=float)).reshape(-1, len(group.terms))
    candidates = np.nan_to_num(np.asarray(z_candidates, dtype=float))
    cov = noise ** 2 * np.linalg.inv(z.T @ z + penalty * np.eye(z.shape[1]))
    means = {d: ridge(z, targets[d], penalty=penalty, prior=group.weight_vector(d)) for d in DIMENSIONS}
    draws = {d: rng.multivariate_normal(means[d], cov, size=members) for d in DIMENSIONS}
    a, v = candidates @ draws["arousal"].T, candidates @ draws["valence"].T  # (candidates, members)
    votes = quadrant(a, v)
    entropy = np.zeros(len(candidates))
    for q in range(4):
        p = np.mean(votes == q, axis=1)
        entropy -= np.where(p > 0, p * np.log2(np.where(p > 0, p, 1)), 0.0)
    return entropy + a.std(axis=1) + v.std(axis=1)


def model_readings(cue_values: Mapping[str, float], model: ListenerModel | None = None):
    """Arousal and valence of a take as :class:`~musicpractice.analysis.character.Reading`
    objects: per-cue contributions ``weight * z``, value ``tanh`` of their sum (in [-1, 1],
    order-preserving)."""
    from musicpractice.analysis.character import Contribution, Reading

    model = group_model() if model is None else model
    out = []
    for dimension in DIMENSIONS:
        rows, coverage = model.contributions(cue_values, dimension)
        if not rows:
            out.append(Reading(dimension, float("nan"), 0.0, ()))
            continue
        value = math.tanh(sum(r[3] for r in rows))
        out.append(Reading(dimension, value, coverage, tuple(Contribution(*r) for r in rows)))
    return tuple(out)
