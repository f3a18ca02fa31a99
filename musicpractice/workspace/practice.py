"""Sung-along takes: kept in the session, linked to what they were sung against, checked.

A take recorded by :class:`~musicpractice.audio.duplex.SingAlong` lines up with the
rendering of a :class:`~musicpractice.score.playback.Schedule` by construction (latency
compensated), so its alignment to the score is known exactly: :func:`schedule_alignment`
builds it from the schedule's tempo map instead of searching for it. :func:`check_take`
gives the note verdicts of the part sung (the existing score comparison), and
:func:`save_take` stores the take with its link (score, part, tempo, bars, attempt).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from musicpractice.alignment.compare import ScoreComparison, compare_with_score
from musicpractice.alignment.timemap import Alignment
from musicpractice.score.model import Score
from musicpractice.audio.io import load_signal
from musicpractice.score.playback import PlaybackSettings, Schedule, schedule, schedule_times
from musicpractice.session.model import Take
from musicpractice.session.store import Session

PATH_STEP_QUARTER = 0.25


@dataclass(frozen=True)
class PracticeLink:
    """What a sung-along take was sung against (stored as ``take.json`` "practice").

    Attributes
    ----------
    score_id : str
        The session's score.
    part : str
        The part sung.
    bars : tuple of int or None
        Written bars played (None = all).
    tempo_scale : float
        Fraction of the marked tempo.
    start_bpm : float
        Quarter notes per minute at the first bar, as played.
    transpose_semitones : int
    attempt : int
        1 for the first pass of a loop, 2 for the next...
    latency_s : float
        Round trip taken off the recording.
    score_start_s : float
        Where the first bar starts in the take (after the count-in).
    count_in_bars : int
        Bars of count-in before it.
    """

    score_id: str
    part: str
    bars: tuple[int, int] | None
    tempo_scale: float
    start_bpm: float
    transpose_semitones: int
    attempt: int
    latency_s: float
    score_start_s: float
    count_in_bars: int = 0

    def to_json(self) -> dict:
        return {"score_id": self.score_id, "part": self.part,
                "bars": list(self.bars) if self.bars else None,
                "tempo_scale": self.tempo_scale, "start_bpm": self.start_bpm,
                "transpose_semitones": self.transpose_semitones, "attempt": self.attempt,
                "latency_s": self.latency_s, "score_start_s": self.score_start_s,
                "count_in_bars": self.count_in_bars}


def schedule_alignment(score: Score, sched: Schedule) -> Alignment:
    """The exact alignment of a take sung along with ``sched`` (take seconds -> quarters)."""
    quarters = np.append(np.arange(sched.first_quarter, sched.last_quarter, PATH_STEP_QUARTER),
                         sched.last_quarter)
    times = schedule_times(score, sched, quarters)
    whole = sched.first_quarter <= 1e-9 and sched.last_quarter >= score.duration_quarter - 1e-9
    return Alignment(reference_kind="score", take_s=times.astype(float),
                     ref=quarters.astype(float), confidence=np.ones(len(times), np.float32),
                     overall_confidence=1.0, transposition_semitones=sched.transpose_semitones,
                     take_tuning_cents=0.0, partial=not whole)


def check_take(take: np.ndarray, sr: int, score: Score, sched: Schedule, part: str, *,
               progress=None, cancel=None) -> ScoreComparison:
    """Note verdicts of ``part`` in a sung-along take (mono, latency compensated)."""
    return compare_with_score(np.asarray(take, dtype=np.float32), sr, score,
                              schedule_alignment(score, sched), part=score.find_part(part),
                              progress=progress, cancel=cancel)


def save_take(session: Session, take: np.ndarray, sr: int, link: PracticeLink, *,
              title: str = "", performer: str = "") -> Take:
    """Store a sung-along take in the session, linked to its score, part, tempo and bars."""
    bars = f" bars {link.bars[0]}-{link.bars[1]}" if link.bars else ""
    title = title or f"{link.part}{bars}, {link.start_bpm:.0f} bpm, attempt {link.attempt}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sung-along.wav"
        sf.write(path, np.asarray(take, dtype=np.float32), sr, subtype="FLOAT")
        stored = session.import_audio(path, title=title, performer=performer, role="student",
                                      piece=link.part)
    return session.set_practice_link(stored.id, link.to_json())


def practice_attempts(session: Session, *, score_id: str, part: str) -> list[Take]:
    """The session's sung-along takes of one part of one score, oldest first."""
    takes = [t for t in session.takes
             if isinstance(t.extra.get("practice"), dict)
             and t.extra["practice"].get("score_id") == score_id
             and t.extra["practice"].get("part") == part]
    return sorted(takes, key=lambda t: t.started_at)


def recheck_take(session: Session, take: Take, score: Score, *, progress=None,
                 cancel=None) -> ScoreComparison:
    """Check a stored sung-along take again against its part, from its practice link
    (the schedule it was sung against is rebuilt from the score)."""
    link = take.extra["practice"]
    sched = schedule(score, PlaybackSettings(
        tempo_scale=float(link["tempo_scale"]),
        transpose_semitones=int(link["transpose_semitones"]),
        bars=tuple(link["bars"]) if link.get("bars") else None,
        count_in_bars=int(link.get("count_in_bars", 0))))
    signal = load_signal(session.audio_path(take.id), sr=take.sample_rate_hz,
                         min_duration_s=0.1, cancel=cancel)
    return check_take(signal.samples, signal.sr, score, sched, link["part"],
                      progress=progress, cancel=cancel)
