"""Take-to-score and take-to-take alignment on synthetic takes with exact truth."""

from __future__ import annotations

import numpy as np
import pytest

from musicpractice.alignment import align_takes, align_to_score
from musicpractice.core.errors import InvalidParameterError
from tests.alignment.synth import SR, melody_score, random_melody, render, tempo_curve


@pytest.fixture(scope="module")
def score():
    return melody_score(random_melody(1, n=64), bpm=100.0)


def onset_errors(alignment, score, time_of):
    q = np.array([n.onset_quarter for n in score.notes])
    return np.abs(alignment.take_at(q) - time_of(q))


def test_follows_a_known_tempo_curve(score):
    time_of = tempo_curve(score, start_s=0.7, wobble=0.3, speed=0.8)
    alignment = align_to_score(render(score.notes, time_of), SR, score)
    errors = onset_errors(alignment, score, time_of)
    assert np.mean(errors < 0.05) >= 0.9
    assert alignment.overall_confidence > 0.6
    assert not alignment.partial
    assert alignment.reference_kind == "score"
    assert alignment.ref_span == pytest.approx((0.0, score.duration_quarter), abs=0.3)


def test_time_map_is_monotonic_and_invertible(score):
    time_of = tempo_curve(score, speed=1.2)
    alignment = align_to_score(render(score.notes, time_of), SR, score)
    pairs = alignment.timemap_pairs()
    assert np.all(np.diff(pairs[:, 0]) > 0)
    assert np.all(np.diff(pairs[:, 1]) >= 0)
    q = np.linspace(1.0, score.duration_quarter - 1.0, 50)
    assert np.allclose(alignment.ref_at(alignment.take_at(q)), q, atol=0.25)


def test_transposed_take_is_found_and_aligned(score):
    time_of = tempo_curve(score)
    alignment = align_to_score(render(score.notes, time_of, transpose=-1), SR, score)
    assert alignment.transposition_semitones == -1
    assert np.mean(onset_errors(alignment, score, time_of) < 0.05) >= 0.85
    assert any("below" in w for w in alignment.warnings)


def test_partial_take_reports_the_bars_it_covers(score):
    time_of = tempo_curve(score, start_s=2.0)
    excerpt = [n for n in score.notes if 20.0 <= n.onset_quarter < 44.0]
    take = render(excerpt, lambda q: time_of(q) - time_of(20.0) + 1.5)
    alignment = align_to_score(take, SR, score)
    assert alignment.partial
    assert alignment.ref_span[0] == pytest.approx(20.0, abs=0.5)
    assert alignment.ref_span[1] == pytest.approx(44.0, abs=1.0)
    assert np.isnan(alignment.take_at(4.0))


def test_slow_practice_of_a_few_bars_is_found(score):
    """Bars 6-11 at 40 % of the marked tempo: slower than the subsequence steps reach."""
    time_of = tempo_curve(score, start_s=1.0, speed=0.4, wobble=0.1)
    excerpt = [n for n in score.notes if 20.0 <= n.onset_quarter < 44.0]
    take = render(excerpt, lambda q: time_of(q) - time_of(20.0) + 1.0)
    alignment = align_to_score(take, SR, score)
    assert alignment.partial
    q = np.array([n.onset_quarter for n in excerpt])
    found = alignment.take_at(q)
    assert np.mean(np.abs(found - (time_of(q) - time_of(20.0) + 1.0)) < 0.1) >= 0.9


def test_bars_option_restricts_the_reference(score):
    time_of = tempo_curve(score)
    excerpt = [n for n in score.notes if 16.0 <= n.onset_quarter < 32.0]
    take = render(excerpt, lambda q: time_of(q) - time_of(16.0) + 0.5)
    alignment = align_to_score(take, SR, score, bars=(5, 8))
    assert alignment.ref_span[0] >= 16.0 - 1e-9 and alignment.ref_span[1] <= 32.0 + 1e-9
    assert alignment.take_at(16.0) == pytest.approx(0.5, abs=0.08)


def test_silence_around_the_take_is_left_out(score):
    time_of = tempo_curve(score, start_s=4.0)
    take = np.concatenate([render(score.notes, time_of), np.zeros(3 * SR, np.float32)])
    alignment = align_to_score(take, SR, score)
    assert alignment.take_at(0.0) == pytest.approx(4.0, abs=0.08)
    assert alignment.take_span_s[1] < 4.0 + time_of(score.duration_quarter) - time_of(0.0) + 0.3


