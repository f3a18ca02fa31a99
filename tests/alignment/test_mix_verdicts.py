"""Verdicts of a part sung inside a mix revised by its own partials (issue 10, item 4):
:func:`revised_in_mix` on synthetic two-voice takes with exact truth, the note check's
rows given by hand as the note check left them in the benchmark's misjudged cases."""

from __future__ import annotations

import numpy as np

from musicpractice.alignment.mix_evidence import PartEvidence
from musicpractice.alignment.mix_verdicts import AGREE_WRONG_CONFIDENCE, revised_in_mix
from musicpractice.alignment.note_check import NoteVerdict
from musicpractice.score.render_voice import VoiceNote, render_voice
from tests.alignment.synth import SR

STEP_S = 0.8
WRITTEN = np.array([67, 69, 71, 69, 67, 69])
ALTO = np.array([62, 64, 65, 64, 62, 64])


def _on(k: int) -> float:
    return 0.3 + STEP_S * k


def _take(sung: list[VoiceNote]) -> PartEvidence:
    """The singer's notes over an alto 6 dB below it that sings in time with the score."""
    alto = [VoiceNote(_on(k), _on(k) + STEP_S - 0.03, float(m)) for k, m in enumerate(ALTO)]
    audio = render_voice(sung, sr=SR, seed=1).astype(np.float64)
    backing = render_voice(alto, sr=SR, vowel="o", seed=2)
    m = min(audio.size, backing.size)
    audio = audio[:m] + 0.5 * backing[:m] * np.sqrt(np.mean(audio[:m] ** 2)
                                                    / np.mean(backing[:m] ** 2))
    return PartEvidence(audio.astype(np.float32), SR, others_midi=ALTO.astype(float),
                        others_on_s=np.array([n.onset_s for n in alto]),
                        others_off_s=np.array([n.offset_s for n in alto]))


def _row(k: int, status: str, cents: float, *, onset_s: float | None = None,
         confidence: float = 0.99) -> NoteVerdict:
    return NoteVerdict(index=k, attempt=0, status=status, cents=float(cents),
                       confidence=confidence, onset_s=_on(k) if onset_s is None else onset_s,
                       played_midi=int(WRITTEN[k] + round(cents / 100)) if status == "wrong"
                       else None)


def _revised(rows, evidence):
    return revised_in_mix(rows, written_midi=WRITTEN,
                          durations_s=np.full(WRITTEN.size, STEP_S), tuning_semitones=0.0,
                          tolerance_cents=50.0, evidence=evidence)


def test_a_note_left_out_while_the_one_before_is_held_is_missing_though_the_next_is_placed_late():
    # truth by construction: note 2 (B4) is left out, the singer holds A4 through it and
    # then sings note 3 (A4 again, attacked anew); the alignment places note 3 0.2 s
    # late, so note 2's span ends after note 3's attack. That attack is note 3's, not a
    # new attack of A4 in note 2: before the search stopped at the span's middle, note 2
    # was given as a wrong note sung at A4
    sung = [VoiceNote(_on(0), _on(1) - 0.03, 67.0), VoiceNote(_on(1), _on(3) - 0.03, 69.0),
            VoiceNote(_on(3), _on(4) - 0.03, 69.0), VoiceNote(_on(4), _on(5) - 0.03, 67.0),
            VoiceNote(_on(5), _on(6) - 0.03, 69.0)]
    evidence = _take(sung)
    rows = [_row(0, "ok", 0.0), _row(1, "ok", 0.0), _row(2, "wrong", -200.0),
            _row(3, "ok", 0.0, onset_s=_on(3) + 0.2), _row(4, "ok", 0.0), _row(5, "ok", 0.0)]
    out = _revised(rows, evidence)
    assert out[2].status == "missing"
    assert [v.status for k, v in enumerate(out) if k != 2] == ["ok"] * 5
    # sung again instead (a wrong note at the previous note's pitch, attacked anew), it
    # stays a wrong note
    again = sung[:1] + [VoiceNote(_on(1), _on(2) - 0.03, 69.0),
                        VoiceNote(_on(2), _on(3) - 0.03, 69.0)] + sung[2:]
    assert _revised(rows, _take(again))[2].status == "wrong"


def test_an_unsure_note_both_pitch_readings_put_in_tune_is_ok_but_not_one_they_put_out():
    # truth by construction: note 2 sung in tune; the note check's tracker read +25 and
    # left it unsure; the pitch read from the singer's own partials is in tune: both
    # readings put it within the tolerance, and it is stated ok
    sung = [VoiceNote(_on(k), _on(k + 1) - 0.03, float(m)) for k, m in enumerate(WRITTEN)]
    rows = [_row(k, "ok", 0.0) for k in range(WRITTEN.size)]
    rows[2] = _row(2, "unsure", 25.0, confidence=0.5)
    out = _revised(rows, _take(sung))
    assert out[2].status == "ok" and abs(out[2].cents) <= 10.0
    # sung 200 cents sharp and read +170 by the tracker, both readings put it out of
    # tune, but a wrong note is not stated on that: on the benchmark's voices half the
    # notes so read were good notes whose span held a neighbour's pitch
    sung[2] = VoiceNote(_on(2), _on(3) - 0.03, WRITTEN[2] + 2.0)
    rows[2] = _row(2, "unsure", 170.0, confidence=0.5)
    assert _revised(rows, _take(sung))[2].status == "unsure"


def test_a_wrong_note_sung_softly_is_not_called_missing():
    # truth by construction: note 2 sung 300 cents sharp and 20 dB softer than the rest
    # (a real voice's notes read 15-23 dB under their neighbours'), nothing near the
    # written pitch: the pitch found is weak, but it is the singer's, not a note left
    # out (a rule that took such a pitch for nothing sung made 3 real wrong notes of the
    # vocadito singer sure 'missing' in real_voice_verdicts' mix row)
    sung = [VoiceNote(_on(k), _on(k + 1) - 0.03, float(m) + (3.0 if k == 2 else 0.0),
                      level=0.1 if k == 2 else 1.0) for k, m in enumerate(WRITTEN)]
    rows = [_row(k, "ok", 0.0) for k in range(WRITTEN.size)]
    rows[2] = _row(2, "wrong", 300.0)
    out = _revised(rows, _take(sung))
    assert out[2].status in ("wrong", "unsure")
    assert [v.status for k, v in enumerate(out) if k != 2] == ["ok"] * 5


def test_a_wrong_note_both_readings_measure_is_stated_as_sure_as_such_verdicts_are_right():
    # truth by construction: note 2 sung 150 cents sharp, read +150 by the tracker. Its
    # pitch is measured to a few cents, but a wrong verdict in a mix is right only as
    # often as its row is on the right note (fit split: 91 of 99); it is stated wrong at
    # that confidence, not at the pitch's near-certainty
    sung = [VoiceNote(_on(k), _on(k + 1) - 0.03, float(m) + (1.5 if k == 2 else 0.0))
            for k, m in enumerate(WRITTEN)]
    rows = [_row(k, "ok", 0.0) for k in range(WRITTEN.size)]
    rows[2] = _row(2, "wrong", 150.0)
    out = _revised(rows, _take(sung))
    assert out[2].status == "wrong" and abs(out[2].cents - 150.0) <= 15.0
    assert out[2].confidence == AGREE_WRONG_CONFIDENCE
    assert all(v.confidence > AGREE_WRONG_CONFIDENCE for k, v in enumerate(out) if k != 2)
