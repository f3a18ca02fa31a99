"""Verdicts of a part sung inside a mix, revised by the level and pitch of its own partials.

The note check (:mod:`.note_check`) judges what the pitch tracker found; inside a mix the
tracker also follows the other parts. Here each verdict is checked against
:class:`.mix_evidence.PartEvidence`: is the singer there at the pitch found, at the
written pitch, at any pitch near it; does the pitch read from the partials no other part
comes near agree with the tracker's; is a pitch found the previous note held on.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from musicpractice.alignment.mix_evidence import PartEvidence, relative_level_db
from musicpractice.alignment.note_check import SURE, prob_within

NEIGHBOURS = 4
"""Notes on each side a note's level is compared with."""
ABSENT_DB = -8.0
"""Own partials this much weaker than the neighbours': the singer is not singing it (sung
notes of the fit split reach -4.3 dB at worst, left-out ones -5 to -27)."""
PRESENT_DB = -4.0
"""... this close to the neighbours' or louder: the singer is singing it."""
ABSENT_CONFIDENCE = 0.93
"""How often a note left out by the level of its partials is (the fit split's 24 takes,
``note_verdicts --only '6 dB'`` seeds 0-5 of our voice: 14 of 15)."""
SCAN_SEMITONES, SCAN_STEP_CENTS = 4.0, 20.0
SCAN_MIN_PARTIALS = 2
"""... a pitch counting there only when measured on at least this many partials no other
part shares (one high partial catches another part's upper partials)."""
SILENT_DB = -6.0
"""A note is left out only when no pitch within ``SCAN_SEMITONES`` of the written one
(the largest mistakes are a few semitones) comes within this of the neighbours' level
(sung notes of the fit split: -4.2 dB at worst; left-out ones in silence -6.5 to -12)."""
HELD_CONFIDENCE = 0.95
"""A pitch found that is the previous note's, held on without a new attack: the note
was left out (the fit split's 24 takes: 20 of 20, 21 in 22 by the rule of succession)."""
FAR_CENTS = 100.0
"""A wrong pitch this far from the written one leaves the written pitch's partials free."""
HELD_SKIP_S = 0.15
"""A note held on has no new attack from this long after the note before began to this
long before its own span ends (the neighbours' attacks left out)."""
AGREE_CENTS = 10.0
"""The own-partials pitch and the tracker's agreeing this closely ..."""
AGREE_SD_CENTS = 6.0
"""... are trusted to this (the fit split's such notes: 95th percentile error 9.5 cents)."""
AGREE_WRONG_CONFIDENCE = 0.92
"""... and a wrong note so measured is wrong this often, however sure its pitch (the fit
split's 24 takes: 91 of 99; the rest are rows on another note: a note left out while the
one before is held, a good note whose span holds its neighbour's pitch)."""


