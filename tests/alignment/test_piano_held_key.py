"""A repeated piano key held instead of struck again: the second stroke is missing.

The right hand plays every melody key twice (two quarter notes) over left-hand dyads; at
four places the pianist holds the first stroke through the second quarter instead of
striking the key again (the key sounds all along, but no hammer hits it at the written
time). Those written notes are left out and must not be called played; every note played
stays unflagged. FluidSynth's grand piano and the note model, as the product runs them.
"""

from __future__ import annotations

import numpy as np
import pytest

from musicpractice.alignment import align_to_score, compare_with_score
from musicpractice.analysis.note_model import note_model_available
from musicpractice.audio.fluidsynth_render import PROGRAM_PIANO, fluidsynth_available, render_notes
from musicpractice.score.model import Score
from tests.alignment.synth import SR, tempo_curve
from tests.alignment.test_piano_check import over_left_hand_dyads

HELD = (5, 11, 19, 27)
"""Quarters at which the right hand's repeated key is held over instead of struck."""


def repeated_keys(seed: int = 5) -> Score:
    """Eight bars of 4/4: each right-hand key written twice (quarters), left-hand dyads."""
    rng = np.random.default_rng(seed)
    melody = 67 + np.cumsum(rng.choice([-2, -1, 1, 2, 3], size=16)) % 12
    return over_left_hand_dyads(np.repeat(melody, 2), title="repeated keys")


def test_a_repeated_key_held_instead_of_struck_again_is_not_played():
    if fluidsynth_available():
        pytest.skip(fluidsynth_available())
    if note_model_available():
        pytest.skip(note_model_available())
    score = repeated_keys()
    time_of = tempo_curve(score, wobble=0.15)
    played = []
    for n in score.notes:
        right = n.voice == 1
        if right and n.onset_quarter in HELD:
            continue
        held_over = right and n.onset_quarter + 1.0 in HELD
        end = n.onset_quarter + n.duration_quarter + (1.0 if held_over else 0.0)
        start = float(time_of(n.onset_quarter))
        played.append((n.midi, start, float(time_of(end)) - start))
    take = render_notes(played, sr=SR, program=PROGRAM_PIANO)
    comparison = compare_with_score(take, SR, score, align_to_score(take, SR, score))
    held = [r for r in comparison.notes if r.ref_quarter in HELD and r.midi >= 60]
    assert len(held) == len(HELD)
    assert not any(r.status == "ok" for r in held), held
    assert sum(r.status == "missing" for r in held) >= 3, held
    others = [r for r in comparison.notes if not (r.ref_quarter in HELD and r.midi >= 60)]
    assert not any(r.status in ("wrong", "missing") for r in others)
    assert sum(r.status == "ok" for r in others) >= 0.95 * len(others)
