"""The practice rendering, checked independently of the renderer.

Every note of a soloed part must be heard at its time and pitch (30 cents, 20 ms) at
several tempi and transpositions. The truth comes from the score's bars and its one tempo
mark (not from the schedule); onsets are found from the sound's envelope and pitches with
librosa's YIN, neither of which knows the renderer's events.
"""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from musicpractice.audio.fluidsynth_render import fluidsynth_available
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


@pytest.mark.skipif(bool(fluidsynth_available()), reason="FluidSynth or a GM soundfont missing")
@pytest.mark.parametrize("part, transpose", [("Soprano", 0), ("Bass", 3)])
def test_general_midi_voices_play_every_note_at_its_time_and_pitch(chorale, part, transpose):
    sched = schedule(chorale, PlaybackSettings(bars=(1, 3), count_in_bars=1,
                                               transpose_semitones=transpose,
                                               mix={part: PartMix(solo=True)}))
    y = render_schedule(sched, sr=SR, voices="gm", timbres={part: "piano"}).mean(axis=1)
    # truth from the score (one tempo mark), onsets by librosa's spectral flux, backtracked
    q0 = next(m for m in chorale.measures if m.number == 1).start_quarter
    beat_s = 60.0 / chorale.tempos[0].bpm_quarter
    notes = [n for n in chorale.notes if n.part == part and q0 <= n.onset_quarter < q0 + 12]
    want = np.array([4 * beat_s + (n.onset_quarter - q0) * beat_s for n in notes])
    strength = librosa.onset.onset_strength(y=y, sr=SR, hop_length=64, n_fft=1024)
    got = librosa.onset.onset_detect(onset_envelope=strength, sr=SR, hop_length=64,
                                     units="time", backtrack=True)
    got = got[got > 4 * beat_s - 0.03]  # after the count-in clicks
    assert len(got) == len(notes)
    np.testing.assert_allclose(got, want, atol=0.020)
    ends = np.append(got[1:], sched.duration_s)
    for note, start, end in zip(notes, got, ends):
        assert heard_midi(y, SR, start, end) == pytest.approx(note.midi + transpose, abs=0.30)


def test_a_piano_score_is_practised_hand_by_hand(tmp_path):
    import music21

    score = music21.stream.Score()
    right, left = music21.stream.PartStaff(), music21.stream.PartStaff()
    for staff, pitches in ((right, ("E5", "D5", "C5", "D5")), (left, ("C3", "G3", "A3", "F3"))):
        staff.partName = "Piano"
        staff.append(music21.meter.TimeSignature("4/4"))
        staff.append(music21.tempo.MetronomeMark(number=90))
        for pitch in pitches:
            staff.append(music21.note.Note(pitch, quarterLength=1.0))
        score.insert(0, staff)
    score.insert(0, music21.layout.StaffGroup([right, left], symbol="brace"))
    path = tmp_path / "piano.musicxml"
    score.write("musicxml", fp=str(path))
    piano = load_score(path)
    assert piano.parts == ("Piano RH", "Piano LH")
    sched = schedule(piano, PlaybackSettings(mix={"Piano LH": PartMix(solo=True)}))
    assert [e.midi for e in sched.notes] == [48, 55, 57, 53]
    y = render_schedule(sched, sr=SR).mean(axis=1)
    beat_s = 60.0 / 90
    for k, midi in enumerate((48, 55, 57, 53)):
        assert heard_midi(y, SR, k * beat_s, (k + 1) * beat_s) == pytest.approx(midi, abs=0.3)
