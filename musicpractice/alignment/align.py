"""Align a take to another take or to a score."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from musicpractice.alignment.engine import FrameAlignment, align_features
from musicpractice.alignment.features import (
    BROAD_ONSETS,
    audio_features,
    pitch_onsets,
)
from musicpractice.alignment.refine import refine_to_onsets
from musicpractice.alignment.score_parts import performed_part, written_features
from musicpractice.alignment.timemap import Alignment
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.progress import CancelToken, ProgressFn, Steps, report
from musicpractice.score.model import Score

LOW_CONFIDENCE = 0.3
"""Below this overall confidence the reference is probably not what was played."""
HARDLY_MATCH = ("The take and the reference hardly match: is it the right piece? "
                "The alignment is unreliable.")
"""The warning of an alignment below ``LOW_CONFIDENCE``."""
HEARD_PARTS_MARGIN = 0.3
"""A take aligned to a named part that matches the whole score this much better (overall
confidence) contains the other parts (a singer recorded with the choir): its timing is
read from all the parts (``score_parts.MIN_MARGIN``, the same margin)."""


def align_takes(take: np.ndarray, reference: np.ndarray, sr: int, *,
                subsequence: bool | None = None, progress: ProgressFn | None = None,
                cancel: CancelToken | None = None) -> Alignment:
    """Align a take to an earlier take (or a teacher's recording).

    Parameters
    ----------
    take, reference : numpy.ndarray
        Mono signals at ``sr``.
    sr : int
        Sample rate in Hz.
    subsequence : bool or None
        True: the take plays only part of the reference (find where it starts and
        stops); False: it plays all of it; None (default): decide from the match.

    Returns
    -------
    Alignment
        With reference positions in seconds of ``reference``.
    """
    steps = Steps(progress, [("take features", 1), ("reference features", 1), ("aligning", 1)])
    take_f = audio_features(take, sr, progress=steps.stage("take features"), cancel=cancel)
    ref_f = audio_features(reference, sr, progress=steps.stage("reference features"),
                           cancel=cancel)
    frames = align_features(take_f, ref_f, subsequence=subsequence,
                            progress=steps.stage("aligning"), cancel=cancel)
    return _alignment(frames, "audio", frames.ref_frames / frames.rate_hz,
                      take_f.tuning_cents, [])


def align_to_score(take: np.ndarray, sr: int, score: Score, *, part: str | None = None,
                   bars: tuple[int, int] | None = None, subsequence: bool | None = None,
                   progress: ProgressFn | None = None,
                   cancel: CancelToken | None = None) -> Alignment:
    """Align a take to a score, or to one part of it.

    Parameters
    ----------
    take : numpy.ndarray
        Mono signal at ``sr``.
    sr : int
        Sample rate in Hz.
    score : Score
        The reference score (see :func:`musicpractice.score.load_score`).
    part : str, optional
        Name of the part that was played or sung (see :meth:`Score.find_part`). When
        omitted, a take that performs one single-line part of a score with several (a
        singer's line of a chorale) follows that part (see :mod:`.score_parts`; the
        alignment's ``part`` and a warning say so); otherwise all parts. A take aligned
        to a named part that matches the whole score clearly better (the other parts are
        heard: a singer recorded with the choir) is timed by all the parts
        (``HEARD_PARTS_MARGIN``); its ``part`` stays the one named.
    bars : (int, int), optional
        First and last written bar the take covers (a rehearsal of bars 17-32).
    subsequence : bool or None
        True: the take may cover any stretch of the score (the bars it covers are
        reported); False: it covers the whole score (or ``bars``); None (default):
        decide from the match.

    Returns
    -------
    Alignment
        With reference positions in quarter notes from the start of the score; the time
        map passes through the chords' onsets where the take shows them clearly (see
        :mod:`.refine`).
    """
    part_name = score.find_part(part) if part is not None else None
    notes = score.part_notes(part_name)
    q0, q1 = (score.measure_range(*bars) if bars is not None else (0.0, score.duration_quarter))
    notes = _starting_within(notes, q0, q1)
    if not notes:
        raise InvalidParameterError("There are no notes to align to in the chosen part and bars.")
    steps = Steps(progress, [("take features", 2), ("aligning", 1), ("note onsets", 1)])
    take_f = audio_features(take, sr, onset_style=BROAD_ONSETS,
                            progress=steps.stage("take features"), cancel=cancel)
    warnings = []
    start_s = float(score.seconds_at(q0))
    ref_f = written_features(score, notes, q0, q1)
    frames = align_features(take_f, ref_f, subsequence=subsequence,
                            progress=steps.stage("aligning"), cancel=cancel)
    choice = (performed_part(take_f, score, q0, q1, all_parts=frames, subsequence=subsequence,
                             cancel=cancel) if part_name is None else None)
    if choice is not None:  # one voice's line sung to a choir score: follow that part
        part_name = choice.part
        notes = [n for n in notes if n.part == part_name]
        warnings.append(choice.sentence())
        ref_f = written_features(score, notes, q0, q1)
        frames = choice.frames
    timing_notes, heard_parts = notes, False
    if part_name is not None and choice is None and len(score.parts) > 1:
        whole = _starting_within(score.notes, q0, q1)
        whole_f = written_features(score, whole, q0, q1)
        with_all = align_features(take_f, whole_f, subsequence=subsequence, cancel=cancel)
        heard_parts = (with_all.overall_confidence
                       >= frames.overall_confidence + HEARD_PARTS_MARGIN)
        if heard_parts:  # the other parts are heard: time the take by all of them
            frames, ref_f, timing_notes = with_all, whole_f, whole
            warnings.append(f"The other parts are heard in the take: it was aligned to the "
                            f"whole score, and the {part_name} part's notes are checked.")
    grid_q = np.linspace(q0, q1, max(2, int((q1 - q0) * 48) + 1))
    grid_s = score.seconds_at(grid_q) - start_s
    ref_q = np.interp(frames.ref_frames / frames.rate_hz, grid_s, grid_q)
    ref_q[frames.ref_frames >= ref_f.n_frames - 1] = q1  # the last frame ends the excerpt
    ref_q = started_on_an_attack(ref_q, timing_notes)
    if choice is None and part_name is not None and len(score.parts) > 1 and not heard_parts:
        warnings.append(f"Aligned to the {part_name} part only.")
    alignment = replace(_alignment(frames, "score", ref_q, take_f.tuning_cents, warnings),
                        part=part_name, timed_by_parts=heard_parts)
    report(steps.stage("note onsets"), 0.0, "placing notes")
    chord_q = np.unique([n.onset_quarter for n in timing_notes])
    pitches = np.array([n.midi for n in timing_notes])
    chord_of = np.searchsorted(chord_q, [n.onset_quarter for n in timing_notes])
    chords = [pitches[chord_of == k] for k in range(chord_q.size)]
    return refine_to_onsets(alignment, pitch_onsets(take, sr, cancel=cancel), chord_q, chords)


def _starting_within(notes, q0: float, q1: float) -> list:
    """The notes starting in [q0, q1) (quarter notes)."""
    return [n for n in notes if q0 - 1e-9 <= n.onset_quarter < q1 - 1e-9]


def started_on_an_attack(ref_q: np.ndarray, notes) -> np.ndarray:
    """A path that starts inside a written note, held: the take started with that note.

    A free match may begin a take anywhere in the score, and a first note held long (a
    pickup under a fermata, a slow first chord) matches the end of the written note as
    well as its start: the path then waits at a position inside the note and the note's
    own onset is never reached, so the note is left out of the verdicts and the take said
    to start later. A performer starts with an attack, so where the path's first positions
    (at least two) stay at one score position inside notes that all began at one earlier
    onset, with no other onset between, those positions are spread evenly from that onset
    on (the take's first sound is the note's start).

    Parameters
    ----------
    ref_q : numpy.ndarray
        Score positions of the path, quarter notes, non-decreasing, shape (n,).
    notes : sequence of Note
        The written notes the take was aligned to.

    Returns
    -------
    numpy.ndarray
        ``ref_q``, or a copy with its first held run spread back to the note's onset.
    """
    q = float(ref_q[0])
    held = int(np.searchsorted(ref_q, q, side="right"))
    sounding = [n.onset_quarter for n in notes
                if n.onset_quarter < q - 1e-6 < n.onset_quarter + n.duration_quarter]
    if held < 2 or not sounding or max(sounding) != min(sounding):
        return ref_q
    start = sounding[0]
    if any(start < n.onset_quarter <= q + 1e-6 for n in notes):
        return ref_q
    out = ref_q.copy()
    out[:held] = np.linspace(start, q, held)
    return out


def _alignment(frames: FrameAlignment, kind: str, ref: np.ndarray, tuning_cents: float,
               warnings: list[str]) -> Alignment:
    if frames.overall_confidence < LOW_CONFIDENCE:
        warnings.append(HARDLY_MATCH)
    if frames.transposition_semitones:
        warnings.append(f"The take sounds {abs(frames.transposition_semitones)} semitone(s) "
                        f"{'above' if frames.transposition_semitones > 0 else 'below'} "
                        "the reference.")
    return Alignment(reference_kind=kind, take_s=frames.take_frames / frames.rate_hz,
                     ref=np.asarray(ref, dtype=float), confidence=frames.confidence,
                     overall_confidence=frames.overall_confidence,
                     transposition_semitones=frames.transposition_semitones,
                     take_tuning_cents=float(tuning_cents), partial=frames.subsequence,
                     warnings=tuple(warnings))
