"""Onset detection: synthetic clicks and tones with exact onsets, rendered piano, bad input."""

from __future__ import annotations

import json
import threading

import mir_eval
import numpy as np
import pytest

from musicpractice.analysis import onsets as onsets_module
from musicpractice.analysis.onsets import detect_onsets, onset_envelope
from musicpractice.audio.io import load_signal
from musicpractice.core.errors import Cancelled, InvalidParameterError
from tests.signals import SR, click_track, harmonic_tone

LEAD_IN_S = 0.25


def clicks(bpm: float, duration_s: float) -> tuple[np.ndarray, np.ndarray]:
    """A click track that starts after a short silence, like a real recording."""
    y, beats = click_track(bpm, duration_s)
    lead = np.zeros(int(LEAD_IN_S * SR), dtype=np.float32)
    return np.concatenate([lead, y]), beats + LEAD_IN_S


def test_click_onsets_are_found_within_15_ms():
    y, truth = clicks(100, 10)
    found = detect_onsets(y, SR)
    assert len(found.times_s) == len(truth)
    assert np.max(np.abs(found.times_s - truth)) < 0.015
    assert np.all(found.strength > 0.5)
    assert found.confidence > 0.5
    assert found.warnings == ()


def test_soft_tones_with_vibrato():
    # notes of a scale with 80 ms attacks and vibrato, as a singer would produce them
    note_s, n_notes = 0.6, 8
    t = np.arange(int(note_s * SR)) / SR
    attack = np.minimum(t / 0.08, 1.0) * np.minimum((note_s - t) / 0.1, 1.0)  # and release
    pieces = []
    for k in range(n_notes):
        hz = 220.0 * 2 ** (k / 12) * (1 + 0.01 * np.sin(2 * np.pi * 5.5 * t))
        pieces.append(harmonic_tone(hz, note_s) * attack * np.exp(-t / 2))
    y = np.concatenate([np.zeros(SR // 4, np.float32), *pieces])
    truth = 0.25 + note_s * np.arange(n_notes)
    found = detect_onsets(y, SR)
    matched = mir_eval.util.match_events(truth, found.times_s, 0.05)
    assert len(matched) == n_notes  # every note is found...
    spurious = np.setdiff1d(np.arange(len(found.times_s)), [j for _, j in matched])
    assert np.all(found.strength[spurious] < 0.3)  # ...and vibrato gives only weak extras
    assert len(spurious) <= 2


def test_a_steady_tone_has_no_onset_after_its_start():
    y = harmonic_tone(440.0, 4.0)
    found = detect_onsets(np.concatenate([np.zeros(SR // 4, np.float32), y]), SR)
    assert len(found.times_s) == 1 and found.times_s[0] == pytest.approx(0.25, abs=0.02)


def test_envelope_hop_and_length():
    y, _ = clicks(90, 5)
    env = onset_envelope(y, SR)
    assert env.hop_s == pytest.approx(256 / SR)
    assert len(env.values) == 1 + len(y) // 256
    assert env.values.dtype == np.float32 and np.all(env.values >= 0)


def test_blocks_do_not_change_the_envelope(monkeypatch):
    y, _ = clicks(130, 12)
    whole = onset_envelope(y, SR).values
    monkeypatch.setattr(onsets_module, "BLOCK_FRAMES", 97)
    blocked = onset_envelope(y, SR).values
    np.testing.assert_allclose(blocked, whole, rtol=1e-4, atol=1e-5)


def test_silence_has_no_onsets_and_says_so():
    found = detect_onsets(np.zeros(3 * SR, np.float32), SR)
    assert len(found.times_s) == 0 and len(found.strength) == 0
    assert found.confidence == 0.0
    assert found.warnings and "silent" in found.warnings[0]


def test_other_sample_rates():
    y, truth = clicks(100, 6)
    y44 = np.repeat(y, 2)  # 44.1 kHz, same clicks (a crude but exact-timing upsampling)
    found = detect_onsets(y44, 2 * SR)
    assert len(found.times_s) == len(truth)
    assert np.max(np.abs(found.times_s - truth)) < 0.015


def test_progress_and_cancel():
    y, _ = clicks(100, 3)
    seen = []
    detect_onsets(y, SR, progress=lambda f, m: seen.append(f))
    assert seen and seen[-1] == 1.0
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        detect_onsets(y, SR, cancel=cancel)


@pytest.mark.parametrize("y, sr", [
    (np.zeros((2, 1000), np.float32), SR),
    (np.array([0.0, np.nan, 0.0] * 1000, np.float32), SR),
    (np.zeros(1000, np.float32), 0),
    (np.zeros(1000, np.float32), -22050),
])
def test_bad_input(y, sr):
    with pytest.raises(InvalidParameterError):
        detect_onsets(y, sr)


@pytest.mark.parametrize("item, floor", [("item_piano_02", 0.95), ("item_mono_00_voice", 0.7)])
def test_rendered_onsets(shared_data, item, floor):
    meta = shared_data / "synth" / f"{item}.json"
    truth = np.unique(np.round(json.loads(meta.read_text())["notes"]["onset"], 3))
    signal = load_signal(meta.with_suffix(".flac"))
    found = detect_onsets(signal.samples, signal.sr)
    f_measure, _, _ = mir_eval.onset.f_measure(truth, found.times_s, window=0.05)
    assert f_measure >= floor


def test_real_singing_onsets(shared_data):
    melody = shared_data / "melody"
    signal = load_signal(melody / "vocadito_1.wav")
    found = detect_onsets(signal.samples, signal.sr)
    for annotator in ("A1", "A2"):
        truth = np.loadtxt(melody / f"vocadito_1_notes{annotator}.csv", delimiter=",",
                           ndmin=2)[:, 0]
        f_measure, _, _ = mir_eval.onset.f_measure(truth, found.times_s, window=0.05)
        assert f_measure >= 0.5
