"""Pitch-range presets for melody tracking, and validation of a custom range.

Ranges are generous (a few semitones beyond the usual written range) so a singer's
or player's extreme notes are still tracked; a narrower range reduces octave errors.
"""

from __future__ import annotations

from musicpractice.core.errors import InvalidParameterError

MIN_TRACKABLE_HZ = 30.0
"""Lowest fundamental any tracker setting may look for, in Hz."""
MAX_TRACKABLE_HZ = 4000.0
"""Highest fundamental any tracker setting may look for, in Hz."""

VOICE_RANGES: dict[str, tuple[float, float]] = {
    "soprano": (220.0, 1320.0),
    "alto": (155.0, 880.0),
    "tenor": (110.0, 660.0),
    "bass": (65.0, 440.0),
    "piano": (27.5, 4186.0),
    "violin": (180.0, 3520.0),
    "wide": (55.0, 1760.0),
}
"""Preset name -> (fmin_hz, fmax_hz). ``"wide"`` (A1 to A6) is the default: any voice,
most melody instruments. ``"piano"`` is clipped to the trackable 30-4000 Hz."""
DEFAULT_RANGE = "wide"


def voice_range(name: str) -> tuple[float, float]:
    """The (fmin_hz, fmax_hz) of a preset, clipped to the trackable range.

    Parameters
    ----------
    name : str
        One of :data:`VOICE_RANGES` (case-insensitive).

    Returns
    -------
    tuple of float
        Lowest and highest fundamental in Hz.

    Raises
    ------
    InvalidParameterError
        When ``name`` is not a preset.
    """
    key = name.strip().lower()
    if key not in VOICE_RANGES:
        choices = ", ".join(VOICE_RANGES)
        raise InvalidParameterError(f"Unknown voice or instrument range {name!r}; choose one of: {choices}.")
    fmin_hz, fmax_hz = VOICE_RANGES[key]
    return max(fmin_hz, MIN_TRACKABLE_HZ), min(fmax_hz, MAX_TRACKABLE_HZ)


def as_number(value) -> float:
    """A parameter as a float; NaN (which fails every range check) when it is not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def validate_range(fmin_hz: float, fmax_hz: float, sr: int) -> tuple[float, float]:
    """Check a pitch range in Hz against the trackable limits and the sample rate.

    Returns the range as floats; raises :class:`InvalidParameterError` with a plain
    message when it is unusable.
    """
    lo, hi = as_number(fmin_hz), as_number(fmax_hz)
    if not (lo == lo and hi == hi):
        raise InvalidParameterError("The pitch range must be two numbers in Hz.")
    if lo >= hi:
        raise InvalidParameterError(
            f"The lowest pitch ({lo:g} Hz) must be below the highest pitch ({hi:g} Hz).")
    if lo < MIN_TRACKABLE_HZ or hi > MAX_TRACKABLE_HZ:
        raise InvalidParameterError(
            f"The pitch range {lo:g}-{hi:g} Hz is outside what can be tracked "
            f"({MIN_TRACKABLE_HZ:g}-{MAX_TRACKABLE_HZ:g} Hz).")
    if hi > sr / 4.0:
        raise InvalidParameterError(
            f"The highest pitch ({hi:g} Hz) needs a sample rate of at least {4 * hi:.0f} Hz; "
            f"this audio has {sr} Hz.")
    if hi / lo < 2 ** (1 / 12):
        raise InvalidParameterError(
            f"The pitch range {lo:g}-{hi:g} Hz is narrower than a semitone; widen it.")
    return lo, hi
