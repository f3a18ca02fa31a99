"""Amplitude envelope and what it tells about each note: attack rise time and articulation.

Both measures start from the onsets (seconds) found by the onset detector, so they work
on polyphonic recordings (piano, choir) where no clean note list exists.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.analysis.signal import check_signal

ENVELOPE_HOP_S = 0.0025
"""Hop of the RMS envelope (2.5 ms) -- fine enough for attacks of a few milliseconds."""


@dataclass(frozen=True)
class Envelope:
    """RMS amplitude envelope.

    Attributes
    ----------
    hop_s : float
        Time between values in seconds; value ``i`` is centred at ``i * hop_s``.
    rms : numpy.ndarray
        RMS amplitude per frame (linear, full scale = 1).
    """

    hop_s: float
    rms: np.ndarray


def amplitude_envelope(y: np.ndarray, sr: int) -> Envelope:
    """RMS envelope of ``y``: frames of two hops (about 5 ms) every hop (about 2.5 ms).

    Works through the signal in chunks, so an hour of audio needs only the envelope
    itself (1.4 M values) beyond the signal.
    """
    y = check_signal(y, sr)
    hop = max(1, int(round(ENVELOPE_HOP_S * sr)))
    n_hops = -(-len(y) // hop)
    hop_energy = np.zeros(n_hops + 1)
    chunk_hops = 1 << 16
    for start in range(0, n_hops, chunk_hops):
        stop = min(n_hops, start + chunk_hops)
        piece = np.asarray(y[start * hop: stop * hop], dtype=np.float64)
        piece = np.pad(piece, (0, (stop - start) * hop - len(piece)))
        hop_energy[start + 1: stop + 1] = (piece * piece).reshape(-1, hop).sum(axis=1)
    # frame i spans hops i-1 and i, i.e. centred on sample i * hop
    rms = np.sqrt((hop_energy[:-1] + hop_energy[1:]) / (2 * hop))
    return Envelope(hop / sr, rms)


def attack_rise_times_s(envelope: Envelope, onsets_s: np.ndarray, *,
                        search_before_s: float = 0.05, search_after_s: float = 0.2,
                        low: float = 0.1, high: float = 0.9) -> np.ndarray:
    """Rise time of each onset's attack, in seconds (NaN where no attack is found).

    The attack of an onset is the rise of the envelope from the lowest point in the
    ``search_before_s`` before it to the highest point within ``search_after_s`` after
    it; its rise time is the time from ``low`` to ``high`` of that rise (10 %-90 % by
    default, the usual definition).
    """
    rms = envelope.rms
    hop = envelope.hop_s
    out = np.full(len(onsets_s), np.nan)
    for k, t in enumerate(np.asarray(onsets_s, dtype=float)):
        i0 = max(0, int(round((t - search_before_s) / hop)))
        i1 = min(len(rms), int(round((t + search_after_s) / hop)) + 1)
        if i1 - i0 < 3:
            continue
        segment = rms[i0:i1]
        peak = int(np.argmax(segment))
        floor_i = int(np.argmin(segment[: peak + 1]))
        floor, top = segment[floor_i], segment[peak]
        if top <= 0 or top < 2.0 * floor:  # less than 6 dB of rise: no clear attack
            continue
        rise = segment[floor_i: peak + 1]
        lo_level = floor + low * (top - floor)
        hi_level = floor + high * (top - floor)
        t_lo = int(np.argmax(rise >= lo_level))
        t_hi = int(np.argmax(rise >= hi_level))
        out[k] = max(t_hi - t_lo, 0) * hop + hop / 2
    return out


def sounding_ratios(envelope: Envelope, onsets_s: np.ndarray, *, drop_db: float = 15.0,
                    max_ioi_s: float = 2.0) -> np.ndarray:
    """For each inter-onset interval, the share of it during which the note still sounds.

    A note 'sounds' while the envelope stays within ``drop_db`` of the peak that follows
    its onset. Legato playing gives ratios near 1, staccato well below. Intervals longer
    than ``max_ioi_s`` (phrase breaks, rests) are skipped (NaN).
    """
    rms = envelope.rms
    hop = envelope.hop_s
    onsets = np.sort(np.asarray(onsets_s, dtype=float))
    out = np.full(max(len(onsets) - 1, 0), np.nan)
    factor = 10 ** (-drop_db / 20)
    for k in range(len(onsets) - 1):
        ioi = onsets[k + 1] - onsets[k]
        if ioi <= 0 or ioi > max_ioi_s:
            continue
        i0 = int(round(onsets[k] / hop))
        i1 = min(len(rms), int(round(onsets[k + 1] / hop)))
        if i1 - i0 < 2:
            continue
        segment = rms[i0:i1]
        peak_i = int(np.argmax(segment[: max(1, len(segment) // 3)]))
        below = np.nonzero(segment[peak_i:] < segment[peak_i] * factor)[0]
        end = peak_i + below[0] if len(below) else len(segment)
        out[k] = end / len(segment)
    return out


def rearticulations(envelope: Envelope, onsets_s: np.ndarray, *, dip_db: float = 15.0,
                    before_s: float = 0.12, after_s: float = 0.15) -> np.ndarray:
    """The onsets where the sound dips and starts again: a new note on the same pitch.

    An onset counts when the quietest moment in the ``before_s`` seconds before it is at
    least ``dip_db`` dB under the loudest in the ``after_s`` seconds after it. Vibrato and
    swells inside one held note do not dip that far. Of onsets closer than ``before_s``
    the first stands for the restart.

    Returns
    -------
    numpy.ndarray
        The qualifying onset times in seconds.
    """
    onsets_s = np.asarray(onsets_s, dtype=float)
    rms, hop_s = envelope.rms, envelope.hop_s
    kept: list[float] = []
    for t in np.sort(onsets_s):
        if kept and t - kept[-1] < before_s:
            continue
        i = int(round(t / hop_s))
        before = rms[max(0, i - int(before_s / hop_s)): i + 1]
        after = rms[i: i + int(after_s / hop_s) + 1]
        if before.size and after.size and \
                20.0 * np.log10((after.max() + 1e-12) / (before.min() + 1e-12)) >= dip_db:
            kept.append(float(t))
    return np.array(kept)
