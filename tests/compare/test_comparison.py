"""The comparison model against the aligner's own output and known truth."""

from __future__ import annotations

import itertools
import shutil

import numpy as np
import pytest

from musicpractice.alignment import Alignment
from musicpractice.analysis.take import analyze_file
from musicpractice.core.errors import InvalidParameterError
from musicpractice.workspace import derived as session_data
from musicpractice.compare.bar_grid import (
    score_grid,
    section_grid,
    take_grid_from_score,
)
from musicpractice.compare.model import compare_takes
from musicpractice.compare.differences import describe_differences
from musicpractice.workspace.derived import ensure_alignment
from musicpractice.workspace.references import find_reference
from musicpractice.session.store import Session
from tests.compare.melody_files import BPM, SHARP, SILENT

GRADING_WORDS = ("better", "worse", "good", "bad", "poor", "excellent", "mistake", "error",
                 "should", "wrong")


def test_bar_table_matches_the_rendered_bars(melody):
    """Every bar against where it was rendered (truth independent of the aligner): both
    takes start at 0.5 s, Monday's at the marked 100 BPM (a quarter every 0.6 s), the next
    Monday's at 80 % of it (every 0.75 s); 4/4, five bars."""
    comparison = compare_takes(melody.session, melody.score, [melody.take, melody.later])
    for result, quarter_s in zip(comparison.takes, (0.6, 0.75)):
        rows = [r for r in result.bars if r.covered]
        assert [r.bar for r in rows] == [1, 2, 3, 4, 5]
        for row in rows:
            assert row.take_start_s == pytest.approx(0.5 + 4 * quarter_s * (row.bar - 1), abs=0.03)
        for row, following in itertools.pairwise(rows):
            assert row.duration_s == pytest.approx(4 * quarter_s, abs=0.04)
            assert row.tempo_bpm == pytest.approx(60.0 / quarter_s, rel=0.03)
            assert row.tempo_pct == pytest.approx(100.0 * 0.6 / quarter_s, abs=3.0)
            # barline times -> durations: one bar ends where the next starts
            assert following.take_start_s == pytest.approx(row.take_start_s + row.duration_s)


def test_takes_line_up_on_the_same_bars(against_score):
    varsi, igoshina = against_score.takes
    assert [r.bar for r in varsi.bars] == [r.bar for r in igoshina.bars] == list(range(1, 19))
    # Igoshina plays the same bars in 36.5 s that Varsi plays in 22.4 s
    ratio = sum(r.duration_s for r in igoshina.bars) / sum(r.duration_s for r in varsi.bars)
    assert 1.4 < ratio < 1.8


def test_reference_take_on_score_bars(chopin, against_take):
    reference, take = against_take.takes
    assert reference.is_reference and not take.is_reference
    grid = against_take.grid
    assert grid.unit == "s" and grid.kind == "bar"
    assert all(abs(r.tempo_pct - 100.0) < 1e-9 for r in reference.bars)
    for row, a, b in zip(take.bars, grid.edges[:-1], grid.edges[1:]):
        if row.covered:
            assert row.take_start_s == pytest.approx(float(take.alignment.take_at(max(a, take.alignment.ref_span[0]))))
            expected = 100.0 * (min(b, take.alignment.ref_span[1]) - max(a, take.alignment.ref_span[0])) / row.duration_s
            assert row.tempo_pct == pytest.approx(expected)
    # the reference take's bar tempo is its score alignment's: quarters per second
    ref_to_score = ensure_alignment(chopin.session, chopin.varsi, find_reference(chopin.session, chopin.score))
    score = session_data.session_score(chopin.session, chopin.score)
    assert take_grid_from_score(score, ref_to_score).numbers == grid.numbers


def test_differences_name_the_slower_take_without_grading(against_score, against_take):
    for comparison in (against_score, against_take):
        sentences = describe_differences(comparison)
        assert sentences[0].startswith("Over bars")
        assert "Igoshina is" in sentences[0] and "slower overall than Varsi" in sentences[0]
        percent = int(sentences[0].split(" is ")[1].split(" %")[0])
        assert 30 <= percent <= 45  # 22.4 s against 36.5 s for the same bars
        text = " ".join(sentences).lower()
        assert not any(f" {word} " in f" {text} " for word in GRADING_WORDS)


