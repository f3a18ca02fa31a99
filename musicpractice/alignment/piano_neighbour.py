"""A written key whose unwritten neighbour is struck clearly: played, left out, or played
wrong at that neighbour.

The piano check (:mod:`musicpractice.alignment.piano_check`) judges most written keys by
P(played) (a logistic over ``piano_check.played_features``) and, for a key judged not
played, P(the clearest unwritten neighbour is the key played instead) from that
neighbour's evidence alone. Where that neighbour is struck clearly, the two questions are
one: the written key's own rise is then often the neighbour's leakage, and whether the
neighbour was struck *instead* of the written key or beside it shows in both keys'
evidence at once. So there a multinomial logistic model (``Calibration.neighbour_weights``,
or ``harmonic_neighbour_weights`` for a key that is a harmonic of a lower sounding note,
fitted by ``benchmarks/piano_check_fit.py`` on the fit performers) gives P(ok),
P(missing) and P(wrong at the neighbour) together, over ``played_features`` and the
neighbour's onset probability. A neighbour whose rise a partial of a written note
nearby explains (an octave, twelfth, ... above it) is not a struck key of its own: such a
note keeps the two separate probabilities.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from musicpractice.alignment.piano_written import HARMONIC_STEPS
from musicpractice.analysis.pitch_activation import PitchActivation

STRUCK_NEIGHBOUR_EVIDENCE = 0.2
"""Evidence (``piano_check.note_evidence`` units) from which the clearest unwritten
neighbour counts as struck clearly."""
STATUSES = ("ok", "missing", "wrong")
"""The classes of ``Calibration.neighbour_weights``, in order (``ok`` the reference)."""


def neighbour_onset_feature(act: PitchActivation, onset: np.ndarray | None, *,
                            centres: np.ndarray, keys: Sequence[int | None],
                            window_s: tuple[float, float], floor: float) -> np.ndarray:
    """ln(the highest onset probability of each note's neighbour key within ``window_s``
    of its found onset), at least ``floor``, shape (notes,).

    Parameters
    ----------
    act : PitchActivation
        The key activation (its rows say which keys ``onset`` holds).
    onset : numpy.ndarray or None
        Onset probability per key and frame, shape like ``act.activation``; ``None``: the
        floor everywhere.
    centres : numpy.ndarray
        Found onsets of the notes in seconds, shape (notes,) (NaN: the floor).
    keys : sequence of int or None
        The neighbour key of each note (``None``: the floor).
    window_s : (float, float)
        Start and end of the window relative to the onset, seconds.
    floor : float
        Smallest probability before the logarithm.
    """
    out = np.full(centres.size, np.log(floor))
    if onset is None:
        return out
    for k, (centre, key) in enumerate(zip(centres, keys)):
        if key is None or act.row(key) is None or not np.isfinite(centre):
            continue
        out[k] = key_onset_ln(act, onset, key, centre, window_s=window_s, floor=floor)
    return out


def key_onset_ln(act: PitchActivation, onset: np.ndarray, key: int, centre: float, *,
                 window_s: tuple[float, float], floor: float) -> float:
    """ln(the highest onset probability of ``key`` (MIDI, a row of ``act``) within
    ``window_s`` (seconds, relative) of ``centre`` (seconds, finite)), at least ``floor``;
    ``onset`` is shaped like ``act.activation``. The one reading of a key's onset that
    ``piano_check.played_features`` and :func:`neighbour_onset_feature` share."""
    start = int(np.searchsorted(act.times_s, centre + window_s[0]))
    end = max(int(np.searchsorted(act.times_s, centre + window_s[1])), start + 1)
    segment = onset[int(key) - int(act.midi[0]), start:end]
    return float(np.log(max(float(segment.max()) if segment.size else 0.0, floor)))


def partial_of_written(key: int | None, centre: float, *, centres: np.ndarray,
                       midis: np.ndarray, within_s: float) -> bool:
    """Whether ``key`` is a harmonic (``piano_written.HARMONIC_STEPS`` above) of a key
    written within ``within_s`` seconds of ``centre`` (``centres``, ``midis``: all written
    notes, shape (notes,))."""
    if key is None or not np.isfinite(centre):
        return False
    near = midis[np.abs(centres - centre) <= within_s]
    return bool(np.isin(int(key) - np.array(HARMONIC_STEPS), near).any())


def struck_neighbour_verdict(weights, features) -> tuple[str, float]:
    """The most probable of ``STATUSES`` and its probability.

    Parameters
    ----------
    weights : sequence of (float, float)
        Rows (intercept, *coefficients) of the multinomial logistic model, each row the
        weights of (missing, wrong) against ok (``Calibration.neighbour_weights``).
    features : sequence of float
        ``piano_check.played_features`` of the note, then ``neighbour_onset_feature``.
    """
    w = np.asarray(weights, dtype=float)
    z = np.concatenate([[0.0], w[0] + np.asarray(features, dtype=float) @ w[1:]])
    p = np.exp(z - z.max())
    p /= p.sum()
    j = int(np.argmax(p))
    return STATUSES[j], float(p[j])
