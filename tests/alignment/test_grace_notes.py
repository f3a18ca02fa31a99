"""A grace note sung as written is no extra note: the score keeps its grace notes
(``Score.ornaments``, not checked: no written length), and a sung note at a grace note's
pitch where it is written is that ornament. The same take against the score without the
grace note reports it as an extra note, so the test can fail."""

from __future__ import annotations

from dataclasses import replace

import music21
import pytest

from musicpractice.alignment import align_to_score, compare_with_score
from musicpractice.score import load_score
from musicpractice.score.model import ScoreNote
from tests.alignment.sung import sing
from tests.alignment.synth import SR, random_melody

BEFORE = 9
"""The grace note leads into note BEFORE + 1 and is sung at the end of note BEFORE."""
GRACE_QUARTERS = 0.4


def _score(folder, melody, *, grace_midi: int | None):
    part = music21.stream.Part()
    part.partName = "Soprano"
    part.append(music21.tempo.MetronomeMark(number=60))
    for k, midi in enumerate(melody):
        if grace_midi is not None and k == BEFORE + 1:
            part.append(music21.note.Note(grace_midi).getGrace())
        part.append(music21.note.Note(midi, quarterLength=1))
    path = folder / f"{'grace' if grace_midi else 'plain'}.musicxml"
    music21.stream.Score([part]).write("musicxml", fp=path)
    return load_score(path)


@pytest.fixture(scope="module")
def sung(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grace")
    melody = random_melody(5, n=20, low=62, high=72)
    for k in range(1, len(melody)):
        if melody[k] == melody[k - 1]:
            melody[k] -= 2
    grace_midi = max(melody[BEFORE], melody[BEFORE + 1]) + 3
    graced = _score(folder, melody, grace_midi=grace_midi)
    plain = _score(folder, melody, grace_midi=None)
    notes = sorted(plain.notes, key=lambda n: n.onset_quarter)
    held = notes[BEFORE]
    performed = (notes[:BEFORE] + [replace(held, duration_quarter=1 - GRACE_QUARTERS),
                                   ScoreNote(part=held.part, voice=1, midi=grace_midi,
                                             onset_quarter=held.onset_quarter + 1 - GRACE_QUARTERS,
                                             duration_quarter=GRACE_QUARTERS,
                                             measure=held.measure, beat=held.beat)]
                 + notes[BEFORE + 1:])
    take, onsets, _ = sing(performed, seconds_per_quarter=1.0)
    grace_s = onsets[(BEFORE + 1, 0)]
    return take, graced, plain, grace_midi, grace_s


def _extras_near(take, score, midi, at_s):
    comparison = compare_with_score(take, SR, score, align_to_score(take, SR, score,
                                                                    part="Soprano"),
                                    part="Soprano")
    return comparison, [e for e in comparison.extra_notes
                        if abs(e.take_onset_s - at_s) < 0.3 and abs(e.midi - midi) <= 1]


def test_a_grace_note_sung_as_written_is_no_extra_note(sung):
    take, graced, plain, grace_midi, grace_s = sung
    assert [(o.midi, o.duration_quarter) for o in graced.ornaments] == [(grace_midi, 0.0)]
    comparison, near = _extras_near(take, graced, grace_midi, grace_s)
    assert near == []
    assert sum(n.status == "ok" for n in comparison.notes) >= 18
    _, near_without = _extras_near(take, plain, grace_midi, grace_s)
    assert len(near_without) == 1  # the same note against a score without the ornament
