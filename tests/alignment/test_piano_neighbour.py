"""A written key whose unwritten neighbour is struck clearly (alignment/piano_neighbour.py),
on hand-built key activations with known truth: the neighbour struck instead of the
written key is a wrong note named at that key; struck beside it (the written key struck as
clearly) the written note is ok; a neighbour that is an octave of a written note is no
struck key of its own."""

from __future__ import annotations

import numpy as np

from musicpractice.alignment import piano_check
from musicpractice.alignment.piano_activation import MODEL_CALIBRATION
from musicpractice.alignment.piano_neighbour import (
    STRUCK_NEIGHBOUR_EVIDENCE,
    neighbour_onset_feature,
    partial_of_written,
    struck_neighbour_verdict,
)
from musicpractice.analysis.pitch_activation import PitchActivation

HOP_S = 0.0116
ONSET_S = 1.2


def _take(levels: dict[int, tuple[float, float, float]]):
    """Activation and onset probability of keys 55-67: each key of ``levels`` goes from
    its level before to its level after ``ONSET_S`` with that onset probability there;
    every other key stays at 0.05."""
    t = np.arange(200) * HOP_S
    midi = np.arange(55, 68)
    activation = np.full((midi.size, t.size), 0.05)
    onset = np.zeros_like(activation)
    frame = int(np.searchsorted(t, ONSET_S))
    for key, (before, after, probability) in levels.items():
        activation[key - 55] = np.where(t < ONSET_S - 0.02, before, after)
        onset[key - 55, frame] = probability
    act = PitchActivation(times_s=t, midi=midi, activation=activation,
                          energy=activation.sum(axis=0), hop_s=HOP_S)
    return act, onset


def _verdict(levels, written=60, *, weights=MODEL_CALIBRATION.neighbour_weights,
             relative=None):
    """The struck-neighbour verdict of the written key ``written`` (alone at ONSET_S);
    ``relative``: its level over its usual level in the take (``played_features`` column
    5, which a key written once reads as 0), given as ln ratio."""
    act, onset = _take(levels)
    rise = piano_check._rise(act.activation)
    local = piano_check._running_max(act, rise)
    centres, midis = np.array([ONSET_S]), np.array([written])
    scale = piano_check._local_scale(act, local, centres)
    evidence = np.array([piano_check._evidence(act, rise, written, ONSET_S, scale[0],
                                               piano_check.JUDGE_S)])
    key, key_evidence = piano_check._wrong_key(act, rise, 0, centres, midis, scale)
    features = piano_check.played_features(act, centres=centres, midis=midis,
                                           evidence=evidence,
                                           neighbour_evidence=np.array([key_evidence]),
                                           onset=onset)
    if relative is not None:
        features[0, 5] = relative
    on = neighbour_onset_feature(act, onset, centres=centres, keys=[key],
                                 window_s=piano_check.JUDGE_S, floor=piano_check.EVIDENCE_FLOOR)
    return key, key_evidence, struck_neighbour_verdict(weights, (*features[0], on[0]))


def test_a_neighbour_struck_instead_of_the_written_key_is_the_wrong_key_played():
    """Key 62 struck (0.05 -> 0.8, onset 0.9), written key 60 only leaking (0.05 -> 0.2,
    onset 0.1): wrong, played at 62, surely."""
    key, key_evidence, (status, confidence) = _verdict({62: (0.05, 0.8, 0.9),
                                                        60: (0.05, 0.2, 0.1)})
    assert key == 62 and key_evidence >= STRUCK_NEIGHBOUR_EVIDENCE
    assert status == "wrong"
    assert confidence >= MODEL_CALIBRATION.sure_probability


def test_a_neighbour_struck_beside_the_written_key_leaves_it_ok():
    """Key 62 struck as an extra note beside the written 60, both 0.05 -> 0.8 with onset
    0.9: the written note is ok, surely."""
    key, _, (status, confidence) = _verdict({62: (0.05, 0.8, 0.9), 60: (0.05, 0.8, 0.9)})
    assert key == 62
    assert status == "ok"
    assert confidence >= MODEL_CALIBRATION.sure_probability


def test_a_neighbour_that_is_a_partial_of_a_written_note_is_not_a_struck_key():
    """72 is the octave of a 60 written 0.1 s away (a partial of it, not a key struck of
    its own); 73 is no partial of it, nor is 72 once the 60 is 0.5 s away."""
    centres, midis = np.array([1.0, 1.1]), np.array([60, 71])
    assert partial_of_written(72, 1.1, centres=centres, midis=midis, within_s=0.3)
    assert not partial_of_written(73, 1.1, centres=centres, midis=midis, within_s=0.3)
    assert not partial_of_written(72, 1.5, centres=centres, midis=midis, within_s=0.3)
    assert not partial_of_written(None, 1.1, centres=centres, midis=midis, within_s=0.3)


def test_the_neighbour_onset_is_read_in_the_window_around_the_onset():
    """The onset probability of each note's neighbour key at its onset, and the floor
    where there is no neighbour, no onset probability or no found onset."""
    act, onset = _take({62: (0.05, 0.8, 0.9), 64: (0.05, 0.8, 0.4)})
    centres = np.array([ONSET_S, ONSET_S, ONSET_S, np.nan, ONSET_S + 1.0])
    out = neighbour_onset_feature(act, onset, centres=centres, keys=[62, 64, None, 62, 62],
                                  window_s=piano_check.JUDGE_S, floor=1e-4)
    np.testing.assert_allclose(out, np.log([0.9, 0.4, 1e-4, 1e-4, 1e-4]))
    none = neighbour_onset_feature(act, None, centres=centres[:1], keys=[62],
                                   window_s=piano_check.JUDGE_S, floor=1e-4)
    np.testing.assert_allclose(none, np.log([1e-4]))


def test_a_harmonic_key_replaced_by_its_neighbour_is_named_when_it_reads_below_its_strokes():
    """60 is a harmonic of a lower note sounding with it (its level 0.3 -> 0.4 is that
    note's partial, onset 0.1); 62 is struck (0.05 -> 0.8, onset 0.9). Where 60 reads a
    third of its level at its other strokes in the take (ln -1.1), the harmonic model names
    the wrong key 62 surely; where it reads as at its strokes, the partial may be the key
    and no sure wrong note is said. Struck again (0.4 -> 0.8, onset 0.9) beside the
    neighbour it is ok, surely."""
    weights = MODEL_CALIBRATION.harmonic_neighbour_weights
    replaced = {62: (0.05, 0.8, 0.9), 60: (0.3, 0.4, 0.1)}
    key, _, (status, confidence) = _verdict(replaced, weights=weights, relative=np.log(1 / 3))
    assert (key, status) == (62, "wrong")
    assert confidence >= MODEL_CALIBRATION.sure_probability
    _, _, (status, confidence) = _verdict(replaced, weights=weights, relative=0.0)
    assert status != "wrong" and confidence < MODEL_CALIBRATION.sure_probability
    _, _, (status, confidence) = _verdict({62: (0.05, 0.8, 0.9), 60: (0.4, 0.8, 0.9)},
                                          weights=weights, relative=0.0)
    assert status == "ok" and confidence >= MODEL_CALIBRATION.sure_probability
