"""Verdict marks for the engraved score and the take view's notes against the written ones
(Qt-free helpers of gui/score_marks.py), on verdict rows of a real sung comparison."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from musicpractice.alignment import align_to_score, compare_with_score
from musicpractice.analysis.notes import segment_notes
from musicpractice.gui.workers.engraving import EngravedNote
from musicpractice.gui.score_marks import (
    MISSING_COLOUR,
    OFF_COLOUR,
    OK_COLOUR,
    WRONG_COLOUR,
    note_marks,
    written_for,
)
from tests.alignment.synth import SR, melody_score, random_melody, render, tempo_curve

WRONG, MISSING = 6, 11


@pytest.fixture(scope="module")
def sung():
    """A 16-note melody sung with note 6 a whole tone (200 cents) sharp and note 11 left out."""
    score = melody_score(random_melody(8, n=16, low=60, high=72), bpm=90.0)
    time_of = tempo_curve(score, wobble=0.1)
    take = render(score.notes, time_of, cents={WRONG: 200.0}, skip={MISSING})
    comparison = compare_with_score(take, SR, score, align_to_score(take, SR, score, part="Voice"),
                                    part="Voice")
    return score, take, comparison


def _engraved(score):
    """Element ids as verovio would give them, one per written note (bar, offset, pitch)."""
    starts = {m.number: m.start_quarter for m in score.measures}
    return [EngravedNote(f"n{k}", n.measure, n.onset_quarter - starts[n.measure], n.midi)
            for k, n in enumerate(score.notes)]


def test_each_written_note_gets_its_verdict_colour(sung):
    score, _, comparison = sung
    assert comparison.notes[WRONG].status == "wrong"
    assert comparison.notes[MISSING].status == "missing"
    marks = note_marks(comparison.notes, _engraved(score), score.measures, tolerance_cents=50.0)
    assert marks[f"n{WRONG}"].colour == WRONG_COLOUR
    assert marks[f"n{WRONG}"].label.startswith(("D", "E", "F", "G", "A", "B", "C"))
    assert marks[f"n{WRONG}"].label.endswith("¢")
    assert marks[f"n{MISSING}"].colour == MISSING_COLOUR
    assert [k for k, m in marks.items() if m.colour == WRONG_COLOUR] == [f"n{WRONG}"]
    oks = [f"n{k}" for k, n in enumerate(comparison.notes) if n.status == "ok"]
    assert len(oks) >= 12 and all(marks[k].colour == OK_COLOUR for k in oks)


def test_the_tolerance_setting_colours_a_note_judged_ok(sung):
    score, _, comparison = sung
    k = next(k for k, n in enumerate(comparison.notes) if n.status == "ok")
    rows = list(comparison.notes)
    rows[k] = replace(rows[k], cents=30.0)
    engraved = _engraved(score)
    assert note_marks(rows, engraved, score.measures, tolerance_cents=50.0)[f"n{k}"].colour == OK_COLOUR
    tight = note_marks(rows, engraved, score.measures, tolerance_cents=25.0)[f"n{k}"]
    assert tight.colour == OFF_COLOUR and tight.label == "+30¢"


def test_a_mistake_stated_less_sure_carries_a_question_mark(sung):
    score, _, comparison = sung
    rows, engraved = list(comparison.notes), _engraved(score)
    sure = note_marks(rows, engraved, score.measures, tolerance_cents=50.0)
    assert rows[MISSING].confidence >= 0.9 and sure[f"n{MISSING}"].label == ""
    rows[MISSING] = replace(rows[MISSING], confidence=0.77)
    rows[WRONG] = replace(rows[WRONG], confidence=0.8)
    doubtful = note_marks(rows, engraved, score.measures, tolerance_cents=50.0)
    assert doubtful[f"n{MISSING}"].label == "?" and "77% sure" in doubtful[f"n{MISSING}"].tooltip
    assert doubtful[f"n{WRONG}"].label == sure[f"n{WRONG}"].label + "?"


def test_the_takes_notes_are_matched_to_the_written_notes(sung):
    _, take, comparison = sung
    notes = segment_notes_of(take)
    matched = written_for(notes, comparison.notes)
    wrong_row = comparison.notes[WRONG]
    hits = [n for n, row in zip(notes, matched) if row is wrong_row]
    assert len(hits) == 1
    assert abs(hits[0].onset_s - wrong_row.take_onset_s) < 0.15
    assert round(hits[0].midi + hits[0].cents / 100.0) == wrong_row.midi + 2
    assert sum(row is not None for row in matched) >= 0.8 * len(notes)


def segment_notes_of(take):
    from musicpractice.analysis.melody import track_melody
    track = track_melody(take, SR, fmin_hz=150.0, fmax_hz=1200.0)
    notes = segment_notes(track)
    assert notes and all(math.isfinite(n.onset_s) for n in notes)
    return [n for n in notes if np.isfinite(n.midi)]
