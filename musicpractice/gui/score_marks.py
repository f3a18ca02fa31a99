"""Note verdicts as marks on the engraved score: a colour per written note, the sung or
played pitch written next to the notes that were wrong, a tooltip for each. Nothing here
imports Qt (the score view sends the marks to its page as JSON).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from musicpractice.score.spelling import signature_key
from musicpractice.core.pitch import note_name
from musicpractice.reports.verdicts import SAY_SURENESS_BELOW

OK_COLOUR = "#2ea043"
WRONG_COLOUR = "#d62728"
MISSING_COLOUR = "#8e44ad"
UNSURE_COLOUR = "#d4a017"
OFF_COLOUR = "#e67e22"
"""An ``ok`` note whose pitch is off by more than the tolerance (a sung note judged right
at a coarser tolerance than the one chosen for the colours)."""
RANK = {"wrong": 4, "missing": 3, "unsure": 2, "ok": 1}
"""Where a bar was played more than once, the worst verdict of a note is shown."""


@dataclass(frozen=True)
class NoteMark:
    """How one engraved note is drawn.

    Attributes
    ----------
    colour : str
        CSS colour of the note.
    label : str
        Text written above the note (the pitch sung or played instead), or "".
    tooltip : str
        One line describing the verdict.
    """

    colour: str
    label: str
    tooltip: str


def note_marks(rows: Iterable, engraved: Sequence, measures: Sequence, *,
               tolerance_cents: float, keys: Sequence = ()) -> dict[str, NoteMark]:
    """Marks by SVG element id for the written notes of a comparison.

    Parameters
    ----------
    rows : iterable
        Note verdicts with ``bar`` or ``measure``, ``ref_position`` or ``ref_quarter``
        (quarter notes), ``midi``, ``status``, ``cents`` and optionally ``played_midi`` and
        ``confidence`` (:class:`musicpractice.compare.model.NoteRow` or
        :class:`musicpractice.alignment.NoteComparison`). Extra notes are skipped.
    engraved : sequence of EngravedNote
        The engraving's notes (:attr:`musicpractice.gui.workers.engraving.Engraving.notes`).
    measures : sequence of Measure
        The score's bars (repeats expanded), to place each row in its bar.
    tolerance_cents : float
        Intonation tolerance for the colour of notes judged ``ok``.
    keys : sequence of KeySignature
        The score's key signatures: black keys are named with sharps or flats as the
        signature in force at the note has them.

    Returns
    -------
    dict
        Element id -> :class:`NoteMark`.
    """
    by_key: dict = {}
    by_bar_pitch: dict = {}
    for note in engraved:
        by_key.setdefault((note.measure, round(note.offset_quarter * 48), note.midi),
                          note.element_id)
        by_bar_pitch.setdefault((note.measure, note.midi), []).append(note)
    starts = np.array([m.start_quarter for m in measures], dtype=float)
    marks: dict[str, tuple[int, NoteMark]] = {}
    for row in rows:
        status = row.status
        if status not in RANK or not starts.size:
            continue
        quarter = float(getattr(row, "ref_quarter", getattr(row, "ref_position", math.nan)))
        if not math.isfinite(quarter):
            continue
        k = int(np.clip(np.searchsorted(starts, quarter + 1e-6, side="right") - 1, 0,
                        starts.size - 1))
        bar = measures[k]
        offset = quarter - bar.start_quarter
        element = by_key.get((bar.number, round(offset * 48), row.midi))
        if element is None:  # engraved from a quantised copy (a MIDI file): the nearest one
            element = _nearest(by_bar_pitch.get((bar.number, row.midi), ()), offset)
        if element is None:
            continue
        mark = _mark(row, tolerance_cents, signature_key(keys, quarter))
        if element not in marks or RANK[status] > marks[element][0]:
            marks[element] = (RANK[status], mark)
    return {element: mark for element, (_, mark) in marks.items()}


def _nearest(candidates, offset_quarter: float, within_quarter: float = 0.25) -> str | None:
    """The candidate (engraved notes of one pitch in one bar) closest to the onset, if close
    enough."""
    best, distance = None, within_quarter
    for note in candidates:
        d = abs(note.offset_quarter - offset_quarter)
        if d <= distance:
            best, distance = note.element_id, d
    return best


def _mark(row, tolerance_cents: float, key: tuple[str, str] | None = None) -> NoteMark:
    written = note_name(int(row.midi), key=key)
    cents = float(row.cents) if row.cents is not None else math.nan
    played = getattr(row, "played_midi", None)
    confidence = float(getattr(row, "confidence", math.nan))
    sure = f" ({confidence:.0%} sure)" if math.isfinite(confidence) else ""
    if row.status == "wrong":
        if played is not None:
            sung = note_name(int(played), key=key)
            label = sung
            tip = f"{written} written, {sung} played{sure}"
        else:
            label = f"{cents:+.0f}¢" if math.isfinite(cents) else "?"
            tip = f"{written} written, sung {_cents_words(cents)}{sure}"
        if played is not None and math.isfinite(cents):
            label = f"{sung} {cents - 100 * (int(played) - int(row.midi)):+.0f}¢"
            tip = f"{written} written, {sung} sung ({cents:+.0f} cents){sure}"
        return NoteMark(WRONG_COLOUR, label + _doubt(confidence), tip)
    if row.status == "missing":
        return NoteMark(MISSING_COLOUR, _doubt(confidence), f"{written} not played or sung{sure}")
    if row.status == "unsure":
        return NoteMark(UNSURE_COLOUR, "", f"{written}: the recording does not tell for sure")
    if math.isfinite(cents) and abs(cents) > tolerance_cents:
        return NoteMark(OFF_COLOUR, f"{cents:+.0f}¢", f"{written} {_cents_words(cents)}")
    detail = f" ({cents:+.0f} cents)" if math.isfinite(cents) else ""
    return NoteMark(OK_COLOUR, "", f"{written} right{detail}{sure}")


def _doubt(confidence: float) -> str:
    """ "?" beside a wrong or missing note stated less sure than the lists of mistakes say
    without a percentage (:data:`~musicpractice.reports.verdicts.SAY_SURENESS_BELOW`)."""
    return "?" if math.isfinite(confidence) and confidence < SAY_SURENESS_BELOW else ""


def _cents_words(cents: float) -> str:
    if not math.isfinite(cents):
        return "at an unmeasured pitch"
    return f"{abs(cents):.0f} cents {'flat' if cents < 0 else 'sharp'}"


def written_for(notes: Sequence, rows: Iterable, *, early_s: float = 0.15) -> list:
    """For each sung/played note of a take, the written note's verdict it performs.

    Parameters
    ----------
    notes : sequence
        The take's transcribed notes (``onset_s``, ``offset_s``, ``midi``, ``cents``).
    rows : iterable
        The take's note verdicts against the aligned score (``take_onset_s``, ``midi``,
        ``status``, ``cents``, optionally ``played_midi``).
    early_s : float
        How much earlier than the transcribed onset a written note's aligned onset may be.

    Returns
    -------
    list
        One verdict row or ``None`` (nothing written there: an extra note) per note.
    """
    verdicts = [r for r in rows if r.status in ("ok", "wrong", "unsure")
                and math.isfinite(float(r.take_onset_s))]
    out = []
    for note in notes:
        sung = note.midi + (note.cents / 100.0 if math.isfinite(note.cents) else 0.0)
        best, distance = None, 1.5
        for row in verdicts:
            if not note.onset_s - early_s <= row.take_onset_s <= max(note.offset_s - 0.05,
                                                                    note.onset_s):
                continue
            d = abs(_performed_pitch(row) - sung)
            if d <= distance:
                best, distance = row, d
        out.append(best)
    return out


def _performed_pitch(row) -> float:
    """The pitch a verdict row says was sung or played (MIDI number with fraction)."""
    if math.isfinite(float(row.cents)):
        return row.midi + float(row.cents) / 100.0
    played = getattr(row, "played_midi", None)
    return float(played if played is not None else row.midi)
