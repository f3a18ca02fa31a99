"""Two full takes of one piece, one with something else before or after the music (a
longer silence, a tuning note, a count-in, noise): they align from the first note to the
last."""

from __future__ import annotations

import numpy as np
import pytest

from musicpractice.alignment import align_takes
from tests.alignment.synth import SR, melody_score, random_melody, render, tempo_curve


MELODY = random_melody(11, n=48)


@pytest.fixture(scope="module")
def piece():
    score = melody_score(MELODY, bpm=96.0)
    return score, tempo_curve(score, start_s=0.4, speed=0.9, wobble=0.2), \
        tempo_curve(score, start_s=0.6, speed=1.1, wobble=-0.15)


def tone(midi: float, seconds: float, *, level: float = 0.2) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    f = 440.0 * 2 ** ((midi - 69) / 12)
    return (level * np.sin(2 * np.pi * f * t) * np.minimum(1.0, t / 0.02)).astype(np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SR), np.float32)


def noise(seconds: float, seed: int = 0) -> np.ndarray:
    return (0.05 * np.random.default_rng(seed).standard_normal(int(seconds * SR))).astype(np.float32)


def clicks(count: int, interval_s: float) -> np.ndarray:
    """A count-in: short bright clicks."""
    out = silence(count * interval_s)
    for k in range(count):
        a = int(k * interval_s * SR)
        out[a:a + 300] = 0.5 * np.random.default_rng(k).standard_normal(300)
    return out


BEFORE = {
    "a long silence": silence(9.0),
    "a tuning note then silence": np.concatenate([tone(69, 3.0), silence(1.5)]),
    "the tune's commonest note then silence": np.concatenate(
        [tone(max(set(MELODY), key=MELODY.count), 3.0), silence(2.0)]),
    "a count-in": clicks(4, 0.6),
    "noise right before the music": noise(5.0),
    "chords of another key": np.concatenate([tone(61, 2.0) + tone(66, 2.0), tone(63, 2.5)]),
}


@pytest.mark.parametrize("which", ["take", "reference"])
@pytest.mark.parametrize("extra", list(BEFORE), ids=lambda s: s.replace(" ", "-"))
def test_aligns_from_the_first_note(piece, extra, which):
    score, time_a, time_b = piece
    take, ref = render(score.notes, time_a), render(score.notes, time_b)
    head = BEFORE[extra]
    lead_a, lead_b = (head.size / SR, 0.0) if which == "take" else (0.0, head.size / SR)
    if which == "take":
        take = np.concatenate([head, take])
    else:
        ref = np.concatenate([head, ref])
    alignment = align_takes(take, ref, SR)
    q = np.array([n.onset_quarter for n in score.notes])
    errors = np.abs(alignment.take_at(time_b(q) + lead_b) - (time_a(q) + lead_a))
    assert errors[:4].max() <= 0.1, errors[:4]
    assert np.mean(errors <= 0.1) >= 0.9
    if which == "take":
        assert not alignment.partial


def test_applause_after_the_last_note_is_left_out(piece):
    score, time_a, time_b = piece
    take = np.concatenate([render(score.notes, time_a), noise(6.0, seed=3)])
    ref = render(score.notes, time_b)
    alignment = align_takes(take, ref, SR)
    q = np.array([n.onset_quarter for n in score.notes])
    errors = np.abs(alignment.take_at(time_b(q)) - time_a(q))
    assert errors[-4:].max() <= 0.1, errors[-4:]
    assert alignment.take_span_s[1] < time_a(score.duration_quarter) + 1.5
