"""What a piano transcription's notes say about each written note of an aligned take.

The transcription (:mod:`musicpractice.analysis.piano_transcription`) lists the notes it
heard, each with its onset. First each written chord is placed on the transcribed onsets
of its keys (:func:`place_on_transcription`, a monotonic programme that absorbs time-map
errors of up to ``SEARCH_S``). A written note is then read as played when a transcribed
note of its key starts within ``MATCH_S`` of its chord's place; each transcribed note
serves one written stroke (two voices writing the same key at once share it). A written
note with no such note was left out, or replaced: a transcribed note one to
``wrong_range`` semitones away, starting within ``MATCH_S`` and matched to no written
note, names the key played instead. Transcribed notes left over inside the aligned span,
of a key not written within ``WRITTEN_NEARBY_S``, are extra notes.

Unlike a frame posterior, an onset says that a key was struck *again*: a key still
sounding from an earlier stroke, or heard in the partials of a lower key, has no onset of
its own. :func:`heard_by_transcription` revises the key activation's verdicts
(:mod:`musicpractice.alignment.piano_check`) with this reading, each with the confidence
its case earned on the fit takes (``RELIABILITY``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from musicpractice.alignment.comparison_rows import ExtraNote, NoteComparison
from musicpractice.alignment.piano_written import extra_note_rows, extra_span
from musicpractice.analysis.piano_transcription import PianoNotes, transcribe_piano
from musicpractice.core.progress import CancelToken, ProgressFn

MATCH_S = (-0.12, 0.15)
"""Window, in seconds around a chord's found onset, in which a transcribed onset is that
chord's stroke."""
UNISON_S = 0.03
"""Written notes of one key whose found onsets are this close are one stroke."""
WRITTEN_NEARBY_S = 0.3
"""A key written this close to a transcribed note cannot be an extra note there."""
SEARCH_S = 1.0
"""How far from the time map a chord is looked for among the transcribed onsets."""
TOGETHER_S = 0.06
"""A transcribed onset this close to a chord's time is a stroke of that chord."""
MAP_COST = 0.3
"""Cost, in matched keys per second, of a chord placed away from the time map."""
SHIFT_COST = 1.5
"""Cost, in matched keys per second, of a chord's offset from the time map changing from
the chord before (the map's error changes slowly)."""
CHORD_GAP_S = 0.02
"""A chord is placed at least this long after the chord before (one stroke is one
chord's)."""


@dataclass(frozen=True)
class TranscribedReading:
    """The transcription's reading of each written note.

    Attributes
    ----------
    status : numpy.ndarray
        str, shape (notes,): ``"ok"`` (its key struck in ``MATCH_S``), ``"wrong"`` (a
        neighbour struck instead: ``played_midi``), ``"missing"``, or ``""`` (not read:
        onset unknown).
    played_midi : numpy.ndarray
        int, shape (notes,): the key struck instead of a ``"wrong"`` note, else -1.
    lag_s : numpy.ndarray
        Transcribed onset minus the found onset of the note (or of the key struck
        instead) in seconds, NaN where none, shape (notes,).
    velocity : numpy.ndarray
        MIDI velocity of that transcribed note, 0 where none, shape (notes,).
    stray_lag_s : numpy.ndarray
        For a ``"missing"`` note: the nearest transcribed onset of its key that no written
        note took, within ``SEARCH_S``, minus its found onset in seconds (NaN where none,
        and for other notes), shape (notes,): a key struck, but not where the chord was
        found.
    extras : tuple of (float, int, int)
        (onset in seconds, MIDI key, velocity) of each transcribed note no written note
        accounts for.
    """

    status: np.ndarray
    played_midi: np.ndarray
    lag_s: np.ndarray
    velocity: np.ndarray
    stray_lag_s: np.ndarray
    extras: tuple


