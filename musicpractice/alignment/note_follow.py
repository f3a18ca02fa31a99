"""Follow a sung take through a written part note by note, jumps included.

The sung notes (see :mod:`.sung_segments`) are matched to the written ones by a dynamic
programme over "sung note i is written note j". A match is scored by its timing (the
time since the previous match against the written time between the two notes at the
take's tempo) and, weakly, by its pitch: a wrong pitch costs a fixed amount whatever its
size, so a mistake cannot pull the match onto a neighbouring note whose pitch it happens
to hit -- the notes around it and the rhythm place it. A sung note may also be an extra
note, a written note may be left out, and the take may jump (a restart: back to an
earlier bar; or ahead) at a fixed cost. Every pass through the part between jumps is an
attempt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.analysis.notes import Note

PITCH_SD_SEMITONES = 0.35
"""Spread of a right note's sung pitch around the written one (intonation, tracking)."""
WRONG_PITCH_SHARE = 0.15
"""Prior share of notes sung at another pitch (spread evenly over two octaves)."""
TIMING_SD = 0.3
"""Spread of log(sung / expected time between notes) (rubato, tempo drift)."""
TIMING_CAP = 8.0
EXTRA_COST = 5.0
"""Cost (nats) of a sung note that belongs to no written note."""
SHORT_EXTRA_COST = 1.0
"""... of one shorter than ``SHORT_S`` (a scoop, a glitch of the tracker)."""
SHORT_S = 0.1
MISSING_COST = 4.0
"""Cost of a written note left out."""
JUMP_COST = 14.0
"""Cost of a jump (restart or skip) in the take."""
JUMP_PER_NOTE = 0.1
"""... plus this per written note jumped over (of two like passages, the nearer wins)."""
MIDBAR_LANDING_NOTES = 2
"""A jump lands at the start of a bar, or after a written rest, where singers restart;
landing further into the music costs like leaving out the notes passed over (a wrong
note sung first after the restart is then read as that note, not as an extra note
before a later one), up to this many notes: a singer may restart anywhere."""
EDGE_COST_PER_NOTE, EDGE_COST_CAP = 0.5, 6.0
"""Cost per written note between where the coarse alignment starts (ends) the take and
where the note path does, and its cap: the coarse alignment only hints (a restart or a
repeated phrase misleads it)."""
MAX_SKIP = 4
"""Written notes a normal step may advance (skipping up to MAX_SKIP - 1 of them)."""
OCTAVE_FOLD = 8.0
"""Beyond this many semitones from the written note a sung pitch is read an octave off."""
MAX_EXTRAS = 4
"""Sung notes in a row a normal step may leave as extras."""
TIMED_SLACK_S = 0.1
"""Where the other parts heard in a take time a written note (a mix aligned to the whole
score: on the fit chorales' 6 dB mixes within 0.07 s of the sung onset at the 95th
percentile), a match this far off it is free ..."""
TIMED_SD_S = 0.1
"""... and costs like a Gaussian of this spread beyond it ..."""
TIMED_CAP = 6.0
"""... up to this (nats; more than leaving a note out): a wrong note cannot pull its
match (and the notes after it) one note off while the other parts say where it belongs.
Where the whole-score alignment itself goes astray by a note or more (one fit take in
eight, by up to 0.9 s), it misplaces the matches there."""


@dataclass(frozen=True)
class FollowedNotes:
    """The note-level path of a take through a written part.

    Attributes
    ----------
    sung_to_written : numpy.ndarray
        int64 per sung note: index of the written note it was matched to, -1 for an
        extra note.
    attempt : numpy.ndarray
        int64 per sung note: the pass through the part it belongs to (0 = first).
    jumps : tuple of (int, int, int)
        ``(sung note index where the new attempt starts, written note left,
        written note jumped to)`` per jump.
    seconds_per_quarter : float
        The take's overall tempo used for timing (median when given per sung note).
    """

    sung_to_written: np.ndarray
    attempt: np.ndarray
    jumps: tuple[tuple[int, int, int], ...]
    seconds_per_quarter: float


