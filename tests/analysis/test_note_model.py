"""The shipped note model (Basic Pitch ONNX through onnxruntime) on piano notes with exact
truth: FluidSynth's grand piano when it is installed, else an additive piano-like tone."""

from __future__ import annotations

import numpy as np
import pytest

from musicpractice.alignment.piano_activation import (
    MODEL_CALIBRATION,
    NMF_CALIBRATION,
    key_activation,
)
from musicpractice.analysis.note_model import (
    EDGE_FRAMES,
    FRAME_HOP,
    KEPT_FRAMES,
    MODEL_SR,
    note_model_available,
    note_posteriors,
)
from musicpractice.audio.fluidsynth_render import PROGRAM_PIANO, fluidsynth_available, render_notes

pytestmark = pytest.mark.skipif(note_model_available() is not None,
                                reason=str(note_model_available()))
SR = 22_050


def piano(notes, *, sr: int = SR) -> np.ndarray:
    """``notes`` = (midi, onset_s, duration_s) played by a piano."""
    if fluidsynth_available() is None:
        return render_notes(notes, sr=sr, program=PROGRAM_PIANO)
    t = np.arange(int(sr * (max(o + d for _, o, d in notes) + 1.0))) / sr
    y = np.zeros_like(t)
    for midi, onset, duration in notes:
        f0 = 440.0 * 2 ** ((midi - 69) / 12)
        after = np.clip(t - onset, 0.0, None)
        env = (t >= onset) * np.exp(-after / 0.6) * (t < onset + duration + 0.2)
        y += sum(h ** -1.5 * np.sin(2 * np.pi * h * f0 * after) for h in range(1, 9)) * env
    return (0.3 * y / np.abs(y).max()).astype(np.float32)


def test_struck_keys_sound_and_their_partials_do_not():
    """A C major chord C4 E4 G4, then a bass A2 alone: those keys carry the note
    probability; their octaves and twelfths (C5, G5, A3, E4 over A2) stay low."""
    notes = [(60, 0.3, 0.8), (64, 0.3, 0.8), (67, 0.3, 0.8), (45, 1.6, 0.8)]
    post = note_posteriors(piano(notes), SR)
    assert post.note.shape == post.onset.shape == (88, post.times_s.size)
    chord = (post.times_s > 0.4) & (post.times_s < 0.9)
    bass = (post.times_s > 1.7) & (post.times_s < 2.2)
    during = post.note[:, chord].mean(axis=1)
    assert set(post.midi[np.argsort(during)[-3:]].tolist()) == {60, 64, 67}
    assert during[72 - 21] < 0.3 * during[60 - 21] and during[79 - 21] < 0.3 * during[67 - 21]
    alone = post.note[:, bass].mean(axis=1)
    assert int(post.midi[np.argmax(alone)]) == 45
    assert alone[57 - 21] < 0.3 * alone[45 - 21]


def test_onsets_are_on_time_across_window_seams():
    """Keys struck every 0.37 s for 12 s (many 1.65 s model windows, their seams included):
    each key's onset probability peaks within 25 ms of the truth and no drift builds up."""
    notes = [(55 + (k * 5) % 24, 0.25 + 0.37 * k, 0.3) for k in range(32)]
    post = note_posteriors(piano(notes), SR)
    errors = []
    for midi, onset, _ in notes:
        near = (post.times_s > onset - 0.15) & (post.times_s < onset + 0.15)
        row = post.onset[midi - 21, near]
        assert row.max() > 0.3
        errors.append(post.times_s[near][np.argmax(row)] - onset)
    errors = np.array(errors)
    assert np.abs(errors).max() < 0.025, errors
    assert abs(np.median(errors[:8]) - np.median(errors[-8:])) < 0.012
    seam_s = (KEPT_FRAMES - EDGE_FRAMES) * FRAME_HOP / MODEL_SR
    assert notes[-1][1] > 5 * seam_s


def test_frames_follow_the_signal_length_and_rate():
    y = piano([(60, 0.1, 0.3)], sr=44_100)
    post = note_posteriors(y, 44_100)
    assert abs(post.times_s.size - (1 + (y.size // 2) // FRAME_HOP)) <= 1
    assert post.hop_s == pytest.approx(256 / 22050)
    assert np.all((post.note >= 0) & (post.note <= 1))


def test_key_activation_reads_the_model_and_falls_back_to_the_nmf():
    y = piano([(60, 0.2, 0.5), (64, 0.2, 0.5)])
    act, cal, onset = key_activation(y, SR, low_midi=48, high_midi=84)
    assert cal is MODEL_CALIBRATION
    assert act.midi[0] == 48 and act.midi[-1] == 84 and act.activation.shape[0] == 37
    assert onset.shape == act.activation.shape  # the struck keys' onsets, at 0.2 s
    for key in (60, 64):
        assert abs(act.times_s[np.argmax(onset[key - 48])] - 0.2) <= 0.03
    detuned, cal, none = key_activation(y, SR, low_midi=48, high_midi=84, tuning_hz=452.0)
    assert cal is NMF_CALIBRATION and none is None
    assert detuned.activation.shape[0] == 37
    nmf, cal, _ = key_activation(y, SR, low_midi=48, high_midi=84, method="nmf")
    assert cal is NMF_CALIBRATION
    for a in (act, nmf):
        strongest = a.activation[:, (a.times_s > 0.3) & (a.times_s < 0.6)].mean(axis=1)
        assert set(a.midi[np.argsort(strongest)[-2:]].tolist()) == {60, 64}