def read_transcription(notes: PianoNotes, *, centres: np.ndarray, midis: np.ndarray,
                       wrong_range: int = 3) -> TranscribedReading:
    """The transcription's verdict on each written note.

    Parameters
    ----------
    notes : PianoNotes
        The transcribed notes of the take.
    centres : numpy.ndarray
        Found onset of each written note in seconds (NaN: unknown), shape (notes,).
    midis : numpy.ndarray
        Written key of each note, shape (notes,).
    wrong_range : int
        How many semitones around a written key a key struck instead is looked for.

    Returns
    -------
    TranscribedReading
    """
    n = centres.size
    status = np.full(n, "", dtype=object)
    played = np.full(n, -1, dtype=int)
    lag = np.full(n, np.nan)
    velocity = np.zeros(n, dtype=int)
    used = np.zeros(len(notes), dtype=bool)
    known = np.isfinite(centres)
    # 1. each written note takes the nearest onset of its own key (closest pairs first)
    pairs = []
    for k in np.flatnonzero(known):
        for j in np.flatnonzero(notes.midi == midis[k]):
            d = notes.onset_s[j] - centres[k]
            if MATCH_S[0] <= d <= MATCH_S[1]:
                pairs.append((abs(d), int(k), int(j)))
    for _, k, j in sorted(pairs):
        if status[k]:
            continue
        if used[j] and not _unison_of_holder(k, status, centres, midis):
            continue
        status[k], lag[k], velocity[k], used[j] = "ok", notes.onset_s[j] - centres[k], \
            notes.velocity[j], True
    # 2. a written note without: a neighbour struck instead, else left out
    for k in np.flatnonzero(known & (status == "")):
        best = None
        for j in np.flatnonzero(~used & (np.abs(notes.midi - midis[k]) <= wrong_range)):
            d = notes.onset_s[j] - centres[k]
            if not MATCH_S[0] <= d <= MATCH_S[1]:
                continue
            rank = (abs(int(notes.midi[j]) - int(midis[k])), abs(d))
            if best is None or rank < best[0]:
                best = (rank, j)
        if best is None:
            status[k] = "missing"
            continue
        j = best[1]
        status[k], played[k], used[j] = "wrong", int(notes.midi[j]), True
        lag[k], velocity[k] = notes.onset_s[j] - centres[k], notes.velocity[j]
    stray = np.full(n, np.nan)
    for k in np.flatnonzero(status == "missing"):
        d = notes.onset_s[~used & (notes.midi == midis[k])] - centres[k]
        d = d[np.abs(d) <= SEARCH_S]
        if d.size:
            stray[k] = float(d[np.argmin(np.abs(d))])
    extras = _extras(notes, used, centres=centres, midis=midis)
    return TranscribedReading(status=status, played_midi=played, lag_s=lag,
                              velocity=velocity, stray_lag_s=stray, extras=extras)


def place_on_transcription(notes: PianoNotes, *, centres: np.ndarray, midis: np.ndarray,
                           chord_ids: np.ndarray) -> np.ndarray:
    """Each written chord placed on the transcribed onsets of its keys.

    A monotonic dynamic programme over the chords in the order of ``centres``: a chord's
    candidate times are the transcribed onsets of its keys within ``SEARCH_S`` of its
    time, and the offsets of the chord before carried over (a chord all wrong or left
    out keeps its neighbours' offset); a candidate earns one per key of the chord with a
    transcribed onset within ``TOGETHER_S`` and pays ``MAP_COST`` per second away from the
    map and ``SHIFT_COST`` per second of change in offset from the chord before. The time
    map's errors of up to a second (a few chords) are absorbed; repeated chords are kept
    apart by the offset's continuity.

    Parameters
    ----------
    notes : PianoNotes
    centres : numpy.ndarray
        Onset of each written note in seconds from the time map (NaN: unknown), shape
        (notes,).
    midis : numpy.ndarray
        Written key of each note, shape (notes,).
    chord_ids : numpy.ndarray
        The chord of each note, shape (notes,) (``piano_timing.chord_ids_of``).

    Returns
    -------
    numpy.ndarray
        The placed onset of each note in seconds, shape (notes,) (NaN where unknown).
    """
    out = centres.astype(float).copy()
    known = np.isfinite(centres)
    chords = list(np.unique(chord_ids[known]))
    if not chords or len(notes) == 0:
        return out
    times = {c: float(np.median(centres[(chord_ids == c) & known])) for c in chords}
    chords.sort(key=lambda c: times[c])
    keys = {c: np.unique(midis[(chord_ids == c) & known]) for c in chords}
    by_key = {int(m): notes.onsets_of(int(m)) for m in np.unique(midis[known])}
    layers: list[list[tuple[float, float, int]]] = []  # (shift, score, back pointer)
    for i, c in enumerate(chords):
        a = times[c]
        shifts = {round(float(t - a), 3) for m in keys[c] for t in by_key.get(int(m), ())
                  if abs(t - a) <= SEARCH_S}
        shifts |= {sh for sh, _, _ in layers[-1]} if layers else {0.0}
        layer = []
        for sh in sorted(shifts):
            t = a + sh
            gain = sum(bool(np.any(np.abs(by_key.get(int(m), np.empty(0)) - t) <= TOGETHER_S))
                       for m in keys[c]) - MAP_COST * abs(sh)
            if not layers:
                layer.append((sh, gain, -1))
                continue
            prev_a = times[chords[i - 1]]
            best = None
            for j, (psh, pscore, _) in enumerate(layers[-1]):
                if t < prev_a + psh + CHORD_GAP_S:
                    continue  # chords keep their order
                score = pscore + gain - SHIFT_COST * abs(sh - psh)
                if best is None or score > best[0]:
                    best = (score, j)
            if best is not None:
                layer.append((sh, best[0], best[1]))
        if not layer:  # nothing fits after the chord before: keep its offset
            psh = max(layers[-1], key=lambda e: e[1])
            layer = [(psh[0], psh[1], layers[-1].index(psh))]
        layers.append(layer)
    j = int(np.argmax([e[1] for e in layers[-1]]))
    for i in range(len(chords) - 1, -1, -1):
        sh, _, back = layers[i][j]
        out[(chord_ids == chords[i]) & known] = times[chords[i]] + sh
        j = back
    return out


