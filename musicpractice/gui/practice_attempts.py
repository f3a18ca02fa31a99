"""The attempts of a sing-along: each pass a take, checked, saved, listed; progress shown.

A take comes in latency compensated (see :class:`~musicpractice.audio.duplex.SingAlong`);
it is checked against the singer's part in the background
(:func:`musicpractice.workspace.practice.check_take`), saved in the session with its
practice link, listed with its verdict counts, and the chosen attempt's verdicts are
coloured on the engraved score (:meth:`~musicpractice.gui.score_view.ScoreView.show_verdicts`).
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QListWidget, QVBoxLayout, QWidget

from musicpractice.core.errors import MusicPracticeError
from musicpractice.gui.intonation import DEFAULT_TOLERANCE_CENTS
from musicpractice.gui.jobs import JobRunner
from musicpractice.workspace.practice import (
    PracticeLink,
    check_take,
    practice_attempts,
    recheck_take,
    save_take,
)


def _check_job(take, sr, score, sched, part, *, progress=None, cancel=None):
    return check_take(take, sr, score, sched, part, progress=progress, cancel=cancel)


def attempt_summary(attempt: int, comparison) -> str:
    """"Attempt 2: 14 of 16 notes right, 1 wrong, 1 missed, 0 unsure"."""
    counts = {s: sum(n.status == s for n in comparison.notes)
              for s in ("ok", "wrong", "missing", "unsure")}
    return (f"Attempt {attempt}: {counts['ok']} of {len(comparison.notes)} notes right, "
            f"{counts['wrong']} wrong, {counts['missing']} missed, {counts['unsure']} unsure")


def progress_text(attempts) -> str:
    """"Right notes by attempt: 60 % → 80 % → 93 %" (checked attempts only)."""
    shares = []
    for attempt in attempts:
        notes = attempt["comparison"].notes if attempt["comparison"] is not None else ()
        if notes:
            shares.append(f"{100 * sum(n.status == 'ok' for n in notes) / len(notes):.0f} %")
    return ("Right notes by attempt: " + " → ".join(shares)) if shares else ""


class AttemptsPanel(QWidget):
    """The list of attempts and the progress line.

    Signals
    -------
    checked(int)
        Attempt number (1-based) whose verdicts arrived.
    take_saved(str)
        Id of a take just saved in the session.
    error(str)
    """

    checked = Signal(int)
    take_saved = Signal(str)
    error = Signal(str)

    def __init__(self, *, score_view=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.score_view = score_view
        self.attempts: list[dict] = []
        self.jobs = JobRunner(max_threads=1, parent=self)
        self.jobs.finished.connect(lambda key, result: self._checked(int(key), result))
        self.jobs.failed.connect(lambda _k, message, _d: self.error.emit(message))
        self.attempt_list = QListWidget()
        self.attempt_list.setMinimumHeight(60)
        self.attempt_list.currentRowChanged.connect(self.show_attempt)
        self.progress = QLabel("")
        self.progress.setWordWrap(True)
        self.progress.setToolTip("Share of the part's notes sung right, attempt by attempt")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Attempts (click one to see its notes on the score):"))
        layout.addWidget(self.progress)  # above the list: seen without scrolling
        layout.addWidget(self.attempt_list, 1)

    def add(self, take, *, sr: int, score, sched, part: str, latency_s: float,
            bars, count_in_bars: int, session=None, score_id: str = "") -> int:
        """Keep a take as the next attempt and check it in the background; its number."""
        number = len(self.attempts) + 1
        self.attempts.append({"take": take, "sr": sr, "schedule": sched, "part": part,
                              "latency_s": latency_s, "bars": bars, "session": session,
                              "count_in_bars": count_in_bars, "score_id": score_id,
                              "comparison": None, "take_id": ""})
        self.attempt_list.addItem(f"Attempt {number}: checking…")
        self.jobs.submit(str(number), partial(_check_job, take, sr, score, sched, part))
        return number

    def load_earlier(self, session, score, *, score_id: str, part: str) -> int:
        """List the session's earlier attempts at ``part`` (checked again in the
        background), so progress covers every sitting; how many were found."""
        self.attempts, earlier = [], practice_attempts(session, score_id=score_id, part=part)
        self.attempt_list.clear()
        self.progress.setText("")
        self.jobs.cancel_all()
        for take in earlier:
            self.attempts.append({"take": None, "sr": take.sample_rate_hz, "part": part,
                                  "comparison": None, "take_id": take.id, "session": None,
                                  "score_id": score_id, "earlier": take.date})
            self.attempt_list.addItem(f"Attempt {len(self.attempts)} ({take.date}): checking…")
            self.jobs.submit(str(len(self.attempts)), partial(recheck_take, session, take, score))
        return len(earlier)

    def _checked(self, number: int, comparison) -> None:
        attempt = self.attempts[number - 1]
        attempt["comparison"] = comparison
        text = attempt_summary(number, comparison)
        if attempt.get("earlier"):
            text = text.replace(f"Attempt {number}:", f"Attempt {number} ({attempt['earlier']}):")
        self.attempt_list.item(number - 1).setText(text)
        if attempt["session"] is not None and attempt["score_id"]:
            sched = attempt["schedule"]
            try:
                stored = save_take(attempt["session"], attempt["take"], attempt["sr"], PracticeLink(
                    score_id=attempt["score_id"], part=attempt["part"], bars=attempt["bars"],
                    tempo_scale=sched.tempo_scale, start_bpm=sched.start_bpm,
                    transpose_semitones=sched.transpose_semitones, attempt=number,
                    latency_s=attempt["latency_s"], score_start_s=sched.score_start_s,
                    count_in_bars=attempt["count_in_bars"]))
                attempt["take_id"] = stored.id
                self.take_saved.emit(stored.id)
            except MusicPracticeError as error:
                self.error.emit(f"The take could not be saved: {error}")
        self.attempt_list.setCurrentRow(number - 1)
        self.progress.setText(progress_text(self.attempts))
        self.checked.emit(number)

    def show_attempt(self, row: int) -> None:
        """Colour the score's notes by the verdicts of one attempt."""
        if not 0 <= row < len(self.attempts) or self.score_view is None:
            return
        comparison = self.attempts[row]["comparison"]
        if comparison is not None:
            self.score_view.show_verdicts(comparison.notes, tolerance_cents=DEFAULT_TOLERANCE_CENTS)

    def shutdown(self) -> None:
        """Cancel checks in progress and wait for them."""
        self.jobs.cancel_all()
        self.jobs.wait(3000)
