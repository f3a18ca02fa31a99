"""Bar and note comparisons of a take with its score, on synthetic takes with exact truth."""

from __future__ import annotations

import numpy as np
import pytest

from musicpractice.alignment import align_takes, align_to_score, compare_with_score
from musicpractice.core.errors import InvalidParameterError
from tests.alignment.synth import SR, melody_score, random_melody, render, tempo_curve


@pytest.fixture(scope="module")
def sung():
    score = melody_score(random_melody(5, n=40, low=57, high=69), durations=[1.0] * 40, bpm=90.0)
    time_of = tempo_curve(score, wobble=0.0, speed=120.0 / 90.0)
    take = render(score.notes, time_of, cents={10: 100.0, 20: 20.0}, skip={30}, vibrato=True)
    alignment = align_to_score(take, SR, score, part="Voice")
    return score, take, alignment, compare_with_score(take, SR, score, alignment, part="Voice")


def test_wrong_missing_and_in_tune_notes(sung):
    _, _, _, comparison = sung
    assert comparison.monophonic
    status = [n.status for n in comparison.notes]
    assert status[10] == "wrong" and comparison.notes[10].cents == pytest.approx(100, abs=15)
    assert status[30] == "missing"
    assert comparison.notes[20].cents == pytest.approx(20, abs=10)
    others = [n for k, n in enumerate(comparison.notes) if k not in (10, 20, 30)]
    assert sum(n.status == "ok" for n in others) >= 0.9 * len(others)
    assert np.nanmedian([abs(n.cents) for n in others]) < 10
    assert comparison.extra_notes == ()


def test_tempo_timing_and_loudness_per_bar(sung):
    score, _, _, comparison = sung
    assert [b.measure for b in comparison.bars] == [m.number for m in score.measures]
    inner = comparison.bars[1:-1]
    assert np.median([b.tempo_bpm for b in inner]) == pytest.approx(120.0, rel=0.03)
    assert all(b.score_tempo_bpm == 90.0 for b in comparison.bars)
    assert np.median([abs(b.deviation_s) for b in inner]) < 0.04
    assert all(np.isfinite(b.loudness_lufs) for b in inner)
    assert len(comparison.beats) == 4 * len(score.measures)
    assert np.median([abs(n.deviation_s) for n in comparison.notes]) < 0.04


def test_polyphonic_reference_is_checked_by_the_piano_check(monkeypatch):
    """Two parts played right: every note gets a verdict (see test_piano_check.py), none
    false; pitch in cents is not measured. The test tone is no piano, so the key
    activation reads it (the transcription's guard would set its reading aside after a
    model run; tested on test_piano_check's additive take)."""
    from musicpractice.alignment import piano_check

    monkeypatch.setattr(piano_check, "TRANSCRIPTION", "off")
    alto = random_melody(3, n=32, low=55, high=67)
    score = melody_score(random_melody(4, n=32, low=64, high=76), part="Soprano",
                         extra_parts={"Alto": (alto, [1.0] * 32)})
    take = render(score.notes, tempo_curve(score))
    alignment = align_to_score(take, SR, score)
    comparison = compare_with_score(take, SR, score, alignment)
    assert not comparison.monophonic
    assert {n.status for n in comparison.notes} <= {"ok", "unsure"}
    assert sum(n.status == "ok" for n in comparison.notes) >= 0.8 * len(comparison.notes)
    assert all(np.isnan(n.cents) for n in comparison.notes)


def test_needs_a_score_alignment():
    score = melody_score(random_melody(2, n=16))
    take = render(score.notes, tempo_curve(score))
    alignment = align_takes(take, take, SR)
    with pytest.raises(InvalidParameterError, match="alignment to a score"):
        compare_with_score(take, SR, score, alignment)