def _unison_of_holder(k, status, centres, midis) -> bool:
    """Whether a written note of note ``k``'s key found within ``UNISON_S`` of it already
    took a transcribed note (one stroke, two voices: they share it)."""
    same = (status == "ok") & (midis == midis[k]) & (np.abs(centres - centres[k]) <= UNISON_S)
    return bool(same.any())


def _extras(notes: PianoNotes, used: np.ndarray, *, centres, midis) -> tuple:
    """Transcribed notes inside the aligned span that no written note accounts for."""
    span = extra_span(centres)
    if span is None:
        return ()
    known = np.isfinite(centres)
    first, last = span
    out = []
    for j in np.flatnonzero(~used):
        t, key = float(notes.onset_s[j]), int(notes.midi[j])
        if not first <= t <= last:
            continue
        near = known & (np.abs(centres - t) <= WRITTEN_NEARBY_S)
        if (midis[near] == key).any():
            continue  # the written key, struck once more or read twice
        out.append((t, key, int(notes.velocity[j])))
    return tuple(out)


TRUSTED_AGREEMENT = 0.8
"""The transcription is read only where it finds at least this share of the written notes
the key activation calls surely played (``agreement``): a take of an instrument the
piano model does not know (an organ, a synthesiser) is left to the key activation."""
RELIABILITY = {
    "ok, heard alike": (2389, 2387),
    "ok, heard otherwise": (26, 26),
    "wrong, heard alike": (110, 107),
    "wrong, heard otherwise": (27, 24),
    "missing, heard alike": (105, 98),
    "missing, activation says played": (50, 35),
    "missing, activation unsure": (19, 17),
    "missing, struck elsewhere": (12, 2),
}
"""(verdicts, right) of the transcription's reading in each case (``reading_case``) on
the fit performers of ``benchmarks/piano_takes.py`` (one take each,
``benchmarks/piano_transcribed_fit.py``); a verdict's confidence is (right + 1) /
(verdicts + 2). "Heard alike": the key activation gave the same verdict (the same key for
a wrong note). Where the two disagree (the transcription hears no stroke of a key the
activation hears played) the key was left out 35 times in 50 (held-out performers: 65 in
89), so the verdict says it is about 70 % sure."""
NEVER_SURE = ("missing, activation says played, a harmonic of a lower key",)
"""Cases stated ``unsure`` whatever their reliability: a key that is a harmonic of a lower
key sounding with it, which the activation hears played and the transcription does not,
may have been struck and folded by the transcription into the lower key's partials (an A4
struck with the D3 a twelfth below, tests/alignment/test_piano_held_key.py); its count is
the disagreeing case's."""
RELIABILITY[NEVER_SURE[0]] = RELIABILITY["missing, activation says played"]
EXTRA_CONFIDENCE = (77 + 1) / (113 + 2)
"""Of the 113 extra notes the transcription reported on the fit takes, 77 were extra
(FluidSynth takes; the others mostly ornaments the pianist played that the match files
do not list)."""


def agreement(reading: TranscribedReading, statuses, confidences, *,
              sure: float = 0.9) -> float:
    """Share of the notes the key activation calls ``ok`` with at least ``sure``
    confidence that the transcription reads ``ok`` too (NaN when there are none)."""
    statuses = np.asarray(statuses, dtype=object)
    confident = (statuses == "ok") & (np.asarray(confidences, dtype=float) >= sure)
    confident &= reading.status != ""
    if not confident.any():
        return float("nan")
    return float(np.mean(reading.status[confident] == "ok"))


