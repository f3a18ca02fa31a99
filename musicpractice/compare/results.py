"""What a comparison of takes holds: per take a row per bar (:class:`BarRow`) and per note
(:class:`NoteRow`), the take's result (:class:`TakeResult`), and the whole comparison
(:class:`Comparison`). Plain frozen data, built by :mod:`musicpractice.compare.model`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from musicpractice.alignment import Alignment
from musicpractice.alignment.compare import Restart
from musicpractice.analysis.take import TakeAnalysis
from musicpractice.compare.bar_grid import BarGrid
from musicpractice.core.errors import InvalidParameterError
from musicpractice.session.model import Take
from musicpractice.workspace.references import Reference

UNSURE_CONFIDENCE = 0.3
"""A bar whose alignment confidence is below this is shown as unsure."""


@dataclass(frozen=True)
class BarRow:
    """One bar (or section) of one take.

    Attributes
    ----------
    take_id : str
    index : int
        Position of the bar on the grid (performed order, from 0).
    bar : int
        Written bar number (section number without a score).
    ref_start : float
        Start of the bar in the reference (quarter notes for a score, seconds for a take).
    take_start_s, duration_s : float
        Start and length of the bar in the take, seconds (NaN where the take does not
        play the bar).
    tempo_bpm : float
        Played tempo in beats per minute, the beat of the score's time signature
        (dotted quarters in 6/8, halves in 2/2: ``BarGrid.beat_unit``); NaN without a score.
    ref_tempo_bpm : float
        Tempo of the bar in the reference (marked tempo of a score, played tempo of a
        reference take), in the same beats per minute; NaN without a score.
    tempo_pct : float
        Tempo as a percentage of the reference's (100: same, 110: 10 % faster).
    deviation_ms : float
        Barline minus where a steady tempo fitted to the whole take puts it, milliseconds
        (negative: early).
    loudness_lufs : float
        Momentary loudness averaged (as power) over the bar, LUFS.
    articulation_ratio : float
        Median sounding-to-spacing ratio of the notes starting in the bar (1 = legato).
    intonation_cents : float
        Median pitch deviation of the bar's notes, cents: from the written pitch for a
        monophonic part against a score, else from equal temperament; NaN for polyphony.
    wrong, missing, extra : int or None
        Notes judged surely wrong (more than the intonation tolerance off, or another
        key), surely not heard, or sung/played where the score has none; ``None`` when
        not checked.
    confidence : float
        Alignment confidence over the bar, 0-1.
    tempo_beat : str
        The beat ``tempo_bpm`` counts, from the score's time signature: ``"quarter"``,
        ``"dotted quarter"`` (6/8), ``"half"`` (2/2), ...
    """

    take_id: str
    index: int
    bar: int
    ref_start: float
    take_start_s: float
    duration_s: float
    tempo_bpm: float
    ref_tempo_bpm: float
    tempo_pct: float
    deviation_ms: float
    loudness_lufs: float
    articulation_ratio: float
    intonation_cents: float
    wrong: int | None
    missing: int | None
    extra: int | None
    confidence: float
    tempo_beat: str = "quarter"

    @property
    def covered(self) -> bool:
        """Whether the take plays this bar."""
        return math.isfinite(self.take_start_s) and math.isfinite(self.duration_s)

    @property
    def unsure(self) -> bool:
        """Whether the alignment is unsure in this bar."""
        return self.confidence < UNSURE_CONFIDENCE


@dataclass(frozen=True)
class NoteRow:
    """One note of one take.

    Attributes
    ----------
    take_id : str
    bar : int or None
        Written bar (or section) number; None outside the compared bars.
    ref_position : float
        Position in the reference (quarter notes or seconds), NaN when unknown.
    midi : int
        Written pitch (score reference) or transcribed pitch.
    name : str
        Note name, e.g. ``"C#4"``.
    take_onset_s : float
        Onset in the take, seconds.
    duration_s : float
        Length in the take, seconds (NaN for written notes not measured).
    deviation_ms : float
        Onset minus an even pulse through its bar, milliseconds (NaN when not measured).
    cents : float
        Pitch deviation, cents (from the written pitch against a score, else from equal
        temperament); NaN when not measured.
    status : str
        ``ok``, ``wrong``, ``missing``, ``extra``, ``unchecked``, ``unsure`` (against a
        score; see :class:`musicpractice.alignment.NoteComparison`) or ``transcribed``.
    confidence : float
        Probability in [0, 1] that ``status`` is right (NaN when not estimated).
    played_midi : int or None
        The pitch sung or played instead, for a wrong note.
    attempt : int
        Pass through the passage (0 = first; a restart starts the next).
    """

    take_id: str
    bar: int | None
    ref_position: float
    midi: int
    name: str
    take_onset_s: float
    duration_s: float
    deviation_ms: float
    cents: float
    status: str
    confidence: float = math.nan
    played_midi: int | None = None
    attempt: int = 0


@dataclass(frozen=True)
class TakeResult:
    """One take laid on the grid.

    Attributes
    ----------
    take : Take
    is_reference : bool
        This take is the reference itself.
    alignment : Alignment or None
        Take -> reference (None for the reference take).
    analysis : TakeAnalysis
    bars : tuple of BarRow
        One per grid bar.
    notes : tuple of NoteRow
    curve_position : numpy.ndarray
        Grid coordinate (bar index + fraction) of each loudness value.
    curve_lufs : numpy.ndarray
        Momentary loudness, LUFS, over the bars the take plays.
    warnings : tuple of str
    spelling : tuple of str or None
        (tonic, mode) the take's note names are spelled in: the score's key signature,
        else the key heard in the take (F# in D major); None: default names.
    restarts : tuple of Restart
        Where the take stops and goes back (or skips ahead) in the score: take time in
        seconds, the bar left and the bar gone on from (a sung part against a score).
    """

    take: Take
    is_reference: bool
    alignment: Alignment | None
    analysis: TakeAnalysis
    bars: tuple[BarRow, ...]
    notes: tuple[NoteRow, ...]
    curve_position: np.ndarray
    curve_lufs: np.ndarray
    warnings: tuple[str, ...] = ()
    spelling: tuple[str, str] | None = None
    restarts: tuple[Restart, ...] = ()

    @property
    def name(self) -> str:
        """How the take is called in tables and sentences (:attr:`Take.display_name`)."""
        return self.take.display_name

    def to_reference(self, take_s) -> np.ndarray:
        """Reference positions (quarter notes or seconds) of take times, seconds."""
        if self.alignment is None:
            return np.asarray(take_s, dtype=float)
        return self.alignment.ref_at(take_s)

    def from_reference(self, ref) -> np.ndarray:
        """Take times (seconds) of reference positions; NaN where the take does not play."""
        if self.alignment is None:
            return np.asarray(ref, dtype=float)
        return self.alignment.take_at(ref)

    def bar_at(self, take_s: float) -> int | None:
        """Grid index of the bar the take is in at ``take_s`` seconds, or None."""
        for row in self.bars:
            if row.covered and row.take_start_s <= take_s < row.take_start_s + row.duration_s:
                return row.index
        return None


@dataclass(frozen=True)
class Comparison:
    """Takes compared with a reference on one musical axis.

    Attributes
    ----------
    session_title : str
    reference : Reference
    grid : BarGrid
    takes : tuple of TakeResult
        The reference take first when the reference is a take, then the compared takes.
    part : str or None
        The score part the takes play.
    monophonic : bool
        Pitch was checked note by note against the score.
    warnings : tuple of str
    tolerance_cents : float or None
        The intonation tolerance the note verdicts were made with (None: no score).
    tempo_from_takes : bool
        The score has no tempo mark: the grid's tempo is the takes' own median tempo.
    """

    session_title: str
    reference: Reference
    grid: BarGrid
    takes: tuple[TakeResult, ...]
    part: str | None
    monophonic: bool
    warnings: tuple[str, ...] = ()
    tolerance_cents: float | None = None
    tempo_from_takes: bool = False

    @property
    def compared(self) -> tuple[TakeResult, ...]:
        """The takes compared (without the reference take)."""
        return tuple(t for t in self.takes if not t.is_reference)

    def take(self, take_id: str) -> TakeResult:
        """The result of one take of the comparison."""
        for take in self.takes:
            if take.take.id == take_id:
                return take
        raise InvalidParameterError(f"The take {take_id!r} is not part of this comparison.")

    def same_moment(self, from_id: str, take_s: float, to_id: str) -> float:
        """Where take ``to_id`` is at the musical position take ``from_id`` has at
        ``take_s`` seconds (A/B switching); NaN where ``to_id`` does not play it."""
        ref = self.take(from_id).to_reference(take_s)
        return float(self.take(to_id).from_reference(ref))

    def covered_indices(self) -> list[int]:
        """Grid indices that at least one take plays."""
        return [k for k in range(len(self.grid))
                if any(t.bars[k].covered for t in self.takes)]

