"""Notes, intonation and vibrato from pitch tracks of synthetic signals with exact truth."""

from __future__ import annotations

import math

import numpy as np
import pytest

from musicpractice.analysis.melody import track_melody
from musicpractice.analysis.notes import segment_notes, vibrato
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.pitch import midi_to_hz
from tests.signals import SR, harmonic_tone


def _notes(freq_hz, duration_s, **kwargs):
    return segment_notes(track_melody(harmonic_tone(freq_hz, duration_s), SR), **kwargs)


def _vibrato_hz(centre_hz, rate_hz, extent_cents, duration_s):
    t = np.arange(int(round(duration_s * SR))) / SR
    return centre_hz * 2.0 ** (extent_cents / 1200.0 * np.sin(2 * np.pi * rate_hz * t))


@pytest.mark.parametrize("cents", [-35.0, -12.0, 0.0, 18.0, 42.0])
def test_sharp_or_flat_tone_reports_its_cents(cents):
    (note,) = _notes(midi_to_hz(69) * 2 ** (cents / 1200), 1.0)
    assert note.midi == 69
    assert abs(note.cents - cents) < 2.0
    assert math.isnan(note.vibrato_rate_hz) and math.isnan(note.vibrato_extent_cents)
    assert note.confidence > 0.8


def test_cents_follow_the_tuning_reference():
    track = track_melody(harmonic_tone(432.0, 1.0), SR, tuning_hz=432.0)
    (note,) = segment_notes(track)
    assert note.midi == 69 and abs(note.cents) < 2.0
    (at_440,) = segment_notes(track, tuning_hz=440.0)
    assert at_440.midi == 69 and abs(at_440.cents - 1200 * math.log2(432 / 440)) < 2.0


@pytest.mark.parametrize("gap_s", [0.0, 0.1])
def test_scale_gives_its_notes_and_onsets(gap_s):
    midis = [60, 62, 64, 65, 67, 69, 71, 72]
    note_s = 0.35
    pieces, onsets = [], []
    t = 0.2
    pieces.append(np.zeros(int(0.2 * SR), dtype=np.float32))
    freqs = []
    for m in midis:
        onsets.append(t)
        freqs.append(np.full(int(round(note_s * SR)), midi_to_hz(m)))
        if gap_s:
            freqs.append(np.zeros(int(round(gap_s * SR))))
        t += note_s + gap_s
    f = np.concatenate(freqs)
    tone = harmonic_tone(np.where(f > 0, f, 100.0), f.size / SR) * (f > 0)
    y = np.concatenate([pieces[0], tone, np.zeros(int(0.2 * SR), dtype=np.float32)])
    notes = segment_notes(track_melody(y, SR))
    assert [n.midi for n in notes] == midis
    np.testing.assert_allclose([n.onset_s for n in notes], onsets, atol=0.03)
    assert all(abs(n.cents) < 3 for n in notes)
    assert all(a.offset_s <= b.onset_s + 1e-9 for a, b in zip(notes, notes[1:]))


@pytest.mark.parametrize("rate_hz, extent_cents", [(5.5, 40.0), (4.5, 25.0), (7.0, 60.0)])
def test_vibrato_rate_and_extent(rate_hz, extent_cents):
    notes = _notes(_vibrato_hz(330.0, rate_hz, extent_cents, 2.0), 2.0)
    assert len(notes) == 1
    (note,) = notes
    assert note.midi == 64
    assert abs(note.vibrato_rate_hz - rate_hz) < 0.15
    assert abs(note.vibrato_extent_cents - extent_cents) < 0.1 * extent_cents
    assert abs(note.cents - 1200 * math.log2(330.0 / midi_to_hz(64))) < 5.0


def test_wide_vibrato_stays_one_note():
    notes = _notes(_vibrato_hz(midi_to_hz(67), 5.0, 50.0, 2.5), 2.5)
    assert [n.midi for n in notes] == [67]


def test_glide_between_two_notes_gives_two_notes():
    a, b = midi_to_hz(57), midi_to_hz(64)
    glide = np.exp(np.linspace(math.log(a), math.log(b), int(0.15 * SR)))
    f = np.concatenate([np.full(SR, a), glide, np.full(SR, b)])
    notes = _notes(f, f.size / SR)
    assert [n.midi for n in notes] == [57, 64]
    assert abs(notes[1].onset_s - 1.075) < 0.1


def test_vibrato_function_directly():
    hop_s = 0.01
    t = np.arange(100) * hop_s
    rate, extent = vibrato(30.0 * np.sin(2 * np.pi * 6.0 * t) + 5.0 * t, hop_s=hop_s)
    assert abs(rate - 6.0) < 0.1 and abs(extent - 30.0) < 1.0
    flat_rate, flat_extent = vibrato(np.full(100, 7.0), hop_s=hop_s)
    assert math.isnan(flat_rate) and math.isnan(flat_extent)
    short = vibrato(30.0 * np.sin(2 * np.pi * 6.0 * t[:20]), hop_s=hop_s)
    assert all(math.isnan(v) for v in short)


def test_silence_has_no_notes():
    track = track_melody(np.zeros(SR, dtype=np.float32), SR)
    assert segment_notes(track) == ()


def test_short_blip_is_not_a_note():
    y = np.zeros(SR, dtype=np.float32)
    blip = harmonic_tone(300.0, 0.03)
    y[SR // 2:SR // 2 + blip.size] = blip
    assert segment_notes(track_melody(y, SR)) == ()


@pytest.mark.parametrize("kwargs, match", [
    ({"tuning_hz": 1000.0}, "tuning"),
    ({"min_note_s": 0.0}, "shortest note"),
    ({"min_note_s": 5.0}, "shortest note"),
    ({"min_note_s": "long"}, "shortest note"),
    ({"tuning_hz": "A"}, "tuning"),
])
def test_bad_note_parameters(kwargs, match):
    track = track_melody(harmonic_tone(220.0, 0.5), SR)
    with pytest.raises(InvalidParameterError, match=match):
        segment_notes(track, **kwargs)


def test_vibrato_note_cents_are_the_centre_not_a_part_cycle_median():
    # 0.63 s at 5.5 Hz = 3.5 cycles: the median leans toward the extra half cycle
    true_cents = 12.0
    f = midi_to_hz(69) * 2 ** (true_cents / 1200) * 2 ** (
        45 * np.sin(2 * np.pi * 5.5 * np.arange(int(0.63 * SR)) / SR) / 1200)
    (note,) = _notes(f, f.size / SR)
    assert note.midi == 69 and abs(note.cents - true_cents) < 4.0


def test_repeated_pitch_is_cut_only_at_given_attacks():
    tone = harmonic_tone(midi_to_hz(62), 1.5)
    track = track_melody(tone, SR)
    assert len(segment_notes(track)) == 1
    notes = segment_notes(track, onsets_s=[0.5, 1.0, 1.47])  # the last is too near the end
    assert [n.midi for n in notes] == [62, 62, 62]
    np.testing.assert_allclose([n.onset_s for n in notes[1:]], [0.5, 1.0], atol=0.011)
