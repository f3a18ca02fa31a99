"""A plain, Qt-free and music21-free model of a score as a performer plays it.

Positions are quarter notes (``_quarter``) from the start of the score as written: a
pickup bar starts at 0, so the first full bar starts at the pickup's length. When repeats
are expanded, positions keep increasing along the performed order while ``measure``
keeps the written bar number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.core.errors import InvalidParameterError

DEFAULT_TEMPO_BPM = 100.0
"""Quarter notes per minute assumed when a score has no tempo mark."""
ASSUMED_TEMPO_TEXT = "(no tempo mark)"
"""The text of the tempo a score without any tempo mark is given (see
:attr:`Score.tempo_assumed`)."""


@dataclass(frozen=True)
class ScoreNote:
    """One note (chords give one note per pitch; tied notes are merged).

    Attributes
    ----------
    part : str
        Name of the part (e.g. ``"Alto"``, ``"Piano RH"``).
    voice : int
        Voice number within the part (1 when the part has a single voice).
    midi : int
        Written MIDI pitch (60 = middle C).
    onset_quarter, duration_quarter : float
        Start and length in quarter notes, along the performed order.
    measure : int
        Written bar number.
    beat : float
        1-based beat within the bar, in the time signature's beat unit.
    """

    part: str
    voice: int
    midi: int
    onset_quarter: float
    duration_quarter: float
    measure: int
    beat: float


@dataclass(frozen=True)
class Measure:
    """One bar in performed order.

    Attributes
    ----------
    number : int
        Written bar number (0 for a pickup); repeated bars keep their number.
    start_quarter, duration_quarter : float
        Position and length in quarter notes.
    time_signature : str
        E.g. ``"3/4"``.
    beat_quarter : float
        Length of one beat in quarter notes (1.5 in 6/8).
    """

    number: int
    start_quarter: float
    duration_quarter: float
    time_signature: str
    beat_quarter: float


@dataclass(frozen=True)
class KeySignature:
    """A key signature from ``onset_quarter`` on; ``sharps`` < 0 counts flats."""

    onset_quarter: float
    sharps: int
    label: str


@dataclass(frozen=True)
class TempoMark:
    """A tempo from ``onset_quarter`` on, in quarter notes per minute."""

    onset_quarter: float
    bpm_quarter: float
    text: str


@dataclass(frozen=True)
class Score:
    """A score as a performer plays it.

    Attributes
    ----------
    path : str
        The file it was read from.
    title : str
        Title, or the file name when the file has none.
    parts : tuple of str
        Part names in score order (unique).
    notes : tuple of ScoreNote
        Sorted by onset, then pitch.
    measures : tuple of Measure
        In performed order.
    keys : tuple of KeySignature
    tempos : tuple of TempoMark
        Never empty: a default mark at 0 when the score has none (see ``warnings``).
    repeats_expanded : bool
        Whether repeats and voltas were played out.
    warnings : tuple of str
        Plain-language remarks (no tempo mark, repeats that could not be expanded...).
    ornaments : tuple of ScoreNote
        Grace notes, with no written length (``duration_quarter`` 0) at the onset of the
        note they lead into: not checked (nothing places them in time), but a key struck
        for one is no extra note.
    """

    path: str
    title: str
    parts: tuple[str, ...]
    notes: tuple[ScoreNote, ...]
    measures: tuple[Measure, ...]
    keys: tuple[KeySignature, ...]
    tempos: tuple[TempoMark, ...]
    repeats_expanded: bool
    warnings: tuple[str, ...] = ()
    ornaments: tuple[ScoreNote, ...] = ()

    @property
    def duration_quarter(self) -> float:
        """Length of the performed score in quarter notes."""
        if not self.measures:
            return 0.0
        last = self.measures[-1]
        return last.start_quarter + last.duration_quarter

    def seconds_at(self, quarter) -> np.ndarray:
        """Time in seconds of score positions (quarters) played at the marked tempi."""
        q = np.asarray(quarter, dtype=float)
        starts = np.array([t.onset_quarter for t in self.tempos])
        spq = np.array([60.0 / t.bpm_quarter for t in self.tempos])
        seconds_at_start = np.concatenate([[0.0], np.cumsum(np.diff(starts) * spq[:-1])])
        k = np.clip(np.searchsorted(starts, q, side="right") - 1, 0, len(starts) - 1)
        return seconds_at_start[k] + (q - starts[k]) * spq[k]

    @property
    def tempo_assumed(self) -> bool:
        """True when the score has no tempo mark and :data:`DEFAULT_TEMPO_BPM` stands in."""
        return len(self.tempos) == 1 and self.tempos[0].text == ASSUMED_TEMPO_TEXT

    def tempo_at(self, quarter) -> np.ndarray:
        """Marked tempo (quarter notes per minute) at score positions."""
        q = np.asarray(quarter, dtype=float)
        starts = np.array([t.onset_quarter for t in self.tempos])
        bpm = np.array([t.bpm_quarter for t in self.tempos])
        return bpm[np.clip(np.searchsorted(starts, q, side="right") - 1, 0, len(bpm) - 1)]

    def part_notes(self, part: str | None) -> tuple[ScoreNote, ...]:
        """Notes of one part, or of all parts when ``part`` is None."""
        if part is None:
            return self.notes
        return tuple(n for n in self.notes if n.part == part)

    def grace_note_near(self, *, midi: int, quarter: float, part: str | None = None,
                        within_quarter: float = 0.5) -> bool:
        """Whether a grace note (:attr:`ornaments`) of ``midi`` is written within
        ``within_quarter`` quarter notes of score position ``quarter`` (in ``part``, or in
        any part when None): a note sung or played there is that ornament, not an extra
        one. A grace note has no written length, so it sounds just before or on the note
        it leads into."""
        return any(o.midi == midi and abs(o.onset_quarter - quarter) <= within_quarter
                   and (part is None or o.part == part) for o in self.ornaments)

    def is_single_line(self, part: str | None) -> bool:
        """Whether the part (all parts when None) is one line: each note ends before the
        next starts (a melody a singer or a wind player can perform)."""
        return single_line(self.part_notes(part))

    def find_part(self, name: str) -> str:
        """The part whose name matches ``name`` (case-insensitive, prefix allowed).

        Raises
        ------
        InvalidParameterError
            When no part or several parts match.
        """
        wanted = name.strip().lower()
        exact = [p for p in self.parts if p.lower() == wanted]
        if exact:
            return exact[0]
        matches = [p for p in self.parts if p.lower().startswith(wanted)] or [
            p for p in self.parts if wanted in p.lower()]
        if len(matches) == 1:
            return matches[0]
        available = ", ".join(self.parts)
        if not matches:
            raise InvalidParameterError(
                f"The score has no part called {name!r}; its parts are: {available}.")
        raise InvalidParameterError(
            f"Several parts match {name!r} ({', '.join(matches)}); give the full name.")

    def checked_part(self, name: str | None) -> str | None:
        """The part whose notes are checked: ``name`` resolved by :meth:`find_part`, else
        the score's only part (a one-part song is that part's take), else None (all parts
        together)."""
        if name is not None:
            return self.find_part(name)
        return self.parts[0] if len(self.parts) == 1 else None

    def measure_range(self, first: int, last: int) -> tuple[float, float]:
        """Quarter positions spanning written bars ``first``..``last`` (first pass).

        Raises
        ------
        InvalidParameterError
            When the bars are not in the score.
        """
        if first > last:
            raise InvalidParameterError(f"Bars {first}-{last}: the first bar comes after the last.")
        starts = [m for m in self.measures if m.number == first]
        ends = [m for m in self.measures if m.number == last]
        if not starts or not ends:
            numbers = [m.number for m in self.measures]
            raise InvalidParameterError(
                f"Bars {first}-{last} are not in the score (it has bars "
                f"{min(numbers)}-{max(numbers)}).")
        start = starts[0]
        end = next((m for m in ends if m.start_quarter >= start.start_quarter), ends[-1])
        return start.start_quarter, end.start_quarter + end.duration_quarter


def single_line(notes) -> bool:
    """Whether ``notes`` (:class:`ScoreNote`) form one line: sorted by onset, each ends
    before the next starts."""
    ordered = sorted(notes, key=lambda n: n.onset_quarter)
    return all(b.onset_quarter >= a.onset_quarter + a.duration_quarter - 1e-6
               for a, b in zip(ordered, ordered[1:]))
