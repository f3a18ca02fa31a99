"""The vowel-like singing voice: notes at their pitch (to the cent, vibrato averaged out),
silent where nothing is sung, reproducible, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from musicpractice.analysis.melody import track_melody
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.pitch import hz_to_midi
from musicpractice.score.render_voice import VoiceNote, render_voice

SR = 22_050


def test_each_note_sounds_at_its_pitch_and_rests_are_silent():
    notes = [VoiceNote(0.3, 0.9, 67.0), VoiceNote(0.92, 1.5, 69.3), VoiceNote(2.0, 2.6, 64.0 - 0.5)]
    y = render_voice(notes, sr=SR, vibrato_cents=35.0, seed=3)
    track = track_melody(y, SR, fmin_hz=200.0, fmax_hz=600.0)
    for note in notes:
        inside = ((track.times_s > note.onset_s + 0.15) & (track.times_s < note.offset_s - 0.05)
                  & (track.f0_hz > 0))
        sung = hz_to_midi(track.f0_hz[inside])
        assert inside.sum() >= 20
        assert np.mean(sung) == pytest.approx(note.midi, abs=0.12)
        assert 0.1 < np.std(sung) < 0.45  # vibrato of about 35 cents
    rest = (track.times_s > 1.6) & (track.times_s < 1.9)
    assert not np.any(track.f0_hz[rest] > 0)
    assert np.max(np.abs(y[int(1.6 * SR):int(1.9 * SR)])) < 0.01


def test_same_seed_same_audio_and_bad_input_is_refused():
    notes = [VoiceNote(0.1, 0.5, 60.0)]
    assert np.array_equal(render_voice(notes, sr=SR, seed=1), render_voice(notes, sr=SR, seed=1))
    with pytest.raises(InvalidParameterError, match="Unknown vowel"):
        render_voice(notes, sr=SR, vowel="x")
    with pytest.raises(InvalidParameterError, match="no notes"):
        render_voice([], sr=SR)
