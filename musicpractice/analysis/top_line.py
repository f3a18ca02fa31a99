"""The top line of a piano take: the melody a listener follows, never the bass.

A single-pitch tracker on piano locks onto whatever is strongest, often the bass. Here the
keys struck are found from the pitch activation (:mod:`musicpractice.analysis.pitch_activation`:
which piano keys sound, frame by frame) and the melody is their skyline (Uitdenbogerd &
Zobel 1999):

1. A key is struck where its activation rises sharply (its rise over the previous
   :data:`RISE_S` peaks) by at least :data:`STRIKE_SHARE` of the strongest rise near that
   moment: partials credited to keys above a note and ringing are not. (A melody much
   softer than the bass under it is missed: the line then falls to the bass.)
2. Strikes within :data:`CHORD_S` of each other form one chord; its highest key is the
   candidate melody note.
3. A candidate below the melody note still sounding (an inner voice entering under a
   held melody note) is left out; the others form the line, each note lasting until the
   next or until its key's activation has decayed by :data:`RELEASE_SHARE`.

All thresholds are shares of activations of the take itself, so the line does not
depend on the microphone gain. When too few struck notes are found the take is said to
have no single line (:attr:`TopLine.has_line` false).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.ndimage

from musicpractice.analysis.notes import Note
from musicpractice.analysis.pitch_activation import pitch_activation
from musicpractice.core.pitch import midi_to_hz
from musicpractice.core.progress import CancelToken, ProgressFn

LOW_MIDI = 28
"""Lowest key explained (E1): low enough that bass partials are not taken for melody keys."""
HIGH_MIDI = 108
RISE_S = 0.05
"""A strike is the activation's rise over its minimum in this many seconds before."""
LOCAL_S = 0.2
"""Half-width of the neighbourhood whose strongest rise scales every strike."""
STRIKE_SHARE = 0.45
"""A key's rise must reach this share of the strongest rise nearby to count as struck."""
FLOOR_SHARE = 0.02
"""...and this share of the take's strongest rise (silence and noise strike nothing)."""
CHORD_S = 0.05
"""Strikes closer than this are one chord."""
RELEASE_SHARE = 0.3
"""A melody note ends when its key's activation falls below this share of its peak."""
MIN_NOTES = 4
"""Fewer struck notes than this: the take has no single line."""


@dataclass(frozen=True)
class TopLine:
    """The top line of a polyphonic (piano) take.

    Attributes
    ----------
    notes : tuple of Note
        The melody notes in time order (``cents`` 0, no vibrato; ``confidence`` is the
        strike's share of the strongest rise nearby, 0-1).
    strikes : int
        How many struck keys were found in all (melody and accompaniment).
    has_line : bool
        False when too few notes were found to call anything the melody.
    """

    notes: tuple[Note, ...]
    strikes: int
    has_line: bool


def top_line(y: np.ndarray, sr: int, *, tuning_hz: float = 440.0,
             progress: ProgressFn | None = None,
             cancel: CancelToken | None = None) -> TopLine:
    """The highest line of struck keys of a piano take (see the module notes).

    Parameters
    ----------
    y : numpy.ndarray
        Mono signal, shape (samples,), float.
    sr : int
        Sample rate in Hz.
    tuning_hz : float
        A4 in Hz the take is tuned to.
    progress, cancel
        See :mod:`musicpractice.core.progress`.

    Returns
    -------
    TopLine

    Raises
    ------
    InvalidParameterError
        Not a finite mono signal or an unusable tuning.
    """
    act, activation, rise, local, strongest = _rises(y, sr, tuning_hz, progress, cancel)
    if strongest <= 0:
        return TopLine((), 0, False)
    keys, frames = _strikes(rise, local, strongest)
    line = _skyline(keys, frames, rise, local, act.hop_s)
    notes = tuple(_note(act.midi, act.times_s, key, start, stop, share, tuning_hz)
                  for key, start, stop, share in _with_offsets(line, activation))
    return TopLine(notes, int(keys.size), len(notes) >= MIN_NOTES)


def struck_notes(y: np.ndarray, sr: int, *, tuning_hz: float = 440.0,
                 progress: ProgressFn | None = None,
                 cancel: CancelToken | None = None) -> tuple[Note, ...]:
    """Every struck key of a piano take as a note (melody and accompaniment), time order.

    The strikes are those :func:`top_line` chooses its line from; a note lasts until its
    key has decayed (:data:`RELEASE_SHARE`) or is struck again. Parameters and errors as
    :func:`top_line`; ``confidence`` is the strike's share of the strongest rise nearby.
    """
    act, activation, rise, local, strongest = _rises(y, sr, tuning_hz, progress, cancel)
    if strongest <= 0:
        return ()
    keys, frames = _strikes(rise, local, strongest)
    notes = []
    for i, (key, start) in enumerate(zip(keys, frames)):
        again = frames[i + 1:][keys[i + 1:] == key]
        stop = min(_release(activation[key], start), int(again[0]) if again.size else 1 << 30)
        if stop > start:
            share = min(1.0, float(rise[key, start] / local[start]))
            notes.append(_note(act.midi, act.times_s, int(key), int(start), stop, share,
                               tuning_hz))
    return tuple(notes)


