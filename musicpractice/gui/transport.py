"""Playback controls: play/pause, position, loop, practice speed; drives the cursors.

Slowed-down renditions are computed on a worker (see
:func:`musicpractice.analysis.stretch.time_stretch`) and swapped in at the same musical
position when ready; until then the take keeps playing at the previous speed.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from musicpractice.analysis.stretch import time_stretch
from musicpractice.audio.playback import Player
from musicpractice.core.errors import MusicPracticeError
from musicpractice.gui.jobs import JobRunner

SPEEDS = (1.0, 0.9, 0.8, 0.75, 0.7, 0.6, 0.5)
TICK_MS = 30


class Transport(QWidget):
    """The playback bar under the take view.

    Signals
    -------
    position_changed(float)
        Playback position in seconds of the take (about 30 times a second while playing).
    error(str)
        Playback is impossible (no device...); said once per take.
    """

    position_changed = Signal(float)
    error = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jobs = JobRunner(parent=self)
        self.player: Player | None = None
        self.samples = None
        self.sr = 0
        self.renditions: dict[float, object] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        self.play_button = QPushButton("▶ Play")
        self.play_button.setToolTip("Play or pause (Space). Click a plot to move the cursor.")
        self.play_button.clicked.connect(self.toggle)
        self.loop_button = QPushButton("Loop")
        self.loop_button.setCheckable(True)
        self.loop_button.setToolTip("Loop the shaded region of the waveform (L); drag its edges.")
        self.speed = QComboBox()
        for s in SPEEDS:
            self.speed.addItem(f"{s:.0%} speed", s)
        self.speed.setToolTip("Slow down without changing the pitch.")
        self.speed.currentIndexChanged.connect(self._speed_chosen)
        self.time = QLabel("0:00.0 / 0:00.0")
        self.status = QLabel("")
        for w in (self.play_button, self.loop_button, self.speed, self.time):
            layout.addWidget(w)
        layout.addWidget(self.status, 1)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.jobs.finished.connect(self._job_finished)
        self.jobs.failed.connect(self._job_failed)
        self.jobs.progress.connect(self._job_progress)
        self.setEnabled(False)

    def load(self, samples, sr: int) -> None:
        """Make a take playable (opens the output device, paused)."""
        self.samples, self.sr = samples, sr
        self.renditions = {1.0: samples}
        self.jobs.cancel("stretch")
        self.setEnabled(True)
        self.speed.blockSignals(True)
        self.speed.setCurrentIndex(0)
        self.speed.blockSignals(False)
        try:
            if self.player is None:
                self.player = Player()
            self.player.load(samples, sr)
        except MusicPracticeError as error:
            self.player = None
            self.play_button.setEnabled(False)
            self.status.setText("No playback")
            self.status.setToolTip(str(error))
            self.error.emit(f"Playback is not available: {error}")
            return
        self.play_button.setEnabled(True)
        self.status.setText("")
        self._show_time(0.0)

    def unload(self) -> None:
        """Stop and forget the take."""
        if self.player is not None:
            self.player.pause()
        self.timer.stop()
        self.samples = None
        self.renditions = {}
        self.setEnabled(False)
        self._update_button()

    def close_device(self) -> None:
        """Release the output device (when the window closes)."""
        if self.player is not None:
            self.player.close()
            self.player = None

    @property
    def playing(self) -> bool:
        """Whether the take is playing."""
        return self.player is not None and self.player.playing

    def toggle(self) -> None:
        """Play or pause."""
        if self.player is None or self.samples is None:
            return
        if self.player.playing:
            self.player.pause()
        else:
            self.player.play()
            self.timer.start()
        self._update_button()

    def pause(self) -> None:
        """Pause playback if it is playing."""
        if self.playing:
            self.toggle()

    def seek(self, t_s: float) -> None:
        """Move playback to ``t_s`` seconds."""
        if self.player is not None and self.samples is not None:
            self.player.seek(t_s)
            self._show_time(self.player.position_s)

    def set_loop(self, region_s) -> None:
        """Loop ``(start_s, end_s)`` or play through (``None``)."""
        if self.player is None:
            return
        try:
            self.player.set_loop(region_s)
        except MusicPracticeError:
            self.player.set_loop(None)
        if region_s is not None and self.player.playing:
            start, end = region_s
            if not start <= self.player.position_s <= end:
                self.player.seek(start)

    def set_speed(self, speed: float) -> None:
        """Choose a practice speed (one of :data:`SPEEDS`)."""
        self.speed.setCurrentIndex(SPEEDS.index(speed))

    def _speed_chosen(self, index: int) -> None:
        speed = self.speed.itemData(index)
        if self.samples is None:
            return
        if speed in self.renditions:
            self._use(speed)
            return
        samples, sr = self.samples, self.sr
        self.jobs.submit("stretch", partial(_stretch_job, samples, sr, speed))

    def _use(self, speed: float) -> None:
        if self.player is not None:
            self.player.set_rendition(self.renditions[speed], speed)
        self.status.setText("" if speed == 1.0 else f"playing at {speed:.0%}")

    def _job_progress(self, key: str, fraction: float, message: str) -> None:
        if key == "stretch":
            self.status.setText(f"preparing slower playback {fraction:.0%}")

    def _job_finished(self, key: str, result) -> None:
        if key != "stretch" or self.samples is None:
            return
        speed, samples = result
        self.renditions[speed] = samples
        if self.speed.currentData() == speed:
            self._use(speed)

    def _job_failed(self, key: str, message: str, details: str) -> None:
        if key == "stretch":
            self.status.setText("slower playback failed")
            self.error.emit(message)

    def _tick(self) -> None:
        if self.player is None:
            return
        position = self.player.position_s
        self._show_time(position)
        self.position_changed.emit(position)
        if not self.player.playing:
            self.timer.stop()
            self._update_button()

    def _show_time(self, position_s: float) -> None:
        total = self.player.duration_s if self.player is not None else 0.0
        self.time.setText(f"{_clock(position_s)} / {_clock(total)}")

    def _update_button(self) -> None:
        self.play_button.setText("❚❚ Pause" if self.playing else "▶ Play")


def _stretch_job(samples, sr: int, speed: float, *, progress=None, cancel=None):
    return speed, time_stretch(samples, sr, speed=speed, progress=progress, cancel=cancel).samples


def _clock(t_s: float) -> str:
    minutes, seconds = divmod(max(0.0, t_s), 60)
    return f"{int(minutes)}:{seconds:04.1f}"
