"""A singer's line recorded against a whole choir score, with no part named: the take is
followed as the part it performs, and its notes are checked; a recording of all the parts
keeps all parts (alignment.score_parts)."""

from __future__ import annotations

import numpy as np
import pytest
from music21 import corpus

from musicpractice.alignment import align_to_score, compare_with_score
from musicpractice.score import load_score
from tests.alignment.sung import sing
from tests.alignment.synth import SR

QUARTERS = 24.0  # the first six bars: a short take


@pytest.fixture(scope="module")
def chorale():
    return load_score(corpus.getWork("bwv66.6"))


def _part_notes(score, part):
    return sorted((n for n in score.part_notes(part) if n.onset_quarter < QUARTERS),
                  key=lambda n: n.onset_quarter)


@pytest.mark.parametrize("part", ["Alto", "Bass"])
def test_a_sung_line_is_followed_as_its_part_and_checked(chorale, part):
    notes = _part_notes(chorale, part)
    wrong = len(notes) // 2
    take, _onsets, _extras = sing(notes, cents={wrong: 100.0}, seed=3)
    alignment = align_to_score(take, SR, chorale)  # no part named
    assert alignment.part == part
    assert any(w.startswith(f"Followed as the {part} part") for w in alignment.warnings)
    comparison = compare_with_score(take, SR, chorale, alignment)
    assert comparison.monophonic
    assert {r.part for r in comparison.notes} == {part}
    rows = {r.ref_quarter: r for r in comparison.notes if r.attempt == 0}
    assert rows[notes[wrong].onset_quarter].status == "wrong"
    others = [rows[n.onset_quarter].status for k, n in enumerate(notes)
              if k != wrong and n.onset_quarter in rows]
    assert others.count("ok") >= 0.8 * len(notes)
    assert "wrong" not in others


def test_a_recording_of_all_the_parts_keeps_all_parts(chorale):
    alto = _part_notes(chorale, "Alto")
    rest = [n for p in ("Soprano", "Tenor", "Bass") for n in _part_notes(chorale, p)]
    take, _onsets, _extras = sing(alto, others=rest, others_db=0.0, seed=4)
    alignment = align_to_score(take, SR, chorale)
    assert alignment.part is None
    assert not any(w.startswith("Followed as") for w in alignment.warnings)


def test_a_named_part_is_never_second_guessed(chorale):
    notes = _part_notes(chorale, "Alto")
    take, _onsets, _extras = sing(notes, seed=5)
    alignment = align_to_score(take, SR, chorale, part="Tenor")
    assert alignment.part == "Tenor"
    assert not any(w.startswith("Followed as") for w in alignment.warnings)


def test_a_named_part_sung_with_the_other_parts_heard_is_timed_by_the_whole_score(chorale):
    """A singer recorded with the choir 3 dB below: the take holds all the parts, so its
    timing is read from all of them (the Alto alone matched at 0.40 against 0.76 for the
    whole score, and at 0 dB it "hardly matched": "is it the right piece?"); its own
    notes are still the ones checked."""
    alto = _part_notes(chorale, "Alto")
    take, onsets, _extras = sing(alto, seed=6)
    others = [sing(_part_notes(chorale, p), seed=7 + k)[0]  # each part its own voice
              for k, p in enumerate(("Soprano", "Tenor", "Bass"))]
    n = min(len(take), *(len(o) for o in others))
    backing = np.sum([o[:n] for o in others], axis=0)
    gain = np.sqrt(np.mean(take[:n] ** 2) / np.mean(backing ** 2)) * 10 ** (-3.0 / 20.0)
    take = (take[:n] + gain * backing).astype(np.float32)
    alignment = align_to_score(take, SR, chorale, part="Alto")
    assert alignment.part == "Alto"
    assert any(w.startswith("The other parts are heard") for w in alignment.warnings)
    assert not any("hardly match" in w for w in alignment.warnings), alignment.warnings
    comparison = compare_with_score(take, SR, chorale, alignment, part="Alto")
    assert {r.part for r in comparison.notes} == {"Alto"}
    placed = comparison.alignment.take_at([n.onset_quarter for n in alto])
    truth = np.array([onsets[(k, 0)] for k in range(len(alto))])
    assert np.median(np.abs(placed - truth)) < 0.05
    # alone, the same line keeps its own part's timing
    alone, _onsets, _extras = sing(alto, seed=6)
    solo = align_to_score(alone, SR, chorale, part="Alto")
    assert not any(w.startswith("The other parts are heard") for w in solo.warnings)
