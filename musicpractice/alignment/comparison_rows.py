"""The rows of a comparison with a score: bars, beats, written notes, extra notes, restarts,
and the whole :class:`ScoreComparison` (made by :func:`.compare.compare_with_score`)."""

from __future__ import annotations

from dataclasses import dataclass

from musicpractice.alignment.timemap import Alignment


@dataclass(frozen=True)
class BarComparison:
    """One bar of the score as played in the take.

    Attributes
    ----------
    measure : int
        Written bar number.
    ref_quarter : float
        Start of the bar in the score (quarter notes, repeats expanded).
    take_s : float
        Time of the barline in the take (NaN when the take does not reach it).
    duration_s : float
        How long the bar lasted in the take (NaN when not covered).
    tempo_bpm : float
        Played tempo in quarter notes per minute (NaN when not covered).
    score_tempo_bpm : float
        Tempo marked in the score at the bar.
    deviation_s : float
        Barline time minus where a steady tempo (fitted to the whole take) puts it.
    loudness_lufs : float
        Momentary loudness averaged over the bar (-inf for silence, NaN when not covered).
    confidence : float
        Alignment confidence over the bar, in [0, 1]; below 0.3 where the bar's tempo
        jumps without the take bearing it out (see :mod:`.bar_checks`).
    reason : str
        Why the bar's reading is sure or unsure despite its tempo ("" when unremarkable).
    """

    measure: int
    ref_quarter: float
    take_s: float
    duration_s: float
    tempo_bpm: float
    score_tempo_bpm: float
    deviation_s: float
    loudness_lufs: float
    confidence: float
    reason: str = ""


@dataclass(frozen=True)
class BeatTime:
    """A beat of the score (time-signature beat) and when it came in the take."""

    measure: int
    beat: int
    ref_quarter: float
    take_s: float


@dataclass(frozen=True)
class NoteComparison:
    """One written note and how it was played.

    Attributes
    ----------
    part : str
    measure : int
    ref_quarter : float
        Written onset (quarter notes, repeats expanded).
    midi : int
        Written pitch.
    take_onset_s : float
        Aligned onset in the take.
    deviation_s : float
        Onset minus where an even pulse within its bar puts it (negative = early).
    cents : float
        Sung/played pitch minus the written one, in cents; NaN where not measurable
        (polyphonic reference, unpitched or missing note).
    status : str
        ``"ok"``, ``"wrong"`` (pitch off by more than the tolerance) or ``"missing"``;
        ``"unsure"`` where the evidence cannot decide (the alignment or the pitch);
        ``"unchecked"`` when pitch cannot be checked at all.
    confidence : float
        Probability in [0, 1] that ``status`` is right; NaN when not estimated.
    played_midi : int or None
        The pitch actually played or sung (nearest MIDI number at the take's tuning),
        named for wrong notes; ``None`` where not measured.
    attempt : int
        Which pass through this passage of the take the row belongs to (0 = first;
        a restart starts a new attempt).
    """

    part: str
    measure: int
    ref_quarter: float
    midi: int
    take_onset_s: float
    deviation_s: float
    cents: float
    status: str
    confidence: float = float("nan")
    played_midi: int | None = None
    attempt: int = 0


@dataclass(frozen=True)
class ExtraNote:
    """A stable pitch in the take where the score has no note.

    Attributes
    ----------
    take_onset_s, duration_s : float
        Where it is in the take, in seconds.
    midi : int
        Its pitch (nearest MIDI number at the take's tuning).
    measure : int or None
        The written bar it falls in.
    confidence : float
        Probability in [0, 1] that it really is an extra note; NaN when not estimated.
    """

    take_onset_s: float
    duration_s: float
    midi: int
    measure: int | None = None
    confidence: float = float("nan")


@dataclass(frozen=True)
class Restart:
    """Where a take stops and goes back (or skips ahead) in the score.

    Attributes
    ----------
    take_s : float
        Time in the take where the jump happens, in seconds.
    from_measure : int
        The last bar played before the jump.
    to_measure : int
        The bar the take goes on from.
    """

    take_s: float
    from_measure: int
    to_measure: int


@dataclass(frozen=True)
class ScoreComparison:
    """Bars, beats and notes of a score as played in an aligned take.

    Attributes
    ----------
    bars : tuple of BarComparison
        The bars the take covers, in performed order.
    beats : tuple of BeatTime
    notes : tuple of NoteComparison
    extra_notes : tuple of ExtraNote
        Only for a monophonic part.
    monophonic : bool
        Whether pitch was checked note by note.
    tuning_hz : float
        Reference A4 of the ``cents`` values.
    warnings : tuple of str
    restarts : tuple of Restart
        Where the take jumps back or ahead in the score.
    tolerance_cents : float
        Intonation tolerance the verdicts were made with.
    alignment : Alignment or None
        The time map pinned to the sung notes (see :mod:`.anchors`) that the bars, beats
        and timing were measured on; None when the engine's alignment was used as given.
    """

    bars: tuple[BarComparison, ...]
    beats: tuple[BeatTime, ...]
    notes: tuple[NoteComparison, ...]
    extra_notes: tuple[ExtraNote, ...]
    monophonic: bool
    tuning_hz: float
    warnings: tuple[str, ...] = ()
    restarts: tuple[Restart, ...] = ()
    tolerance_cents: float = 50.0
    alignment: Alignment | None = None
