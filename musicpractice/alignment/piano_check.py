"""Every written note of a polyphonic part (piano, both hands) checked in the take.

Score-informed: the alignment says when each written note should start; the key
activation says which keys were struck around that time: the note probability of a small
neural transcription model shipped with the package (Basic Pitch, run with onnxruntime:
:mod:`musicpractice.analysis.note_model`) or, without onnxruntime, the harmonic-template NMF
(:mod:`musicpractice.analysis.pitch_activation`); :mod:`musicpractice.alignment.piano_activation`
chooses and brings the calibration of the one chosen. A written note whose key rises clearly at its aligned onset was played
(``ok``); one whose key stays quiet was left out (``missing``) or replaced by a neighbouring
key that rises instead and is not written there (``wrong``, naming ``played_midi``). Keys
that rise where the score has nothing for them are ``extra`` notes.

The evidence for a note is the rise of its key's activation over a short window around its
aligned onset, relative to the strongest key activation nearby (so soft passages are
judged against themselves). Before judging, each written chord is placed on its own onset
(:mod:`musicpractice.alignment.piano_timing`: a monotonic search over the chord sequence
within 0.35 s of the time map, on the note model's onset probabilities or the NMF's
rise), which absorbs alignment errors of a few hundred milliseconds (rubato, spread
chords, ornaments); a chord left out keeps the offset of its neighbours. (Weighting a
key's rise by its onset probability was tried: on the benchmark takes it changed little,
on a real Chopin take the model's weak onsets of the low B1 made 13 false "missing".)
An isotonic calibration turns the evidence into the probability that the note was played
(with the NMF, keys that are a harmonic of a lower note sounding with them are never
called missing: ``harmonic_of_sounding_note``); with the note model a logistic model over
``played_features`` does (the evidence, the key's level after and before the onset, the
clearest unwritten neighbour's evidence, the onset probability, the level after over the
key's usual level in the take), one for such harmonic keys and one for the
others; where that neighbour is struck clearly (and is no partial of a written note), a
multinomial model (again one for harmonic keys, one for the others) gives P(ok),
P(missing) and P(wrong at the neighbour) at once
(:mod:`musicpractice.alignment.piano_neighbour`); the tables were fitted on Vienna 4x22
performances with injected mistakes (``benchmarks/piano_check_fit.py``, fit performers) and
checked on held-out ones (``benchmarks/piano_verdicts.py``). Verdicts whose probability is
below the calibration's ``sure_probability`` are ``unsure``.

When the piano transcription model can run (:mod:`musicpractice.analysis.
piano_transcription`), its notes have the last word (``TRANSCRIPTION``): a written key
without a transcribed onset of its own was not struck, whatever its activation (a key
held from an earlier stroke, or a harmonic of a lower key, which the activation hears as
played); each verdict takes the confidence its case earned on the fit takes, and the
extra notes are the transcription's left-over notes
(:mod:`musicpractice.alignment.piano_transcribed`). A take the transcription does not
hear like the key activation (another instrument) keeps the activation's verdicts.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np
from scipy.ndimage import maximum_filter1d

from musicpractice.alignment.compare import ExtraNote, NoteComparison
from musicpractice.alignment.timemap import Alignment
from musicpractice.alignment.piano_activation import key_activation
from musicpractice.alignment.piano_key_level import level_over_key_median
from musicpractice.alignment.piano_neighbour import (
    STRUCK_NEIGHBOUR_EVIDENCE,
    key_onset_ln,
    neighbour_onset_feature,
    partial_of_written,
    struck_neighbour_verdict,
)
from musicpractice.alignment.piano_timing import chord_ids_of, place_chords
from musicpractice.alignment.piano_transcribed import heard_by_transcription, transcribed_extras
from musicpractice.alignment.piano_written import (
    extra_note_rows,
    extra_span,
    harmonic_of_sounding_note,
    unison_with_earlier_row,
)
from musicpractice.analysis.pitch_activation import PitchActivation
from musicpractice.analysis.piano_transcription import piano_transcription_available
from musicpractice.core.progress import CancelToken, ProgressFn, sub_progress
from musicpractice.score.model import Score

JUDGE_S = (-0.07, 0.1)
"""Window around the chord's found onset (``piano_timing.place_chords``) the verdict is
made on."""
RISE_FRAMES = 4
"""A key's rise is its activation minus its minimum over this many frames before."""
LOCAL_S = 1.5
"""Notes within this many seconds inform a note's timing correction and loudness scale."""
WRONG_RANGE = 3
"""A wrong note is looked for this many semitones around the written one."""
WRITTEN_NEARBY_S = 0.3
"""A key written this close to a note's onset cannot be that note's wrong key, nor extra."""
KNOTS = (-9.0, -7.0, -6.0, -5.0, -4.5, -4.0, -3.5, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0)
"""ln(evidence) at which the calibrations (``piano_activation.Calibration``) are given."""
CONTRAST_KNOTS = (-6.0, -4.0, -3.0, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0)
"""ln(a written key's evidence / the evidence of the unwritten neighbour struck most
clearly) at which ``Calibration.contrast`` is given: where a neighbour is clearly struck,
the smaller of that and the ``played`` probability is used (a key a semitone away struck
much more clearly means the written key's own rise is mostly its leakage)."""
TRANSCRIPTION = "combined"
"""How the piano transcription's notes (``piano_transcribed``) join the verdicts:
``"combined"`` (beside the key activation, ``piano_transcribed.revised_verdict``),
``"alone"`` (its reading only) or ``"off"``; benchmarks set it to compare them. Without
the transcription model (``piano_transcription_available``) it is ``"off"``."""
ACTIVATION_METHOD = "auto"
"""Which key activation the check reads (``piano_activation.METHODS``): the note model
when it can run, else the NMF. Benchmarks set it to compare the two."""
PRE_S = (-0.3, -0.08)
POST_S = (-0.03, 0.15)
"""Windows around a note's found onset in which its key's activation level is read before
and after the stroke (``played_features``): a key sounding from an earlier stroke and not
struck again has its rise read from a dip and recovery of the held level (the note model's
posterior of a held key dips at other keys' onsets), which the level before tells apart."""
EVIDENCE_FLOOR = 1e-4
CLEAR_EVIDENCE = 0.1
MIN_SUPPORT = 0.6
"""A note is judged only where at least this share of the written notes around it
(within ``LOCAL_S``) are clearly struck (evidence ``CLEAR_EVIDENCE``) at their aligned
times; elsewhere the alignment is not trusted and the verdict is ``unsure``. Notes the
aligner itself marked unsure are judged when this local check trusts them."""


