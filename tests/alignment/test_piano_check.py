"""Piano verdicts (both hands) on a synthetic two-hand passage with exact truth.

The passage is played by FluidSynth's grand piano when it is installed (``dev`` installs
it) and by an additive, piano-like decaying tone otherwise; in each hand one note is played
two semitones high (wrong, the key named) and one is left out (missing), and one key is
struck where nothing is written (extra). Each take is checked with the note model and with
the NMF fallback.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from musicpractice.alignment import align_to_score, compare_with_score, piano_check
from musicpractice.alignment.piano_activation import MODEL_CALIBRATION
from musicpractice.analysis.note_model import note_model_available
from musicpractice.analysis.pitch_activation import PitchActivation, pitch_activation
from musicpractice.audio.fluidsynth_render import PROGRAM_PIANO, fluidsynth_available, render_notes
from musicpractice.score.model import Measure, Score, ScoreNote, TempoMark
from tests.alignment.synth import SR, render, tempo_curve

WRONG = {19: 2, 9: 2}
"""Index (in score order) -> semitones off: a right-hand and a left-hand note played two
semitones high."""
MISSING = (16, 27)
"""Indices of the notes left out: one in the left hand, one in the right."""
EXTRA_MIDI = 90
EXTRA_QUARTER = 13.5


def over_left_hand_dyads(right_hand, *, title: str) -> Score:
    """Eight bars of 4/4 at 96 quarters a minute: 32 right-hand quarter notes (MIDI
    numbers ``right_hand``, one per quarter) over left-hand half-note fifths."""
    notes = [ScoreNote(part="Piano", voice=1, midi=int(midi), onset_quarter=float(k),
                       duration_quarter=1.0, measure=k // 4 + 1, beat=1.0 + k % 4)
             for k, midi in enumerate(right_hand)]
    for k in range(16):
        root = int(43 + (5 * k) % 12)
        notes += [ScoreNote(part="Piano", voice=2, midi=midi, onset_quarter=2.0 * k,
                            duration_quarter=2.0, measure=k // 2 + 1, beat=1.0 + (2 * k) % 4)
                  for midi in (root, root + 7)]
    measures = tuple(Measure(number=k + 1, start_quarter=4.0 * k, duration_quarter=4.0,
                             time_signature="4/4", beat_quarter=1.0) for k in range(8))
    return Score(path="synthetic", title=title, parts=("Piano",),
                 notes=tuple(sorted(notes, key=lambda n: (n.onset_quarter, n.midi))),
                 measures=measures, keys=(), tempos=(TempoMark(0.0, 96.0, ""),),
                 repeats_expanded=True)


def two_hands(seed: int = 3) -> Score:
    """Eight bars of 4/4: right-hand quarter notes over left-hand half-note dyads."""
    rng = np.random.default_rng(seed)
    rh = 67 + np.cumsum(rng.choice([-2, -1, 1, 2, 3], size=32)) % 12
    return over_left_hand_dyads(rh, title="two hands")


def played(score: Score):
    """(notes as played, time map): the wrong key, the left-out note and the extra key in."""
    time_of = tempo_curve(score, wobble=0.15)
    notes = []
    for k, n in enumerate(score.notes):
        if k in MISSING:
            continue
        midi = n.midi + WRONG.get(k, 0)
        notes.append((midi, float(time_of(n.onset_quarter)),
                      float(time_of(n.onset_quarter + n.duration_quarter) - time_of(n.onset_quarter))))
    notes.append((EXTRA_MIDI, float(time_of(EXTRA_QUARTER)), 0.3))
    return notes, time_of


def synthesise(notes, engine: str) -> np.ndarray:
    if engine == "fluidsynth":
        return render_notes(notes, sr=SR, program=PROGRAM_PIANO)
    spec = [type("N", (), {"midi": m, "onset_quarter": t, "duration_quarter": d})()
            for m, t, d in notes]
    return render(spec, lambda seconds: np.asarray(seconds, dtype=float))


@pytest.fixture(scope="module", params=[("additive", "model"), ("fluidsynth", "model"),
                                        ("additive", "nmf"), ("fluidsynth", "nmf")])
def checked(request):
    """The comparison of the take with each key activation of the check: the note model
    (the product's choice when onnxruntime is installed) and the NMF (its fallback)."""
    engine, method = request.param
    if engine == "fluidsynth" and fluidsynth_available():
        pytest.skip(fluidsynth_available())
    if method == "model" and note_model_available():
        pytest.skip(note_model_available())
    score = two_hands()
    notes, time_of = played(score)
    take = synthesise(notes, engine)
    alignment = align_to_score(take, SR, score)
    piano_check.ACTIVATION_METHOD = method
    try:
        return score, time_of, compare_with_score(take, SR, score, alignment)
    finally:
        piano_check.ACTIVATION_METHOD = "auto"


def test_the_wrong_key_is_named_in_each_hand(checked):
    score, _, comparison = checked
    assert {score.notes[k].voice for k in WRONG} == {1, 2}
    for k, step in WRONG.items():
        note = comparison.notes[k]
        assert (note.midi, note.ref_quarter) == (score.notes[k].midi, score.notes[k].onset_quarter)
        assert note.status == "wrong", (k, note)
        assert note.played_midi == note.midi + step
        assert note.confidence > 0.5


def test_the_left_out_note_is_missing_in_each_hand(checked):
    score, _, comparison = checked
    assert {score.notes[k].voice for k in MISSING} == {1, 2}
    for k in MISSING:
        note = comparison.notes[k]
        assert note.status == "missing", (k, note)
        assert note.played_midi is None


def test_the_extra_key_is_reported_in_its_bar(checked):
    _, time_of, comparison = checked
    found = [e for e in comparison.extra_notes
             if abs(e.take_onset_s - time_of(EXTRA_QUARTER)) < 0.15 and e.midi == EXTRA_MIDI]
    assert len(found) == 1
    assert found[0].measure == int(EXTRA_QUARTER // 4) + 1
    assert len(comparison.extra_notes) <= 2


def test_the_notes_played_right_are_ok(checked):
    _, _, comparison = checked
    others = [n for k, n in enumerate(comparison.notes) if k not in WRONG and k not in MISSING]
    assert not any(n.status in ("wrong", "missing") for n in others)
    assert sum(n.status == "ok" for n in others) >= 0.9 * len(others)
    assert all(0.5 <= n.confidence <= 1.0 for n in others if n.status == "ok")
    assert all(np.isnan(n.cents) for n in comparison.notes)


def test_a_unison_of_two_voices_is_one_stroke():
    """Two voices writing the same key at the same time are one stroke: only the second
    row is marked (its verdict cannot differ from the first's); a restart's rows are not."""
    rows = [SimpleNamespace(ref_quarter=q, midi=m, attempt=a)
            for q, m, a in ((0.0, 60, 0), (0.0, 64, 0), (0.0, 60, 0), (1.0, 60, 0), (0.0, 60, 1))]
    assert piano_check.unison_with_earlier_row(rows).tolist() == [False, False, True, False, False]


def test_pitch_activation_of_a_chord():
    """C4 + G4 + E5 for a second: those three keys carry the activation, not their partials'
    keys (C5, G5, D6 ...)."""
    notes = [(60, 0.1, 1.0), (67, 0.1, 1.0), (76, 0.1, 1.0)]
    take = synthesise(notes, "additive")
    act = pitch_activation(take, SR, low_midi=40, high_midi=96)
    mean = act.activation[:, (act.times_s > 0.2) & (act.times_s < 0.9)].mean(axis=1)
    top = set(act.midi[np.argsort(mean)[-3:]].tolist())
    assert top == {60, 67, 76}
    assert mean[act.midi == 72][0] < 0.2 * mean[act.midi == 60][0]


def _activation(levels: dict[int, np.ndarray], hop_s: float = 0.0116) -> PitchActivation:
    frames = len(next(iter(levels.values())))
    keys = sorted(levels)
    midi = np.arange(keys[0], keys[-1] + 1)
    activation = np.full((midi.size, frames), 0.1)
    for key, level in levels.items():
        activation[key - keys[0]] = level
    return PitchActivation(times_s=np.arange(frames) * hop_s, midi=midi, activation=activation,
                           energy=activation.sum(axis=0), hop_s=hop_s)


def test_played_features_read_the_levels_around_the_onset():
    """A key held from an earlier stroke (0.7, dipping at another key's onset and
    recovering), a key struck at the onset (0.1 to 0.75) and a quiet key that only leaks
    (0.1 to 0.15): ``played_features`` reads each key's level before and after the onset
    and its onset probability;
    with the note model's fitted weights the struck key is played, the quiet one is not,
    and a clearly struck unwritten neighbour makes the quiet one less likely still."""
    t = np.arange(200) * 0.0116
    onset = 1.2
    held = np.where(t < onset - 0.05, 0.7, 0.4 + 0.3 * np.clip((t - onset + 0.05) / 0.1, 0, 1))
    struck = np.where(t < onset - 0.02, 0.1, 0.75)
    quiet = np.where(t < onset - 0.02, 0.1, 0.15)
    act = _activation({50: held, 55: struck, 60: quiet})
    rise = piano_check._rise(act.activation)
    local = piano_check._running_max(act, rise)
    midis = np.array([50, 55, 60])
    centres = np.full(3, onset)
    scale = piano_check._local_scale(act, local, centres)
    evidence = np.array([piano_check._evidence(act, rise, m, onset, s, piano_check.JUDGE_S)
                         for m, s in zip(midis, scale)])
    assert evidence[0] >= piano_check.CLEAR_EVIDENCE  # the recovery reads as a rise
    onset_probability = np.zeros_like(act.activation)
    frame = int(np.searchsorted(act.times_s, onset))
    for key, probability in ((50, 0.2), (55, 0.8), (60, 0.05)):
        onset_probability[key - int(act.midi[0]), frame] = probability
    features = piano_check.played_features(act, centres=centres, midis=midis,
                                           evidence=evidence,
                                           neighbour_evidence=np.full(3, 1e-4),
                                           onset=onset_probability)
    np.testing.assert_allclose(features[:, 4], np.log([0.2, 0.8, 0.05]))
    np.testing.assert_allclose(features[:, 1], [0.7, 0.75, 0.15], atol=0.02)  # level after
    np.testing.assert_allclose(features[:, 2], [0.7, 0.1, 0.1], atol=0.02)  # level before
    np.testing.assert_allclose(features[:, 3], np.log(piano_check.CLEAR_EVIDENCE))
    weights = MODEL_CALIBRATION.played_weights
    assert piano_check._logistic(weights, features[1]) > 0.9
    quiet_alone = piano_check._logistic(weights, features[2])
    assert quiet_alone < 0.5
    with_neighbour = features[2].copy()
    with_neighbour[3] = np.log(0.8)
    assert piano_check._logistic(weights, with_neighbour) < quiet_alone
