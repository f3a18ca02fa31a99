import dataclasses
import json
import threading

import mir_eval
import numpy as np
import pytest

from musicpractice.analysis.chroma import chroma
from musicpractice.analysis.key import estimate_key
from musicpractice.analysis.tuning import estimate_tuning
from musicpractice.audio.io import load_signal
from musicpractice.core.errors import Cancelled, InvalidParameterError
from musicpractice.core.pitch import PITCH_CLASSES, pitch_class_index
from tests.signals import SR, harmonic_tone

MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
HARMONIC_MINOR_SCALE = (0, 2, 3, 5, 7, 8, 11)


def _hz(midi: float, a4_hz: float) -> float:
    return a4_hz * 2 ** ((midi - 69) / 12)


def cadence(tonic_pc: int, mode: str, *, a4_hz: float = 440.0, chord_s: float = 1.0) -> np.ndarray:
    """I-IV-V-I (minor: i-iv-V-i with the raised leading tone), bass in octave 2-3."""
    third, sixth = (4, 9) if mode == "major" else (3, 8)
    root = 48 + tonic_pc
    chords = ((0, third, 7), (5, sixth, 12), (7, 11, 14), (0, third, 7))
    out = []
    for chord in chords:
        notes = [root - 12 + chord[0] % 12] + [root + 12 + step for step in chord]
        out.append(sum(harmonic_tone(_hz(m, a4_hz), chord_s, amplitude=0.2) for m in notes))
    return np.concatenate(out)


def scale(tonic_pc: int, mode: str, *, a4_hz: float = 440.0, note_s: float = 0.35) -> np.ndarray:
    """Up and down one octave (minor: harmonic minor) from the tonic above middle C."""
    steps = MAJOR_SCALE if mode == "major" else HARMONIC_MINOR_SCALE
    midi = [60 + tonic_pc + s for s in steps + (12,) + steps[::-1]]
    return np.concatenate([harmonic_tone(_hz(m, a4_hz), note_s) for m in midi])


ALL_KEYS = [(pc, mode) for mode in ("major", "minor") for pc in range(12)]


@pytest.mark.parametrize("pc, mode", ALL_KEYS)
def test_all_24_keys_from_cadence_and_scale(pc, mode):
    for make in (cadence, scale):
        est = estimate_key(make(pc, mode), SR)
        assert (est.tonic, est.mode) == (PITCH_CLASSES[pc], mode), make.__name__
        assert est.confidence > 0.8


@pytest.mark.parametrize("pc, mode", [(0, "major"), (9, "minor"), (6, "major"), (3, "minor")])
def test_a_semitone_low_reads_as_the_key_below(pc, mode):
    y = cadence(pc, mode, a4_hz=440.0 * 2 ** (-1 / 12))
    tuning = estimate_tuning(y, SR)
    est = estimate_key(y, SR, tuning_hz=tuning.a4_hz)
    assert (est.tonic, est.mode) == (PITCH_CLASSES[(pc - 1) % 12], mode)


@pytest.mark.parametrize("pc, mode", [(0, "major"), (2, "minor"), (10, "major"), (7, "minor")])
@pytest.mark.parametrize("offset_cents", [45.0, -45.0, 50.0])
def test_a_quarter_tone_off_with_tuning_first(pc, mode, offset_cents):
    y = cadence(pc, mode, a4_hz=440.0 * 2 ** (offset_cents / 1200))
    tuning = estimate_tuning(y, SR)
    est = estimate_key(y, SR, tuning_hz=tuning.a4_hz)
    # at exactly +-50 cents either neighbour is right, as long as key and tuning agree
    shift = round((offset_cents - tuning.deviation_cents) / 100.0)
    assert (est.tonic, est.mode) == (PITCH_CLASSES[(pc + shift) % 12], mode)
    assert est.confidence > 0.8


def test_modulation_gives_two_segments():
    half = 32.0
    y = np.concatenate([np.tile(cadence(0, "major"), 8), np.tile(cadence(7, "major"), 8)])
    est = estimate_key(y, SR)
    assert [(s.tonic, s.mode) for s in est.segments] == [("C", "major"), ("G", "major")]
    first, second = est.segments
    assert first.start_s == 0.0 and second.end_s == pytest.approx(2 * half, abs=0.5)
    assert first.end_s == second.start_s == pytest.approx(half, abs=4.0)
    assert min(first.confidence, second.confidence) > 0.8


def test_one_key_gives_one_segment_in_that_key():
    est = estimate_key(np.tile(cadence(9, "minor"), 6), SR)
    assert [(s.tonic, s.mode) for s in est.segments] == [("A", "minor")]
    assert est.segments[0].end_s == pytest.approx(24.0, abs=0.2)


