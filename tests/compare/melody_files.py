"""A synthetic sung melody with known mistakes, written as a score and a take."""

from __future__ import annotations

from pathlib import Path

import music21
import soundfile as sf

from musicpractice.score import load_score
from tests.alignment.synth import SR, render, tempo_curve

PITCHES = [60, 62, 64, 65, 67, 65, 64, 62, 60, 64, 67, 72, 71, 69, 67, 65, 64, 62, 60, 62]
BPM = 100.0
SHARP = 5
"""Index of the note sung a semitone sharp (bar 2)."""
SILENT = 10
"""Index of the note left out (bar 3)."""


def write_melody(folder: Path, *, speed: float = 1.0, mistakes: bool = True,
                 name: str = "take.wav") -> tuple[Path, Path]:
    """Write ``melody.musicxml`` (part "Alto", 4/4 at 100 BPM) and a take ``name``: the
    melody at ``speed`` times the marked tempo; with ``mistakes``, note SHARP is sung 100
    cents sharp and note SILENT is left out."""
    part = music21.stream.Part()
    part.partName = "Alto"
    part.append(music21.tempo.MetronomeMark(number=BPM))
    part.append(music21.meter.TimeSignature("4/4"))
    for midi in PITCHES:
        part.append(music21.note.Note(midi, quarterLength=1))
    score_path = folder / "melody.musicxml"
    music21.stream.Score([part]).write("musicxml", fp=score_path)
    score = load_score(score_path)
    y = render(score.notes, tempo_curve(score, start_s=0.5, wobble=0.0, speed=speed),
               cents={SHARP: 100.0} if mistakes else None, skip={SILENT} if mistakes else None)
    take_path = folder / name
    sf.write(take_path, y, SR)
    return score_path, take_path
