"""A sung (monophonic) part of an aligned take as comparison rows: notes, extras, restarts.

Glue between :func:`musicpractice.alignment.compare_with_score` and the note-level check
(:mod:`.sung_segments` -> :mod:`.note_follow` -> :mod:`.note_check`).
"""

from __future__ import annotations

import numpy as np

from musicpractice.alignment.compare import ExtraNote, NoteComparison, Restart
from musicpractice.alignment.mix_evidence import PartEvidence
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
"""Inside a mix the take's tuning is the one the other parts sing at, when at least this
many of their notes could be read (on the fit chorales their median deviation matched
the singer's own bias within 1.4 cents; the singer's notes alone were 24 cents off on a
second voice's take)."""


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
        if count >= MIN_ENSEMBLE_NOTES:  # the singer is judged at the ensemble's tuning
            ensemble = offset / 100.0
    sung = sung_notes(take, sr, track)
    if other_notes:
        sung = without_other_parts(sung, take, sr, **other_notes, mixed=track.polyphonic)
    check = check_sung_part(sung, track, notes, seconds_per_quarter=spq, first=first,
                            last=last, tolerance_cents=tolerance_cents, heard_others=heard,
                            tuning_semitones=ensemble)
    verdicts = check.verdicts
    if heard is not None:  # is the singer there? the part's own partials against its neighbours'
        evidence = evidence.retuned(check.tuning_cents / 100.0)
        verdicts = revised_in_mix(
            verdicts, written_midi=np.array([n.midi for n in notes]),
            durations_s=np.array([n.duration_quarter for n in notes]) * spq,
            tuning_semitones=check.tuning_cents / 100.0, tolerance_cents=tolerance_cents,
            evidence=evidence)
    rows = []
    for v in verdicts:
        n = notes[v.index]
        rows.append(NoteComparison(
            part=n.part, measure=n.measure, ref_quarter=n.onset_quarter, midi=n.midi,
            take_onset_s=v.onset_s, deviation_s=float("nan"), cents=v.cents, status=v.status,
            confidence=v.confidence, played_midi=v.played_midi, attempt=v.attempt))
    extras = [ExtraNote(take_onset_s=e.onset_s, duration_s=e.duration_s, midi=e.midi,
                        measure=notes[max(e.after_index, 0)].measure, confidence=e.confidence)
              for e in check.extras]
    restarts = [Restart(take_s=t, from_measure=notes[a].measure, to_measure=notes[b].measure)
                for t, a, b in check.jumps]
    warnings = list(track.warnings)
    unsure = sum(r.status == "unsure" for r in rows)
    if unsure:
        warnings.append(f"{unsure} of {len(rows)} notes could not be judged for sure "
                        "(marked unsure).")
    return rows, extras, restarts, 440.0 * 2.0 ** (check.tuning_cents / 1200.0), warnings
