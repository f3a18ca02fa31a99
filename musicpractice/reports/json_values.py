"""Turning analysis results into JSON-ready values.

Floats are rounded to a stated number of decimals (JSON of an hour-long pitch track
stays readable and small), NaN and infinities become ``null`` (JSON has neither), and
numpy arrays become lists.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def number(value: Any, decimals: int = 3) -> float | int | None:
    """A finite float rounded to ``decimals``, an int as is, or None for NaN/inf/None."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    value = float(value)
    return round(value, decimals) if math.isfinite(value) else None


def numbers(values: Any, decimals: int = 3) -> list:
    """A list of :func:`number` of every element of a 1-D sequence or array."""
    array = np.asarray(values, dtype=float).ravel()
    rounded = np.round(array, decimals)
    finite = np.isfinite(rounded)
    out = rounded.tolist()
    if not finite.all():
        out = [v if ok else None for v, ok in zip(out, finite)]
    return out
