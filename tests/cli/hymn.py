"""A one-part hymn written as MusicXML through music21, for the CLI tests of sung takes."""

from __future__ import annotations

import music21

from musicpractice.score import load_score
from tests.alignment.synth import random_melody


def write_hymn(folder, *, seed: int, n: int, bpm: float):
    """Write ``folder/hymn.musicxml``: a Soprano part of ``n`` quarter notes (a random
    melody of ``seed`` with no pitch repeated on the next note) at ``bpm``.

    Returns
    -------
    score_path : pathlib.Path
    notes : list of ScoreNote
        Its notes as loaded, in order.
    """
    part = music21.stream.Part()
    part.partName = "Soprano"
    part.append(music21.tempo.MetronomeMark(number=bpm))
    melody = random_melody(seed, n=n, low=62, high=74)
    for k in range(1, len(melody)):
        if melody[k] == melody[k - 1]:
            melody[k] -= 2
    for midi in melody:
        part.append(music21.note.Note(midi, quarterLength=1))
    score_path = folder / "hymn.musicxml"
    music21.stream.Score([part]).write("musicxml", fp=score_path)
    return score_path, sorted(load_score(score_path).notes, key=lambda n: n.onset_quarter)
