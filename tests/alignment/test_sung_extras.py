"""Extra notes of a sung part (issue 10, items 3 and 6), on sung takes with exact truth: a
scoop into a note is the way into it, not an extra note; another part the pitch tracker
followed for a moment inside a mix is not the singer's extra note; an extra note really
sung, alone or inside a mix, is reported at its time and pitch."""

from __future__ import annotations

import numpy as np
import pytest

from musicpractice.alignment import align_to_score, compare_with_score
from musicpractice.alignment.mix_evidence import PartEvidence
from musicpractice.alignment.mix_extras import extras_in_mix
from musicpractice.alignment.note_check import SURE
from musicpractice.alignment.note_placement import ExtraVerdict
from musicpractice.analysis.notes import Note
from musicpractice.core.pitch import midi_to_hz
from musicpractice.score.render_voice import VoiceNote, render_voice
from tests.alignment.sung import sing
from tests.alignment.synth import SR, melody_score

MELODY = [62, 65, 64, 67, 69, 67, 65, 64, 62, 64, 65, 69, 67, 65, 64, 62]
SCOOPED = (3, 7, 11)
"""Notes the singer scoops into after a breath: a quarter of a second 60 cents under, then
up into the note (a real singer's scoop: vocadito_1's last note, 0.25 s about 50-60 cents
under, after a breath)."""
SCOOP_S, SCOOP_CENTS, BREATH_S = 0.25, -60.0, 0.12
EXTRA_AFTER, EXTRA_STEP = 5, 4
"""After the first half of this note the singer sings a note this many semitones above."""
SECONDS_PER_QUARTER = 0.75


def _scooped_take():
    """(take, score, notes, scoop onsets s, (extra onset s, extra midi))."""
    score = melody_score(MELODY, bpm=60.0 / SECONDS_PER_QUARTER)
    notes = sorted(score.part_notes("Voice"), key=lambda n: n.onset_quarter)
    voice, scoops, extra = [], [], None
    for k, n in enumerate(notes):
        on = 0.6 + n.onset_quarter * SECONDS_PER_QUARTER
        off = on + n.duration_quarter * SECONDS_PER_QUARTER - (
            BREATH_S if k + 1 in SCOOPED else 0.03)
        if k in SCOOPED:
            voice.append(VoiceNote(on, on + SCOOP_S, n.midi + SCOOP_CENTS / 100.0))
            voice.append(VoiceNote(on + SCOOP_S, off, float(n.midi)))
            scoops.append(on)
        elif k == EXTRA_AFTER:
            middle = on + 0.5 * (off - on)
            voice.append(VoiceNote(on, middle, float(n.midi)))
            voice.append(VoiceNote(middle + 0.02, off, float(n.midi + EXTRA_STEP)))
            extra = (middle + 0.02, n.midi + EXTRA_STEP)
        else:
            voice.append(VoiceNote(on, off, float(n.midi)))
    take = render_voice(voice, sr=SR, seed=4)
    return take, score, notes, scoops, extra


@pytest.fixture(scope="module")
def scooped():
    take, score, notes, scoops, extra = _scooped_take()
    alignment = align_to_score(take, SR, score, part="Voice")
    return notes, scoops, extra, compare_with_score(take, SR, score, alignment, part="Voice")


def test_a_scoop_into_a_note_is_the_way_into_it_not_an_extra_note(scooped):
    notes, scoops, _, comparison = scooped
    for k, onset in zip(SCOOPED, scoops):
        near = [e for e in comparison.extra_notes if abs(e.take_onset_s - onset) < 0.3]
        assert not near, f"the scoop into note {k} was reported as an extra note: {near}"
        row = [r for r in comparison.notes if r.ref_quarter == notes[k].onset_quarter][0]
        assert row.status == "ok", (k, row.status, row.cents)


def test_an_extra_note_sung_beside_the_scoops_is_still_reported(scooped):
    _, _, (onset, midi), comparison = scooped
    found = [e for e in comparison.extra_notes if abs(e.take_onset_s - onset) < 0.15]
    assert len(found) == 1 and found[0].midi == midi
    assert len(comparison.extra_notes) == 1


