"""The practice rendering, checked independently of the renderer.

Every note of a soloed part must be heard at its time and pitch (30 cents, 20 ms) at
several tempi and transpositions. The truth comes from the score's bars and its one tempo
mark (not from the schedule); onsets are found from the sound's envelope and pitches with
librosa's YIN, neither of which knows the renderer's events.
"""

from __future__ import annotations

import numpy as np
import pytest

from musicpractice.core.errors import InvalidParameterError
from musicpractice.score.load import load_score
from musicpractice.score.playback import PartMix, PlaybackSettings, schedule, tempo_scale_for_bpm
from musicpractice.score.render import render_schedule
from tests.heard_notes import heard_midi, heard_onsets

SR = 22_050


@pytest.fixture(scope="module")
def chorale(shared_data):
    return load_score(shared_data / "synth" / "item_chorale_00.musicxml")


@pytest.mark.parametrize("part, bpm, transpose, count_in", [
    ("Soprano", 100, 0, 0), ("Alto", 60, -3, 1), ("Tenor", 150, 5, 2), ("Bass", 40, 2, 0)])
def test_every_note_of_a_solo_part_sounds_at_its_time_and_pitch(chorale, part, bpm, transpose,
                                                                count_in):
    bars = (1, 3)
    settings = PlaybackSettings(
        tempo_scale=tempo_scale_for_bpm(chorale, bpm, bars=bars), transpose_semitones=transpose,
        bars=bars, count_in_bars=count_in, mix={part: PartMix(solo=True)})
    y = render_schedule(schedule(chorale, settings), sr=SR).mean(axis=1)

    # truth from the score: one tempo mark, 4/4 bars, quarters -> seconds at ``bpm``
    assert len(chorale.tempos) == 1
    first_bar = next(m for m in chorale.measures if m.number == bars[0])
    last_bar = next(m for m in chorale.measures if m.number == bars[1])
    q0, q1 = first_bar.start_quarter, last_bar.start_quarter + last_bar.duration_quarter
    notes = [n for n in chorale.notes if n.part == part and q0 <= n.onset_quarter < q1]
    beat_s = 60.0 / bpm
    lead_s = count_in * 4 * beat_s
    want_onsets = np.array([lead_s + (n.onset_quarter - q0) * beat_s for n in notes])
    # clicks of the count-in are not part of the solo: look after them
    got = heard_onsets(y[int((lead_s - 0.01) * SR) if lead_s else 0:], SR) + (
        (int((lead_s - 0.01) * SR) / SR) if lead_s else 0.0)
    assert len(got) == len(notes)
    np.testing.assert_allclose(got, want_onsets, atol=0.020)
    ends = np.append(got[1:], lead_s + (q1 - q0) * beat_s)
    for note, start, end in zip(notes, got, ends):
        assert heard_midi(y, SR, start, end) == pytest.approx(note.midi + transpose, abs=0.30)


def test_mixer_solo_mute_and_volume_change_what_sounds(chorale):
    bars = (1, 2)
    quiet = {p: PartMix(gain_db=-12.0) for p in chorale.parts}  # no limiting anywhere
    base = schedule(chorale, PlaybackSettings(bars=bars))
    loud = render_schedule(schedule(chorale, PlaybackSettings(
        bars=bars, mix={**quiet, "Alto": PartMix(gain_db=-6.0)})), sr=SR)
    solo = schedule(chorale, PlaybackSettings(
        bars=bars, mix={**quiet, "Alto": PartMix(gain_db=-12.0, solo=True)}))
    muted = schedule(chorale, PlaybackSettings(
        bars=bars, mix={**quiet, "Alto": PartMix(mute=True)}))
    assert {e.part for e in solo.notes} == {"Alto"}
    assert "Alto" not in {e.part for e in muted.notes}
    assert len(muted.notes) + len(solo.notes) == len(base.notes)
    alto_alone = render_schedule(solo, sr=SR)
    others = render_schedule(muted, sr=SR)
    # +6 dB on the alto: the mix minus the other parts is the alto at twice the amplitude
    np.testing.assert_allclose(loud - others, 2.0 * alto_alone, atol=2e-3)


def test_pan_moves_a_part_between_the_speakers(chorale):
    y = render_schedule(schedule(chorale, PlaybackSettings(
        bars=(1, 1), mix={"Bass": PartMix(solo=True, pan=-1.0)})), sr=SR)
    assert np.max(np.abs(y[:, 1])) < 1e-6 < np.max(np.abs(y[:, 0]))


def test_bad_settings_get_clear_messages(chorale):
    with pytest.raises(InvalidParameterError, match="40%"):
        PlaybackSettings(tempo_scale=0.3)
    with pytest.raises(InvalidParameterError, match="no part"):
        schedule(chorale, PlaybackSettings(mix={"Descant": PartMix()}))
    with pytest.raises(InvalidParameterError, match="not in the score"):
        schedule(chorale, PlaybackSettings(bars=(1, 400)))
    with pytest.raises(InvalidParameterError, match="Transpose"):
        PlaybackSettings(transpose_semitones=30)