def revised_in_mix(verdicts, *, written_midi: np.ndarray, durations_s: np.ndarray,
                   tuning_semitones: float, tolerance_cents: float,
                   evidence: PartEvidence) -> tuple:
    """Verdicts of a part sung inside a mix, revised by the part's own partials.

    A note is judged against the notes sung around it in the same attempt (up to
    ``NEIGHBOURS`` on each side):

    - where the partials of the pitch found for a note are ``ABSENT_DB`` weaker than
      theirs and another part's note sounds near that pitch
      (:meth:`PartEvidence.other_part_near`), the singer did not sing it (the tracker
      followed that part): it is ``missing`` if no pitch within ``SCAN_SEMITONES`` of the
      written one comes within ``SILENT_DB`` of their level, else ``unsure``; with no
      other part near, the pitch found is the singer's, only weak (a real voice's soft
      low note was 15-23 dB under its neighbours' partials; its wrong notes too, so not
      even a pitch far from the written one with nothing sung near it is taken for a
      note left out): ``unsure``; so is a note the tracker did not
      find (unless the note check already states it missing), and one whose pitch found
      cannot be measured (every partial another part's: the tracker followed that part)
      while the written pitch is absent;
    - a pitch found that is the previous note's (sung or written), its partials' level
      not dipping anywhere from just after the previous note began to the middle of
      this one's span (:meth:`PartEvidence.reattacked`; where the alignment puts a note
      is not known to a tenth of a second, and a dip later in the span is the next
      note's attack), is that note held on: ``missing``, whatever the level of the pitch
      found (unless it is another part's); so is a
      note without a pitch of its own (none found, or one that is not the singer's)
      through whose span the previous note's pitch sounds at the singer's level without
      a new attack;
    - a note given ``missing`` whose written pitch is there at the singer's level is
      ``unsure``; one given a wrong pitch ``FAR_CENTS`` or more from the written one while
      the written pitch is there at the singer's level, its own-partials pitch within
      ``AGREE_CENTS`` of it (one loud partial of the wrong pitch is not enough), is
      ``unsure`` too;
    - where the singer's partials are there, the pitch read from the partials no other
      part comes near (:meth:`PartEvidence.own_pitch`) checks the tracker's: agreeing
      within ``AGREE_CENTS`` the two together are trusted to ``AGREE_SD_CENTS`` (on the
      fit split such notes were measured within 16 cents of the truth, 134 of 134), and
      the verdict is taken afresh at that precision; disagreeing, a sure verdict the
      own-partials pitch would not give is ``unsure``, and an ``unsure`` one is taken
      afresh (trusted as far as the two part) when both pitches put it in tune (not when
      both put it out of tune: so stated, half such notes were good notes whose span
      held a neighbour's pitch).

    Parameters
    ----------
    verdicts : sequence of NoteVerdict
        From :func:`.note_check.check_sung_part`.
    written_midi : numpy.ndarray
        The written part's pitches (MIDI), indexed like ``NoteVerdict.index``.
    durations_s : numpy.ndarray
        The written notes' expected durations in the take (seconds), same indexing: the
        span of the last note of an attempt.
    tuning_semitones : float
        The take's tuning (semitones from A4 = 440 Hz).
    tolerance_cents : float
        Intonation tolerance: further than this from the written pitch is wrong.
    evidence : PartEvidence

    Returns
    -------
    tuple of NoteVerdict
    """
    rows = list(verdicts)
    at_found, at_written, near = levels_in_mix(
        rows, written_midi=written_midi, durations_s=durations_s,
        tuning_semitones=tuning_semitones, evidence=evidence)
    spans = _slots(rows, durations_s)
    out = []
    for k, (v, found, written, (start, end)) in enumerate(zip(rows, at_found, at_written,
                                                              spans)):
        centre = written_midi[v.index] + tuning_semitones

        def silent():  # no pitch near the written one is sung at the singer's level
            return _loudest_near(evidence, centre, start, end, near[k]) < SILENT_DB

        previous = out[-1] if out and out[-1].attempt == v.attempt and (
            out[-1].index == v.index - 1) else None
        before = _sung_at(previous, written_midi, tuning_semitones)

        def held_on(pitch):  # no new attack of pitch since the note before began
            return not evidence.reattacked(pitch, previous.onset_s + HELD_SKIP_S,
                                           until_s=_attack_until(start, end))

        if np.isfinite(v.cents):
            pitch = centre + v.cents / 100.0  # found
            if ((found < ABSENT_DB and evidence.other_part_near(pitch, start, end)
                 or np.isnan(found) and written < ABSENT_DB) and silent()):
                v = _missing(v, ABSENT_CONFIDENCE)
            elif found < ABSENT_DB:  # the pitch found is not the singer's
                v = _unsure(v)
                if _there(evidence, before, start, end, near[k]) and held_on(before):
                    v = _missing(v, HELD_CONFIDENCE)
            else:  # the singer's pitch (or too weak to tell whose)
                if found >= PRESENT_DB:
                    v = _remeasured(v, 100.0 * (evidence.own_pitch(pitch, start, end) - pitch),
                                    written_midi[v.index], tolerance_cents)
                if (previous is not None
                        and _same_pitch(previous, pitch, written_midi, tuning_semitones)
                        and held_on(pitch)):
                    v = _missing(v, HELD_CONFIDENCE)  # the note before, held on
            if (v.status == "wrong" and abs(v.cents) >= FAR_CENTS and written > PRESENT_DB
                    and abs(evidence.own_pitch(centre, start, end, besides=pitch) - centre)
                    <= AGREE_CENTS / 100.0):
                v = _unsure(v)  # the written pitch is sung there: the wrong one is not sure
        elif _there(evidence, before, start, end, near[k]) and held_on(before):
            v = _missing(v, max(v.confidence, HELD_CONFIDENCE) if v.status == "missing"
                         else HELD_CONFIDENCE)
        elif written > PRESENT_DB:
            v = _unsure(v)
        elif written < ABSENT_DB and v.status != "missing" and silent():
            v = _missing(v, ABSENT_CONFIDENCE)
        out.append(v)
    return tuple(out)