def follow_notes(sung: tuple[Note, ...], written_midi: np.ndarray,
                 written_quarter: np.ndarray, *, seconds_per_quarter: float,
                 tuning_semitones: float = 0.0, first: int = 0,
                 last: int | None = None,
                 restart_points: np.ndarray | None = None,
                 timed_onsets_s: np.ndarray | None = None) -> FollowedNotes:
    """Match sung notes to written ones (monotonic within attempts, jumps between them).

    Parameters
    ----------
    sung : tuple of Note
        In time order.
    written_midi : numpy.ndarray
        int, shape ``(J,)``: the written pitches in order.
    written_quarter : numpy.ndarray
        float, shape ``(J,)``: their onsets in quarter notes (increasing).
    seconds_per_quarter : float or numpy.ndarray
        The take's tempo (from the coarse alignment), or the local tempo at each sung
        note, shape ``(len(sung),)``.
    tuning_semitones : float
        The take's tuning relative to A4 = 440 Hz, in semitones.
    first, last : int
        Written notes where the take is expected to start and end (by the coarse
        alignment); starting or ending elsewhere costs like leaving notes out.
    restart_points : numpy.ndarray, optional
        bool, shape ``(J,)``: written notes a restart naturally goes back to (a bar's
        first note, a note after a rest); a jump landing elsewhere costs more (see
        ``MIDBAR_LANDING_NOTES``). None: anywhere alike.
    timed_onsets_s : numpy.ndarray, optional
        float, shape ``(J,)``: where the take-to-score map places each written note's
        onset in a mix (seconds; NaN where it is not sure: ``sung_check.timed_onsets``);
        a match further than
        ``TIMED_SLACK_S`` from it costs (see ``TIMED_SD_S``, ``TIMED_CAP``). None: the
        take's own timing alone places the notes.

    Returns
    -------
    FollowedNotes
    """
    n_sung, n_written = len(sung), int(written_midi.size)
    local_spq = np.broadcast_to(np.asarray(seconds_per_quarter, dtype=float), (n_sung,))
    seconds_per_quarter = float(np.median(local_spq)) if n_sung else float(
        np.mean(seconds_per_quarter))
    last = n_written - 1 if last is None else last
    if n_sung == 0 or n_written == 0:
        return FollowedNotes(np.full(n_sung, -1, dtype=np.int64), np.zeros(n_sung, np.int64),
                             (), float(seconds_per_quarter))
    onset = np.array([s.onset_s for s in sung])
    pitch = np.array([s.midi + s.cents / 100.0 for s in sung]) - tuning_semitones
    extra = np.where(np.array([s.duration_s for s in sung]) < SHORT_S, SHORT_EXTRA_COST,
                     EXTRA_COST)
    emission = _pitch_cost(octave_folded(pitch[:, None] - written_midi[None, :]))
    if timed_onsets_s is not None:
        emission = emission + _timed_cost(onset[:, None] - np.asarray(timed_onsets_s)[None, :])
    j_index = np.arange(n_written)
    start_cost = np.minimum(np.minimum(np.abs(j_index - first), j_index) * EDGE_COST_PER_NOTE,
                            EDGE_COST_CAP)  # where the coarse alignment starts, or the top
    end_cost = np.minimum(np.minimum(np.abs(last - j_index), n_written - 1 - j_index)
                          * EDGE_COST_PER_NOTE, EDGE_COST_CAP)
    cum_extra = np.concatenate([[0.0], np.cumsum(extra)])
    landing = _landing_cost(restart_points, n_written)
    cost = np.full((n_sung, n_written), np.inf)
    back_i = np.full((n_sung, n_written), -1, dtype=np.int64)
    back_j = np.full((n_sung, n_written), -1, dtype=np.int64)
    reach = np.full(n_written, np.inf)  # best cost to leave written note j' by a jump,
    reach_i = np.full(n_written, -1, dtype=np.int64)  # extras since included, and from where
    for i in range(n_sung):
        total = start_cost + cum_extra[i]
        bi = np.full(n_written, -1, dtype=np.int64)
        bj = np.full(n_written, -1, dtype=np.int64)
        if i > 0:
            prev_i = i - 1
            reach = reach + extra[prev_i]
            newer = cost[prev_i] < reach
            reach = np.where(newer, cost[prev_i], reach)
            reach_i = np.where(newer, prev_i, reach_i)
            jump_total, from_j = _distance_transform(reach, JUMP_PER_NOTE)
            jump_total = jump_total + JUMP_COST + landing
            better = jump_total < total
            total = np.where(better, jump_total, total)
            bi[better], bj[better] = reach_i[from_j[better]], from_j[better]
        for pi in range(max(0, i - MAX_EXTRAS - 1), i):
            between = cum_extra[i] - cum_extra[pi + 1]
            ioi = max(onset[i] - onset[pi], 1e-3)
            for step in range(1, MAX_SKIP + 1):
                prev = cost[pi, :n_written - step]
                if not np.isfinite(prev).any():
                    continue
                dq = written_quarter[step:] - written_quarter[:n_written - step]
                ratio = np.log(ioi / np.maximum(dq * local_spq[i], 1e-3))
                timing = np.minimum(0.5 * (ratio / TIMING_SD) ** 2, TIMING_CAP)
                candidate = prev + between + (step - 1) * MISSING_COST + timing
                better = candidate < total[step:]
                total[step:] = np.where(better, candidate, total[step:])
                bi[step:][better] = pi
                bj[step:][better] = j_index[:n_written - step][better]
        cost[i] = total + emission[i]
        back_i[i], back_j[i] = bi, bj
    final = cost + end_cost[None, :] + (cum_extra[-1] - cum_extra[1:])[:, None]
    i, j = np.unravel_index(int(np.argmin(final)), final.shape)
    if final[i, j] >= cum_extra[-1] + JUMP_COST * 2:  # nothing matches: all extra
        return FollowedNotes(np.full(n_sung, -1, dtype=np.int64), np.zeros(n_sung, np.int64),
                             (), float(seconds_per_quarter))
    path = []
    while i >= 0:
        path.append((int(i), int(j)))
        i, j = back_i[i, j], back_j[i, j]
    path.reverse()
    to_written = np.full(n_sung, -1, dtype=np.int64)
    attempt = np.zeros(n_sung, dtype=np.int64)
    jumps = []
    current = 0
    for k, (i, j) in enumerate(path):
        if k > 0:
            pj = path[k - 1][1]
            if j <= pj or j > pj + MAX_SKIP:
                current += 1
                jumps.append((i, pj, j))
        to_written[i] = j
        attempt[i:] = current
    return FollowedNotes(to_written, attempt, tuple(jumps), float(seconds_per_quarter))


