"""A sung (monophonic) part of an aligned take as comparison rows: notes, extras, restarts.

Glue between :func:`musicpractice.alignment.compare_with_score` and the note-level check
(:mod:`.sung_segments` -> :mod:`.note_follow` -> :mod:`.note_check`).
"""

from __future__ import annotations

import numpy as np

from musicpractice.alignment.bar_checks import UNSURE_CONFIDENCE
from musicpractice.alignment.compare import ExtraNote, NoteComparison, Restart
from musicpractice.alignment.mix_evidence import PartEvidence
from musicpractice.alignment.mix_extras import extras_in_mix
from musicpractice.alignment.mix_verdicts import revised_in_mix
from musicpractice.alignment.note_check import check_sung_part
from musicpractice.alignment.part_in_mix import masked_part_track
from musicpractice.alignment.sung_segments import (
    part_pitch_track,
    sung_notes,
    without_other_parts,
)
from musicpractice.alignment.timemap import Alignment
from musicpractice.core.progress import CancelToken, ProgressFn
from musicpractice.score.model import Score, ScoreNote

MIN_ENSEMBLE_NOTES = 8
"""Inside a mix the tuning the other parts sing at is read when at least this many of
their notes can be (on the fit chorales their median deviation matched the singer's own
bias within 1.4 cents). The notes are still judged at the singer's own tuning: judged
at the other parts' tuning, a second voice's take whose own tuning estimate was 24 cents
off gained (held-out wrong recall 0.56 -> 0.61), but a singer in tune at A4 = 440 Hz over
a FluidSynth choir that sounds 12-17 cents flat lost (benchmarks/part_in_choir.py: wrong
0.67 -> 0.63, sure-but-wrong 0.09 -> 0.12); which reference a singer in a choir should
be held to is the user's call, not this check's."""
ENSEMBLE_APART_CENTS = 10.0
"""The user is told when the other parts' tuning and the singer's part by this much."""


