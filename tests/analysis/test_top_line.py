"""A piano take's melody is its top line, never the bass (issue 11, item 6)."""

from __future__ import annotations

import json

import mir_eval
import numpy as np
import pytest

from musicpractice.analysis.take import analyze_file
from musicpractice.analysis.top_line import top_line
from musicpractice.audio.io import load_signal
from tests.signals import SR, piano_note

MELODY = (72, 74, 76, 77, 79, 77, 76, 74, 72, 71, 72, 76)
BASS = (48, 43, 45, 41)


def note_f(reference: np.ndarray, notes) -> float:
    """mir_eval note onset F-measure (50 ms, 50 cents, offsets ignored)."""
    est = np.array([(n.onset_s, max(n.offset_s, n.onset_s + 0.01), n.midi) for n in notes],
                   dtype=float).reshape(-1, 3)
    if len(est) == 0:
        return 0.0
    return mir_eval.transcription.precision_recall_f1_overlap(
        reference[:, :2], 440 * 2 ** ((reference[:, 2] - 69) / 12), est[:, :2],
        440 * 2 ** ((est[:, 2] - 69) / 12), onset_tolerance=0.05, offset_ratio=None)[2]


def melody_over_loud_bass() -> tuple[np.ndarray, np.ndarray]:
    """A melody in quarters at 100 BPM, a bass as loud every half note and soft inner
    notes on the off-beats; returns (signal, melody rows onset/offset/midi)."""
    beat = 0.6
    y = np.zeros(int((len(MELODY) * beat + 1.5) * SR))
    rows = []
    for i, midi in enumerate(MELODY):
        t0 = 0.3 + i * beat
        rows.append((t0, t0 + beat, midi))
        for at, sound in ((t0, piano_note(midi, beat, 0.25)),
                          (t0 + beat / 2, piano_note(midi - 8, beat / 2, 0.12))):
            start = int(at * SR)
            y[start:start + len(sound)] += sound[: len(y) - start]
        if i % 2 == 0:
            bass = piano_note(BASS[(i // 2) % 4], 2 * beat, 0.25)
            start = int(t0 * SR)
            y[start:start + len(bass)] += bass[: len(y) - start]
    return (0.5 * y / np.max(np.abs(y))).astype(np.float32), np.array(rows, dtype=float)


def test_the_top_line_is_the_melody_over_the_bass():
    y, rows = melody_over_loud_bass()
    line = top_line(y, SR)
    assert line.has_line
    assert note_f(rows, line.notes) >= 0.9
    assert min(n.midi for n in line.notes) > max(BASS)


def test_a_piano_take_analysis_gives_the_top_line(shared_data):
    item = "item_piano_01"
    truth = json.loads((shared_data / "synth" / f"{item}.json").read_text())["notes"]
    pitch, part = np.asarray(truth["pitch"]), np.asarray(truth["part"])
    analysis = analyze_file(shared_data / "synth" / f"{item}.flac")
    assert analysis.melody.polyphonic
    played = np.array([n.midi for n in analysis.notes])
    # the notes lie in the upper part's register, not the bass's
    assert abs(np.median(played) - np.median(pitch[part == 0])) <= 5
    assert np.median(played) > np.median(pitch[part == part.max()]) + 12


def test_silence_has_no_single_line():
    line = top_line(np.zeros(2 * SR, dtype=np.float32), SR)
    assert not line.has_line and line.notes == ()


@pytest.mark.parametrize("item, floor", [("item_piano_00", 0.45), ("item_piano_02", 0.4)])
def test_rendered_piano_pieces_top_line_follows_the_upper_part(shared_data, item, floor):
    """Rendered four-part piano pieces: the top line against the upper part's notes
    (the single-pitch tracker scored 0.11 and 0.0 there, its notes mostly in the bass)."""
    truth = json.loads((shared_data / "synth" / f"{item}.json").read_text())["notes"]
    onset, offset, pitch, part = (np.asarray(truth[k], dtype=float)
                                  for k in ("onset", "offset", "pitch", "part"))
    upper = np.c_[onset, offset, pitch][part == 0]
    signal = load_signal(shared_data / "synth" / f"{item}.flac")
    line = top_line(signal.samples, signal.sr)
    assert note_f(upper, line.notes) >= floor
    below = [n.midi < pitch[(onset <= n.onset_s + 0.05) & (offset > n.onset_s)].min()
             for n in line.notes if np.any((onset <= n.onset_s + 0.05) & (offset > n.onset_s))]
    assert np.mean(below) <= 0.05  # never the bass
