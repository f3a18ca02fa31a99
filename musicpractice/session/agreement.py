"""How far listeners agree about what they heard, and how the product's reading agrees with them.

Krippendorff's α (the ``krippendorff`` package) over the rated items (a take or passage,
perceived or felt): nominal for the character, interval for arousal and valence. α = 1 is
perfect agreement, 0 is what chance would give, below 0 systematic disagreement; NaN
when it cannot be computed (fewer than two ratings on every item, or no variation at all).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from typing import Mapping, Sequence

import numpy as np

from musicpractice.session.annotations import CHARACTERS, Annotation

PRODUCT = "musicpractice"
"""The name the product's reading has as a 'listener' in the tables."""
CONSENSUS = "consensus"


@dataclass(frozen=True)
class AlphaSet:
    """α of one group of raters.

    Attributes
    ----------
    raters : tuple of str
    items : int
        Rated items at least two of them rated.
    character, arousal, valence : float
        Krippendorff's α (nominal, interval, interval); NaN when not computable.
    """

    raters: tuple[str, ...]
    items: int
    character: float
    arousal: float
    valence: float


@dataclass(frozen=True)
class Agreement:
    """Agreement in a session's annotations.

    Attributes
    ----------
    annotations, listeners, items : int
        Current annotations counted, distinct listeners, distinct rated items.
    overall : AlphaSet
        All listeners together.
    pairs : tuple of AlphaSet
        Every pair of listeners that rated an item in common.
    product : tuple of AlphaSet
        The product's reading against each listener and against the consensus
        (whole-take, perceived annotations only: the reading is of the whole take).
    """

    annotations: int
    listeners: int
    items: int
    overall: AlphaSet
    pairs: tuple[AlphaSet, ...]
    product: tuple[AlphaSet, ...]


def krippendorff_alpha(ratings: np.ndarray, *, level: str) -> float:
    """Krippendorff's α of ``ratings`` (raters, items), NaN = not rated.

    Parameters
    ----------
    ratings : numpy.ndarray
        Shape (raters, items); nominal codes or interval values.
    level : {"nominal", "interval"}

    Returns
    -------
    float
        NaN when no item has two ratings or all ratings are the same value.
    """
    import krippendorff

    ratings = np.asarray(ratings, dtype=float)
    if ratings.ndim != 2 or ratings.shape[0] < 2:
        return float("nan")
    pairable = np.sum(np.isfinite(ratings), axis=0) >= 2
    values = ratings[:, pairable]
    if not pairable.any() or len(np.unique(values[np.isfinite(values)])) < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=values, level_of_measurement=level))


def _table(by_rater: Mapping[str, Mapping[tuple, Annotation | tuple]], raters: Sequence[str],
           items: Sequence[tuple]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    shape = (len(raters), len(items))
    character, arousal, valence = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    for r, rater in enumerate(raters):
        for i, item in enumerate(items):
            a = by_rater[rater].get(item)
            if a is None:
                continue
            c, ar, va = (a.character, a.arousal, a.valence) if isinstance(a, Annotation) else a
            if c in CHARACTERS:
                character[r, i] = CHARACTERS.index(c)
            if ar is not None and va is not None and math.isfinite(ar) and math.isfinite(va):
                arousal[r, i], valence[r, i] = ar, va
    return character, arousal, valence


def _alpha_set(by_rater, raters: Sequence[str], items: Sequence[tuple]) -> AlphaSet:
    character, arousal, valence = _table(by_rater, raters, items)
    rated = np.isfinite(character) | np.isfinite(arousal)
    return AlphaSet(tuple(raters), int(np.sum(rated.sum(axis=0) >= 2)),
                    krippendorff_alpha(character, level="nominal"),
                    krippendorff_alpha(arousal, level="interval"),
                    krippendorff_alpha(valence, level="interval"))


def _consensus(annotations: Sequence[Annotation]) -> tuple[str, float | None, float | None]:
    counts = Counter(a.character for a in annotations if a.character).most_common(2)
    character = counts[0][0] if counts and (len(counts) == 1 or counts[0][1] > counts[1][1]) else ""
    points = [(a.arousal, a.valence) for a in annotations if a.arousal is not None]
    if not points:
        return character, None, None
    return character, float(np.mean([p[0] for p in points])), float(np.mean([p[1] for p in points]))


def listener_agreement(annotations: Sequence[Annotation], *,
                       product: Mapping[str, tuple[str, float, float]] | None = None) -> Agreement:
    """Agreement among the current ``annotations`` (see :func:`annotations.current`).

    Parameters
    ----------
    annotations : sequence of Annotation
        One per listener and rated item (the current versions).
    product : mapping, optional
        ``{take id: (character, arousal, valence)}`` of the product's reading.
    """
    by_rater: dict[str, dict[tuple, Annotation | tuple]] = {}
    for a in annotations:
        by_rater.setdefault(a.listener, {})[a.unit] = a
    raters = sorted(by_rater)
    items = sorted({a.unit for a in annotations}, key=repr)
    overall = _alpha_set(by_rater, raters, items)
    pairs = []
    for x, y in combinations(raters, 2):
        shared = sorted(set(by_rater[x]) & set(by_rater[y]), key=repr)
        if shared:
            pairs.append(_alpha_set(by_rater, (x, y), shared))
    product_sets = []
    if product:
        whole = [u for u in items if u[1] == ("take",) and not u[2] and u[0] in product]
        by_rater[PRODUCT] = {u: product[u[0]] for u in whole}
        by_rater[CONSENSUS] = {u: _consensus([a for a in annotations if a.unit == u]) for u in whole}
        for rater in [*raters, CONSENSUS]:
            shared = sorted(set(by_rater[rater]) & set(by_rater[PRODUCT]), key=repr)
            if shared:
                product_sets.append(_alpha_set(by_rater, (PRODUCT, rater), shared))
    return Agreement(len(annotations), len(raters), len(items), overall, tuple(pairs),
                     tuple(product_sets))
