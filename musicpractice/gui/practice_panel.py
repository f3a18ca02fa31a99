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

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from musicpractice.audio.duplex import SingAlong, measure_latency
from musicpractice.audio.fluidsynth_render import fluidsynth_available
from musicpractice.audio.leak_removal import remove_leak
from musicpractice.audio.loopback import LatencyStore
from musicpractice.core.errors import MusicPracticeError
from musicpractice.gui.jobs import JobRunner
from musicpractice.gui.part_mixer import PartMixer
from musicpractice.gui.practice_attempts import AttemptsPanel
from musicpractice.score.load import load_score
from musicpractice.score.playback import PlaybackSettings, schedule
from musicpractice.score.render import mix_tracks, render_tracks

SR = 44_100
FOLLOW_MS = 33


def _render_job(sched, voices, *, progress=None, cancel=None):
    return render_tracks(sched, sr=SR, voices=voices)


class PracticePanel(QWidget):
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

    # -- construction ------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel("No score: import one (File menu or Compare & score) to practise a part.")
        self.title.setWordWrap(True)
        self.my_part = QComboBox()
        self.my_part.setToolTip("The part you sing: it is marked in the mixer and checked "
                                "when you sing along")
        self.my_part.currentIndexChanged.connect(self._my_part_changed)
        self.voices = QComboBox()
        self.voices.addItem("Built-in voices", "builtin")
        self.voices.addItem("General MIDI (FluidSynth)", "gm")
        why = fluidsynth_available()
        if why:
            self.voices.model().item(1).setEnabled(False)
            self.voices.setItemData(1, why, Qt.ItemDataRole.ToolTipRole)
        self.tempo = QSpinBox(suffix=" %", minimum=40, maximum=200, value=100, singleStep=5)
        self.tempo.setToolTip("Practice tempo, percent of the marked tempo")
        self.transpose = QSpinBox(minimum=-12, maximum=12, value=0)
        self.transpose.setToolTip("Transpose every part by semitones (to suit your range)")
        self.first_bar, self.last_bar = QSpinBox(), QSpinBox()
        self.loop = QCheckBox("Loop")
        self.count_in = QSpinBox(minimum=0, maximum=4, value=1, suffix=" bar")
        self.count_in.setToolTip("Bars of clicks before the music starts")
        self.metronome = QCheckBox("Metronome")
        self.guide = QCheckBox("My part as a guide")
        self.guide.setToolTip("While singing along, play your own part too (at its mixer level)")
        for widget in (self.tempo, self.transpose, self.first_bar, self.last_bar, self.count_in):
            widget.valueChanged.connect(self._settings_changed)
        for widget in (self.metronome,):
            widget.toggled.connect(self._settings_changed)
        self.voices.currentIndexChanged.connect(self._settings_changed)
        self.mixer = PartMixer()
        self.mixer.changed.connect(self._remix)

        self.play_button = QPushButton("▶ Play")
        self.play_button.clicked.connect(lambda: self.start(record=False))
        self.sing_button = QPushButton("● Sing along")
        self.sing_button.setToolTip("Record while the parts play; each pass is a take, checked "
                                    "against your part. Best with headphones: what the "
                                    "microphone hears of the other parts is taken out, but "
                                    "a guide of your own part would count as your singing")
        self.sing_button.clicked.connect(lambda: self.start(record=True))
        self.stop_button = QPushButton("■ Stop")
        self.stop_button.clicked.connect(self.stop)
        self.latency_label = QLabel()
        self.measure_button = QPushButton("Measure latency…")
        self.measure_button.setToolTip("Play clicks and record them back (microphone near the "
                                       "speaker): measured once per device")
        self.measure_button.clicked.connect(self.measure_latency)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.attempts = AttemptsPanel(score_view=self.score_view)
        self.attempts.error.connect(self._fail)

        form = QGridLayout()
        rows = (("My part", self.my_part), ("Voices", self.voices), ("Tempo", self.tempo),
                ("Transpose", self.transpose))
        for r, (label, widget) in enumerate(rows):
            form.addWidget(QLabel(label), r, 0)
            form.addWidget(widget, r, 1, 1, 3)
        bars = QHBoxLayout()
        bars.addWidget(self.first_bar)
        bars.addWidget(QLabel("to"))
        bars.addWidget(self.last_bar)
        bars.addWidget(self.loop)
        form.addWidget(QLabel("Bars"), len(rows), 0)
        form.addLayout(bars, len(rows), 1, 1, 3)
        form.addWidget(QLabel("Count-in"), len(rows) + 1, 0)
        form.addWidget(self.count_in, len(rows) + 1, 1)
        form.addWidget(self.metronome, len(rows) + 1, 2, 1, 2)
        settings = QGroupBox("Playback")
        settings.setLayout(form)
        mixer_box = QGroupBox("Parts")
        QVBoxLayout(mixer_box).addWidget(self.mixer)
        transport = QHBoxLayout()
        for button in (self.play_button, self.sing_button, self.stop_button):
            transport.addWidget(button)
        singing = QGroupBox("Sing along")
        sing_layout = QVBoxLayout(singing)
        sing_layout.addLayout(transport)
        sing_layout.addWidget(self.guide)
        latency = QHBoxLayout()
        latency.addWidget(self.latency_label, 1)
        latency.addWidget(self.measure_button)
        sing_layout.addLayout(latency)
        sing_layout.addWidget(self.attempts, 1)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 4, 4, 4)
        side_layout.addWidget(self.title)
        side_layout.addWidget(settings)
        side_layout.addWidget(mixer_box)
        side_layout.addWidget(singing, 1)
        side_layout.addWidget(self.status)
        scroller = QScrollArea()  # small screens (and small windows) scroll the settings
        scroller.setWidget(side)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        scroller.setMinimumWidth(min(side.sizeHint().width(), 200))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroller)
        if self.score_view is not None:
            splitter.addWidget(self.score_view)
            splitter.setStretchFactor(1, 1)
            splitter.setSizes([430, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._enable(False)
        self._show_latency()

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

    # -- transport ---------------------------------------------------------------------
    def start(self, *, record: bool) -> None:
        """Play (or sing along) from the first bar chosen; waits for the rendering."""
        if self.score is None:
            return
        if self.tracks is None:
            self._pending_start = {"record": record}
            return
        self.engine.stop()
        self._recording_schedule = self.full_schedule
        self.settings_when_started = self.settings(singing=record)
        gains = {p: self.settings_when_started.part_gain(p) for p in self.score.parts}
        pans = {p: self.settings_when_started.part_pan(p) for p in self.score.parts}
        self.audio = mix_tracks(self.tracks, self.full_schedule, sr=SR, gains=gains, pans=pans)
        self.engine.load(self.audio, SR)
        try:
            self.engine.start(record=record, loop=self.loop.isChecked())
        except MusicPracticeError as error:
            self._fail(str(error))
            return
        self._was_playing = True
        self.status.setText("Singing along… (Stop ends; each pass is a take)" if record
                            else "Playing…")

    def stop(self) -> None:
        """Stop; a sing-along's complete passes become takes, checked and saved."""
        recording = self.engine.recording_input and self._was_playing
        self.engine.stop()
        self._was_playing = False
        if self.score_view is not None:
            self.score_view.highlight_bar(None)
        self._last_bar = None
        if recording:
            self._collect_takes()
        elif self.score is not None:
            self.status.setText("")

    def _follow(self) -> None:
        if not self._was_playing:
            return
        if self.engine.done:
            self.stop()
            return
        sched = self.full_schedule
        bar = sched.bar_at(self.engine.position_s) if sched is not None else None
        if bar != self._last_bar:
            self._last_bar = bar
            if self.score_view is not None:
                self.score_view.highlight_bar(bar)

    @property
    def current_bar(self) -> int | None:
        """The bar being played (None in the count-in or when stopped)."""
        return self._last_bar

    # -- latency and takes -------------------------------------------------------------
    _measured = None

    def stored_latency(self):
        """This device pair's stored measurement, if any."""
        if self._measured is not None:
            return self._measured
        if self.latency_store is None:
            return None
        try:
            from musicpractice.audio.devices import find_device
            names = (find_device(self.engine.input_device, kind="input").name,
                     find_device(self.engine.output_device, kind="output").name)
        except MusicPracticeError:
            return None
        return self.latency_store.get(f"{names[0]} | {names[1]} @ {SR}")

    def _show_latency(self) -> None:
        latency = self.stored_latency()
        self.latency_label.setText(
            f"Latency {latency.round_trip_s * 1000:.0f} ms (measured)" if latency is not None
            else "Latency not measured yet")

    def measure_latency(self) -> None:
        """Measure the round trip of the devices in the background (clicks, loopback)."""
        self.status.setText("Measuring the latency: keep the microphone near the speaker…")
        self.jobs.submit("latency", lambda progress=None, cancel=None: measure_latency(
            input_device=self.engine.input_device, output_device=self.engine.output_device,
            sr=SR))

    def _collect_takes(self) -> None:
        sched = self._recording_schedule
        clicks = [c.time_s for c in sched.clicks]
        heard = self.engine.heard_latency(clicks)
        stored = self.stored_latency()
        latency_s = heard if heard is not None else (
            stored.round_trip_s if stored is not None else sum(self.engine.reported_latency()))
        delays = self.engine.heard_delays(clicks)
        delays = delays[np.isfinite(delays)]
        if heard is None and len(delays) >= 2:
            self.status.setText(
                f"The sound system's delay wandered by {np.ptp(delays) * 1000:.0f} ms during "
                "the count-in: the takes' timing may be off by as much.")
        elif heard is None and stored is None:
            self.status.setText("The latency is not measured: the takes may lag by the "
                                "device's latency (Measure latency…).")
        if self.engine.dropouts:
            self.status.setText(f"{self.engine.dropouts} audio block(s) were lost: timing "
                                "after them may be off (close other programs).")
        guided = self.settings_when_started.part_gain(self.my_part.currentData()) > 0
        for take in self.engine.takes(latency_s):
            drift = self.engine.delay_drift(take)
            if drift is not None and abs(drift) > 0.005:
                self.status.setText(f"The sound system's delay moved by {drift * 1000:+.0f} ms "
                                    "during the take: its timing may be off by as much.")
            if not guided:  # the accompaniment the microphone heard is not the singer
                take = remove_leak(take, self.audio, SR)[0]
            self.attempts.add(take, sr=SR, score=self.score, sched=sched,
                              part=self.my_part.currentData(), latency_s=latency_s,
                              bars=self.settings_when_started.bars,
                              count_in_bars=self.settings_when_started.count_in_bars,
                              session=self.session,
                              score_id=self.score_id)

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
