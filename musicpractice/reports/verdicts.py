"""Note verdicts in words: one phrase per wrong or missing note, one sentence on the unsure.

Shared by the command line summary and the HTML/PDF report so a note reads the same in
both: the written note and, for a wrong one, the note sung or played and how far off it
was, in cents.
"""

from __future__ import annotations

import math

from musicpractice.core.pitch import note_name


def verdict_phrase(*, midi: int, status: str, cents: float | None,
                   played_midi: int | None = None) -> str:
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
    """
    written = note_name(int(midi))
    measured = cents is not None and math.isfinite(cents)
    if status == "wrong":
        if played_midi is None and measured:
            played_midi = int(round(midi + cents / 100.0))
        heard = f"sung/played {note_name(int(played_midi))}" if played_midi is not None else "off"
        off = f" ({cents:+.0f} cents, {'sharp' if cents > 0 else 'flat'})" if measured else ""
        return f"written {written}, {heard}{off}"
    if status == "missing":
        return f"written {written} not heard"
    if status == "extra":
        return f"an extra {written}, not in the score"
    return written


def unsure_sentence(unsure: int, total: int) -> str | None:
    """How many notes could not be judged for sure, or None when all could."""
    if not unsure or not total:
        return None
    return (f"{unsure} of {total} notes ({100.0 * unsure / total:.0f} %) could not be judged "
            "for sure and are marked unsure.")