def _attack_until(start: float, end: float) -> float:
    """Where a note's own attack is looked for up to (seconds): ``HELD_SKIP_S`` before its
    span ends, and no later than the span's middle: a dip in its second half is the next
    note's attack (a note placed 0.1-0.2 s late ends its span after the next one began)."""
    return max(start, min(end - HELD_SKIP_S, 0.5 * (start + end)))


def _sung_at(row, written_midi, tuning_semitones: float) -> float | None:
    """The pitch (MIDI) a row was found at, or None (no row, no pitch)."""
    if row is None or not np.isfinite(row.cents):
        return None
    return float(written_midi[row.index] + tuning_semitones + row.cents / 100.0)


def _there(evidence: PartEvidence, pitch: float | None, start: float, end: float,
           near: list) -> bool:
    """Whether ``pitch`` (MIDI) is sung in the span at the singer's level."""
    return pitch is not None and relative_level_db(
        evidence.partial_levels_db(pitch, start, end), near) >= PRESENT_DB


def _missing(v, confidence: float):
    return replace(v, status="missing", cents=float("nan"), played_midi=None,
                   confidence=float(confidence))


def _loudest_near(evidence: PartEvidence, centre: float, start: float, end: float,
                  near: list) -> float:
    """The highest level (dB, relative to the neighbours ``near``) of any pitch within
    ``SCAN_SEMITONES`` of ``centre`` (MIDI) on a ``SCAN_STEP_CENTS`` grid; -inf when none
    can be measured."""
    best = -np.inf
    for pitch in centre + np.arange(-SCAN_SEMITONES, SCAN_SEMITONES + 1e-9,
                                    SCAN_STEP_CENTS / 100.0):
        level = relative_level_db(evidence.partial_levels_db(pitch, start, end), near,
                                  min_common=SCAN_MIN_PARTIALS)
        if np.isfinite(level):
            best = max(best, level)
    return best


def _same_pitch(previous, pitch: float, written_midi, tuning_semitones: float) -> bool:
    """Whether the row before was sung (found, or written) at ``pitch`` (MIDI) too."""
    if not np.isfinite(previous.cents):
        return False
    written = written_midi[previous.index] + tuning_semitones
    return min(abs(written + previous.cents / 100.0 - pitch), abs(written - pitch)) < 0.5


def _unsure(v):
    return replace(v, status="unsure", confidence=min(v.confidence, 0.5))


