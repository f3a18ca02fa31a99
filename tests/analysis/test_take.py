"""The whole take analysis on rendered phrases with known truth."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from musicpractice.analysis.take import analyze_file
from musicpractice.analysis.tuning import TuningEstimate, refine_with_notes
from tests.signals import SR, sung_phrase

C_MAJOR_PHRASE = (60, 62, 64, 65, 67, 69, 67, 65, 64, 62, 60, 67, 64, 60)


def analyse(tmp_path, y, name="take.wav"):
    path = tmp_path / name
    sf.write(path, y, SR)
    return analyze_file(path)


def test_vibrato_voice_gets_its_tuning_from_the_notes(tmp_path):
    a4 = 445.0  # +19.6 cents
    result = analyse(tmp_path, sung_phrase(C_MAJOR_PHRASE, a4_hz=a4, vibrato_cents=45.0))
    assert result.tuning.deviation_cents == pytest.approx(1200 * np.log2(a4 / 440), abs=3.0)
    assert result.tuning.confidence > 0.6
    assert not any("partials" in w for w in result.tuning.warnings)
    assert [n.midi for n in result.notes] == list(C_MAJOR_PHRASE)
    assert all(abs(n.cents) < 6 for n in result.notes)
    assert (result.key.tonic, result.key.mode) == ("C", "major")


def test_repeated_notes_sung_legato_are_separate_notes(tmp_path):
    tune = (62, 62, 69, 69, 71, 71, 69, 67, 67, 66, 66, 64, 64, 62)
    result = analyse(tmp_path, sung_phrase(tune, sounding=1.0, vibrato_cents=30.0))
    assert [n.midi for n in result.notes] == list(tune)


def test_refine_with_notes_shifts_by_the_weighted_median():
    unsure = TuningEstimate(440.0, 0.0, 0.2, ("The partials do not agree on a tuning.",))
    cents = np.array([12.0, 14.0, 15.0, 16.0, 18.0, 15.0, -40.0])
    refined = refine_with_notes(unsure, cents, np.ones_like(cents))
    assert refined.deviation_cents == pytest.approx(15.0)
    assert refined.a4_hz == pytest.approx(440 * 2 ** (15 / 1200))
    assert refined.confidence > 0.8 and refined.warnings == ()


def test_refine_with_notes_keeps_a_sure_or_unsupported_estimate():
    sure = TuningEstimate(432.0, -31.8, 0.9, ())
    assert refine_with_notes(sure, np.zeros(10), np.ones(10)) is sure
    unsure = TuningEstimate(440.0, 0.0, 0.2, ())
    assert refine_with_notes(unsure, [0.0, 1.0], [1.0, 1.0]) is unsure  # too few notes
    scattered = np.linspace(-49, 49, 20)
    assert refine_with_notes(unsure, scattered, np.ones(20)) is unsure


BASE = dict(bpm=80.0, level=0.05, sounding=0.95, brightness=0.75, attack_s=0.06)
TOWARD_HIGH_AROUSAL = {
    "faster": dict(bpm=132.0),
    "brighter": dict(brightness=0.95),
    "more staccato": dict(sounding=0.4),
}
TOWARD_LOW_AROUSAL = {
    "slower": dict(bpm=56.0),
    "duller": dict(brightness=0.3),
}


@pytest.fixture(scope="module")
def base_arousal(tmp_path_factory):
    y = sung_phrase(C_MAJOR_PHRASE, **BASE)
    return analyse(tmp_path_factory.mktemp("base"), y).character.arousal.value


@pytest.mark.parametrize("change", TOWARD_HIGH_AROUSAL)
def test_each_change_toward_energy_raises_arousal(tmp_path, base_arousal, change):
    y = sung_phrase(C_MAJOR_PHRASE, **{**BASE, **TOWARD_HIGH_AROUSAL[change]})
    assert analyse(tmp_path, y).character.arousal.value > base_arousal + 0.02


@pytest.mark.parametrize("change", TOWARD_LOW_AROUSAL)
def test_each_change_toward_calm_lowers_arousal(tmp_path, base_arousal, change):
    y = sung_phrase(C_MAJOR_PHRASE, **{**BASE, **TOWARD_LOW_AROUSAL[change]})
    assert analyse(tmp_path, y).character.arousal.value < base_arousal - 0.02


@pytest.mark.parametrize("level", [0.012, 0.2])
def test_the_microphone_gain_alone_does_not_move_arousal(tmp_path, base_arousal, level):
    # a take recorded 12 dB softer or louder is the same performance (issue 11)
    y = sung_phrase(C_MAJOR_PHRASE, **{**BASE, "level": level})
    assert analyse(tmp_path, y).character.arousal.value == pytest.approx(base_arousal, abs=1e-3)


def test_all_changes_together_read_as_high_versus_low_arousal(tmp_path):
    high = {k: v for change in TOWARD_HIGH_AROUSAL.values() for k, v in change.items()}
    low = {k: v for change in TOWARD_LOW_AROUSAL.values() for k, v in change.items()}
    energetic = analyse(tmp_path, sung_phrase(C_MAJOR_PHRASE, **{**BASE, **high}), "a.wav")
    calm = analyse(tmp_path, sung_phrase(C_MAJOR_PHRASE, **{**BASE, **low}), "b.wav")
    assert energetic.character.arousal.value > 0.2 > -0.2 > calm.character.arousal.value
    assert "suggest" in energetic.character.summary and "performer" in calm.character.summary


def test_silence_is_analysed_with_warnings_and_no_confidence(tmp_path):
    result = analyse(tmp_path, np.zeros(3 * SR, dtype=np.float32))
    assert result.warnings
    assert result.key.confidence == 0.0 and result.tuning.confidence == 0.0
    assert result.notes == ()