def check_sung_take(take: np.ndarray, sr: int, score: Score, alignment: Alignment,
                    part_name: str, *, tolerance_cents: float,
                    progress: ProgressFn | None = None, cancel: CancelToken | None = None):
    """Rows of a sung part: every written note the take covers, per attempt.

    Parameters
    ----------
    take : numpy.ndarray
        Mono samples, shape ``(n,)``.
    sr : int
        Sample rate in Hz.
    score : Score
    alignment : Alignment
        The coarse take-to-score alignment (gives the tempo and the span).
    part_name : str
        The sung part (monophonic).
    tolerance_cents : float
        Intonation tolerance.

    Returns
    -------
    notes : list of NoteComparison
    extras : list of ExtraNote
    restarts : list of Restart
    tuning_hz : float
        The take's A4.
    warnings : list of str
    """
    notes: list[ScoreNote] = sorted(score.part_notes(part_name), key=lambda n: n.onset_quarter)
    quarter = np.array([n.onset_quarter for n in notes])
    q0, q1 = alignment.ref_span
    first = int(np.searchsorted(quarter, q0 - 1e-6))
    last = max(first, int(np.searchsorted(quarter, q1 + 1e-6)) - 1)
    t0, t1 = alignment.take_at([q0, q1])
    spq = float((t1 - t0) / max(q1 - q0, 1e-6)) if np.isfinite(t0 + t1) and t1 > t0 else (
        60.0 / float(score.tempo_at(q0)))
    track = part_pitch_track(take, sr, lowest_midi=min(n.midi for n in notes),
                             highest_midi=max(n.midi for n in notes), progress=progress,
                             cancel=cancel)
    others = [n for n in score.notes if n.part != part_name and q0 - 1e-6 <= n.onset_quarter <= q1]
    other_notes = {}
    if others:
        other_notes = dict(
            others_midi=np.array([n.midi for n in others]),
            others_on_s=alignment.take_at([n.onset_quarter for n in others]),
            others_off_s=alignment.take_at([min(n.onset_quarter + n.duration_quarter, q1)
                                            for n in others]))
    heard = evidence = ensemble = None
    if other_notes and track.polyphonic:  # the other parts are heard: mask them
        covered = [n for n in notes if q0 - 1e-6 <= n.onset_quarter <= q1]
        part_notes = dict(
            part_midi=np.array([n.midi for n in covered]),
            part_on_s=alignment.take_at([n.onset_quarter for n in covered]),
            part_off_s=alignment.take_at([n.onset_quarter + n.duration_quarter
                                          for n in covered]))
        track = masked_part_track(
            take, sr, lowest_midi=min(n.midi for n in notes),
            highest_midi=max(n.midi for n in notes), **other_notes, **part_notes)
        heard = (other_notes["others_midi"], other_notes["others_on_s"],
                 other_notes["others_off_s"])
        evidence = PartEvidence(take, sr, **other_notes)  # at A4 = 440 Hz
        offset, count = evidence.others_offset_cents(**part_notes)
        if count >= MIN_ENSEMBLE_NOTES:
            ensemble = offset / 100.0
    sung = sung_notes(take, sr, track)
    if other_notes:
        sung = without_other_parts(sung, take, sr, **other_notes, mixed=track.polyphonic)
    timed = timed_onsets(alignment, quarter) if heard is not None else None
    check = check_sung_part(sung, track, notes, seconds_per_quarter=spq, first=first,
                            last=last, tolerance_cents=tolerance_cents, heard_others=heard,
                            timed_onsets_s=timed)
    verdicts, extra_verdicts = check.verdicts, check.extras
    apart = 100.0 * ensemble - check.tuning_cents if ensemble is not None else 0.0
    if abs(apart) >= ENSEMBLE_APART_CENTS:
        warnings_mix = [f"The other parts sound {abs(apart):.0f} cents "
                        f"{'above' if apart > 0 else 'below'} the tuning you sang at; the "
                        "notes are judged at your own tuning."]
    else:
        warnings_mix = []
    if heard is not None:  # is the singer there? the part's own partials against its neighbours'
        evidence = evidence.retuned(check.tuning_cents / 100.0)
        verdicts = revised_in_mix(
            verdicts, written_midi=np.array([n.midi for n in notes]),
            durations_s=np.array([n.duration_quarter for n in notes]) * spq,
            tuning_semitones=check.tuning_cents / 100.0, tolerance_cents=tolerance_cents,
            evidence=evidence)
        extra_verdicts = extras_in_mix(extra_verdicts, sung, evidence=evidence)
    rows = []
    for v in verdicts:
        n = notes[v.index]
        rows.append(NoteComparison(
            part=n.part, measure=n.measure, ref_quarter=n.onset_quarter, midi=n.midi,
            take_onset_s=v.onset_s, deviation_s=float("nan"), cents=v.cents, status=v.status,
            confidence=v.confidence, played_midi=v.played_midi, attempt=v.attempt))
    extras = [ExtraNote(take_onset_s=e.onset_s, duration_s=e.duration_s, midi=e.midi,
                        measure=notes[max(e.after_index, 0)].measure, confidence=e.confidence)
              for e in extra_verdicts  # a grace note sung as written is no extra note
              if not score.grace_note_near(midi=e.midi, part=part_name,
                                           quarter=float(alignment.ref_at(e.onset_s)))]
    restarts = [Restart(take_s=t, from_measure=notes[a].measure, to_measure=notes[b].measure)
                for t, a, b in check.jumps]
    warnings = list(track.warnings) + warnings_mix  # the unsure count is the renderers'
    return rows, extras, restarts, 440.0 * 2.0 ** (check.tuning_cents / 1200.0), warnings


def timed_onsets(alignment: Alignment, quarter: np.ndarray) -> np.ndarray:
    """Where the take-to-score map places each written note of a part sung in a mix, for
    the note follower to keep its matches near (``follow_notes(timed_onsets_s=...)``).

    The map times a note where the whole score timed the take (``timed_by_parts``: the
    other parts' onsets place it) or where it is sure of that note (its confidence there
    at least ``bar_checks.UNSURE_CONFIDENCE``, as a bar is shown sure): a real singer whose
    map is unsure throughout (confidence near 0) is followed by the sung notes alone.

    Parameters
    ----------
    alignment : Alignment
    quarter : numpy.ndarray
        The written notes' onsets, quarter notes, shape (notes,).

    Returns
    -------
    numpy.ndarray
        Take seconds, shape (notes,); NaN (no constraint) outside the aligned span and
        where the map is not sure.
    """
    quarter = np.asarray(quarter, dtype=float)
    q0, q1 = alignment.ref_span
    at = alignment.take_at(quarter)
    with np.errstate(invalid="ignore"):
        sure = alignment.timed_by_parts | (
            np.interp(at, alignment.take_s, alignment.confidence) >= UNSURE_CONFIDENCE)
    return np.where((quarter >= q0 - 1e-6) & (quarter <= q1 + 1e-6) & sure, at, np.nan)