def check_piano_notes(take: np.ndarray, sr: int, rows: Sequence[NoteComparison], *,
                      score: Score, alignment: Alignment, tuning_hz: float = 440.0,
                      progress: ProgressFn | None = None, cancel: CancelToken | None = None
                      ) -> tuple[tuple[NoteComparison, ...], tuple[ExtraNote, ...]]:
    """Verdicts for the ``"unchecked"`` rows of a polyphonic part, plus the extra notes.

    Parameters
    ----------
    take : numpy.ndarray
        The mono take, shape (samples,).
    sr : int
        Sample rate in Hz.
    rows : sequence of NoteComparison
        The written notes with their aligned onsets (``take_onset_s``); rows whose status
        is not ``"unchecked"`` (e.g. ``"unsure"`` alignment) are kept as they are.
    score : Score
        For the bar of each extra note.
    alignment : Alignment
        The take aligned to ``score``.
    tuning_hz : float
        Reference A4 of the take in Hz.

    Returns
    -------
    rows : tuple of NoteComparison
        ``status`` ``ok`` / ``missing`` / ``wrong`` (with ``played_midi``) / ``unsure``,
        with ``confidence`` (probability that the status is right).
    extra_notes : tuple of ExtraNote
    """
    checked = [k for k, r in enumerate(rows) if r.status in ("unchecked", "unsure")
               and np.isfinite(r.take_onset_s)]
    if not checked:
        return tuple(rows), ()
    low = max(21, min(r.midi for r in rows) - 12)
    high = min(108, max(r.midi for r in rows) + 12)
    transcribed = TRANSCRIPTION != "off" and piano_transcription_available() is None
    act, cal, onset = key_activation(take, sr, low_midi=low, high_midi=high,
                                     tuning_hz=tuning_hz, method=ACTIVATION_METHOD,
                                     progress=sub_progress(progress, 0.0,
                                                           0.3 if transcribed else 1.0),
                                     cancel=cancel)
    onsets = np.array([r.take_onset_s for r in rows], dtype=float)
    midis = np.array([r.midi for r in rows])
    chords = chord_ids_of(rows)
    rise, local, centres, evidence = note_evidence(act, onsets=onsets, midis=midis,
                                                   chords=chords, onset=onset)
    scale = _local_scale(act, local, centres)
    support = _timing_support(centres, evidence)
    neighbours = [_wrong_key(act, rise, k, centres, midis, scale) for k in range(len(rows))]
    features = played_features(act, centres=centres, midis=midis, evidence=evidence,
                               neighbour_evidence=np.array([e for _, e in neighbours]),
                               onset=onset)
    neighbour_onset = neighbour_onset_feature(act, onset, centres=centres,
                                              keys=[key for key, _ in neighbours],
                                              window_s=JUDGE_S, floor=EVIDENCE_FLOOR)
    masked = harmonic_of_sounding_note(score, rows)
    unison = unison_with_earlier_row(rows)
    out = list(rows)
    claimed: list[tuple[float, int]] = []
    for k in checked:
        if support[k] < MIN_SUPPORT:
            out[k] = replace(rows[k], status="unsure", confidence=float("nan"))
            continue
        harmonic = masked[k] and cal.played_harmonic is not None
        p_played = _probability(evidence[k], cal.played_harmonic if harmonic else cal.played)
        weights = cal.harmonic_weights if masked[k] else cal.played_weights
        key, key_evidence = neighbours[k]
        if weights is not None:  # the neighbour's evidence is one of the features
            p_played = _logistic(weights, features[k])
        elif key_evidence >= CLEAR_EVIDENCE:  # a neighbour struck: is the key leakage?
            contrast = np.log(max(evidence[k], EVIDENCE_FLOOR) / key_evidence)
            p_played = min(p_played, float(np.interp(contrast, CONTRAST_KNOTS, cal.contrast)))
        status, confidence, played = "ok", p_played, None
        neighbour_weights = (cal.harmonic_neighbour_weights if masked[k]
                             else cal.neighbour_weights)
        if (neighbour_weights is not None and key_evidence >= STRUCK_NEIGHBOUR_EVIDENCE
                and not partial_of_written(key, centres[k], centres=centres, midis=midis,
                                           within_s=WRITTEN_NEARBY_S)):
            status, confidence = struck_neighbour_verdict(
                neighbour_weights, (*features[k], neighbour_onset[k]))
            if status == "wrong":
                played = key
                claimed.append((centres[k], key))
        elif p_played < 0.5:
            p_key = _probability(key_evidence, cal.wrong_key)
            status, confidence = "missing", (1.0 - p_played) * (1.0 - p_key)
            if p_key >= 0.5:
                status, played = "wrong", key
                confidence = (1.0 - p_played) * p_key
                claimed.append((centres[k], key))
        if (confidence < cal.sure_probability
                or (status == "missing" and masked[k] and cal.played_harmonic is None
                    and cal.harmonic_weights is None)
                or (status == "ok" and unison[k])):
            status = "unsure"
        out[k] = replace(rows[k], status=status, confidence=float(confidence),
                         played_midi=played)
    if transcribed:
        revised = heard_by_transcription(
            take, sr, out, checked=[k for k in checked if support[k] >= MIN_SUPPORT],
            centres=centres, midis=midis, chord_ids=chords,
            harmonic=np.asarray(masked, dtype=bool), wrong_range=WRONG_RANGE,
            sure=cal.sure_probability, alone=TRANSCRIPTION == "alone",
            progress=sub_progress(progress, 0.3, 1.0), cancel=cancel)
        if revised is not None:  # the transcription's extra notes replace the activation's
            out, reading = revised
            return tuple(out), tuple(transcribed_extras(reading, score, alignment))
    extras = _extra_notes(act, rise, local, centres, midis, claimed, score, alignment, cal)
    return tuple(out), tuple(extras)