def _rises(y, sr, tuning_hz, progress, cancel):
    """(activation result, activation, rise, local strongest rise, take's strongest rise)."""
    act = pitch_activation(y, sr, low_midi=LOW_MIDI, high_midi=HIGH_MIDI, tuning_hz=tuning_hz,
                           progress=progress, cancel=cancel)
    activation = act.activation.astype(np.float64)
    rise_frames = max(1, int(round(RISE_S / act.hop_s)))
    rise = activation - scipy.ndimage.minimum_filter1d(
        activation, size=rise_frames + 1, axis=1, origin=rise_frames // 2, mode="nearest")
    strongest = float(rise.max()) if rise.size else 0.0
    local = (scipy.ndimage.maximum_filter1d(
        rise.max(axis=0), size=2 * int(round(LOCAL_S / act.hop_s)) + 1, mode="nearest")
        if strongest > 0 else None)
    return act, activation, rise, local, strongest


def _strikes(rise: np.ndarray, local: np.ndarray,
             strongest: float) -> tuple[np.ndarray, np.ndarray]:
    """(key row, frame) of every strike: a local peak of a key's rise that is strong enough."""
    before = np.pad(rise, ((0, 0), (1, 0)), mode="edge")[:, :-1]
    after = np.pad(rise, ((0, 0), (0, 1)), mode="edge")[:, 1:]
    peak = (rise > before) & (rise >= after)
    strong = (rise >= STRIKE_SHARE * local[None, :]) & (rise >= FLOOR_SHARE * strongest)
    keys, frames = np.nonzero(peak & strong)
    order = np.argsort(frames, kind="stable")
    return keys[order], frames[order]


def _skyline(keys: np.ndarray, frames: np.ndarray, rise: np.ndarray, local: np.ndarray,
             hop_s: float) -> list[tuple[int, int, float]]:
    """(key row, onset frame, strike share) of the chord tops that are not under a held note."""
    chord = max(1, int(round(CHORD_S / hop_s)))
    tops = []
    i = 0
    while i < keys.size:
        j = i
        while j + 1 < keys.size and frames[j + 1] - frames[i] <= chord:
            j += 1
        k = i + int(np.argmax(keys[i:j + 1]))
        tops.append((int(keys[k]), int(frames[k]), float(rise[keys[k], frames[k]] / local[frames[k]])))
        i = j + 1
    return tops


def _with_offsets(tops: list[tuple[int, int, float]],
                  activation: np.ndarray) -> list[tuple[int, int, int, float]]:
    """Melody notes (key row, start, stop frame, share): inner-voice entries left out."""
    line: list[tuple[int, int, int, float]] = []
    for key, start, share in tops:
        if line:
            held_key, held_start, held_stop, held_share = line[-1]
            if key < held_key and start < held_stop:
                continue  # an inner voice entering under the melody note still sounding
            line[-1] = (held_key, held_start, min(held_stop, start), held_share)
        line.append((key, start, _release(activation[key], start), min(1.0, share)))
    return [note for note in line if note[2] > note[1]]


def _release(row: np.ndarray, start: int) -> int:
    """First frame after the peak following ``start`` where the key has decayed."""
    stop = min(row.size, start + 200)
    segment = row[start:stop]
    if segment.size == 0:
        return start
    peak = int(np.argmax(segment[: max(1, min(segment.size, 20))]))
    below = np.flatnonzero(segment[peak:] < RELEASE_SHARE * segment[peak])
    return start + peak + (int(below[0]) if below.size else segment.size - peak)


def _note(midi, times_s, key, start, stop, share, tuning_hz) -> Note:
    pitch = int(midi[key])
    hop_s = times_s[1] - times_s[0] if times_s.size > 1 else 0.0
    end_s = times_s[stop] if stop < times_s.size else times_s[-1] + hop_s
    return Note(onset_s=float(times_s[start]), offset_s=float(end_s),
                midi=pitch, median_hz=float(midi_to_hz(pitch, tuning_hz=tuning_hz)), cents=0.0,
                vibrato_rate_hz=float("nan"), vibrato_extent_cents=float("nan"),
                confidence=float(share))