def _held_note_take(*, leaked: bool):
    """A singer holding G4 from 0.5 to 2.5 s while a lower part sings C4, E4, C4 6 dB below;
    with ``leaked`` False the singer sings B4 instead from 1.3 to 1.78 s (an extra note).

    Returns (take, evidence, the sung pieces as a pitch tracker would cut them)."""
    singer = ([VoiceNote(0.5, 2.5, 67.0)] if leaked else
              [VoiceNote(0.5, 1.28, 67.0), VoiceNote(1.3, 1.78, 71.0), VoiceNote(1.8, 2.5, 67.0)])
    others_midi = np.array([60, 64, 60])
    others_on, others_off = np.array([0.5, 1.3, 1.8]), np.array([1.3, 1.8, 2.5])
    voice = render_voice(singer, sr=SR, seed=1, tail_s=0.3).astype(np.float64)
    lower = render_voice([VoiceNote(a, b - 0.02, float(m)) for m, a, b
                          in zip(others_midi, others_on, others_off)],
                         sr=SR, vowel="o", seed=2, tail_s=0.0).astype(np.float64)
    m = min(voice.size, lower.size)
    gain = np.sqrt(np.mean(voice ** 2) / np.mean(lower[:m] ** 2)) * 10 ** (-6 / 20)
    voice[:m] += gain * lower[:m]
    middle = 64 if leaked else 71

    def piece(a, b, midi):
        return Note(onset_s=a, offset_s=b, midi=midi, median_hz=float(midi_to_hz(midi)),
                    cents=0.0, vibrato_rate_hz=np.nan, vibrato_extent_cents=np.nan,
                    confidence=0.9)
    sung = (piece(0.5, 1.3, 67), piece(1.3, 1.8, middle), piece(1.8, 2.5, 67))
    evidence = PartEvidence(voice.astype(np.float32), SR, others_midi=others_midi,
                            others_on_s=others_on, others_off_s=others_off)
    extra = ExtraVerdict(onset_s=1.3, duration_s=0.5, midi=middle, after_index=0,
                         confidence=0.9, sung_index=1)
    return evidence, sung, extra


def test_another_part_followed_while_the_singer_holds_a_note_is_no_extra_note():
    evidence, sung, extra = _held_note_take(leaked=True)
    assert extras_in_mix([extra], sung, evidence=evidence) == []


def test_an_extra_note_the_singer_sings_inside_a_mix_is_kept():
    evidence, sung, extra = _held_note_take(leaked=False)
    kept = extras_in_mix([extra], sung, evidence=evidence)
    assert [(e.onset_s, e.midi, e.sung_index) for e in kept] == [(1.3, 71, 1)]
    assert kept[0].confidence < SURE  # inside a mix no extra note is stated sure


def test_an_extra_note_sung_in_a_mix_is_reported_at_its_time_and_pitch():
    melody = [m + 5 for m in MELODY] * 2
    alto = [m - int(d) for m, d in zip(melody, np.random.default_rng(5).choice([3, 4, 5], 32))]
    score = melody_score(melody, bpm=100.0, extra_parts={"Alto": (alto, [1.0] * 32)})
    notes = sorted(score.part_notes("Voice"), key=lambda n: n.onset_quarter)
    take, _, extras = sing(notes, extra_after={9: 3, 22: -3}, others=score.part_notes("Alto"),
                           others_db=6.0, seed=3)
    alignment = align_to_score(take, SR, score, part="Voice")
    comparison = compare_with_score(take, SR, score, alignment, part="Voice")
    for onset, midi in extras:
        found = [e for e in comparison.extra_notes if abs(e.take_onset_s - onset) < 0.2]
        assert len(found) == 1 and found[0].midi == midi, (onset, midi, comparison.extra_notes)
    assert len(comparison.extra_notes) <= len(extras) + 1
