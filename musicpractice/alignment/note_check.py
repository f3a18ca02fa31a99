"""Every written note of a sung (monophonic) part checked: ok, wrong, missing or unsure.

The take is followed note by note (:mod:`.note_follow`) on its timing and the notes
around each one, then each written note's pitch is measured *after* the match, from the
steady part of the sung note (vibrato averaged over whole cycles, the glide into it left
out), in cents against the written pitch at the take's own tuning. Each verdict carries
the probability that it is right; below ``SURE`` it is given as ``unsure``. Where the
sung notes sit against the written part (tuning, local tempo, spans, extra notes) is
:mod:`.note_placement`.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import erf, sqrt

import numpy as np

from musicpractice.alignment.note_follow import follow_notes, octave_folded
from musicpractice.alignment.note_placement import (
    ExtraVerdict,
    expected_span,
    extra_notes,
    held_index,
    local_tempo,
    on_time_leftovers,
    refined_tuning,
    restart_points,
    sung_pitch,
    take_tuning,
)
from musicpractice.alignment.rival_readings import (
    MIN_WRONG_FILL,
    fill_until_next,
    held_from_here,
    matched_late,
    timing_fit,
)
from musicpractice.alignment.steady_pitch import singer_vibrato_hz, steady_pitch
from musicpractice.analysis.melody import PitchTrack
from musicpractice.analysis.notes import Note
from musicpractice.core.pitch import hz_to_midi
from musicpractice.score.model import ScoreNote

VERSION = 4
"""Bumped whenever a change to the note check changes its verdicts (cached comparisons).
2: a note's pitch and its precision from a vibrato fit (.steady_pitch); deviations for
every attempt. 3: that fit only on windows holding 1.5 vibrato cycles; timing weighs
the rival readings (.rival_readings). 4: with the singer's vibrato rate known from the
take, the steady window is chosen per note (the glide left out where it is)."""
DEFAULT_TOLERANCE_CENTS = 50.0
SURE = 0.9
"""Verdicts at least this likely to be right are stated; others are ``unsure``."""
TRACKER_SD_CENTS = 2.0
"""What one note cannot show of its own pitch's error: the tracker's bias on a steady
tone (on the fit chorales' notes longer than 0.7 s the centre was off by 0.7 cents in
the median, 3.9 at the 95th percentile). The take's tuning estimate adds its own."""
MIX_MEASURE_SD_CENTS = 20.0
"""... when the part was tracked inside a mix (the spectrum's resolution, masking)."""
MISSING_VOICED = 0.3
"""Below this share of voiced frames where a note belongs, nothing was sung there."""
UNDECIDED = 0.5
"""Confidence of a verdict the take cannot decide between two readings."""


@dataclass(frozen=True)
class NoteVerdict:
    """One written note in one attempt."""

    index: int
    attempt: int
    status: str
    cents: float
    confidence: float
    onset_s: float
    played_midi: int | None


@dataclass(frozen=True)
class SungCheck:
    """The outcome of checking a sung part."""

    verdicts: tuple[NoteVerdict, ...]
    extras: tuple[ExtraVerdict, ...]
    jumps: tuple[tuple[float, int, int], ...]
    """(take_s where the singer stopped, written note left, written note jumped to)."""
    tuning_cents: float


