"""A cue's value as a person reads it: sensible decimals per unit, the unit after it."""

from __future__ import annotations

import math

DECIMALS = {"%": 0, "BPM": 0, "Hz": 0, "ms": 0, "cents": 0, "LUFS": 1, "LU": 1, "ratio": 2}
"""Decimals shown per unit (3 significant digits for any other unit)."""


def cue_value_text(value: float, unit: str) -> str:
    """E.g. ``"21 %"``, ``"-17.6 LUFS"``, ``"0.95"`` (a ratio has no unit shown);
    ``"not measured"`` for NaN."""
    if value is None or not math.isfinite(value):
        return "not measured"
    if unit in DECIMALS:
        number = f"{value:.{DECIMALS[unit]}f}"
    else:
        number = f"{value:.3g}"
    return number if unit in ("", "ratio") else f"{number} {unit}"