def note_evidence(act: PitchActivation, *, onsets: np.ndarray, midis: np.ndarray,
                  chords: np.ndarray, onset: np.ndarray | None = None):
    """How clearly each written key is struck at its chord's onset found in the take.

    Parameters
    ----------
    act : PitchActivation
    onsets : numpy.ndarray
        Aligned onsets in seconds, shape (notes,) (NaN where not aligned).
    midis : numpy.ndarray
        Written keys, shape (notes,).
    chords : numpy.ndarray
        The chord (score time) of each note, shape (notes,) (``piano_timing.chord_ids_of``).
    onset : numpy.ndarray or None
        Onset probability per key and frame, shape like ``act.activation`` (the note
        model's); ``None``: the activation's rise over the strongest rise nearby.

    Returns
    -------
    rise : numpy.ndarray
        Activation rise per key and frame, shape like ``act.activation``.
    local : numpy.ndarray
        Strongest rise near each frame, shape (frames,).
    centres : numpy.ndarray
        Re-centred onsets in seconds, shape (notes,).
    evidence : numpy.ndarray
        The key's rise at its onset over the strongest rise nearby, shape (notes,).
    """
    rise = _rise(act.activation)
    local = _running_max(act, rise)
    if onset is None:
        onset = np.clip(rise / local[None, :], 0.0, 1.0)
    timing = place_chords(onset, times_s=act.times_s, low_midi=int(act.midi[0]),
                          aligned_s=onsets, midis=midis, chord_ids=chords)
    centres = np.where(np.isfinite(timing.times_s), timing.times_s, onsets)
    scale = _local_scale(act, local, centres)
    evidence = np.array([_evidence(act, rise, midis[k], centres[k], scale[k], JUDGE_S)
                         for k in range(onsets.size)])
    return rise, local, centres, evidence


