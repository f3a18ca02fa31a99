"""Every written note of a sung (monophonic) part checked: ok, wrong, missing or unsure.

The take is followed note by note (:mod:`.note_follow`) on its timing and the notes
around each one, then each written note's pitch is measured *after* the match, from the
steady part of the sung note (vibrato averaged over whole cycles, the glide into it left
out), in cents against the written pitch at the take's own tuning. Each verdict carries
the probability that it is right; below ``SURE`` it is given as ``unsure``.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import erf, sqrt

import numpy as np
from scipy.ndimage import uniform_filter1d

from musicpractice.alignment.note_follow import FollowedNotes, follow_notes, octave_folded
from musicpractice.analysis.melody import PitchTrack
from musicpractice.analysis.notes import Note
from musicpractice.core.pitch import hz_to_midi
from musicpractice.score.model import ScoreNote

VERSION = 1
"""Bumped whenever a change to the note check changes its verdicts (cached comparisons)."""
DEFAULT_TOLERANCE_CENTS = 50.0
SURE = 0.9
"""Verdicts at least this likely to be right are stated; others are ``unsure``."""
MEASURE_SD_CENTS = 8.0
"""Uncertainty of a steady sung pitch beyond its own spread (tracking, tuning)."""
MIX_MEASURE_SD_CENTS = 20.0
"""... when the part was tracked inside a mix (the spectrum's resolution, masking)."""
VIBRATO_PERIOD_S = 0.18
"""About one vibrato cycle: the pitch averaged over it no longer swings."""
MIN_EXTRA_S = 0.12
"""Shortest unmatched sung note reported as an extra note."""
LOCAL_TEMPO_NOTES = 4
MIN_EXTRA_CONFIDENCE = 0.5
"""Unmatched sung notes less likely than this to be a real note are not reported."""
MISSING_VOICED = 0.3
"""Below this share of voiced frames where a note belongs, nothing was sung there."""


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
class ExtraVerdict:
    """A sung note that belongs to no written note."""

    onset_s: float
    duration_s: float
    midi: int
    after_index: int
    confidence: float


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
                    heard_others: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
                    ) -> SungCheck:
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

    Returns
    -------
    SungCheck
    """
    midi = np.array([n.midi for n in notes])
    quarter = np.array([n.onset_quarter for n in notes])
    tuning = _tuning_semitones(sung)
    followed = follow_notes(sung, midi, quarter, seconds_per_quarter=seconds_per_quarter,
                            tuning_semitones=tuning, first=first, last=last)
    local = _local_tempo(sung, followed, quarter)
    if local is not None:  # again, with the tempo the first pass found at each moment
        followed = follow_notes(sung, midi, quarter, seconds_per_quarter=local,
                                tuning_semitones=tuning, first=first, last=last)
    tuning = _refined_tuning(sung, followed, midi, tuning)
    verdicts = []
    for attempt in np.unique(followed.attempt[followed.sung_to_written >= 0]):
        verdicts.extend(_attempt_verdicts(int(attempt), sung, track, followed, notes, midi,
                                          quarter, tuning, tolerance_cents, heard_others))
    extras = _extras(sung, followed, midi, tuning)
    matched = np.flatnonzero(followed.sung_to_written >= 0)
    jumps = tuple((float(sung[int(matched[matched < i][-1])].offset_s), int(a), int(b))
                  for i, a, b in followed.jumps if (matched < i).any())
    return SungCheck(verdicts=tuple(verdicts), extras=tuple(extras), jumps=jumps,
                     tuning_cents=100.0 * tuning)


def _local_tempo(sung, followed: FollowedNotes, quarter) -> np.ndarray | None:
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


def _sung_pitch(note: Note) -> float:
    return note.midi + note.cents / 100.0


def _tuning_semitones(sung) -> float:
    """Circular mean of the sung notes' offsets from the semitone grid, by duration."""
    if not sung:
        return 0.0
    offset = np.array([_sung_pitch(s) for s in sung])
    weight = np.array([s.duration_s for s in sung])
    angle = np.angle(np.sum(weight * np.exp(2j * np.pi * offset)))
    return float(angle / (2 * np.pi))


def _refined_tuning(sung, followed: FollowedNotes, midi, tuning: float) -> float:
    """Median offset of the matched notes sung within a quarter tone of the written pitch."""
    matched = np.flatnonzero(followed.sung_to_written >= 0)
    if matched.size == 0:
        return tuning
    offset = octave_folded(np.array([_sung_pitch(sung[i]) - midi[followed.sung_to_written[i]]
                                     for i in matched]))
    close = np.abs(offset - tuning) < 0.5
    return float(np.median(offset[close])) if close.sum() >= 3 else tuning