def reading_case(reading: TranscribedReading, k: int, status: str,
                 played_midi: int | None, *, harmonic: bool = False) -> str | None:
    """The case of ``RELIABILITY`` note ``k``'s reading falls in, given the key
    activation's verdict (``status``, ``played_midi``) and whether the key is a harmonic
    of a lower written key sounding at its onset; ``None``: not read."""
    said = str(reading.status[k])
    if not said:
        return None
    if said == "ok":
        return "ok, heard alike" if status == "ok" else "ok, heard otherwise"
    if said == "wrong":
        alike = status == "wrong" and played_midi == int(reading.played_midi[k])
        return "wrong, heard alike" if alike else "wrong, heard otherwise"
    if np.isfinite(reading.stray_lag_s[k]):
        return "missing, struck elsewhere"
    if status in ("missing", "wrong"):
        return "missing, heard alike"
    if status == "ok":
        return ("missing, activation says played, a harmonic of a lower key" if harmonic
                else "missing, activation says played")
    return "missing, activation unsure"


def revised_verdict(reading: TranscribedReading, k: int, status: str, confidence: float,
                    played_midi: int | None, *, harmonic: bool = False, alone: bool = False
                    ) -> tuple[str, float, int | None]:
    """The verdict of written note ``k`` once the transcription's reading is heard beside
    the key activation's (``status``, ``confidence``, ``played_midi``): the
    transcription's, with the confidence its case earned on the fit takes
    (``RELIABILITY``); the caller makes it ``unsure`` below its sure probability.

    Returns
    -------
    (status, confidence, played_midi)
    """
    case = reading_case(reading, k, status, played_midi, harmonic=harmonic)
    if case is None:
        return status, confidence, played_midi
    said = str(reading.status[k])
    key = int(reading.played_midi[k]) if said == "wrong" else None
    if alone:
        return said, 1.0, key
    verdicts, right = RELIABILITY[case]
    confidence = (right + 1.0) / (verdicts + 2.0)
    if case in NEVER_SURE:
        return "unsure", confidence, None
    return said, confidence, key


def transcribed_extras(reading: TranscribedReading, score, alignment) -> list[ExtraNote]:
    """The reading's extra notes as ``ExtraNote`` rows with their bar
    (``piano_written.extra_note_rows``), each ``EXTRA_CONFIDENCE`` sure."""
    return extra_note_rows([(t, key, EXTRA_CONFIDENCE) for t, key, _ in reading.extras],
                           score=score, alignment=alignment)


def heard_by_transcription(take: np.ndarray, sr: int, rows: list[NoteComparison], *,
                           checked: list[int], centres: np.ndarray, midis: np.ndarray,
                           chord_ids: np.ndarray, harmonic: np.ndarray,
                           wrong_range: int, sure: float, alone: bool = False,
                           progress: ProgressFn | None = None,
                           cancel: CancelToken | None = None
                           ) -> tuple[list[NoteComparison], TranscribedReading] | None:
    """The key activation's verdicts (``rows``) revised by the take's transcription.

    Parameters
    ----------
    take : numpy.ndarray
        The mono take, shape (samples,), at ``sr`` Hz.
    rows : list of NoteComparison
        The verdicts so far, one per written note.
    checked : list of int
        Indices of the rows whose timing is trusted (only these are revised).
    centres : numpy.ndarray
        Each row's onset found in the take in seconds (NaN: unknown), shape (rows,).
    midis, chord_ids : numpy.ndarray
        Written key and chord of each row, shape (rows,).
    harmonic : numpy.ndarray
        bool, shape (rows,): the written key is a harmonic of a lower written key
        sounding at its onset (``piano_written.harmonic_of_sounding_note``).
    wrong_range : int
        How many semitones around a written key a key struck instead is looked for.
    sure : float
        A revised verdict less probable than this is ``unsure``.
    alone : bool
        The transcription's reading only (benchmarks compare).

    Returns
    -------
    (rows, reading) or None
        ``None`` when the transcription does not hear the take as the key activation
        does (``agreement`` below ``TRUSTED_AGREEMENT``): the rows stand.
    """
    notes = transcribe_piano(take, sr, progress=progress, cancel=cancel)
    placed = place_on_transcription(notes, centres=centres, midis=midis, chord_ids=chord_ids)
    reading = read_transcription(notes, centres=placed, midis=midis, wrong_range=wrong_range)
    if not agreement(reading, [r.status for r in rows],
                     [r.confidence for r in rows]) >= TRUSTED_AGREEMENT:
        return None
    out = list(rows)
    for k in checked:
        status, confidence, played = revised_verdict(
            reading, k, rows[k].status, rows[k].confidence, rows[k].played_midi,
            harmonic=bool(harmonic[k]), alone=alone)
        if confidence < sure:
            status, played = "unsure", None
        out[k] = replace(rows[k], status=status, confidence=float(confidence),
                         played_midi=played)
    return out, reading
