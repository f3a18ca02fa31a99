"""Confidence that can be believed for files without music (issue 17, part 4): a file of
pure DC has no key and aligns with nothing; a half-second tone is no performance of a
score."""

from __future__ import annotations

import numpy as np
import pytest

from musicpractice.alignment.align import align_takes, align_to_score
from musicpractice.analysis.key import estimate_key
from musicpractice.core.errors import MusicPracticeError
from musicpractice.score.load import load_score
from tests.limits import bounded  # noqa: F401  (the fixture below)

pytestmark = pytest.mark.usefixtures("bounded")

SR = 22_050
SCALE = (60, 62, 64, 65, 67, 69, 71, 72)


def _scale(offset: float = 0.0) -> np.ndarray:
    """A C major scale of 1 s sine notes (truth: C major), plus a DC ``offset``."""
    t = np.arange(SR * len(SCALE)) / SR
    y = np.zeros_like(t)
    for k, midi in enumerate(SCALE):
        part = (t >= k) & (t < k + 1)
        y[part] = 0.3 * np.sin(2 * np.pi * 440.0 * 2 ** ((midi - 69) / 12) * t[part])
    return (y + offset).astype(np.float32)


@pytest.mark.parametrize("level", [0.5, -0.9, 1e-3])
def test_a_dc_only_file_has_no_key(level):
    key = estimate_key(np.full(SR * 10, level, np.float32), SR)
    assert key.confidence == 0.0
    assert any("No pitched sound" in w for w in key.warnings)


def test_a_dc_offset_does_not_change_the_key_of_music():
    plain, offset = estimate_key(_scale(), SR), estimate_key(_scale(0.4), SR)
    assert (offset.tonic, offset.mode) == (plain.tonic, plain.mode)
    assert offset.confidence == pytest.approx(plain.confidence, abs=0.02)


def test_a_take_aligned_to_a_dc_file_is_not_confident():
    take = _scale()
    assert align_takes(take, take, SR).overall_confidence > 0.9  # the same truth: sure
    against_dc = align_takes(take, np.full(len(take), 0.5, np.float32), SR)
    assert against_dc.overall_confidence < 0.3


def test_half_a_second_of_one_tone_is_not_a_confident_performance_of_a_score(shared_data):
    score = load_score(shared_data / "synth" / "item_piano_01.musicxml")
    tone = (0.3 * np.sin(2 * np.pi * 261.63 * np.arange(SR // 2) / SR)).astype(np.float32)
    try:
        alignment = align_to_score(tone, SR, score)
    except MusicPracticeError:  # a clear refusal is as good as an honest "unsure"
        return
    assert alignment.overall_confidence < 0.3
