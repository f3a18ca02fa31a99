"""Remarks about one compared take that come before any table: whether it seems to be the
piece at all, and how it was tuned."""

from __future__ import annotations

import math

from musicpractice.alignment.pitch_standard import heard_pitch_standard
from musicpractice.analysis.key import written_at_standard
from musicpractice.compare.model import TakeResult

ANOTHER_PIECE_CONFIDENCE = 0.15
"""Below this overall alignment confidence a take does not seem to be the reference's
piece: a wrong piece aligns with confidence under 0.15, the real takes tried score 0.3 and
more (tests/alignment)."""
TUNING_REMARK_CENTS = 10.0
"""A take tuned further than this from A = 440 Hz gets its tuning named."""


def seems_another_piece(take: TakeResult) -> bool:
    """Whether the take's alignment is too weak to believe it plays the reference's piece."""
    return (take.alignment is not None
            and take.alignment.overall_confidence < ANOTHER_PIECE_CONFIDENCE)


def another_piece_sentence(take: TakeResult, reference_title: str) -> str:
    """Why a take that :func:`seems_another_piece` gets no bar or note table."""
    return (f"{take.name} does not seem to be {reference_title}: the alignment found "
            f"almost nothing in common (confidence {take.alignment.overall_confidence:.2f} "
            "of 1), so no bar or note values are shown for it. Check that the right take "
            "and reference were chosen.")


def tuning_sentence(take: TakeResult) -> str:
    """The take's tuning when it is far from A = 440 Hz ("" otherwise); pitches in the
    comparison are measured from the take's own tuning. A take a semitone off its reference
    on a near-440 grid was played at a historical pitch (A = 415 Hz): its key is named as
    written, then how it sounds (see :func:`historical_pitch_sentence`)."""
    historical = historical_pitch_sentence(take)
    if historical:
        return historical
    tuning = take.analysis.tuning
    cents = tuning.deviation_cents
    if not math.isfinite(cents) or abs(cents) < TUNING_REMARK_CENTS or tuning.confidence < 0.3:
        return ""
    direction = "below" if cents < 0 else "above"
    return (f"{take.name} is tuned {abs(cents):.0f} cents {direction} A = 440 Hz "
            f"(A4 = {tuning.a4_hz:.1f} Hz); its notes are measured from its own tuning.")


def historical_pitch_sentence(take: TakeResult) -> str:
    """"Take 2 was played at A = 415 Hz: a semitone below the reference at A = 440 Hz. Its key
    is C major (sounds B major; at A = 415 Hz this is C major)." ("" when the take's
    alignment shows no historical pitch, see
    :func:`~musicpractice.alignment.pitch_standard.heard_pitch_standard`)."""
    if take.alignment is None or seems_another_piece(take):
        return ""
    standard = heard_pitch_standard(take.alignment)
    if standard is None:
        return ""
    direction = "below" if standard.semitones < 0 else "above"
    text = (f"{take.name} was played at A = {standard.standard_hz:g} Hz: a semitone {direction} "
            "the reference at A = 440 Hz.")
    key = take.analysis.key
    if key.confidence > 0 and key.mode in ("major", "minor"):
        written = written_at_standard(key, semitones=standard.semitones,
                                      standard_hz=standard.standard_hz)
        sounds = written.warnings[0].rstrip(".")
        text += f" Its key is {written.tonic} {written.mode} ({sounds[0].lower()}{sounds[1:]})."
    return text
