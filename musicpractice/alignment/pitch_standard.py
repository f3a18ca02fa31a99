"""Historical pitch from an alignment: a take a semitone off its score is at A = 415 Hz.

The audio alone cannot tell C major at A = 415 Hz from B major at A = 440 Hz. A score or a
reference recording can: when the take sounds a whole semitone below (or above) it, on a
tuning grid close to A = 440 Hz, the performers most likely tuned to the historical
standard a semitone away (baroque A = 415 Hz; Venetian A = 466 Hz) and played the notes as
written. The key is then named as written, saying what it sounds like
(:func:`musicpractice.analysis.key.written_at_standard`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from musicpractice.alignment.timemap import Alignment
from musicpractice.score.model import Score

NEAR_GRID_CENTS = 30.0
"""The take's tuning must lie this close to the A = 440 Hz semitone grid (A = 415 Hz is 1.3
cents from it): a take 50 cents off is out of tune, not at another standard."""
MIN_CONFIDENCE = 0.3
"""An alignment below this overall confidence may have found the transposition by chance."""


@dataclass(frozen=True)
class PitchStandard:
    """The pitch standard a take was played at, read from its alignment.

    Attributes
    ----------
    semitones : int
        How far the take sounds from the reference: -1 (A = 415 Hz) or +1 (A = 466 Hz).
    a4_hz : float
        The take's A4 in Hz (e.g. 415.3).
    standard_hz : float
        The standard as it is printed, whole hertz (415, 466).
    """

    semitones: int
    a4_hz: float
    standard_hz: float

    @property
    def sentence(self) -> str:
        """Why the notes are named a semitone away from how they sound."""
        direction = "below" if self.semitones < 0 else "above"
        return (f"The take sounds a semitone {direction} the reference at A = 440 Hz: read as "
                f"played at A = {self.standard_hz:g} Hz (A4 = {self.a4_hz:.1f} Hz), its keys "
                "and notes are named and checked as written (a choir that sank by a whole "
                "semitone from the start would read the same).")


def heard_pitch_standard(alignment: Alignment) -> PitchStandard | None:
    """The historical standard the take was tuned to, or None.

    Parameters
    ----------
    alignment : Alignment
        The take aligned to a score or a reference recording (taken as sounding as written).

    Returns
    -------
    PitchStandard or None
        When the take sounds exactly one semitone below or above the reference with its
        tuning within :data:`NEAR_GRID_CENTS` of the 440 Hz grid, and the alignment is
        believed (overall confidence at least :data:`MIN_CONFIDENCE`); None otherwise.
    """
    shift = int(alignment.transposition_semitones)
    cents = float(alignment.take_tuning_cents)
    if (abs(shift) != 1 or not np.isfinite(cents) or abs(cents) > NEAR_GRID_CENTS
            or alignment.overall_confidence < MIN_CONFIDENCE):
        return None
    a4_hz = 440.0 * 2.0 ** ((100.0 * shift + cents) / 1200.0)
    return PitchStandard(semitones=shift, a4_hz=float(a4_hz), standard_hz=float(round(a4_hz)))


def sounding_score(score: Score, standard: PitchStandard) -> Score:
    """The score as it sounds at ``standard`` on the 440 Hz grid (every note moved by
    ``standard.semitones``): what the take's pitches are checked against."""
    return replace(score, notes=tuple(replace(n, midi=n.midi + standard.semitones)
                                      for n in score.notes))


def as_written(rows, standard: PitchStandard) -> list:
    """Note rows (``midi`` and, when present and not None, ``played_midi``) checked against
    :func:`sounding_score`, named as written again."""
    out = []
    for row in rows:
        changes = {"midi": row.midi - standard.semitones}
        if getattr(row, "played_midi", None) is not None:
            changes["played_midi"] = row.played_midi - standard.semitones
        out.append(replace(row, **changes))
    return out
