"""Note verdicts in words: one phrase per wrong or missing note, one sentence on the unsure.

Shared by the command line summary and the HTML/PDF report so a note reads the same in
both: the written note and, for a wrong one, the note sung or played and how far off it
was, in cents.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Iterable

from musicpractice.core.pitch import note_name


def verdict_phrase(*, midi: int, status: str, cents: float | None,
                   played_midi: int | None = None, fixed_pitch: bool = False,
                   key: tuple[str, str] | None = None) -> str:
    """``"written E4, sung F4 (+96 cents)"``, ``"written E4 not heard"``, ...

    Parameters
    ----------
    midi : int
        The written pitch (or, for an extra note, the pitch heard).
    status : str
        ``"wrong"``, ``"missing"``, ``"extra"`` (other statuses read as the note name).
    cents : float or None
        Sung/played minus written pitch, cents (None or NaN when not measured).
    played_midi : int or None
        The nearest note to what was sung or played, for a wrong note.
    fixed_pitch : bool
        The take is played on a piano (:attr:`~musicpractice.analysis.take.TakeAnalysis.pitch_shaped`
        false): a wrong note was "played", a key, not so many cents off.
    key : tuple of str, optional
        (tonic, mode) the names are spelled in (``"written F#4"`` in D major, ``"Gb4"`` in
        D-flat major): the score's key, else the take's.
    """
    written = note_name(int(midi), key=key)
    measured = cents is not None and math.isfinite(cents)
    if status == "wrong":
        if played_midi is None and measured:
            played_midi = int(round(midi + cents / 100.0))
        verb = "played" if fixed_pitch else "sung/played"
        heard = f"{verb} {note_name(int(played_midi), key=key)}" if played_midi is not None else "off"
        off = (f" ({cents:+.0f} cents, {'sharp' if cents > 0 else 'flat'})"
               if measured and not fixed_pitch else "")
        return f"written {written}, {heard}{off}"
    if status == "missing":
        return f"written {written} not heard"
    if status == "extra":
        return f"an extra {written}, not in the score"
    return written


def notes_unsure_sentence(statuses: Iterable[str]) -> str | None:
    """How many of a take's written notes could not be judged for sure, or None when all
    could: ``statuses`` are its notes' statuses (extra notes are not written ones). The one
    place the window, the text summary, the command line and the report count them."""
    written = [s for s in statuses if s != "extra"]
    unsure = sum(s == "unsure" for s in written)
    if not unsure:
        return None
    return (f"{unsure} of {len(written)} notes ({100.0 * unsure / len(written):.0f} %) could "
            "not be judged for sure and are marked unsure.")


def note_counts(statuses: Iterable[str]) -> dict[str, int]:
    """How many notes have each status, by status name in order (the ``note_counts`` of
    the ``align`` and ``compare`` JSON documents)."""
    return dict(sorted(Counter(statuses).items()))


SAY_SURENESS_BELOW = 0.9
"""A named mistake stated with a lower confidence than this (0-1) says how sure it is."""


def sureness(confidence: float | None) -> str:
    """ "76 % sure" for a named wrong, missing or extra note whose confidence (0-1, the
    probability that the verdict is right) is below :data:`SAY_SURENESS_BELOW`, else "".
    A list of mistakes then tells a teacher which to check by ear: on the real Chopin takes
    with mistakes written into the score, the piano's ``missing`` verdicts stated at 0.7-0.8
    were right 75 % of the time and those at 0.8-0.9 84 % (``real_piano_verdicts``)."""
    if confidence is None or not math.isfinite(confidence) or confidence >= SAY_SURENESS_BELOW:
        return ""
    return f"{math.floor(100.0 * confidence)} % sure"  # 0.899: "89 %", below 90


def remarks(*words: str) -> str:
    """The non-empty ``words`` in one parenthesis after a line, " (a; b)", or ""."""
    said = [w for w in words if w]
    return f" ({'; '.join(said)})" if said else ""


def said_once(lines: Iterable[tuple[str, float | None]]) -> list[str]:
    """Verdict lines, given as (line, confidence) pairs, in order with each said once and
    its :func:`sureness`: a key written in two voices is one stroke, so its repeated line
    is said once with "written in 2 voices", and a count of the notes still matches the
    lines a reader sees."""
    # keyed by the words said, not the confidence: two NaN confidences are unequal keys
    times = Counter((line, sureness(c)) for line, c in lines)
    return [line + remarks(f"written in {n} voices" if n > 1 else "", sure)
            for (line, sure), n in times.items()]


def take_warnings(take) -> tuple[str, ...]:
    """A compared take's (:class:`~musicpractice.compare.results.TakeResult`) warnings
    and, when some of its notes are unsure, how many (:func:`notes_unsure_sentence`)."""
    unsure = notes_unsure_sentence(n.status for n in take.notes)
    return tuple(take.warnings) + ((unsure,) if unsure else ())
