"""The time map pinned to surely sung notes (alignment.anchors): exact geometry on a made-up
map, and barlines of a sung line that opens with repeated notes where the sung notes are."""

from __future__ import annotations

import numpy as np
import pytest
from music21 import corpus

from musicpractice.alignment import align_to_score, compare_with_score
from musicpractice.alignment.anchors import pinned_to_notes
from musicpractice.alignment.timemap import Alignment
from musicpractice.score import load_score
from tests.alignment.sung import sing
from tests.alignment.synth import SR


def _map(take_s, ref):
    take_s = np.asarray(take_s, dtype=float)
    return Alignment(reference_kind="score", take_s=take_s, ref=np.asarray(ref, dtype=float),
                     confidence=np.ones(take_s.size, dtype=np.float32), overall_confidence=1.0,
                     transposition_semitones=0, take_tuning_cents=0.0)


def test_the_map_passes_through_the_notes_and_keeps_its_ends():
    # the engine's map is 0.3 s late everywhere: quarter q at 1 + 0.5 q + 0.3 s
    q = np.linspace(0.0, 20.0, 201)
    engine = _map(1.3 + 0.5 * q, q)
    notes_q = np.arange(2.0, 18.0)
    notes_t = 1.0 + 0.5 * notes_q
    pinned = pinned_to_notes(engine, notes_t, notes_q)
    np.testing.assert_allclose(pinned.take_at(notes_q), notes_t, atol=1e-9)
    assert np.all(np.diff(pinned.take_s) >= 0) and np.all(np.diff(pinned.ref) >= 0)
    # outside the notes the engine's map, joined to them: the same 0.5 s per quarter
    assert pinned.take_at([0.0])[0] == pytest.approx(1.0, abs=1e-6)
    assert pinned.take_at([20.0])[0] == pytest.approx(11.0, abs=1e-6)
    assert pinned.ref_span == engine.ref_span


def test_a_note_out_of_order_is_dropped_and_few_notes_change_nothing():
    q = np.linspace(0.0, 10.0, 101)
    engine = _map(0.5 * q, q)
    notes_q = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    notes_t = np.array([0.5, 1.0, 9.0, 2.0, 2.5, 3.0])  # the third would run the map backwards
    pinned = pinned_to_notes(engine, notes_t, notes_q)
    assert np.all(np.diff(pinned.take_s) >= 0)
    np.testing.assert_allclose(pinned.take_at([4.0, 5.0, 6.0]), [2.0, 2.5, 3.0], atol=1e-9)
    assert pinned_to_notes(engine, notes_t[:3], notes_q[:3]) is engine


def test_barlines_of_a_line_opening_with_repeated_notes_are_where_the_notes_are():
    # the alto of BWV 103.6 opens with five D4s: the engine's map slid up to 0.5 s there
    score = load_score(corpus.getWork("bwv103.6"))
    notes = sorted((n for n in score.part_notes("Alto") if n.onset_quarter < 32),
                   key=lambda n: n.onset_quarter)
    take, onsets, _extras = sing(notes, seconds_per_quarter=0.5, seed=2)
    alignment = align_to_score(take, SR, score, part="Alto")
    comparison = compare_with_score(take, SR, score, alignment, part="Alto")
    pinned = comparison.alignment or alignment
    truth = np.array([onsets[(k, 0)] for k in range(len(notes))])
    at_notes = pinned.take_at([n.onset_quarter for n in notes])
    assert np.max(np.abs(at_notes[1:] - truth[1:])) < 0.08  # the pickup may sit at the edge
    starts = {n.onset_quarter: t for n, t in zip(notes, truth)}
    inner = [b for b in comparison.bars if b.ref_quarter in starts][1:-1]
    assert len(inner) >= 4
    for bar in inner:  # barlines on the sung notes, bar tempi 120 (0.5 s a quarter)
        assert bar.take_s == pytest.approx(starts[bar.ref_quarter], abs=0.08)
        assert bar.tempo_bpm == pytest.approx(120.0, rel=0.06)