def test_alternatives_rank_all_24_keys():
    est = estimate_key(cadence(2, "major"), SR)
    keys = {(c.tonic, c.mode) for c in est.alternatives}
    assert len(est.alternatives) == 24 and len(keys) == 24
    scores = [c.score for c in est.alternatives]
    assert scores == sorted(scores, reverse=True) and all(-1 <= s <= 1 for s in scores)
    assert (est.alternatives[0].tonic, est.alternatives[0].mode) == (est.tonic, est.mode)


def test_given_chroma_gives_the_same_answer():
    y = scale(5, "minor")
    assert estimate_key(y, SR, chroma=chroma(y, SR)) == estimate_key(y, SR)


def test_silence_has_no_key():
    est = estimate_key(np.zeros(5 * SR, np.float32), SR)
    assert est.confidence == 0.0 and est.segments == () and est.warnings


def test_noise_gives_low_confidence_and_a_warning():
    noise = (0.1 * np.random.default_rng(0).standard_normal(10 * SR)).astype(np.float32)
    est = estimate_key(noise, SR)
    assert est.confidence < 0.2
    assert any("unreliable" in w for w in est.warnings)


def test_very_short_input_warns():
    est = estimate_key(harmonic_tone(261.63, 1.0), SR)
    assert est.confidence < 0.5 and any("guess" in w for w in est.warnings)


def test_progress_and_cancel():
    seen = []
    estimate_key(cadence(0, "major"), SR, progress=lambda f, m: seen.append(f))
    assert seen[-1] == 1.0 and seen == sorted(seen)
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        estimate_key(cadence(0, "major"), SR, cancel=stop)


@pytest.mark.parametrize("kwargs", [{"window_s": 2.0}, {"window_s": 100.0}, {"tuning_hz": 200.0}])
def test_bad_parameters(kwargs):
    with pytest.raises(InvalidParameterError):
        estimate_key(cadence(0, "major"), SR, **kwargs)


@pytest.mark.parametrize("values", [np.zeros((11, 5)), np.full((12, 5), np.nan), np.zeros(12)])
def test_malformed_chroma(values):
    y = cadence(0, "major")
    bad = dataclasses.replace(chroma(y, SR), values=values)
    with pytest.raises(InvalidParameterError):
        estimate_key(y, SR, chroma=bad)


def test_bad_signal():
    with pytest.raises(InvalidParameterError):
        estimate_key(np.zeros((2, SR), np.float32), SR)


def _label(est) -> str:
    return f"{est.tonic} {est.mode}"


def _estimate_file(path) -> str:
    signal = load_signal(path)
    tuning = estimate_tuning(signal.samples, signal.sr)
    return _label(estimate_key(signal.samples, signal.sr, tuning_hz=tuning.a4_hz))


def _real_labels(shared_data):
    rows = (shared_data / "key" / "labels.tsv").read_text().splitlines()[1:]
    return [(shared_data / "key" / row.split("\t")[0], row.split("\t")[1]) for row in rows]


def _normalised(label: str) -> str:
    tonic, mode = label.split()
    return f"{PITCH_CLASSES[pitch_class_index(tonic)]} {mode}"


REAL_FILES = ["country.00000.wav", "Chopin_Op010-03-Measures1-8_Igoshina.wav",
              "Chopin_Op010-03-Measures1-8_Varsi.wav", "359500__mtg__sax-tenor-e-major.wav",
              "359628__mtg__sax-tenor-d-minor.wav"]


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(
        strict=True, reason="the 30 s GTZAN excerpt circles F# (bass on F# most of the time, "
                            "F# and C# major chords): we, librosa and Essentia all answer F#; the label "
                            "(A major) likely describes the whole song"))
    if name.startswith("country") else name
    for name in REAL_FILES])
def test_real_labels(shared_data, name):
    path, label = next((p, lab) for p, lab in _real_labels(shared_data) if p.name == name)
    assert _estimate_file(path) == _normalised(label)


def test_rendered_pieces_accuracy_floor(shared_data):
    """The reliable labels of synth/: mir_eval weighted score and exact matches."""
    scores, exact = [], 0
    for meta in sorted((shared_data / "synth").glob("*.json")):
        truth = json.loads(meta.read_text()).get("key")
        if not truth or not truth["reliable"]:
            continue
        estimate = _estimate_file(meta.with_suffix(".flac"))
        scores.append(mir_eval.key.weighted_score(truth["label"], estimate))
        exact += estimate == _normalised(truth["label"])
    assert len(scores) == 12
    assert exact >= 11  # measured: 11 of 12 (item_piano_01, F# major, read as C# major)
    assert np.mean(scores) >= 0.95