def played_features(act: PitchActivation, *, centres: np.ndarray, midis: np.ndarray,
                    evidence: np.ndarray, neighbour_evidence: np.ndarray,
                    onset: np.ndarray | None = None) -> np.ndarray:
    """What says whether each written key was struck, shape (notes, 6): ln(evidence); the
    key's highest activation in ``POST_S`` and in ``PRE_S`` around its found onset (0
    where the key is outside the activation or the onset unknown); ln(the evidence of the
    unwritten neighbour struck most clearly, ``_wrong_key``, at least ``CLEAR_EVIDENCE``);
    ln(the key's highest onset probability in ``JUDGE_S``, at least ``EVIDENCE_FLOOR``;
    ``onset``: the note model's, shape like ``act.activation``; ``None``: 0); the level
    after the onset over the same key's median level after its other written onsets
    (a log ratio, ``piano_key_level.level_over_key_median``; a key written too rarely is
    read against the nearest keys).

    ``Calibration.played_weights`` (and ``harmonic_weights``) turn these into the
    probability that the key was played (``_logistic``): a rise read at a key that sounded
    as loud just before is most often the dip and recovery of a held key, not a stroke;
    a neighbour struck clearly makes the written key's own rise likely its leakage; a
    level after the onset below what this key reads at its other strokes in the take is
    most often a key held, or heard in a lower note's partials, and not struck.
    """
    out = np.zeros((centres.size, 6))
    read = np.zeros(centres.size, dtype=bool)
    out[:, 0] = np.log(np.maximum(evidence, EVIDENCE_FLOOR))
    out[:, 3] = np.log(np.maximum(neighbour_evidence, CLEAR_EVIDENCE))
    for k, (centre, midi) in enumerate(zip(centres, midis)):
        row = act.row(int(midi))
        if row is None or not np.isfinite(centre):
            continue
        read[k] = True
        for j, (start, end) in ((1, POST_S), (2, PRE_S)):
            segment = row[_frames(act, centre + start, centre + end)]
            out[k, j] = float(segment.max()) if segment.size else 0.0
        if onset is not None:
            out[k, 4] = key_onset_ln(act, onset, int(midi), centre, window_s=JUDGE_S,
                                     floor=EVIDENCE_FLOOR)
    out[:, 5] = level_over_key_median(np.where(read, out[:, 1], np.nan), midis)
    return out


def _logistic(weights, features: np.ndarray) -> float:
    """P(played) of a logistic model: ``weights`` = (intercept, *coefficients)."""
    z = weights[0] + float(np.dot(weights[1:], features))
    return float(1.0 / (1.0 + np.exp(-z)))


def _timing_support(centres: np.ndarray, evidence: np.ndarray) -> np.ndarray:
    """Share of the written notes within ``LOCAL_S`` of each note that are clearly struck
    where the alignment puts them: low where the alignment has lost the take."""
    clear = evidence >= CLEAR_EVIDENCE
    out = np.zeros(centres.size)
    for k, t in enumerate(centres):
        near = np.abs(centres - t) <= LOCAL_S
        out[k] = float(clear[near].mean()) if np.isfinite(t) and near.any() else 0.0
    return out


