"""Historical pitch (issue 11, item 7): a take at A = 415 Hz is named as written.

The audio alone cannot tell C major at A = 415 Hz from B major at A = 440 Hz; when the
user gives the pitch standard, the written key is the first answer and the key says what
it sounds like.
"""

from __future__ import annotations

import pytest
import soundfile as sf

from musicpractice.analysis.take import analyze_file
from musicpractice.analysis.tuning import TuningEstimate, at_pitch_standard
from musicpractice.core.errors import InvalidParameterError
from tests.signals import SR, sung_phrase

C_MAJOR_PHRASE = (60, 62, 64, 65, 67, 69, 67, 65, 64, 62, 60, 67, 64, 60)
BAROQUE_A4_HZ = 440.0 * 2 ** (-1 / 12)  # 415.3 Hz


@pytest.fixture(scope="module")
def baroque_take(tmp_path_factory):
    path = tmp_path_factory.mktemp("baroque") / "take.wav"
    sf.write(path, sung_phrase(C_MAJOR_PHRASE, a4_hz=BAROQUE_A4_HZ), SR)
    return path


def test_at_a_415_the_written_key_comes_first(baroque_take):
    written = analyze_file(baroque_take, pitch_standard_hz=415.0)
    assert (written.key.tonic, written.key.mode) == ("C", "major")
    assert written.key.warnings[0] == "Sounds B major; at A = 415 Hz this is C major."
    assert written.tuning.a4_hz == pytest.approx(BAROQUE_A4_HZ, abs=1.0)
    assert [n.midi for n in written.notes] == list(C_MAJOR_PHRASE)


def test_without_a_standard_the_sounding_key_is_given(baroque_take):
    sounding = analyze_file(baroque_take)
    assert (sounding.key.tonic, sounding.key.mode) == ("B", "major")
    assert [n.midi for n in sounding.notes] == [m - 1 for m in C_MAJOR_PHRASE]
    assert not any("Sounds" in w for w in sounding.key.warnings)


def test_a_standard_near_440_changes_nothing():
    estimate = TuningEstimate(441.0, 3.9, 0.9, ())
    assert at_pitch_standard(estimate, standard_a4_hz=442.0) is estimate
    high = at_pitch_standard(estimate, standard_a4_hz=466.0)
    assert high.a4_hz == pytest.approx(441.0 * 2 ** (1 / 12))
    assert high.deviation_cents == pytest.approx(103.9)


@pytest.mark.parametrize("bad", [300.0, 520.0, float("nan")])
def test_an_unusable_standard_gets_a_clear_message(bad):
    with pytest.raises(InvalidParameterError, match="pitch standard"):
        at_pitch_standard(TuningEstimate(440.0, 0.0, 1.0, ()), standard_a4_hz=bad)