def _timed_cost(off_s: np.ndarray) -> np.ndarray:
    """Cost (nats) of matches ``off_s`` seconds from where the map times their written
    notes (NaN: untimed, free)."""
    beyond = np.maximum(np.abs(np.nan_to_num(off_s, nan=0.0)) - TIMED_SLACK_S, 0.0)
    return np.minimum(0.5 * (beyond / TIMED_SD_S) ** 2, TIMED_CAP)


def _landing_cost(restart_points, n_written: int) -> np.ndarray:
    """Cost of a jump landing on each written note: ``MISSING_COST`` per note since the
    last restart point, at most ``MIDBAR_LANDING_NOTES`` of them."""
    if restart_points is None:
        return np.zeros(n_written)
    points = np.asarray(restart_points, dtype=bool).copy()
    points[0] = True
    last_point = np.maximum.accumulate(np.where(points, np.arange(n_written), 0))
    since = np.arange(n_written) - last_point
    return np.minimum(since, MIDBAR_LANDING_NOTES) * MISSING_COST


def _distance_transform(values: np.ndarray, per_step: float):
    """``min over k of values[k] + per_step * |j - k|`` for every j, and the k."""
    out, arg = values.copy(), np.arange(values.size)
    for j in range(1, values.size):
        if out[j - 1] + per_step < out[j]:
            out[j], arg[j] = out[j - 1] + per_step, arg[j - 1]
    for j in range(values.size - 2, -1, -1):
        if out[j + 1] + per_step < out[j]:
            out[j], arg[j] = out[j + 1] + per_step, arg[j + 1]
    return out, arg


def octave_folded(deviation_semitones):
    """Deviations of more than ``OCTAVE_FOLD`` semitones taken modulo the octave: the
    tracker locked an octave off (a mix's common period, a strong second harmonic), not
    a singer an octave away from the written note."""
    d = np.asarray(deviation_semitones, dtype=float)
    return np.where(np.abs(d) > OCTAVE_FOLD, d - 12.0 * np.round(d / 12.0), d)


def _pitch_cost(deviation: np.ndarray) -> np.ndarray:
    """-log p(sung pitch | written), a right note's Gaussian plus a flat wrong-note floor."""
    right = np.exp(-0.5 * (deviation / PITCH_SD_SEMITONES) ** 2) / (
        PITCH_SD_SEMITONES * np.sqrt(2 * np.pi))
    return -np.log((1 - WRONG_PITCH_SHARE) * right + WRONG_PITCH_SHARE / 24.0)
