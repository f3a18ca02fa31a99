"""Where the sung notes of a take sit against the written part, before any verdict.

The note follower (:mod:`.note_follow`) matches sung notes to written ones; this module
gives what the note check (:mod:`.note_check`) needs around that match: the take's own
tuning, its tempo at each moment, the left-over sung notes that sit where a left-out
written note belongs, the span a written note takes in the take, the piece of a sung
note where its pitch is held, where a singer going back would start, and the sung notes
that belong to no written note (extra notes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.alignment.note_follow import FollowedNotes, octave_folded
from musicpractice.alignment.sung_segments import MERGE_SEMITONES
from musicpractice.analysis.notes import Note
from musicpractice.score.model import ScoreNote

MIN_EXTRA_S = 0.12
"""Shortest unmatched sung note reported as an extra note."""
LOCAL_TEMPO_NOTES = 4
MIN_EXTRA_CONFIDENCE = 0.5
"""Unmatched sung notes less likely than this to be a real note are not reported."""
LEGATO_GAP_S = 0.03
"""Sung pieces closer than this follow each other without a break."""
WAY_IN_GAP_S = 0.06
"""A glide into a note runs into it closer than this: the tracker leaves a few frames
unvoiced where the glide is steepest (a breath between notes is longer)."""
WAY_IN_SEMITONES = 0.75
"""After a break, a left-over piece running into a sung note closer than this to its
written pitch is the way into it (a scoop from below, a fall from above), not a note of
its own; a semitone away it is a neighbour note, sung (the real singer's scoop: 0.6
semitone under; the benchmark's extra notes a semitone from the next note read 0.82-0.92
away with our voice's vibrato)."""
HELD_MIN_S = 0.2
"""A piece at a note's written pitch shorter than this may be a glide passing through it
into the pitch the note is sung at (a singer's portamento takes 0.1-0.2 s); this long,
the note was held there."""
PIECE_SEMITONES = 0.5
"""A left-over piece this close to the pitch of the note before is a piece of it."""
ON_TIME_SHARE = 0.25
"""A sung note the follower left over that starts within this share of a left-out
written note's aligned length from where that note belongs, and lasts through at least
half of it, is that note sung (at whatever pitch): its pitch is checked after all."""


@dataclass(frozen=True)
class ExtraVerdict:
    """A sung note that belongs to no written note."""

    onset_s: float
    duration_s: float
    midi: int
    after_index: int
    confidence: float
    sung_index: int = -1
    """The sung note (piece) it is, in the sung notes checked."""
    last_index: int = -1
    """Its last piece when the note segmentation cut it in two or more (see
    :func:`_cut_apart`); -1: ``sung_index`` only."""


def restart_points(notes: list[ScoreNote]) -> np.ndarray:
    """bool per written note: where a singer going back would start -- the first note of
    a bar, or a note after a written rest."""
    out = np.ones(len(notes), dtype=bool)
    for k in range(1, len(notes)):
        previous, note = notes[k - 1], notes[k]
        after_rest = note.onset_quarter > previous.onset_quarter + previous.duration_quarter + 1e-6
        out[k] = note.measure != previous.measure or after_rest
    return out


def local_tempo(sung, followed: FollowedNotes, quarter) -> np.ndarray | None:
    """Seconds per quarter at each sung note: the median pace between the matched notes
    of the same attempt within ``LOCAL_TEMPO_NOTES`` matches of it."""
    matched = np.flatnonzero(followed.sung_to_written >= 0)
    if matched.size < 4:
        return None
    onset = np.array([sung[i].onset_s for i in matched])
    q = quarter[followed.sung_to_written[matched]]
    same = followed.attempt[matched][1:] == followed.attempt[matched][:-1]
    dq, dt = np.diff(q), np.diff(onset)
    good = same & (dq > 0) & (dt > 0)
    if good.sum() < 3:
        return None
    pace = np.where(good, dt / np.where(dq > 0, dq, 1.0), np.nan)
    centre = 0.5 * (onset[1:] + onset[:-1])
    times = np.array([s.onset_s for s in sung])
    out = np.empty(times.size)
    for k, t in enumerate(times):
        nearest = np.argsort(np.abs(centre - t))[:2 * LOCAL_TEMPO_NOTES]
        values = pace[nearest]
        values = values[np.isfinite(values)]
        out[k] = np.median(values) if values.size else np.nanmedian(pace)
    return out


def sung_pitch(note: Note) -> float:
    """A sung note's pitch as a fractional MIDI number."""
    return note.midi + note.cents / 100.0


def take_tuning(sung) -> float:
    """Circular mean of the sung notes' offsets from the semitone grid (semitones), by
    duration."""
    if not sung:
        return 0.0
    offset = np.array([sung_pitch(s) for s in sung])
    weight = np.array([s.duration_s for s in sung])
    angle = np.angle(np.sum(weight * np.exp(2j * np.pi * offset)))
    return float(angle / (2 * np.pi))


def refined_tuning(sung, followed: FollowedNotes, midi, tuning: float):
    """Median offset (semitones) of the matched notes sung within a quarter tone of the
    written pitch, and its standard error in cents (from their median absolute spread)."""
    matched = np.flatnonzero(followed.sung_to_written >= 0)
    if matched.size == 0:
        return tuning, 25.0
    offset = octave_folded(np.array([sung_pitch(sung[i]) - midi[followed.sung_to_written[i]]
                                     for i in matched]))
    close = offset[np.abs(offset - tuning) < 0.5]
    if close.size < 3:
        return tuning, 25.0
    centre = float(np.median(close))
    spread = 1.4826 * float(np.median(np.abs(close - centre)))  # sd of one note's offset
    return centre, 100.0 * 1.253 * spread / np.sqrt(close.size)  # a median's error


def held_index(sung, followed: FollowedNotes, i: int, *, midi, tuning: float) -> int:
    """The piece of a written note where its pitch is held.

    Of the sung note ``i`` matched to the note and the left-over pieces sung on from it
    without a break (a slow glide into the note is cut off as a piece of its own), the
    longest -- up to a piece that is a note of its own: sung legato after the note was
    held within ``PIECE_SEMITONES`` of its written pitch (for ``HELD_MIN_S`` or more, or
    ``MIN_EXTRA_S`` from an attack of its own: no glide into it), at least
    ``MIN_EXTRA_S`` long and more than ``WAY_IN_SEMITONES`` from that pitch and
    from the pitch it was held at (a next note, however long, is not the held part of
    the note before; closer, it may be the note reached after a scoop through its
    written pitch). A note written at the pitch of the note before shows no such hold:
    the piece at that pitch may be the note before sung on.

    Parameters
    ----------
    sung : sequence of Note
    followed : FollowedNotes
    i : int
        The sung note matched to the written note.
    midi : numpy.ndarray
        The written pitches (MIDI).
    tuning : float
        The take's tuning (semitones from A4 = 440 Hz).

    Returns
    -------
    int
        Index into ``sung``.
    """
    j = int(followed.sung_to_written[i])
    written = midi[j] + tuning
    repeated = j > 0 and midi[j - 1] == midi[j]
    attacked = i == 0 or sung[i].onset_s - sung[i - 1].offset_s >= WAY_IN_GAP_S
    best = i
    k = i + 1
    while (k < len(sung) and followed.sung_to_written[k] < 0
           and followed.attempt[k] == followed.attempt[i]
           and sung[k].onset_s - sung[k - 1].offset_s < LEGATO_GAP_S):
        held, length = sung_pitch(sung[best]), sung[best].duration_s
        if (not repeated and abs(held - written) < PIECE_SEMITONES
                and (length >= HELD_MIN_S or (best == i and attacked and length >= MIN_EXTRA_S))
                and sung[k].duration_s >= MIN_EXTRA_S
                and min(abs(sung_pitch(sung[k]) - written),
                        abs(sung_pitch(sung[k]) - held)) > WAY_IN_SEMITONES):
            break  # a note of its own, sung legato after this one
        if sung[k].duration_s > sung[best].duration_s:
            best = k
        k += 1
    return best


def expected_span(j, notes, quarter, anchor_q, anchor_t, spq) -> tuple[float, float]:
    """Where written note ``j`` belongs in the take (s), between the matched notes."""
    onset = float(np.interp(quarter[j], anchor_q, anchor_t))
    end_q = quarter[j + 1] if j + 1 < len(notes) else quarter[j] + notes[j].duration_quarter
    end = float(np.interp(end_q, anchor_q, anchor_t,
                          right=onset + notes[j].duration_quarter * spq))
    return onset, end


def on_time_leftovers(sung, followed: FollowedNotes, notes, quarter) -> FollowedNotes:
    """The follower's path with each left-out written note given the left-over sung note
    that sits where it belongs (see ``ON_TIME_SHARE``): the follower weighs a wrong
    pitch against an extra note plus a left-out one, timing decides here."""
    to_written = followed.sung_to_written.copy()
    for attempt in np.unique(followed.attempt[followed.sung_to_written >= 0]):
        in_attempt = np.flatnonzero((followed.attempt == attempt)
                                    & (followed.sung_to_written >= 0))
        js = followed.sung_to_written[in_attempt]
        if js.size < 2:
            continue
        anchor_q, anchor_t = quarter[js], np.array([sung[i].onset_s for i in in_attempt])
        leftover = [i for i in range(in_attempt[0], in_attempt[-1]) if to_written[i] < 0]
        for j in sorted(set(range(int(js.min()), int(js.max()) + 1)) - set(js.tolist())):
            onset, end = expected_span(j, notes, quarter, anchor_q, anchor_t,
                                       followed.seconds_per_quarter)
            length = max(end - onset, 0.05)
            for i in leftover:
                s = sung[i]
                if (to_written[i] < 0 and abs(s.onset_s - onset) <= ON_TIME_SHARE * length
                        and s.offset_s >= onset + 0.5 * length):
                    to_written[i] = j
                    break
    return FollowedNotes(to_written, followed.attempt, followed.jumps,
                         followed.seconds_per_quarter)


def extra_notes(sung, followed, midi, tuning) -> list[ExtraVerdict]:
    """Left-over sung notes that are notes of their own: not the way into a written
    note (the pieces between its matched onset and the part where it is held, and a
    glide or scoop running into it: see :func:`ways_in`), not a piece of the note before
    (at its written pitch or at the pitch it was sung at)."""
    held = {int(i): held_index(sung, followed, int(i), midi=midi, tuning=tuning)
            for i in np.flatnonzero(followed.sung_to_written >= 0)}
    attack = set(ways_in(sung, followed, midi, tuning))
    for i, h in held.items():
        attack.update(range(i + 1, h + 1))
    out, taken = [], set()
    last_written, last_sung = -1, np.nan
    for i, s in enumerate(sung):
        j = int(followed.sung_to_written[i])
        if j >= 0:
            last_written = j
            last_sung = sung_pitch(sung[held[i]]) - tuning
            continue
        if i in attack or i in taken:
            continue
        pieces = _cut_apart(i, sung, followed, attack)
        taken.update(pieces)
        duration = sung[pieces[-1]].offset_s - s.onset_s
        if duration < MIN_EXTRA_S:
            continue
        weight = [sung[k].duration_s for k in pieces]
        pitch = float(np.average([sung_pitch(sung[k]) for k in pieces], weights=weight)) - tuning
        steady = float(np.average([sung[k].confidence for k in pieces], weights=weight))
        confidence = min(1.0, duration / 0.3) * (0.5 + 0.5 * steady)
        if last_written >= 0 and min(abs(pitch - midi[last_written]),
                                     abs(pitch - last_sung)) < PIECE_SEMITONES:
            continue  # the note before again (as written or as sung): a piece of it
        if confidence < MIN_EXTRA_CONFIDENCE:
            continue
        out.append(ExtraVerdict(onset_s=float(s.onset_s), duration_s=float(duration),
                                midi=int(round(pitch)), after_index=last_written,
                                confidence=float(confidence), sung_index=i,
                                last_index=pieces[-1]))
    return out


def _cut_apart(i: int, sung, followed: FollowedNotes, attack) -> list[int]:
    """Left-over piece ``i`` and the left-over pieces after it that are the same sung
    note cut apart (at a dip of the voicing): each following the one before without a
    break (``LEGATO_GAP_S``), within ``PIECE_SEMITONES`` of piece ``i``'s pitch, none
    the way into a written note (``attack``)."""
    pieces = [i]
    k = i + 1
    while (k < len(sung) and followed.sung_to_written[k] < 0 and k not in attack
           and followed.attempt[k] == followed.attempt[i]
           and sung[k].onset_s - sung[k - 1].offset_s < LEGATO_GAP_S
           and abs(sung_pitch(sung[k]) - sung_pitch(sung[i])) < PIECE_SEMITONES):
        pieces.append(k)
        k += 1
    return pieces


def ways_in(sung, followed: FollowedNotes, midi, tuning: float) -> list[int]:
    """Left-over sung pieces that are the way into the sung note after them: a run of
    pieces that starts after a break (``LEGATO_GAP_S`` or more after the piece before: a
    breath, or the take's start; inside a mix the tracker shortens the breath to 0.06
    s), each running into the next without a break (``WAY_IN_GAP_S``) up to a piece
    matched to a written note, each within ``WAY_IN_SEMITONES`` of that note's written
    pitch at the take's tuning: a singer's scoop into a note. Sung legato from the note
    before, such a run is the way in only when it is the glide from the pitch sung before
    to the pitch the note is held at (see :func:`_glide_between`); a piece near the next
    note's pitch that the note segmentation left apart from it was attacked anew: a note
    of its own (inside a mix, where the tracker also cuts a note where the other parts
    change, see :mod:`.mix_extras`).

    Parameters
    ----------
    sung : sequence of Note
    followed : FollowedNotes
    midi : numpy.ndarray
        The written pitches (MIDI).
    tuning : float
        The take's tuning (semitones from A4 = 440 Hz).

    Returns
    -------
    list of int
        Indexes into ``sung``.
    """
    out = []
    for i in np.flatnonzero(followed.sung_to_written >= 0):
        i = int(i)
        target = midi[followed.sung_to_written[i]] + tuning
        run = []
        k = i - 1
        while (k >= 0 and followed.sung_to_written[k] < 0
               and followed.attempt[k] == followed.attempt[i]
               and sung[k + 1].onset_s - sung[k].offset_s < WAY_IN_GAP_S
               and abs(sung_pitch(sung[k]) - target) < WAY_IN_SEMITONES):
            run.append(k)
            k -= 1
        if k < 0 or sung[k + 1].onset_s - sung[k].offset_s >= LEGATO_GAP_S:  # a break
            out.extend(run)
        elif run:  # sung legato from the piece before: only the glide from it is a way in
            held = sung_pitch(sung[held_index(sung, followed, i, midi=midi, tuning=tuning)])
            out.extend(_glide_between(run, sung, before=sung_pitch(sung[k]), after=held))
    return out


def _glide_between(run: list[int], sung, *, before: float, after: float) -> list[int]:
    """The pieces of a legato ``run`` (indexes into ``sung``, latest first) that are the
    glide from the pitch sung before it to the pitch the note after it is held at: all
    of them when each lies strictly between the two, and further than
    ``MERGE_SEMITONES`` from the note after (closer, the note segmentation parts a piece
    from the note only where it was attacked anew: a note of its own at that pitch);
    none otherwise (pitches in fractional MIDI)."""
    low, high = min(before, after), max(before, after)
    pitches = [sung_pitch(sung[k]) for k in run]
    if all(low < p < high and abs(p - after) > MERGE_SEMITONES for p in pitches):
        return list(run)
    return []