def _rise(activation: np.ndarray) -> np.ndarray:
    """Activation minus its running minimum over the previous frames, shape like it."""
    padded = np.pad(activation, ((0, 0), (RISE_FRAMES, 0)), mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, RISE_FRAMES + 1, axis=1)
    return activation - windows.min(axis=2)


def _frames(act: PitchActivation, start_s: float, end_s: float) -> slice:
    return slice(int(np.searchsorted(act.times_s, start_s)),
                 max(int(np.searchsorted(act.times_s, end_s)), 1 + int(np.searchsorted(act.times_s, start_s))))


def _running_max(act: PitchActivation, rise: np.ndarray) -> np.ndarray:
    """The strongest key rise within ``LOCAL_S`` of each frame, shape (frames,)."""
    size = 2 * int(round(LOCAL_S / act.hop_s)) + 1
    return np.maximum(maximum_filter1d(rise.max(axis=0), size=size, mode="nearest"), 1e-9)


def _local_scale(act: PitchActivation, local: np.ndarray, onsets: np.ndarray) -> np.ndarray:
    """The loudness scale (strongest nearby key rise) at each onset, shape (notes,)."""
    frames = np.searchsorted(act.times_s, np.nan_to_num(onsets))
    return local[np.clip(frames, 0, local.size - 1)]


def _evidence(act, rise, midi, centre, scale, window) -> float:
    row = act.row(midi)
    if row is None or not np.isfinite(centre):
        return EVIDENCE_FLOOR
    k = int(midi) - int(act.midi[0])
    segment = rise[k, _frames(act, centre + window[0], centre + window[1])]
    return max(float(segment.max()) / scale if segment.size else 0.0, EVIDENCE_FLOOR)


def _probability(evidence, calibration) -> float:
    return float(np.interp(np.log(max(evidence, EVIDENCE_FLOOR)), KNOTS, calibration))


def _wrong_key(act, rise, k, centres, midis, scale) -> tuple[int | None, float]:
    """The unwritten key near note ``k``'s pitch struck most clearly at its onset and
    that evidence (``(None, EVIDENCE_FLOOR)`` when every neighbour is written)."""
    written = set(midis[np.abs(centres - centres[k]) <= WRITTEN_NEARBY_S].tolist())
    best: tuple[int | None, float] = (None, EVIDENCE_FLOOR)
    for step in range(-WRONG_RANGE, WRONG_RANGE + 1):
        key = int(midis[k]) + step
        if step == 0 or key in written or act.row(key) is None:
            continue
        evidence = _evidence(act, rise, key, centres[k], scale[k], JUDGE_S)
        if evidence > best[1]:
            best = (key, evidence)
    return best


def _extra_notes(act, rise, local, centres, midis, claimed, score, alignment,
                 cal) -> list[ExtraNote]:
    """Struck keys with no written note of that key nearby (and not a wrong note)."""
    span = extra_span(centres)
    if span is None:
        return []
    span = _frames(act, *span)
    ratio = rise / local[None, :]
    peak = np.zeros(rise.shape, dtype=bool)
    peak[:, 1:-1] = (rise[:, 1:-1] > rise[:, :-2]) & (rise[:, 1:-1] >= rise[:, 2:])
    peak &= ratio >= cal.extra_evidence
    peak[:, :span.start] = False
    peak[:, span.stop:] = False
    found: list[tuple[float, int, float]] = []
    for row_k, f in sorted(zip(*np.nonzero(peak)), key=lambda kf: (kf[0], kf[1])):
        t, key = float(act.times_s[f]), int(act.midi[row_k])
        if _explained(t, key, centres, midis, claimed):
            continue
        if found and found[-1][1] == key and t - found[-1][0] < 0.2:
            continue
        found.append((t, key, float(ratio[row_k, f])))
    return extra_note_rows([(t, key, _probability(strength, cal.played))
                            for t, key, strength in sorted(found)],
                           score=score, alignment=alignment)


def _explained(t, key, centres, midis, claimed) -> bool:
    """Whether a rise of ``key`` at ``t`` belongs to a written note (or its partials)."""
    near = np.abs(centres - t) <= WRITTEN_NEARBY_S
    related = {key, key - 12, key - 19, key - 24, key - 28, key + 12}
    if any(int(m) in related for m in midis[near]):
        return True
    return any(abs(c - t) <= WRITTEN_NEARBY_S and key == m for c, m in claimed)
