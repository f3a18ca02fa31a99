"""Krippendorff's α against hand-computed and published cases, per pair and for the product."""

from __future__ import annotations

import math

import numpy as np
import pytest

from musicpractice.reports.listener_agreement import agreement_json, agreement_text
from musicpractice.session.agreement import (
    CONSENSUS, PRODUCT, krippendorff_alpha, listener_agreement)
from musicpractice.session.annotations import Annotation

NAN = np.nan
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the 4 observers x 12
# units example with missing values: nominal alpha 0.743, interval alpha 0.849.
KRIPPENDORFF_2011 = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
])


def test_published_example():
    assert krippendorff_alpha(KRIPPENDORFF_2011, level="nominal") == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha(KRIPPENDORFF_2011, level="interval") == pytest.approx(0.849, abs=5e-4)


def test_hand_computed_two_coders():
    # coincidences o11=2, o12=o21=1, o22=4 (n1=3, n2=5, n=8): Do = 2/8, De = 30/56,
    # alpha = 1 - (2/8) / (30/56) = 8/15
    ratings = np.array([[1, 1, 2, 2], [1, 2, 2, 2]], dtype=float)
    assert krippendorff_alpha(ratings, level="nominal") == pytest.approx(8 / 15)
    # interval, values 0 and 1: same coincidences, delta^2 = 1 for unequal pairs -> 8/15
    assert krippendorff_alpha(ratings - 1, level="interval") == pytest.approx(8 / 15)


def test_undefined_cases_are_nan_not_errors():
    assert math.isnan(krippendorff_alpha(np.array([[1.0, NAN], [NAN, 2.0]]), level="nominal"))
    assert math.isnan(krippendorff_alpha(np.array([[1.0, 1.0], [1.0, 1.0]]), level="nominal"))
    assert math.isnan(krippendorff_alpha(np.array([[1.0, 2.0]]), level="nominal"))


def _a(take, listener, character, arousal=None, valence=None):
    return Annotation(f"{take}-{listener}", take, listener, character, arousal, valence)


def test_listener_pairs_counts_and_product():
    chars = {"Bob": ["sadness", "anger", "fear", "fear"],
             "Eve": ["sadness", "fear", "fear", "fear"],
             "Ann": ["happiness", "anger", "sadness", "tenderness"]}
    points = {"Bob": [0.1, 0.5, 0.9, -0.5], "Eve": [0.2, 0.4, 0.8, -0.6], "Ann": [0.9, -0.8, 0.0, 0.3]}
    annotations = [_a(f"t{i}", who, chars[who][i], points[who][i], -points[who][i])
                   for who in chars for i in range(4)]
    product = {f"t{i}": (c, p, -p) for i, (c, p) in
               enumerate(zip(chars["Bob"], points["Bob"]))}
    result = listener_agreement(annotations, product=product)
    assert (result.annotations, result.listeners, result.items) == (12, 3, 4)
    pairs = {p.raters: p for p in result.pairs}
    bob_eve = pairs[("Bob", "Eve")]
    # Bob vs Eve nominal: hand-computed as above with codes (s, a, f, f) vs (s, f, f, f)
    assert bob_eve.character == pytest.approx(krippendorff_alpha(
        np.array([[0, 1, 2, 2], [0, 2, 2, 2]], float), level="nominal"))
    assert bob_eve.arousal > 0.9 and pairs[("Ann", "Bob")].arousal < 0
    by_rater = {p.raters[1]: p for p in result.product}
    assert by_rater["Bob"].character == 1.0 and by_rater["Bob"].arousal == 1.0
    assert set(by_rater) == {"Ann", "Bob", "Eve", CONSENSUS} and by_rater["Ann"].raters[0] == PRODUCT
    doc = agreement_json(result)
    assert doc["schema"] == "musicpractice.agreement/1" and doc["alpha"] == round(result.overall.character, 4)
    text = agreement_text(result)
    assert "Bob & Eve" in text and "reading vs consensus" in text and "12 annotation(s)" in text