def _remeasured(v, own_minus_found_cents: float, written: int, tolerance: float):
    """The verdict with the tracker's pitch checked by the own-partials pitch; where they
    part by more than ``AGREE_CENTS`` the own-partials pitch is reported (fit split: then
    within 4-10 cents of the truth at the 90th percentile, the tracker 26-45), trusted
    only as far as the two part."""
    d = own_minus_found_cents
    if not np.isfinite(d):
        return v
    if abs(d) <= AGREE_CENTS:
        cents = v.cents + 0.5 * d
        p_ok = prob_within(cents, float(np.hypot(AGREE_SD_CENTS, d)), tolerance)
        status, confidence = ("ok", p_ok) if p_ok >= 0.5 else (
            "wrong", min(1.0 - p_ok, AGREE_WRONG_CONFIDENCE))
        if confidence < SURE:
            status = "unsure"
        played = int(round(written + cents / 100.0)) if status == "wrong" else None
        return replace(v, status=status, cents=float(cents), confidence=float(confidence),
                       played_midi=played)
    cents = v.cents + d  # the own-partials pitch: where the two part, it is the closer one
    p_ok = prob_within(cents, abs(d), tolerance)
    if v.status == "unsure" and p_ok >= SURE and prob_within(v.cents, abs(d), tolerance) >= 0.5:
        # both pitches put it in tune: taken afresh. Not so a wrong note: such upgrades
        # were right 8 times in 17 over the benchmark's voices (the span held a neighbour)
        return replace(v, status="ok", cents=float(cents), confidence=float(p_ok))
    played = int(round(written + cents / 100.0)) if v.status == "wrong" else None
    if v.status in ("ok", "wrong") and (
            (p_ok >= 0.5) != (v.status == "ok") or max(p_ok, 1.0 - p_ok) < SURE):
        return _unsure(replace(v, cents=float(cents), played_midi=None))
    return replace(v, cents=float(cents), played_midi=played,
                   confidence=float(min(v.confidence, max(p_ok, 1.0 - p_ok))))


def levels_in_mix(rows, *, written_midi: np.ndarray, durations_s: np.ndarray,
                  tuning_semitones: float, evidence: PartEvidence):
    """Per verdict row, the level of the pitch found and of the written pitch relative to
    the notes found around it (dB, see :func:`relative_level_db`; NaN when unknown).

    Parameters are those of :func:`revised_in_mix`.

    Returns
    -------
    at_found, at_written : numpy.ndarray
        Shape ``(len(rows),)``; ``at_found`` is NaN for rows without a pitch (missing).
    neighbours : list of list of numpy.ndarray
        Per row, the partial levels of the pitches found around it (the reference).
    """
    spans = _slots(rows, durations_s)
    pitch = [written_midi[v.index] + tuning_semitones
             + (v.cents / 100.0 if np.isfinite(v.cents) else 0.0) for v in rows]
    found = [evidence.partial_levels_db(p, a, b) for p, (a, b) in zip(pitch, spans)]
    heard = [evidence.partial_levels_db(p, a, b, peaks_only=True)  # the references
             for p, (a, b) in zip(pitch, spans)]
    at_found = np.full(len(rows), np.nan)
    at_written = np.full(len(rows), np.nan)
    neighbours = []
    for k, v in enumerate(rows):
        near = [heard[i] for i in range(max(0, k - NEIGHBOURS), min(len(rows), k + NEIGHBOURS + 1))
                if i != k and rows[i].attempt == v.attempt and np.isfinite(rows[i].cents)]
        neighbours.append(near)
        if np.isfinite(v.cents):
            at_found[k] = relative_level_db(found[k], near)
        a, b = spans[k]
        written = evidence.partial_levels_db(  # without the partials of a wrong pitch found
            written_midi[v.index] + tuning_semitones, a, b,
            besides=pitch[k] if np.isfinite(v.cents) and abs(v.cents) >= FAR_CENTS / 2 else None,
            besides_all=bool(at_found[k] >= PRESENT_DB))  # all of them when it is the singer
        at_written[k] = relative_level_db(written, near)
    return at_found, at_written, neighbours


def _slots(rows, durations_s) -> list[tuple[float, float]]:
    """Each row's span: from its onset to the next row's of the same attempt."""
    spans = []
    for k, v in enumerate(rows):
        nxt = rows[k + 1] if k + 1 < len(rows) else None
        if nxt is not None and nxt.attempt == v.attempt and nxt.onset_s > v.onset_s:
            spans.append((v.onset_s, nxt.onset_s))
        else:
            spans.append((v.onset_s, v.onset_s + float(durations_s[v.index])))
    return spans