def test_sections_without_a_score(chopin):
    comparison = compare_takes(chopin.session, chopin.varsi, [chopin.igoshina])
    grid = comparison.grid
    duration = chopin.session.take(chopin.varsi).duration_s
    assert grid.kind == "section" and grid.edges[0] == 0 and grid.edges[-1] == pytest.approx(duration)
    assert np.allclose(np.diff(grid.edges), duration / len(grid))
    assert "sections" in describe_differences(comparison)[0]


def test_alignments_are_cached_and_recorded(chopin, against_score, monkeypatch):
    session = chopin.session
    reference = find_reference(session, chopin.score)
    first = ensure_alignment(session, chopin.igoshina, reference)
    assert any(a.take_id == chopin.igoshina and a.reference_id == chopin.score
               for a in session.alignments)

    def fail(*args, **kwargs):
        raise AssertionError("recomputed a cached alignment")

    monkeypatch.setattr(session_data, "align_signal", fail)
    monkeypatch.setattr(session_data, "compare_with_score", fail)
    again = ensure_alignment(session, chopin.igoshina, reference)
    assert isinstance(again, Alignment)
    assert np.array_equal(again.take_s, first.take_s) and np.array_equal(again.ref, first.ref)
    compared = compare_takes(session, chopin.score, [chopin.igoshina])  # bars and notes cached
    assert compared.takes[0].notes


def test_bad_requests_are_explained(chopin):
    session = chopin.session
    with pytest.raises(InvalidParameterError, match="no score or take 'nope'"):
        compare_takes(session, "nope", [chopin.varsi])
    with pytest.raises(InvalidParameterError, match="cannot also be"):
        compare_takes(session, chopin.varsi, [chopin.varsi])
    with pytest.raises(InvalidParameterError, match="at least one take"):
        compare_takes(session, chopin.score, [])
    with pytest.raises(InvalidParameterError, match="no take"):
        compare_takes(session, chopin.score, ["missing-take"])
    with pytest.raises(InvalidParameterError, match="only when the reference is a score"):
        compare_takes(session, chopin.varsi, [chopin.igoshina], part="Soprano")