def test_another_piece_gives_low_confidence(score):
    other = melody_score(random_melody(7, n=64, low=50, high=66), bpm=100.0)
    take = render(other.notes, tempo_curve(other))
    alignment = align_to_score(take, SR, score)
    assert alignment.overall_confidence < 0.3
    assert any("hardly match" in w for w in alignment.warnings)


def test_part_selection_aligns_a_singer_to_her_part():
    alto = random_melody(3, n=48, low=55, high=67)
    soprano = random_melody(4, n=48, low=64, high=76)
    score = melody_score(soprano, part="Soprano",
                         extra_parts={"Alto": (alto, [1.0] * len(alto))})
    time_of = tempo_curve(score)
    alto_notes = score.part_notes("Alto")
    alignment = align_to_score(render(alto_notes, time_of), SR, score, part="alto")
    q = np.array([n.onset_quarter for n in alto_notes])
    assert np.mean(np.abs(alignment.take_at(q) - time_of(q)) < 0.05) >= 0.75


def test_take_to_take_maps_one_tempo_curve_onto_another(score):
    slow, fast = tempo_curve(score, speed=0.8, wobble=0.2), tempo_curve(score, speed=1.1, wobble=-0.2)
    alignment = align_takes(render(score.notes, slow), render(score.notes, fast), SR)
    q = np.array([n.onset_quarter for n in score.notes])
    errors = np.abs(alignment.take_at(fast(q)) - slow(q))
    assert np.mean(errors < 0.05) >= 0.9
    assert alignment.reference_kind == "audio"


@pytest.mark.parametrize("bad, message", [
    (np.zeros(SR * 5, np.float32), "silent"),
    (np.full(SR * 5, np.nan, np.float32), "invalid"),
    (np.zeros(0, np.float32), "empty"),
])
def test_bad_takes_are_refused(score, bad, message):
    with pytest.raises(InvalidParameterError, match=message):
        align_to_score(bad, SR, score)


def test_too_short_take_is_refused(score):
    with pytest.raises(InvalidParameterError, match="too short"):
        align_to_score(render(score.notes[:1], lambda q: q * 0.6)[: SR // 10], SR, score)


def test_unknown_part_and_bars_are_refused(score):
    take = render(score.notes[:8], tempo_curve(score))
    with pytest.raises(InvalidParameterError, match="no part called"):
        align_to_score(take, SR, score, part="Tenor")
    with pytest.raises(InvalidParameterError, match="not in the score"):
        align_to_score(take, SR, score, bars=(40, 50))


def _note(onset: float, duration: float, midi: int = 60):
    from musicpractice.score.model import ScoreNote

    return ScoreNote(part="P", voice=1, midi=midi, onset_quarter=onset,
                     duration_quarter=duration, measure=1, beat=1.0)


def test_a_take_that_starts_holding_a_written_note_starts_at_its_onset():
    """A path that waits at a position inside the first note (a held pickup matched by its
    end) is spread back to the note's onset; other paths are left alone."""
    from musicpractice.alignment.align import started_on_an_attack

    notes = [_note(0.0, 0.5, 59), _note(0.5, 1.0, 40), _note(0.5, 1.0, 64), _note(1.5, 1.0)]
    held = np.array([0.47] * 5 + [0.5, 0.7, 0.9, 1.5])
    spread = started_on_an_attack(held, notes)
    assert spread[0] == 0.0 and np.allclose(spread[:5], np.linspace(0.0, 0.47, 5))
    assert np.array_equal(spread[5:], held[5:]) and np.all(np.diff(spread) >= 0)
    for path in (np.array([0.5] * 3 + [0.7, 1.0]),  # starts on an onset
                 np.array([0.47, 0.6, 0.8, 1.0]),   # inside the note, but moving on
                 np.array([0.9] * 4 + [1.2])):       # inside notes begun at 0.5 (chord)
        expected = path.copy()
        if path[0] == 0.9:  # the chord's notes all began at 0.5, none since
            expected[:4] = np.linspace(0.5, 0.9, 4)
        assert np.allclose(started_on_an_attack(path, notes), expected)
    overlapping = [_note(0.0, 2.0, 48), _note(1.0, 1.0, 60)]  # a held bass, then a melody
    path = np.array([1.5] * 4 + [2.0])
    assert np.array_equal(started_on_an_attack(path, overlapping), path)