def check_sung_part(sung: tuple[Note, ...], track: PitchTrack, notes: list[ScoreNote], *,
                    seconds_per_quarter: float, first: int = 0, last: int | None = None,
                    tolerance_cents: float = DEFAULT_TOLERANCE_CENTS,
                    heard_others: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                    timed_onsets_s: np.ndarray | None = None) -> SungCheck:
    """Verdicts for every written note the take covers, per attempt.

    Parameters
    ----------
    sung : tuple of Note
        The sung notes (see :func:`.sung_segments.sung_notes`).
    track : PitchTrack
        The pitch track they were cut from.
    notes : list of ScoreNote
        The written part in order (monophonic).
    seconds_per_quarter : float
        The take's overall tempo (from the coarse alignment).
    first, last : int
        Written notes where the coarse alignment starts and ends.
    tolerance_cents : float
        Intonation tolerance: further than this from the written pitch is wrong.
    heard_others : (midi, on_s, off_s) arrays, optional
        The other parts' notes when they are heard in the take (a mix): a wrong pitch
        that one of them sings at that moment may be that part, so it is not sure.
    timed_onsets_s : numpy.ndarray, optional
        Shape ``(len(notes),)``: where the take-to-score map places each written note
        in a mix (seconds, NaN where it is not sure: :func:`.sung_check.timed_onsets`);
        see :func:`.note_follow.follow_notes`.

    Returns
    -------
    SungCheck
    """
    midi = np.array([n.midi for n in notes])
    quarter = np.array([n.onset_quarter for n in notes])
    tuning = take_tuning(sung)
    points = restart_points(notes)
    followed = follow_notes(sung, midi, quarter, seconds_per_quarter=seconds_per_quarter,
                            tuning_semitones=tuning, first=first, last=last,
                            restart_points=points)
    if followed.jumps:  # a take that goes back: the map's one-way timing is wrong
        timed_onsets_s = None
    local = local_tempo(sung, followed, quarter)
    if local is not None or timed_onsets_s is not None:  # again, with the tempo the first
        # pass found at each moment (and where the map places the notes)
        followed = follow_notes(sung, midi, quarter,
                                seconds_per_quarter=seconds_per_quarter if local is None
                                else local, tuning_semitones=tuning, first=first, last=last,
                                restart_points=points, timed_onsets_s=timed_onsets_s)
    followed = on_time_leftovers(sung, followed, notes, quarter)
    tuning, tuning_sd = refined_tuning(sung, followed, midi, tuning)
    floor = MIX_MEASURE_SD_CENTS if track.polyphonic else float(np.hypot(TRACKER_SD_CENTS,
                                                                         tuning_sd))
    vibrato_hz = singer_vibrato_hz(
        [track.f0_hz[slice(*np.searchsorted(track.times_s, [s.onset_s, s.offset_s]))]
         for s in sung], hop_s=track.hop_s)
    verdicts = []
    for attempt in np.unique(followed.attempt[followed.sung_to_written >= 0]):
        verdicts.extend(_attempt_verdicts(int(attempt), sung, track, followed, notes, midi,
                                          quarter, tuning, tolerance_cents, heard_others,
                                          floor_cents=floor, restart_points=points,
                                          vibrato_hz=vibrato_hz))
    extras = extra_notes(sung, followed, midi, tuning)
    matched = np.flatnonzero(followed.sung_to_written >= 0)
    jumps = tuple((float(sung[int(matched[matched < i][-1])].offset_s), int(a), int(b))
                  for i, a, b in followed.jumps if (matched < i).any())
    return SungCheck(verdicts=tuple(verdicts), extras=tuple(extras), jumps=jumps,
                     tuning_cents=100.0 * tuning)


def _steady_cents(note: Note, track: PitchTrack, written: int, tuning: float,
                  floor_cents: float, *, vibrato_hz: float | None = None):
    """(cents from the written pitch, their uncertainty) of a sung note's steady part
    (see :mod:`.steady_pitch`; ``vibrato_hz``: the singer's rate over the take);
    ``floor_cents`` is what one note cannot show."""
    a, b = np.searchsorted(track.times_s, [note.onset_s, note.offset_s])
    steady = steady_pitch(track.f0_hz[a:b], hop_s=track.hop_s, vibrato_hz=vibrato_hz)
    centre = steady.centre_semitones if np.isfinite(steady.centre_semitones) else \
        sung_pitch(note)
    cents = 100.0 * float(octave_folded(centre - tuning - written))
    return cents, float(np.hypot(steady.sd_cents, floor_cents))


def prob_within(cents: float, sd: float, tolerance: float) -> float:
    """P(|true cents| <= tolerance) for a measurement ``cents`` with spread ``sd``."""
    def phi(x):
        return 0.5 * (1.0 + erf(x / sqrt(2.0)))
    return phi((tolerance - cents) / sd) - phi((-tolerance - cents) / sd)