def test_sung_melody_pitch_per_bar(melody):
    comparison = compare_takes(melody.session, melody.score, [melody.take], part="Alto")
    assert comparison.monophonic
    (take,) = comparison.takes
    bars = {r.bar: r for r in take.bars}
    assert bars[2].wrong == 1 and bars[2].missing == 0  # note 5 sung a semitone sharp
    assert bars[3].missing == 1  # note 10 left out
    assert bars[1].wrong == bars[1].missing == 0
    assert abs(bars[1].intonation_cents) < 10
    sharp = [n for n in take.notes if n.status == "wrong"]
    assert [n.bar for n in sharp] == [SHARP // 4 + 1] and sharp[0].cents == pytest.approx(100, abs=20)
    assert [n.bar for n in take.notes if n.status == "missing"] == [SILENT // 4 + 1]
    for row in take.bars[1:-1]:  # sung at the marked tempo
        assert row.tempo_bpm == pytest.approx(BPM, rel=0.06)
        assert abs(row.deviation_ms) < 60
    sentences = describe_differences(comparison)
    assert sum(r.extra for r in take.bars) == 0  # none was sung
    assert any(s.endswith(f"has 1 wrong note (bar {SHARP // 4 + 1}) and 1 missing note "
                          f"(bar {SILENT // 4 + 1}).") for s in sentences), sentences


def test_synthetic_grids():
    grid = section_grid(10.0)
    assert len(grid) == 2 and list(grid.edges) == [0.0, 5.0, 10.0]
    assert grid.span_label(0, 1) == "sections 1–2" and grid.label(1) == "section 2"


def test_score_grid_through_a_steady_reference(melody):
    score = session_data.session_score(melody.session, melody.score)
    grid = score_grid(score)
    assert grid.numbers == (1, 2, 3, 4, 5) and list(grid.edges) == [0, 4, 8, 12, 16, 20]
    # a reference take at 2 s per quarter (30 BPM), starting at 1 s
    q = np.linspace(0, 20, 201)
    ref = Alignment("score", take_s=1.0 + 2.0 * q, ref=q, confidence=np.ones(201, np.float32),
                    overall_confidence=1.0, transposition_semitones=0, take_tuning_cents=0.0)
    on_take = take_grid_from_score(score, ref)
    assert np.allclose(on_take.edges, [1, 9, 17, 25, 33, 41])
    assert np.allclose(on_take.ref_tempo_bpm, 30.0)


def test_read_only_session_is_not_written(chopin, tmp_path):
    before = sorted(p.name for p in (chopin.session.path / "derived").rglob("*"))
    with Session.open(chopin.session.path, read_only=True) as session:
        comparison = compare_takes(session, chopin.score, [chopin.igoshina])
    assert comparison.takes[0].bars
    assert sorted(p.name for p in (chopin.session.path / "derived").rglob("*")) == before


def test_analyses_computed_by_the_given_function_once_per_voice(melody):
    calls = []

    def analyze(path, **kwargs):
        calls.append(kwargs["voice"])
        return analyze_file(path, **kwargs)

    for _ in range(2):
        comparison = compare_takes(melody.session, melody.score, [melody.take], voice="alto",
                                   analyze=analyze)
    assert calls == ["alto"]
    assert comparison.takes[0].analysis.voice == "alto"


def test_later_take_against_the_first_on_score_bars(melody):
    comparison = compare_takes(melody.session, melody.take, [melody.later], score_id=melody.score)
    reference, later = comparison.takes
    assert reference.is_reference and all(r.tempo_pct == 100 for r in reference.bars if r.covered)
    assert comparison.grid.numbers[:4] == (1, 2, 3, 4)
    # the later take is sung at 80 % of the first one's tempo, bar for bar
    full = [r for r in later.bars[1:-1] if r.covered]
    assert len(full) >= 3
    for row in full:
        assert row.tempo_pct == pytest.approx(80, abs=4)
        assert row.tempo_bpm == pytest.approx(0.8 * BPM, rel=0.06)
    # a melody: intonation from the transcribed notes, in tune (synthetic voice)
    assert all(abs(r.intonation_cents) < 15 for r in later.bars if r.covered
               and np.isfinite(r.intonation_cents))
    assert any(np.isfinite(r.intonation_cents) for r in later.bars)
    assert {n.status for n in later.notes} == {"transcribed"}
    sentences = describe_differences(comparison)
    assert sentences[0].startswith("Over bars 1–") and "Next Monday is 2" in sentences[0]
    assert "% slower overall than Monday" in sentences[0]


def test_same_musical_moment_in_another_take(melody):
    comparison = compare_takes(melody.session, melody.score, [melody.take, melody.later])
    # both start at 0.5 s, a quarter note every 0.6 s and, later, at 80 % tempo every 0.75 s
    for q in (2, 7, 12, 16):  # note onsets (inside a steady note any moment matches)
        t = 0.5 + 0.6 * q
        later = comparison.same_moment(melody.take, t, melody.later)
        assert later == pytest.approx(0.5 + 0.75 * q, abs=0.05)
        assert comparison.same_moment(melody.later, later, melody.take) == pytest.approx(t, abs=0.05)
    on_take = compare_takes(melody.session, melody.take, [melody.later])
    assert on_take.same_moment(melody.take, 0.5 + 0.6 * 7, melody.later) == \
        pytest.approx(0.5 + 0.75 * 7, abs=0.05)
    with pytest.raises(InvalidParameterError, match="not part of this comparison"):
        comparison.same_moment(melody.take, 1.0, "other")


def test_each_take_is_decoded_once_per_comparison(melody, monkeypatch, tmp_path):
    """Aligning the reference take to the score and the later take to the reference needs
    the reference's audio twice: it is read once (a copy of the session without its cache,
    opened read-only, so every alignment is computed)."""
    copy = tmp_path / melody.session.path.name
    shutil.copytree(melody.session.path, copy, ignore=shutil.ignore_patterns("derived", ".lock"))
    reads = []
    real = session_data.load_signal

    def counting(path, **kwargs):
        reads.append(str(path))
        return real(path, **kwargs)

    monkeypatch.setattr(session_data, "load_signal", counting)
    with Session.open(copy, read_only=True) as session:
        comparison = compare_takes(session, melody.take, [melody.later], score_id=melody.score)
        paths = {str(session.audio_path(t)) for t in (melody.take, melody.later)}
    assert len(comparison.takes) == 2
    assert sorted(reads) == sorted(paths)
