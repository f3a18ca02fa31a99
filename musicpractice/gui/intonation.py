"""Colours of notes by intonation: in tune, a little off, clearly flat or sharp."""

from __future__ import annotations

import math

from PySide6.QtGui import QColor

TOLERANCES_CENTS = (10, 25, 50)
"""Tolerances the View menu offers, cents either side of equal temperament."""
DEFAULT_TOLERANCE_CENTS = 50.0
"""The intonation tolerance until the user chooses another (View > Intonation tolerance):
the same 50 cents the note verdicts use (a note further off is wrong)."""
IN_TUNE = QColor(46, 160, 67)
FLAT = QColor(52, 120, 230)
SHARP = QColor(225, 90, 40)
UNKNOWN = QColor(140, 140, 140)


def intonation_colour(cents: float, tolerance_cents: float) -> QColor:
    """Green within the tolerance, shading to blue (flat) or orange (sharp) at twice it."""
    if not math.isfinite(cents):
        return UNKNOWN
    excess = (abs(cents) - tolerance_cents) / tolerance_cents
    if excess <= 0:
        return IN_TUNE
    far = FLAT if cents < 0 else SHARP
    mix = min(1.0, 0.35 + 0.65 * excess)
    return QColor(int(IN_TUNE.red() + mix * (far.red() - IN_TUNE.red())),
                  int(IN_TUNE.green() + mix * (far.green() - IN_TUNE.green())),
                  int(IN_TUNE.blue() + mix * (far.blue() - IN_TUNE.blue())))


def describe_intonation(cents: float, tolerance_cents: float) -> str:
    """A few words for a tooltip, e.g. ``"12 cents sharp"`` or ``"in tune (+3 cents)"``."""
    if not math.isfinite(cents):
        return "intonation not measured"
    if abs(cents) <= tolerance_cents:
        return f"in tune ({cents:+.0f} cents)"
    return f"{abs(cents):.0f} cents {'flat' if cents < 0 else 'sharp'}"
