"""alignment.pitch_standard: which alignments tell a historical pitch, and the key named
as written (analysis.key.written_at_standard)."""

from __future__ import annotations

import numpy as np
import pytest

from musicpractice.alignment.pitch_standard import heard_pitch_standard
from musicpractice.alignment.timemap import Alignment
from musicpractice.analysis.key import KeyCandidate, KeyEstimate, KeySegment, written_at_standard


def alignment(shift: int, cents: float, confidence: float = 0.8) -> Alignment:
    times = np.linspace(0.0, 10.0, 11)
    return Alignment("score", times, times, np.full(11, confidence, np.float32), confidence,
                     shift, cents)


@pytest.mark.parametrize("shift, cents, standard, a4", [
    (-1, 0.0, 415, 415.3), (-1, 12.0, 418, 418.2), (1, 0.0, 466, 466.2)])
def test_a_semitone_off_on_a_near_440_grid_is_a_pitch_standard(shift, cents, standard, a4):
    found = heard_pitch_standard(alignment(shift, cents))
    assert found.semitones == shift and found.standard_hz == standard
    assert found.a4_hz == pytest.approx(a4, abs=0.1)


@pytest.mark.parametrize("shift, cents, confidence", [
    (0, 0.0, 0.8),     # as written
    (-2, 0.0, 0.8),    # transposed, not a historical pitch
    (-1, 45.0, 0.8),   # a semitone low and out of tune by almost a quarter tone
    (-1, 0.0, 0.1),    # an alignment not to be believed
])
def test_other_alignments_tell_no_pitch_standard(shift, cents, confidence):
    assert heard_pitch_standard(alignment(shift, cents, confidence)) is None


def test_the_key_heard_is_named_as_written_with_how_it_sounds():
    heard = KeyEstimate("B", "major", 0.7, (KeyCandidate("B", "major", 0.9),
                                            KeyCandidate("Ab", "minor", 0.5)),
                        (KeySegment(0.0, 5.0, "B", "major", 0.7),
                         KeySegment(5.0, 9.0, "F#", "major", 0.6)), ("short",))
    written = written_at_standard(heard, semitones=-1, standard_hz=415)
    assert (written.tonic, written.mode) == ("C", "major")
    assert [c.tonic for c in written.alternatives] == ["C", "A"]
    assert [s.tonic for s in written.segments] == ["C", "G"]
    assert written.warnings == ("Sounds B major; at A = 415 Hz this is C major.", "short")
    assert written_at_standard(heard, semitones=0, standard_hz=440) is heard
    assert written_at_standard(heard, semitones=1, standard_hz=466).tonic == "Bb"
