"""The Practice tab: hear a score's parts, sing along with them, see how your part went.

Settings (tempo from 40 %, transposition, bars A-B, loop, count-in, metronome, voices and
the :class:`~musicpractice.gui.part_mixer.PartMixer`) make a
:class:`~musicpractice.score.playback.Schedule`; its part tracks are rendered in the
background once per tempo/transposition/bars and re-mixed at once when the mixer moves --
the same :mod:`musicpractice.score.render` code as ``musicpractice play``. Playing and
singing along go through :class:`~musicpractice.audio.duplex.SingAlong`; the engraved
score (:class:`~musicpractice.gui.score_view.ScoreView`) follows the current bar. Each
pass sung is a take: latency compensated, checked against "my part"
(:mod:`musicpractice.workspace.practice`), saved in the session, listed as an attempt,
and its note verdicts coloured on the score.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QSizePolicy,
    QWidget,
)

from musicpractice.audio.duplex import SingAlong
from musicpractice.audio.loopback import LatencyStore
from musicpractice.core.errors import MusicPracticeError
from musicpractice.gui.jobs import JobRunner
from musicpractice.score.load import load_score
from musicpractice.score.playback import PlaybackSettings, schedule
from musicpractice.score.render import mix_tracks, render_tracks
from musicpractice.gui.practice_layout import PracticeLayoutMixin
from musicpractice.gui.practice_recording import SR, PracticeRecordingMixin

FOLLOW_MS = 33


def _render_job(sched, voices, *, progress=None, cancel=None):
    return render_tracks(sched, sr=SR, voices=voices)


class PracticePanel(PracticeLayoutMixin, PracticeRecordingMixin, QWidget):
    """The Practice tab. ``score_view`` is optional (tests without WebEngine)."""

    error = Signal(str)
    rendered = Signal()

    def __init__(self, *, score_view=None, latency_path: str | Path | None = None,
                 input_device=None, output_device=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.score = None
        self.score_id = ""
        self._title = ""
        self.session = None
        self.tracks: dict | None = None
        self._tracks_key = None
        self.full_schedule = None
        self.audio = None
        self._pending_start: dict | None = None
        self._last_bar = None
        self._was_playing = False
        self.engine = SingAlong(input_device=input_device, output_device=output_device)
        self.latency_store = LatencyStore(latency_path) if latency_path else None
        self.jobs = JobRunner(max_threads=1, parent=self)
        self.jobs.finished.connect(self._job_finished)
        self.jobs.failed.connect(lambda _k, message, _d: self._fail(message))
        self.score_view = score_view
        self._build()
        self.follow = QTimer(self, interval=FOLLOW_MS)
        self.follow.timeout.connect(self._follow)
        self.follow.start()

    def _enable(self, on: bool) -> None:
        for widget in (self.play_button, self.sing_button, self.stop_button, self.tempo,
                       self.transpose, self.first_bar, self.last_bar, self.count_in,
                       self.my_part, self.voices):
            widget.setEnabled(on)

    # -- score and session -------------------------------------------------------------
    def set_session(self, session) -> None:
        """Practise the session's (first) score; sung takes are saved in the session."""
        self.session = session
        scores = getattr(session, "scores", ()) if session is not None else ()
        if scores and scores[0].id != self.score_id:
            ref = scores[0]
            self.set_score(session.score_path(ref.id), score_id=ref.id, title=ref.title)

    def set_score(self, path: str | Path, *, score_id: str = "", title: str = "") -> None:
        """Read a score (in the background) and show its parts."""
        self.stop()
        self.score_id = score_id
        self._title = title
        self.title.setText(f"Reading {title or Path(path).stem}…")
        self.jobs.submit("score", partial(_load_job, str(path)))
        if self.score_view is not None:
            self.score_view.set_score(path, title)

    def _score_loaded(self, score) -> None:
        self.score = score
        self.tracks, self._tracks_key = None, None
        self.title.setText(f"<b>{self._title or score.title}</b> — {len(score.parts)} part(s)")
        self.my_part.blockSignals(True)
        self.my_part.clear()
        for part in score.parts:
            self.my_part.addItem(part, part)
        self.my_part.blockSignals(False)
        self.mixer.set_parts(score.parts, my_part=score.parts[0])
        self._my_part_changed(0)  # earlier attempts at it
        numbers = [m.number for m in score.measures]
        for spin in (self.first_bar, self.last_bar):
            spin.blockSignals(True)
            spin.setRange(min(numbers), max(numbers))
            spin.blockSignals(False)
        self.first_bar.setValue(min(numbers))
        self.last_bar.setValue(max(numbers))
        self._enable(True)
        self._settings_changed()

    def _my_part_changed(self, _index: int) -> None:
        self.mixer.set_my_part(self.my_part.currentData())
        self._remix()
        if self.session is not None and self.score is not None and self.score_id:
            self.attempts.load_earlier(self.session, self.score, score_id=self.score_id,
                                       part=self.my_part.currentData())

    # -- settings and rendering --------------------------------------------------------
    def settings(self, *, singing: bool = False) -> PlaybackSettings:
        """The playback settings shown (while singing without a guide, my part is muted)."""
        mix = self.mixer.mix()
        mine = self.my_part.currentData()
        if singing and not self.guide.isChecked() and mine in mix:
            mix[mine] = replace(mix[mine], mute=True)
        first, last = sorted((self.first_bar.value(), self.last_bar.value()))
        numbers = [m.number for m in self.score.measures]
        bars = None if (first, last) == (min(numbers), max(numbers)) else (first, last)
        return PlaybackSettings(tempo_scale=self.tempo.value() / 100.0,
                                transpose_semitones=self.transpose.value(), bars=bars,
                                count_in_bars=self.count_in.value(),
                                metronome=self.metronome.isChecked(), mix=mix)

    def _settings_changed(self, *_args) -> None:
        if self.score is None:
            return
        try:
            sched = schedule(self.score, replace(self.settings(), mix={}))
        except MusicPracticeError as error:
            self._fail(str(error))
            return
        key = (sched.first_quarter, sched.last_quarter, sched.tempo_scale,
               sched.transpose_semitones, len(sched.clicks), self.voices.currentData())
        if key == self._tracks_key:
            return
        self._tracks_key, self.full_schedule, self.tracks = key, sched, None
        self.status.setText("Preparing the parts…")
        self.jobs.submit("render", partial(_render_job, sched, self.voices.currentData()))

    def _remix(self, *_args) -> None:
        if self.tracks is None or self.score is None:
            return
        settings = self.settings(singing=self.engine.playing and self.engine.recording_input)
        self.audio = mix_tracks(self.tracks, self.full_schedule, sr=SR,
                                gains={p: settings.part_gain(p) for p in self.score.parts},
                                pans={p: settings.part_pan(p) for p in self.score.parts})
        if self.engine.playing:
            self.engine.load(self.audio, SR)

    def _job_finished(self, key: str, result) -> None:
        if key == "score":
            self._score_loaded(result)
        elif key == "render":
            self.tracks = result
            self.status.setText("")
            self._remix()
            self.rendered.emit()
            if self._pending_start is not None:
                pending, self._pending_start = self._pending_start, None
                self.start(**pending)
        elif key == "latency":
            if self.latency_store is not None:
                self.latency_store.put(result)
            self._measured = result
            self._show_latency()

    def _fail(self, message: str) -> None:
        self.status.setText(message)
        self.error.emit(message)

    # -- latency and takes -------------------------------------------------------------
    _measured = None

    def shutdown(self) -> None:
        """Stop playing, wait for background work, release the score view's engraver."""
        self.follow.stop()
        self.engine.stop()
        self.attempts.shutdown()
        self.jobs.cancel_all()
        self.jobs.wait(3000)
        if self.score_view is not None:
            self.score_view.shutdown()
            self.score_view.worker.close()


def practice_tab(*, settings_file: str, parent: QWidget | None = None) -> PracticePanel:
    """The window's Practice tab: with its own engraved score view (own engraver process)
    and the measured latencies kept next to the settings file."""
    from musicpractice.gui.score_view import ScoreView
    from musicpractice.gui.workers.child_worker import ChildWorker

    view = ScoreView(ChildWorker())
    # the score's remarks (e.g. no tempo mark) must not widen the window past a laptop screen
    view.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return PracticePanel(score_view=view, latency_path=Path(settings_file).parent / "latency.json",
                         parent=parent)


def _load_job(path: str, *, progress=None, cancel=None):
    return load_score(path, progress=progress, cancel=cancel)
