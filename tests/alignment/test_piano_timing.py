"""Chords placed on their own onsets (alignment/piano_timing.py), with exact truth: an
onset posteriorgram with chords struck at known times, aligned 0.25 s off with a drift."""

from __future__ import annotations

import numpy as np
import pytest

from musicpractice.alignment.piano_timing import place_chords

HOP = 256 / 22050
LOW = 40


def onsets_at(chords, n_frames=1200):
    """An onset posteriorgram (0.1 floor) with each chord's keys at 0.9 in its frame."""
    times = np.arange(n_frames) * HOP
    onset = np.full((50, n_frames), 0.1)
    for t, keys in chords:
        f = int(round(t / HOP))
        for key in keys:
            onset[key - LOW, f] = 0.9
            onset[key - LOW, f + 1] = 0.5
    return times, onset


def test_each_chord_is_found_where_it_was_struck_and_a_silent_one_follows_its_neighbours():
    rng = np.random.default_rng(1)
    truth = 0.5 + np.cumsum(rng.uniform(0.25, 0.45, size=24))
    keys = [tuple(int(k) for k in rng.choice(np.arange(45, 85), size=3, replace=False))
            for _ in truth]
    silent = 11  # this chord was left out: no onset of its keys anywhere
    times, onset = onsets_at([(t, k) for j, (t, k) in enumerate(zip(truth, keys))
                              if j != silent])
    aligned = truth + 0.25 + 0.05 * np.sin(np.arange(truth.size))  # 0.2-0.3 s late
    rows_t = np.repeat(aligned, 3)
    rows_k = np.array([k for chord in keys for k in chord])
    chord = np.repeat(np.arange(truth.size), 3)
    found = place_chords(onset, times_s=times, low_midi=LOW, aligned_s=rows_t, midis=rows_k,
                         chord_ids=chord)
    error = found.times_s[::3] - truth
    played = np.arange(truth.size) != silent
    assert np.all(np.abs(error[played]) <= 1.5 * HOP)
    assert np.all(found.strength[::3][played] >= 0.8)
    assert found.strength[3 * silent] <= 0.2  # the strongest evidence it was left out
    # it keeps the offset of the chords around it, not the aligned 0.25 s
    assert abs(found.times_s[3 * silent] - truth[silent]) <= 0.1


def test_chords_stay_in_order_and_unaligned_notes_are_left_alone():
    times, onset = onsets_at([(1.0, (60,)), (1.3, (60,))])
    aligned = np.array([1.25, 1.3, np.nan])  # the first note aligned near the second's onset
    found = place_chords(onset, times_s=times, low_midi=LOW, aligned_s=aligned,
                         midis=np.array([60, 60, 64]), chord_ids=np.array([0, 1, 2]))
    assert abs(found.times_s[0] - 1.0) <= 1.5 * HOP
    assert abs(found.times_s[1] - 1.3) <= 1.5 * HOP
    assert np.isnan(found.times_s[2])


def test_a_take_aligned_a_fifth_of_a_second_off_chord_by_chord_still_gets_its_verdicts():
    """The two-hand take of test_piano_check (a wrong key and a left-out note in each hand),
    its written chords aligned alternately 0.2 s early and late: each chord is found on its
    own onset, so the verdicts are those of the exact times."""
    from dataclasses import replace

    from musicpractice.alignment import align_to_score, compare_with_score, piano_check
    from musicpractice.analysis.note_model import note_model_available
    from tests.alignment.synth import SR
    from tests.alignment.test_piano_check import MISSING, WRONG, played, synthesise, two_hands

    if note_model_available():
        pytest.skip(note_model_available())
    score = two_hands()
    notes, time_of = played(score)
    take = synthesise(notes, "additive")
    alignment = align_to_score(take, SR, score)
    rows = compare_with_score(take, SR, score, alignment).notes
    shift = {q: 0.2 * (-1) ** k for k, q in enumerate(sorted({r.ref_quarter for r in rows}))}
    off = [replace(r, take_onset_s=float(time_of(r.ref_quarter)) + shift[r.ref_quarter],
                   status="unchecked", confidence=float("nan"), played_midi=None)
           for r in rows]
    checked, _ = piano_check.check_piano_notes(take, SR, off, score=score, alignment=alignment)
    for k, step in WRONG.items():
        assert (checked[k].status, checked[k].played_midi) == ("wrong", checked[k].midi + step)
    assert all(checked[k].status == "missing" for k in MISSING)
    others = [r for k, r in enumerate(checked) if k not in WRONG and k not in MISSING]
    assert not any(r.status in ("wrong", "missing") for r in others)
    assert sum(r.status == "ok" for r in others) >= 0.9 * len(others)
