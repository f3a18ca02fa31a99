"""Build the bundled demo session ``resources/demo/Demo.mpsession`` with the session API.

Three takes, all synthetic or from ``resources/examples`` (free of any licence):

1. "Twinkle - reference": ``resources/examples/twinkle_voice.flac`` (a sung melody with
   vibrato and a final ritardando), role ``reference``.
2. "Twinkle - student": the same tune sung by a synthetic voice that drifts flat on the
   high notes, overshoots two leaps, hurries the last phrase and makes two real mistakes
   (known truth): a G for the first F# of bar 3 (wrong note) and nothing on beat 2 of bar 5
   (missing note), role ``student``.
3. "Arpeggios in G - piano": broken chords I-IV-V-I in G major on a plucked, decaying
   piano-like tone, getting louder then softer, role ``student``.

The score ``twinkle.musicxml`` (D major, 4/4, quarter = 80, six bars: the tune the takes
sing) is imported, so the comparison with the score works at first start.
Each take's analysis is computed and cached, so the demo opens at once.
Run: ``python resources/demo/build_demo.py`` (replaces the existing demo session).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

from musicpractice.analysis.take import analyze_file
from musicpractice.compare.model import compare_takes
from musicpractice.workspace.derived import ensure_analysis
from musicpractice.session.store import Session

SR = 22_050
HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
SCORE = HERE / "twinkle.musicxml"
TARGET = HERE / "Demo.mpsession"
TWINKLE = [(62, 1), (62, 1), (69, 1), (69, 1), (71, 1), (71, 1), (69, 2),
           (67, 1), (67, 1), (66, 1), (66, 1), (64, 1), (64, 1), (62, 2),
           (69, 1), (69, 1), (67, 1), (67, 1), (66, 1), (66, 1), (64, 2)]
# cents off per note of the student: flat on the high A/B, overshoots the leaps
STUDENT_CENTS = [0, 5, 35, 10, -30, -40, -20, 5, 0, -10, -5, 0, 10, 0,
                 30, 15, -10, -5, 0, -25, 5]
WRONG_NOTE = (9, 67)
"""The student's wrong note: index in TWINKLE (the first F#4 of bar 3) and what is sung (G4)."""
MISSING_NOTE = 15
"""The note the student leaves out (the second A4, bar 5 beat 2): silence in its place."""


def student_tune() -> list[tuple[int | None, float]]:
    """TWINKLE with the student's wrong note and missing note (None: a silent beat)."""
    tune = list(TWINKLE)
    index, midi = WRONG_NOTE
    tune[index] = (midi, tune[index][1])
    tune[MISSING_NOTE] = (None, tune[MISSING_NOTE][1])
    return tune


def sing(tune, cents, *, bpm: float, hurry_from: int, seed: int = 3) -> np.ndarray:
    """An additive voice with vibrato; notes from ``hurry_from`` on are 12 % faster; a note
    ``None`` is silence."""
    rng = np.random.default_rng(seed)
    pieces = [np.zeros(int(0.4 * SR))]
    for i, ((midi, beats), off) in enumerate(zip(tune, cents)):
        dur = beats * 60.0 / bpm * (0.88 if i >= hurry_from else 1.0) * (1 + 0.04 * rng.standard_normal())
        t = np.arange(int(dur * SR)) / SR
        if midi is None:
            pieces.append(np.zeros(len(t)))
            continue
        vib = 25.0 * np.minimum(1, t / 0.3) * np.sin(2 * np.pi * 5.2 * t)
        f = 440.0 * 2 ** ((midi - 69 + (off + vib) / 100) / 12)
        phase = 2 * np.pi * np.cumsum(f) / SR
        note = sum(0.55 ** k * np.sin((k + 1) * phase) for k in range(8))
        env = np.minimum(1, t / 0.05) * np.minimum(1, (t[-1] - t) / 0.06)
        pieces.append(0.25 * note * env)
    pieces.append(np.zeros(int(0.5 * SR)))
    y = np.concatenate(pieces)
    return (y + 0.002 * rng.standard_normal(len(y))).astype(np.float32)


def piano_arpeggios(*, bpm: float = 100.0) -> np.ndarray:
    """Broken chords I-IV-V-I in G major, four times, with a crescendo and diminuendo."""
    chords = [(55, 59, 62, 67), (60, 64, 67, 72), (62, 66, 69, 74), (55, 59, 62, 67)]
    step = 60.0 / bpm / 2  # eighth notes
    notes = [m for _ in range(2) for chord in chords for m in (*chord, chord[2], chord[1])]
    n = int((len(notes) * step + 2.0) * SR)
    y = np.zeros(n)
    t = np.arange(int(1.5 * SR)) / SR
    for i, midi in enumerate(notes):
        f = 440.0 * 2 ** ((midi - 69) / 12)
        tone = sum(np.exp(-t * (1.5 + 1.2 * k)) * np.sin(2 * np.pi * f * (k + 1) * t) / (k + 1)
                   for k in range(6))
        gain = 0.25 + 0.35 * np.sin(np.pi * i / len(notes))
        start = int(i * step * SR)
        y[start: start + len(t)] += gain * tone * np.minimum(1, t / 0.004)
    return (0.5 * y / np.max(np.abs(y))).astype(np.float32)


def build(target: Path = TARGET) -> Path:
    """Write the demo session to ``target`` (replacing it)."""
    if target.exists():
        shutil.rmtree(target)
    with tempfile.TemporaryDirectory() as tmp:
        student = Path(tmp) / "twinkle_student.wav"
        sf.write(student, sing(student_tune(), STUDENT_CENTS, bpm=80.0, hurry_from=14), SR)
        piano = Path(tmp) / "arpeggios_g.wav"
        sf.write(piano, piano_arpeggios(), SR)
        with Session.create(target, title="Demo session") as session:
            takes = [
                session.import_audio(EXAMPLES / "twinkle_voice.flac", title="Twinkle - reference",
                                     performer="Teacher", role="reference", date="2026-11-20",
                                     piece="Twinkle, Twinkle, Little Star",
                                     notes="Sung by the teacher as a model: listen for the vibrato "
                                           "and the slowing down at the end."),
                session.import_audio(student, title="Twinkle - student", performer="Alex",
                                     role="student", date="2026-11-21",
                                     piece="Twinkle, Twinkle, Little Star",
                                     notes="Aim the high A and B from above; F# in bar 3 "
                                           "(not G), both As in bar 5; keep the last phrase "
                                           "at the same tempo."),
                session.import_audio(piano, title="Arpeggios in G - piano", performer="Alex",
                                     role="student", date="2026-11-21", piece="Broken chords",
                                     notes="Even eighths; shape the crescendo to the top."),
            ]
            score = session.import_score(SCORE, title="Twinkle, Twinkle, Little Star")
            for take in takes:
                ensure_analysis(session, take.id, voice="wide", analyze=analyze_file)
            # the sung takes' alignments to the score are cached too (the comparison is quick)
            compare_takes(session, score.id, [takes[1].id, takes[0].id], part="Voice")
    (target / ".lock").unlink(missing_ok=True)
    return target


if __name__ == "__main__":
    print(build())