def _attempt_verdicts(attempt, sung, track, followed, notes, midi, quarter, tuning,
                      tolerance, heard_others=None, *, floor_cents: float,
                      restart_points=None, vibrato_hz=None):
    in_attempt = np.flatnonzero((followed.attempt == attempt) & (followed.sung_to_written >= 0))
    matched = {int(followed.sung_to_written[i]): int(i) for i in in_attempt}
    js = sorted(matched)
    anchor_q = np.array([quarter[j] for j in js])
    anchor_t = np.array([sung[matched[j]].onset_s for j in js])
    spq = followed.seconds_per_quarter
    out = []
    if attempt > 0 and restart_points is not None:
        # went back to a bar's start but its first notes were not heard, or began later
        # in the bar: the take cannot tell, so those notes are checked as unsure
        start = int(np.flatnonzero(restart_points[:js[0] + 1])[-1])
        for j in range(start, js[0]):
            onset = float(anchor_t[0] - (anchor_q[0] - quarter[j]) * spq)
            out.append(_verdict(j, attempt, "missing", float("nan"), UNDECIDED, onset, None))
    for j in range(js[0], js[-1] + 1):
        if j in matched:
            onset = sung[matched[j]].onset_s
            s = sung[held_index(sung, followed, matched[j], midi=midi, tuning=tuning)]
            cents, sd = _steady_cents(s, track, int(midi[j]), tuning, floor_cents,
                                      vibrato_hz=vibrato_hz)
            p_ok = prob_within(cents, sd, tolerance)
            timing = timing_fit(j, onset, anchor_q, anchor_t, quarter, spq)
            if p_ok >= 0.5:
                status, confidence = "ok", p_ok * timing
            else:
                status, confidence = "wrong", (1.0 - p_ok) * timing
                later = js.index(j) + 1
                if later < len(js) and fill_until_next(onset, s.offset_s, min(
                        anchor_t[later], onset + notes[j].duration_quarter * spq)
                ) < MIN_WRONG_FILL:
                    confidence = min(confidence, UNDECIDED)  # or an extra and a gap
            if s.duration_s < 0.1:
                confidence *= 0.7
            played = int(round(midi[j] + cents / 100.0)) if status == "wrong" else None
            if status == "wrong" and _another_part_sings(midi[j] + cents / 100.0, s,
                                                         heard_others):
                confidence *= 0.5
            out.append(_verdict(j, attempt, status, cents, confidence, onset, played))
        else:
            onset, end = expected_span(j, notes, quarter, anchor_q, anchor_t, spq)
            previous = sung[matched[j - 1]] if j - 1 in matched else None
            confidence = _missing_confidence(track, onset, end, midi, j, tuning, previous)
            if previous is not None and j + 1 in matched and held_from_here(
                    j, quarter, np.array([n.duration_quarter for n in notes]),
                    previous_onset_s=previous.onset_s,
                    next_onset_s=sung[matched[j + 1]].onset_s,
                    next_offset_s=sung[held_index(sung, followed, matched[j + 1], midi=midi,
                                                  tuning=tuning)].offset_s,
                    seconds_per_quarter=spq):
                confidence = min(confidence, UNDECIDED)  # or sung wrong and held on
            if previous is not None and j - 2 in matched and matched_late(
                    j, quarter, before_onset_s=sung[matched[j - 2]].onset_s,
                    onset_s=previous.onset_s, seconds_per_quarter=spq):
                confidence = min(confidence, UNDECIDED)  # or sung wrong, the previous left out
            out.append(_verdict(j, attempt, "missing", float("nan"), confidence, onset, None))
    return out


def _another_part_sings(pitch: float, note: Note, heard_others) -> bool:
    """Whether another heard part sings ``pitch`` (MIDI, or an octave off) during ``note``."""
    if heard_others is None:
        return False
    midi, on_s, off_s = heard_others
    middle = 0.5 * (note.onset_s + note.offset_s)
    d = pitch - midi[(on_s <= middle) & (off_s >= middle)]
    return bool(np.any(np.abs(d - 12.0 * np.round(d / 12.0)) < 0.5))


def _verdict(j, attempt, status, cents, confidence, onset, played):
    if confidence < SURE:
        status = "unsure"
    return NoteVerdict(index=j, attempt=attempt, status=status, cents=float(cents),
                       confidence=float(np.clip(confidence, 0.0, 1.0)), onset_s=float(onset),
                       played_midi=played)


def _missing_confidence(track: PitchTrack, onset: float, end: float, midi, j: int,
                        tuning: float, previous: Note | None = None) -> float:
    """How sure a written note was left out: silence where it belongs, or another pitch
    held through it (the previous note sung on: ``previous``, the sung note matched to
    the written note before, lasts through it, at whatever pitch it was sung); its own
    pitch there means unsure."""
    length = max(end - onset, 0.05)
    a, b = np.searchsorted(track.times_s, [onset + 0.2 * length, onset + 0.8 * length])
    f0 = track.f0_hz[a:max(b, a + 1)]
    voiced = f0[f0 > 0]
    if voiced.size < MISSING_VOICED * max(f0.size, 1):
        return 0.95
    sung = np.median(hz_to_midi(voiced)) - tuning
    if abs(octave_folded(sung - midi[j])) < 0.5:
        if j > 0 and midi[j] == midi[j - 1]:
            return 0.92  # a repeated note held on, not sung again: no new attack was found
        return 0.3  # its own pitch is there, not followed: a misplaced match
    held = j > 0 and abs(octave_folded(sung - midi[j - 1])) < 0.5
    held = held or (previous is not None and previous.offset_s >= onset + 0.8 * length)
    return 0.92 if held else 0.6
