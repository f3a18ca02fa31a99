"""A written key's level after its onset against the same key's other written strokes.

The note model's posterior of a key after a stroke depends on the key (register, the
instrument, how the take was recorded) more than on the stroke: a key that is only held
from an earlier stroke, or only heard as a partial of a lower note, reads a level after
the onset that is plausible for a stroke in general but low for *this* key in *this*
take. The piano check (:mod:`musicpractice.alignment.piano_check`) reads each written
key's level after its onset (``played_features`` column 1) over the median level of the
same key at its other written onsets in the take (or of the nearest keys, where the key
is written too rarely), as one more feature of its logistic models
(``Calibration.played_weights``, ``harmonic_weights``, the neighbour weights).

The feature is a log ratio, not a difference: a real piano recording reads lower
posteriors overall than the FluidSynth renders the weights were fitted on, and a ratio
keeps its meaning under such a scale (a difference made the real Chopin takes' quiet
added keys look played: Igoshina's missing recall 0.89 -> 0.39 with the difference and
the key's own strokes only).
"""

from __future__ import annotations

import numpy as np


LEVEL_FLOOR = 0.05
"""Levels below this are read as this (the note model's posterior of a silent key)."""
MIN_OTHERS = 3
"""A note's level is read against at least this many other written notes..."""
WIDTHS = (0, 3, 6, 12)
"""... of its own key if it has them, else of the keys within 3, 6 or 12 semitones, else
of every written note: a key written only where it was left out (an added part, a key
written once) is still read against what struck keys of its register read."""


def level_over_key_median(levels: np.ndarray, midis: np.ndarray) -> np.ndarray:
    """ln(each note's level / the median level of the other notes of the same key, or
    of the nearest keys, ``WIDTHS``, until there are ``MIN_OTHERS`` of them), both at
    least ``LEVEL_FLOOR``.

    Parameters
    ----------
    levels : numpy.ndarray
        The key's highest note posterior (0-1) just after each written note's onset,
        shape (notes,) (NaN: not read).
    midis : numpy.ndarray
        Written key of each note, shape (notes,).

    Returns
    -------
    numpy.ndarray
        Shape (notes,), natural log units; 0 where the level was not read or no other
        level was.
    """
    levels = np.asarray(levels, dtype=float)
    midis = np.asarray(midis)
    read = np.isfinite(levels)
    out = np.zeros(levels.size)
    for k in np.flatnonzero(read):
        others = read.copy()
        others[k] = False
        reference = levels[others]
        for width in WIDTHS:
            near = others & (np.abs(midis - midis[k]) <= width)
            if near.sum() >= MIN_OTHERS:
                reference = levels[near]
                break
        if reference.size:
            out[k] = np.log(max(levels[k], LEVEL_FLOOR)
                            / max(float(np.median(reference)), LEVEL_FLOOR))
    return out
