"""Numbers as a person reads them: sensible decimals per unit, the unit after it, no
"-0"."""

from __future__ import annotations

import math

DECIMALS = {"%": 0, "BPM": 0, "Hz": 0, "ms": 0, "cents": 0, "LUFS": 1, "LU": 1, "ratio": 2}
"""Decimals shown per unit (3 significant digits for any other unit)."""


def number_text(value: float | None, spec: str, missing: str = "–") -> str:
    """``value`` formatted with ``spec`` (e.g. ``"+.0f"``); ``missing`` for None/NaN/inf;
    a value that rounds to zero loses its sign ("0", not "-0" or "+0")."""
    if value is None or not math.isfinite(value):
        return missing
    text = format(value, spec)
    if float(text) == 0:
        text = format(0.0, spec.replace("+", ""))
    return text


def cue_value_text(value: float, unit: str) -> str:
    """E.g. ``"21 %"``, ``"-17.6 LUFS"``, ``"0.95"`` (a ratio has no unit shown);
    ``"not measured"`` for NaN."""
    if value is None or not math.isfinite(value):
        return "not measured"
    number = number_text(value, f".{DECIMALS[unit]}f" if unit in DECIMALS else ".3g")
    return number if unit in ("", "ratio") else f"{number} {unit}"
