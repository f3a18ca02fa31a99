"""The listener model: personal weights recovered from simulated listeners, active choice
of what to ask beating random choice, per-cue contributions, and the shipped weights."""

from __future__ import annotations

import math

import numpy as np
import pytest

from musicpractice.analysis.cue_scales import SCALES
from musicpractice.analysis.listener_model import (
    DIMENSIONS, CueTerm, ListenerModel, committee_disagreement, differences, fit_personal,
    group_model, model_readings, quadrant)

KEYS = ("a", "b", "c", "d", "e")


def _group() -> ListenerModel:
    terms = tuple(CueTerm(k, False, 0.0, 1.0) for k in KEYS)
    return ListenerModel(terms, {"arousal": dict(zip(KEYS, (0.3, 0.2, 0.1, 0.0, -0.1))),
                                 "valence": dict(zip(KEYS, (0.0, 0.1, -0.2, 0.3, 0.1)))}, {})


def _listener(group, rng, spread=0.15):
    return {d: group.weight_vector(d) + rng.normal(0, spread, len(KEYS)) for d in DIMENSIONS}


def test_personal_model_recovers_a_simulated_listeners_weights():
    rng = np.random.default_rng(1)
    group = _group()
    truth = _listener(group, rng)
    z = rng.normal(0, 1, (200, len(KEYS)))
    answers = {d: z @ truth[d] + rng.normal(0, 0.05, 200) for d in DIMENSIONS}
    personal = fit_personal(group, z, answers)
    for d in DIMENSIONS:
        error = np.abs(personal.weight_vector(d) - truth[d]).max()
        assert error < 0.03 < np.abs(group.weight_vector(d) - truth[d]).max()
    # with only 10 annotations it already moves from the group towards the listener
    few = fit_personal(group, z[:10], {d: answers[d][:10] for d in DIMENSIONS})
    for d in DIMENSIONS:
        assert (np.linalg.norm(few.weight_vector(d) - truth[d])
                < np.linalg.norm(group.weight_vector(d) - truth[d]))
    top = differences(personal, group)
    assert top and all(abs(p - g) > 0.02 for _, _, p, g in top)


def _accuracy_after(strategy: str, queries: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    group = _group()
    truth = _listener(group, rng, spread=0.2)
    z = rng.normal(0, 1, (160, len(KEYS)))
    real = {d: z @ truth[d] for d in DIMENSIONS}
    answers = {d: real[d] + rng.normal(0, 0.1, len(z)) for d in DIMENSIONS}
    test, pool = np.arange(60), np.arange(60, 160)
    asked = [int(pool[0])]
    while len(asked) < queries:
        left = np.setdiff1d(pool, asked)
        if strategy == "random":
            asked.append(int(rng.choice(left)))
        else:
            scores = committee_disagreement(group, z[asked], {d: answers[d][asked] for d in DIMENSIONS},
                                            z[left], seed=len(asked))
            asked.append(int(left[np.argmax(scores)]))
    model = fit_personal(group, z[asked], {d: answers[d][asked] for d in DIMENSIONS})
    pred = quadrant(model.predict(z[test], "arousal"), model.predict(z[test], "valence"))
    return float(np.mean(pred == quadrant(real["arousal"][test], real["valence"][test])))


def test_active_choice_beats_random_choice_on_simulated_listeners():
    active = np.mean([_accuracy_after("active", 10, s) for s in range(30)])
    random = np.mean([_accuracy_after("random", 10, s) for s in range(30)])
    assert active > random


def test_committee_disagrees_where_the_data_says_little():
    group = _group()
    rng = np.random.default_rng(3)
    z_known = rng.normal(0, 0.2, (12, len(KEYS)))  # annotations of typical items only
    targets = {d: z_known @ group.weight_vector(d) + rng.normal(0, 0.2, 12) for d in DIMENSIONS}
    near, far = np.zeros((1, len(KEYS))), np.full((1, len(KEYS)), 3.0)
    scores = committee_disagreement(group, z_known, targets, np.vstack([near, far]))
    assert scores[1] > scores[0]


def test_readings_are_sums_of_named_contributions():
    model = _group()
    cues = {"a": 1.0, "b": -2.0, "c": float("nan"), "d": 0.5, "e": 0.0}
    arousal, valence = model_readings(cues, model)
    assert [c.cue for c in arousal.contributions] == ["a", "b", "e"]  # d has no arousal weight
    # scores are softly limited to +-3: z = 3 tanh(x / 3)
    za, zb, zd = (3 * math.tanh(x / 3) for x in (1.0, -2.0, 0.5))
    assert arousal.value == pytest.approx(math.tanh(0.3 * za + 0.2 * zb))
    assert arousal.coverage == pytest.approx((0.3 + 0.2 + 0.1) / 0.7)
    assert valence.value == pytest.approx(math.tanh(0.1 * zb + 0.3 * zd))


def test_the_shipped_model_is_gain_free_and_named():
    model = group_model()
    keys = [t.key for t in model.terms]
    assert "level_lufs" not in keys and len(keys) == len(set(keys))
    assert all(k in SCALES for k in keys)
    assert all(t.scale > 0 and math.isfinite(t.center) for t in model.terms)
    assert any(abs(w) > 0 for w in model.weights["arousal"].values())
