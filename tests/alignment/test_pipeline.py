"""alignment.pipeline: one load -> align -> compare for files and decoded takes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import soundfile as sf

from musicpractice.alignment.pipeline import align_file, align_signal, is_score_file
from musicpractice.audio.io import load_signal
from musicpractice.core.errors import InvalidParameterError
from musicpractice.score.export import melody_musicxml
from tests.alignment.synth import SR, melody_score, random_melody, render, tempo_curve


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A 24-note melody as a MusicXML score, a take of it starting at 0.5 s with known
    rubato, and a second take 1.25 times faster."""
    folder = tmp_path_factory.mktemp("pipeline")
    score = melody_score(random_melody(4, n=24, low=60, high=72), bpm=100.0)
    score_path = folder / "melody.musicxml"
    seconds = 60.0 / 100.0
    score_path.write_bytes(melody_musicxml([n.onset_quarter * seconds for n in score.notes],
                                           [(n.onset_quarter + 1) * seconds for n in score.notes],
                                           [n.midi for n in score.notes], tempo_bpm=100.0,
                                           title="melody"))
    time_of = tempo_curve(score, start_s=0.5)
    take, other = folder / "take.wav", folder / "faster.wav"
    sf.write(take, render(score.notes, time_of), SR)
    sf.write(other, render(score.notes, tempo_curve(score, start_s=0.5, speed=1.25)), SR)
    return score, score_path, take, other, time_of


def test_a_take_follows_its_score_file(files):
    score, score_path, take, _, time_of = files
    result = align_file(take, score_path)
    assert result.alignment.reference_kind == "score" and result.part is None
    # every note's aligned onset within 60 ms of where it was rendered
    q = np.array([n.onset_quarter for n in score.notes])
    assert np.max(np.abs(result.alignment.take_at(q) - time_of(q))) < 0.06
    assert len(result.comparison.notes) == len(score.notes)
    assert align_file(take, score_path, compare=False).comparison is None


def test_a_take_follows_another_take(files):
    _, _, take, other, _ = files
    result = align_file(take, other)
    assert result.alignment.reference_kind == "audio" and result.comparison is None
    # the reference plays 1.25 times faster: its span is 0.8 times the take's (the 0.5 s
    # lead-in of both is silence)
    take_span = np.diff(result.alignment.take_span_s)[0]
    ref_span = np.diff(result.alignment.ref_span)[0]
    assert ref_span / take_span == pytest.approx(0.8, abs=0.05)


def test_bad_requests_are_explained(files):
    _, score_path, take, other, _ = files
    assert is_score_file(score_path) and is_score_file("a.MSCZ") and not is_score_file(take)
    with pytest.raises(InvalidParameterError, match="need a score"):
        align_file(take, other, part="Voice")
    signal = load_signal(take)
    slower = dataclasses.replace(load_signal(other), sr=16_000)
    with pytest.raises(InvalidParameterError, match="one sample rate"):
        align_signal(signal, slower)
    with pytest.raises(InvalidParameterError, match="only when the reference is a score"):
        align_signal(signal, load_signal(other), bars=(1, 2))
