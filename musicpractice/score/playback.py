"""What a score sounds like when practised: timed note events, count-in and metronome.

A :class:`PlaybackSettings` (tempo, transposition, bars, count-in, metronome and a part
mixer) turns a :class:`~musicpractice.score.model.Score` into a :class:`Schedule`: every
note to play with its time in seconds from the start of the rendering, its sounding MIDI
pitch, its gain and pan, plus the clicks and the bar start times. The window and
``musicpractice play`` render the same schedule, so they play the same thing.

Time 0 of a schedule is the first click of the count-in (or the first bar played when
there is no count-in); the score starts at :attr:`Schedule.score_start_s`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from musicpractice.core.errors import InvalidParameterError
from musicpractice.score.model import Score

MIN_TEMPO_SCALE = 0.4
"""Slowest practice tempo: 40 % of the marked tempo."""
MAX_TEMPO_SCALE = 2.0
MAX_TRANSPOSE = 24
MIN_GAIN_DB = -60.0
MAX_GAIN_DB = 12.0


@dataclass(frozen=True)
class PartMix:
    """How loud and where one part sounds.

    Attributes
    ----------
    gain_db : float
        Level change in dB, -60 to +12 (0 = as rendered).
    pan : float
        -1 (left) to +1 (right); 0 = centre.
    mute, solo : bool
        A muted part is silent; when any part is soloed, only soloed parts sound.
    """

    gain_db: float = 0.0
    pan: float = 0.0
    mute: bool = False
    solo: bool = False

    def __post_init__(self) -> None:
        if not MIN_GAIN_DB <= self.gain_db <= MAX_GAIN_DB:
            raise InvalidParameterError(
                f"A part's volume must be {MIN_GAIN_DB:g} to +{MAX_GAIN_DB:g} dB "
                f"(got {self.gain_db:g}).")
        if not -1.0 <= self.pan <= 1.0:
            raise InvalidParameterError(f"Pan must be -1 (left) to 1 (right) (got {self.pan:g}).")


@dataclass(frozen=True)
class PlaybackSettings:
    """How to play a score for practice.

    Attributes
    ----------
    tempo_scale : float
        Fraction of the marked tempo, 0.4-2.0 (0.5 = half speed).
    transpose_semitones : int
        Shift of every pitch, -24 to +24 semitones.
    bars : tuple of int or None
        First and last written bar to play (first pass); None = the whole score.
    count_in_bars : int
        Bars of clicks before the music, 0-8, in the first played bar's meter.
    metronome : bool
        Click on every beat while the music plays.
    mix : dict
        Part name -> :class:`PartMix`; parts not named play at 0 dB, centre.
    """

    tempo_scale: float = 1.0
    transpose_semitones: int = 0
    bars: tuple[int, int] | None = None
    count_in_bars: int = 0
    metronome: bool = False
    mix: dict[str, PartMix] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not MIN_TEMPO_SCALE <= self.tempo_scale <= MAX_TEMPO_SCALE:
            raise InvalidParameterError(
                f"The practice tempo must be {MIN_TEMPO_SCALE:.0%} to {MAX_TEMPO_SCALE:.0%} "
                f"of the marked tempo (got {self.tempo_scale:.0%}).")
        if not -MAX_TRANSPOSE <= self.transpose_semitones <= MAX_TRANSPOSE:
            raise InvalidParameterError(
                f"Transpose by -{MAX_TRANSPOSE} to +{MAX_TRANSPOSE} semitones "
                f"(got {self.transpose_semitones}).")
        if not 0 <= self.count_in_bars <= 8:
            raise InvalidParameterError(f"The count-in can be 0-8 bars (got {self.count_in_bars}).")

    def part_gain(self, part: str) -> float:
        """Linear gain of ``part`` after mute and solo (0 = silent)."""
        settings = self.mix.get(part, PartMix())
        soloing = any(m.solo for m in self.mix.values())
        if settings.mute or (soloing and not settings.solo):
            return 0.0
        return float(10.0 ** (settings.gain_db / 20.0))

    def part_pan(self, part: str) -> float:
        """Pan of ``part`` (-1 left .. +1 right)."""
        return self.mix.get(part, PartMix()).pan


@dataclass(frozen=True)
class NoteEvent:
    """One note to sound.

    Attributes
    ----------
    part : str
    midi : int
        Sounding pitch (written pitch + transposition).
    onset_s, duration_s : float
        Time from the start of the schedule and length, seconds.
    gain : float
        Linear gain of the part (> 0; silent parts give no events).
    pan : float
        -1 (left) .. +1 (right).
    measure : int
        Written bar number.
    onset_quarter : float
        Score position of the note.
    """

    part: str
    midi: int
    onset_s: float
    duration_s: float
    gain: float
    pan: float
    measure: int
    onset_quarter: float


@dataclass(frozen=True)
class Click:
    """One metronome click: time in seconds from the schedule start; ``accent`` on a downbeat."""

    time_s: float
    accent: bool


@dataclass(frozen=True)
class Schedule:
    """A score ready to render.

    Attributes
    ----------
    notes : tuple of NoteEvent
        Sorted by onset.
    clicks : tuple of Click
        Count-in and metronome clicks.
    bar_numbers : numpy.ndarray, shape (n_bars,)
        Written numbers of the bars played, in order.
    bar_starts_s : numpy.ndarray, shape (n_bars,)
        Start of each bar played, seconds from the schedule start.
    score_start_s : float
        When the first played bar starts (the count-in's length).
    duration_s : float
        End of the last played bar.
    first_quarter, last_quarter : float
        Score span played, in quarters.
    tempo_scale : float
        Fraction of the marked tempo.
    transpose_semitones : int
    start_bpm : float
        Quarter notes per minute at the first played bar, as played.
    score_base_s : float
        Time of the first played bar in the score at its marked tempi, seconds.
    """

    notes: tuple[NoteEvent, ...]
    clicks: tuple[Click, ...]
    bar_numbers: np.ndarray
    bar_starts_s: np.ndarray
    score_start_s: float
    duration_s: float
    first_quarter: float
    last_quarter: float
    tempo_scale: float
    transpose_semitones: int
    start_bpm: float
    score_base_s: float = 0.0

    def bar_at(self, time_s: float) -> int | None:
        """Written number of the bar sounding at ``time_s`` (None in the count-in or after)."""
        if time_s < self.score_start_s or time_s >= self.duration_s or not len(self.bar_starts_s):
            return None
        k = int(np.searchsorted(self.bar_starts_s, time_s, side="right")) - 1
        return int(self.bar_numbers[max(k, 0)])


def tempo_scale_for_bpm(score: Score, bpm: float, *, bars: tuple[int, int] | None = None) -> float:
    """The tempo scale that plays the first bar played at ``bpm`` quarter notes per minute."""
    if not bpm > 0:
        raise InvalidParameterError(f"The tempo must be positive (got {bpm:g}).")
    q0 = score.measure_range(*bars)[0] if bars else 0.0
    return float(bpm) / float(score.tempo_at(q0))


def schedule(score: Score, settings: PlaybackSettings) -> Schedule:
    """Timed note events, clicks and bar starts of ``score`` played with ``settings``.

    Raises
    ------
    InvalidParameterError
        Bars not in the score, a part in the mixer that the score does not have, or
        nothing left to hear in the chosen bars.
    """
    for part in settings.mix:
        if part not in score.parts:
            raise InvalidParameterError(
                f"The score has no part called {part!r}; its parts are: {', '.join(score.parts)}.")
    if settings.bars is not None:
        q0, q1 = score.measure_range(*settings.bars)
    else:
        q0, q1 = 0.0, score.duration_quarter
    measures = [m for m in score.measures if q0 - 1e-9 <= m.start_quarter < q1 - 1e-9]
    if not measures:
        raise InvalidParameterError("The chosen bars hold no music.")
    scale = settings.tempo_scale
    base_s = float(score.seconds_at(q0))

    first = measures[0]
    beats_per_bar = max(1, round(first.duration_quarter / first.beat_quarter))
    if first.number == 0 and len(measures) > 1:  # a pickup: count in the full bar's meter
        beats_per_bar = max(1, round(measures[1].duration_quarter / measures[1].beat_quarter))
    beat_s = first.beat_quarter * 60.0 / (float(score.tempo_at(q0)) * scale)
    count_in_s = settings.count_in_bars * beats_per_bar * beat_s

    def when(quarter):
        return (np.asarray(score.seconds_at(quarter)) - base_s) / scale + count_in_s

    notes = []
    for n in score.notes:
        gain = settings.part_gain(n.part)
        end_q = min(n.onset_quarter + n.duration_quarter, q1)
        if gain <= 0.0 or not q0 - 1e-9 <= n.onset_quarter < q1 - 1e-9 or end_q <= n.onset_quarter:
            continue
        onset_s = float(when(n.onset_quarter))
        notes.append(NoteEvent(part=n.part, midi=n.midi + settings.transpose_semitones,
                               onset_s=onset_s, duration_s=float(when(end_q)) - onset_s,
                               gain=gain, pan=settings.part_pan(n.part), measure=n.measure,
                               onset_quarter=n.onset_quarter))
    notes.sort(key=lambda e: (e.onset_s, e.midi))
    clicks = [Click(time_s=k * beat_s, accent=k % beats_per_bar == 0)
              for k in range(settings.count_in_bars * beats_per_bar)]
    if settings.metronome:
        for m in measures:
            n_beats = max(1, round(m.duration_quarter / m.beat_quarter))
            for b in range(n_beats):
                clicks.append(Click(time_s=float(when(m.start_quarter + b * m.beat_quarter)),
                                    accent=b == 0 and m.number != 0))
    starts = np.array([float(when(m.start_quarter)) for m in measures])
    return Schedule(notes=tuple(notes), clicks=tuple(clicks),
                    bar_numbers=np.array([m.number for m in measures], dtype=int),
                    bar_starts_s=starts, score_start_s=count_in_s,
                    duration_s=float(when(q1)), first_quarter=q0, last_quarter=q1,
                    tempo_scale=scale, transpose_semitones=settings.transpose_semitones,
                    start_bpm=float(score.tempo_at(q0)) * scale,
                    score_base_s=base_s)


def score_seconds(sched: Schedule, time_s) -> np.ndarray:
    """Seconds of the score at its marked tempi for schedule times (inverse of the schedule)."""
    return ((np.asarray(time_s, dtype=float) - sched.score_start_s) * sched.tempo_scale
            + sched.score_base_s)


def parse_bars(text: str) -> tuple[int, int]:
    """``"5-12"`` (or ``"7"``) -> (first, last) written bar numbers."""
    first, _, last = text.strip().partition("-")
    try:
        bars = (int(first), int(last or first))
    except ValueError:
        raise InvalidParameterError(f"Bars are given as A-B, e.g. 5-12 (got {text!r}).") from None
    if bars[0] > bars[1]:
        raise InvalidParameterError(f"Bars {text}: the first bar comes after the last.")
    return bars


def practice_settings(score: Score, *, solo=(), mute=(), volume_db=None, pan=None,
                      tempo_bpm: float | None = None, tempo_scale: float = 1.0,
                      transpose_semitones: int = 0, bars: tuple[int, int] | None = None,
                      count_in_bars: int = 0, metronome: bool = False) -> PlaybackSettings:
    """Playback settings from part names as a user types them (prefixes allowed).

    Parameters
    ----------
    score : Score
    solo, mute : iterable of str
        Parts to solo / mute.
    volume_db, pan : dict, optional
        Part name -> gain in dB / pan (-1..1).
    tempo_bpm : float, optional
        Quarter notes per minute at the first bar played; overrides ``tempo_scale``.
    tempo_scale, transpose_semitones, bars, count_in_bars, metronome
        See :class:`PlaybackSettings`.
    """
    volume_db = {score.find_part(p): float(v) for p, v in (volume_db or {}).items()}
    pan = {score.find_part(p): float(v) for p, v in (pan or {}).items()}
    soloed = {score.find_part(p) for p in solo}
    muted = {score.find_part(p) for p in mute}
    mix = {p: PartMix(gain_db=volume_db.get(p, 0.0), pan=pan.get(p, 0.0), mute=p in muted,
                      solo=p in soloed)
           for p in score.parts if p in volume_db or p in pan or p in soloed or p in muted}
    if bars is not None:
        score.measure_range(*bars)  # a clear message for bars the score does not have
    if tempo_bpm is not None:
        tempo_scale = tempo_scale_for_bpm(score, tempo_bpm, bars=bars)
    return PlaybackSettings(tempo_scale=tempo_scale, transpose_semitones=transpose_semitones,
                            bars=bars, count_in_bars=count_in_bars, metronome=metronome, mix=mix)


def schedule_times(score: Score, sched: Schedule, quarters) -> np.ndarray:
    """Times (s from the schedule start) at which score positions (quarters) sound."""
    return ((np.asarray(score.seconds_at(quarters)) - sched.score_base_s) / sched.tempo_scale
            + sched.score_start_s)
