"""Accuracy floors on real annotated recordings in ../shared/data (skipped when absent).

Measured (benchmarks/align_bench.py): Schubert take-to-take 83 % of barlines within
50 ms and 96 % within 100 ms; the floors leave a little room.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from musicpractice.alignment import align_takes, align_to_score, compare_with_score
from musicpractice.alignment.align import LOW_CONFIDENCE
from musicpractice.audio.io import load_signal
from musicpractice.score import load_score


def barlines(path):
    return np.loadtxt(path, delimiter=";", skiprows=1, usecols=0)


@pytest.mark.slow
def test_schubert_takes_barline_floor(shared_data):
    folder = shared_data / "alignment"
    a = load_signal(folder / "Schubert_D911-01_HU33.flac")
    b = load_signal(folder / "Schubert_D911-01_SC06.flac")
    alignment = align_takes(a.samples, b.samples, a.sr)
    errors = np.abs(alignment.take_at(barlines(folder / "Schubert_D911-01_SC06.csv"))
                    - barlines(folder / "Schubert_D911-01_HU33.csv"))
    assert np.mean(errors <= 0.1) >= 0.92
    assert np.mean(errors <= 0.05) >= 0.78
    assert alignment.overall_confidence > 0.5


def test_rendered_mono_voice_against_its_score(shared_data):
    synth = shared_data / "synth"
    truth = json.loads((synth / "item_mono_00_voice.json").read_text())
    score = load_score(synth / "item_mono_00.musicxml")
    take = load_signal(synth / "item_mono_00_voice.flac")
    alignment = align_to_score(take.samples, take.sr, score)
    q = np.array(truth["notes"]["q"])
    errors = np.abs(alignment.take_at(q) - np.array(truth["notes"]["onset"]))
    assert np.mean(errors <= 0.05) >= 0.85
    comparison = compare_with_score(take.samples, take.sr, score, alignment, part=score.parts[0])
    assert sum(n.status == "ok" for n in comparison.notes) >= 0.75 * len(comparison.notes)


def test_rendered_piano_notes_land_on_their_onsets(shared_data):
    """A FluidSynth piano rendering under a known tempo curve (measured: 96 % of notes
    within 50 ms)."""
    synth = shared_data / "synth"
    truth = json.loads((synth / "item_piano_00.json").read_text())
    score = load_score(synth / "item_piano_00.musicxml")
    take = load_signal(synth / "item_piano_00.flac")
    alignment = align_to_score(take.samples, take.sr, score)
    errors = np.abs(alignment.take_at(np.array(truth["notes"]["q"]))
                    - np.array(truth["notes"]["onset"]))
    assert np.mean(errors <= 0.05) >= 0.93


@pytest.mark.parametrize("who", ["Igoshina", "Varsi"])
def test_chopin_recordings_start_where_the_score_starts(shared_data, who):
    """The first note lands where the recording's sound rises out of its hiss (about
    0.47 s and 0.53 s: read off the frame energies), the wrong piece gets a low
    confidence and the right one no warning."""
    folder = shared_data / "alignment"
    take = load_signal(folder / f"Chopin_Op010-03-Measures1-8_{who}.wav")
    chopin = load_score(folder / "Chopin_Op010-03-Measures1-8_MIDI.mid")
    mozart = load_score(folder / "vienna4x22" / "musicxml" / "Mozart_K331_1st-mov.musicxml")
    alignment = align_to_score(take.samples, take.sr, chopin)
    first = min(n.onset_quarter for n in chopin.notes)
    assert alignment.take_at(first) == pytest.approx({"Igoshina": 0.47, "Varsi": 0.53}[who],
                                                     abs=0.05)
    assert alignment.overall_confidence > LOW_CONFIDENCE
    assert align_to_score(take.samples, take.sr, mozart).overall_confidence < 0.15