def _steady_cents(note: Note, track: PitchTrack, written: int, tuning: float):
    """(cents from the written pitch, their uncertainty) of a sung note's steady part."""
    cents = 100.0 * float(octave_folded(_sung_pitch(note) - tuning - written))
    a, b = np.searchsorted(track.times_s, [note.onset_s, note.offset_s])
    f0 = track.f0_hz[a:b]
    f0 = f0[f0 > 0]
    edge = f0.size // 5
    core = f0[edge:f0.size - edge] if f0.size > 10 else f0
    if core.size < 3:
        return cents, 40.0
    floor = MIX_MEASURE_SD_CENTS if track.polyphonic else MEASURE_SD_CENTS
    width = max(1, int(round(VIBRATO_PERIOD_S / track.hop_s)))
    steady = uniform_filter1d(hz_to_midi(core), width, mode="nearest")  # vibrato averaged out
    drift = 100.0 * float(np.std(steady))
    blocks = max(1.0, core.size / width)
    return cents, float(np.hypot(drift / np.sqrt(blocks), floor))


def _prob_within(cents: float, sd: float, tolerance: float) -> float:
    """P(|true cents| <= tolerance) for a measurement ``cents`` with spread ``sd``."""
    def phi(x):
        return 0.5 * (1.0 + erf(x / sqrt(2.0)))
    return phi((tolerance - cents) / sd) - phi((-tolerance - cents) / sd)


def _attempt_verdicts(attempt, sung, track, followed, notes, midi, quarter, tuning,
                      tolerance, heard_others=None):
    in_attempt = np.flatnonzero((followed.attempt == attempt) & (followed.sung_to_written >= 0))
    matched = {int(followed.sung_to_written[i]): int(i) for i in in_attempt}
    js = sorted(matched)
    anchor_q = np.array([quarter[j] for j in js])
    anchor_t = np.array([sung[matched[j]].onset_s for j in js])
    spq = followed.seconds_per_quarter
    out = []
    for j in range(js[0], js[-1] + 1):
        if j in matched:
            s = sung[matched[j]]
            cents, sd = _steady_cents(s, track, int(midi[j]), tuning)
            p_ok = _prob_within(cents, sd, tolerance)
            timing = _timing_fit(j, s.onset_s, anchor_q, anchor_t, quarter, spq)
            if p_ok >= 0.5:
                status, confidence = "ok", p_ok * timing
            else:
                status, confidence = "wrong", (1.0 - p_ok) * timing
            if s.duration_s < 0.1:
                confidence *= 0.7
            played = int(round(midi[j] + cents / 100.0)) if status == "wrong" else None
            if status == "wrong" and _another_part_sings(midi[j] + cents / 100.0, s,
                                                         heard_others):
                confidence *= 0.5
            out.append(_verdict(j, attempt, status, cents, confidence, s.onset_s, played))
        else:
            onset = float(np.interp(quarter[j], anchor_q, anchor_t))
            end_q = quarter[j + 1] if j + 1 < len(notes) else quarter[j] + notes[j].duration_quarter
            end = float(np.interp(end_q, anchor_q, anchor_t,
                                  right=onset + notes[j].duration_quarter * spq))
            confidence = _missing_confidence(track, onset, end, midi, j, tuning)
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


def _timing_fit(j, onset, anchor_q, anchor_t, quarter, spq) -> float:
    """How well a match sits in time between its matched neighbours (1 = exactly)."""
    k = int(np.searchsorted(anchor_q, quarter[j]))
    if anchor_q.size < 3 or k == 0 or k >= anchor_q.size - 1:
        return 0.95
    expected = float(np.interp(quarter[j], np.delete(anchor_q, k), np.delete(anchor_t, k)))
    span = max((anchor_q[k + 1] - anchor_q[k - 1]) * spq, 0.2)
    miss = abs(onset - expected) / span
    return float(np.clip(1.0 - max(0.0, miss - 0.25), 0.5, 1.0))


def _missing_confidence(track: PitchTrack, onset: float, end: float, midi, j: int,
                        tuning: float) -> float:
    """How sure a written note was left out: silence where it belongs, or another pitch
    held through it (the previous note sung on); its own pitch there means unsure."""
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
    return 0.92 if held else 0.6


def _extras(sung, followed, midi, tuning) -> list[ExtraVerdict]:
    out = []
    last_written = -1
    for i, s in enumerate(sung):
        j = int(followed.sung_to_written[i])
        if j >= 0:
            last_written = j
            continue
        if s.duration_s < MIN_EXTRA_S:
            continue
        pitch = _sung_pitch(s) - tuning
        confidence = min(1.0, s.duration_s / 0.3) * (0.5 + 0.5 * s.confidence)
        if last_written >= 0 and abs(pitch - midi[last_written]) < 0.5:
            continue  # the written note's own pitch again: a piece of it, not a new note
        if confidence < MIN_EXTRA_CONFIDENCE:
            continue
        out.append(ExtraVerdict(onset_s=float(s.onset_s), duration_s=float(s.duration_s),
                                midi=int(round(pitch)), after_index=last_written,
                                confidence=float(confidence)))
    return out
