"""The record panel: input device, live meter, count-in and metronome, clock, live pitch.

The panel owns the :class:`~musicpractice.audio.recorder.Recorder`. A ~30 Hz timer reads
its level and status snapshots (the audio callback never touches Qt). Without PortAudio
or without an input device the panel says why and the rest of the window works.
"""

from __future__ import annotations

import math
from functools import partial

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from musicpractice.audio.click import ClickSettings
from musicpractice.audio.devices import list_devices
from musicpractice.audio.recorder import Recorder
from musicpractice.core.errors import MusicPracticeError
from musicpractice.gui.jobs import JobRunner
from musicpractice.gui.level_meter import LevelMeter
from musicpractice.gui.workers.live_pitch import TappedMeter, live_note, warm_up_live_note
from musicpractice.session.store import Session

TICK_MS = 33
PITCH_EVERY_TICKS = 5


class RecordPanel(QWidget):
    """Record takes into a session.

    Signals
    -------
    recording_started(str)
        A take (id) is being recorded.
    recording_stopped(str, object)
        Recording of a take stopped; the :class:`~musicpractice.audio.recorder.RecorderStatus`
        (``None`` if it never started). The capture still has to be finalised with
        ``Session.finish_recording``.
    error(str)
        Something the user must know (a device failed...).
    device_chosen(str)
        The input device now chosen (its name; "" when there is none), after a choice or
        a rescan.
    """

    recording_started = Signal(str)
    device_chosen = Signal(str)
    recording_stopped = Signal(str, object)
    error = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recorder: Recorder | None = None
        self.take_id = ""
        self.voice = "wide"
        self._ticks = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        form = QFormLayout()
        layout.addLayout(form)
        row = QHBoxLayout()
        self.device = QComboBox()
        self.device.setToolTip("The microphone or audio interface to record from.")
        self.device.currentIndexChanged.connect(self._device_changed)
        self.rescan = QPushButton("Rescan")
        self.rescan.setToolTip("Look again for devices (after plugging one in).")
        self.rescan.clicked.connect(lambda: self.refresh_devices(rescan=True))
        row.addWidget(self.device, 1)
        row.addWidget(self.rescan)
        form.addRow("Input", row)
        self.meter = LevelMeter()
        form.addRow("Level", self.meter)
        click_row = QHBoxLayout()
        self.count_in = QCheckBox("Count-in bar")
        self.metronome = QCheckBox("Metronome")
        self.tempo_bpm = QSpinBox()
        self.tempo_bpm.setRange(20, 400)
        self.tempo_bpm.setValue(80)
        self.tempo_bpm.setSuffix(" BPM")
        self.beats_per_bar = QSpinBox()
        self.beats_per_bar.setRange(1, 12)
        self.beats_per_bar.setValue(4)
        self.beats_per_bar.setSuffix(" / bar")
        for w in (self.count_in, self.metronome, self.tempo_bpm, self.beats_per_bar):
            click_row.addWidget(w)
        click_row.addStretch(1)
        form.addRow("Click", click_row)
        rec_row = QHBoxLayout()
        self.record_button = QPushButton("● Record")
        self.record_button.setToolTip("Start or stop recording (R; Space stops).")
        self.record_button.setCheckable(True)
        self.record_button.clicked.connect(self._record_clicked)
        self.clock = QLabel("0:00.0")
        font = self.clock.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.clock.setFont(font)
        self.pitch = QLabel("")
        self.pitch.setFont(font)
        self.pitch.setToolTip("The note being sung or played now, and how far from it in cents.")
        rec_row.addWidget(self.record_button)
        rec_row.addWidget(self.clock)
        rec_row.addStretch(1)
        rec_row.addWidget(self.pitch)
        layout.addLayout(rec_row)
        layout.addStretch(1)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.session: Session | None = None
        self.available = False
        self._request = 0
        self._opened: list[Recorder] = []
        self.jobs = JobRunner(max_threads=2, parent=self)
        self.jobs.finished.connect(self._job_finished)
        self.jobs.failed.connect(self._job_failed)

    # -- devices -------------------------------------------------------------------
    def refresh_devices(self, *, rescan: bool = False, preferred: str = "") -> None:
        """Fill the device list; explain in the panel when recording is impossible."""
        self.release()
        self.device.blockSignals(True)
        self.device.clear()
        try:
            devices = list_devices(kind="input", rescan=rescan)
        except MusicPracticeError as error:
            devices = ()
            self.message.setText(f"Recording is not available: {error} "
                                 "You can still open sessions, import audio and play takes.")
        for d in devices:
            self.device.addItem(f"{d.name} ({d.host_api})", d.name)
        if devices:
            names = [d.name for d in devices]
            default = next((d.name for d in devices if d.is_default_input), names[0])
            self.device.setCurrentIndex(names.index(preferred if preferred in names else default))
        elif not self.message.text():
            self.message.setText("No microphone or audio input was found. Connect one and "
                                 "press Rescan; everything else works without it.")
        self.device.blockSignals(False)
        self.available = bool(devices)
        for w in (self.device, self.record_button, self.count_in, self.metronome,
                  self.tempo_bpm, self.beats_per_bar):
            w.setEnabled(self.available)
        if devices:
            self.message.setText("")
            self._device_changed()
        else:
            self.device_chosen.emit("")

    def device_name(self) -> str:
        """The chosen input device's name ("" when there is none)."""
        return self.device.currentData() or ""

    def _device_changed(self, *_args) -> None:
        """Open the chosen device for monitoring, on a worker (opening can take a while)."""
        self.device_chosen.emit(self.device_name())
        if self.is_recording:
            return
        self.release()
        self._request += 1
        self.jobs.submit(f"open:{self._request}",
                         partial(self._open_recorder, self.device_name() or None, self._request))

    def _open_recorder(self, device: str | None, request: int, *, progress=None, cancel=None):
        recorder = Recorder(device=device, channels=1)
        self._opened.append(recorder)  # so shutdown() can close it whatever happens next
        recorder.meter = TappedMeter(recorder.sample_rate_hz)
        recorder.start_monitoring()
        warm_up_live_note(recorder.sample_rate_hz)
        return recorder, request

    def _job_finished(self, key: str, result) -> None:
        if key == "pitch":
            self._show_note(result)
        elif key.startswith("open:"):
            recorder, request = result
            if request != self._request or self.is_recording or self.recorder is not None:
                recorder.stop()  # a newer choice of device superseded this one
                self._opened.remove(recorder)
                return
            self.recorder = recorder
            self.message.setText("")
            self.timer.start()
        elif key.startswith("stop:"):
            take_id, status = result
            self.recording_stopped.emit(take_id, status)
            self._device_changed()

    def _job_failed(self, key: str, message: str, details: str) -> None:
        if key == "pitch":
            return
        if key.startswith("open:"):
            self.message.setText(f"This input cannot be used: {message}")
        else:
            self.error.emit(message)

    def release(self) -> None:
        """Stop monitoring and close the device (not while recording)."""
        if self.recorder is not None and not self.is_recording:
            self.recorder.stop()
            self._opened.remove(self.recorder)
            self.recorder = None
        if not self.is_recording:
            self.timer.stop()
            self.meter.reset()

    # -- recording -----------------------------------------------------------------
    @property
    def is_recording(self) -> bool:
        """Whether a take is being recorded."""
        return bool(self.take_id)

    def _record_clicked(self, checked: bool) -> None:
        if checked:
            self.start()
        else:
            self.stop()

    def start(self) -> None:
        """Record a new take into the session (count-in and metronome as set)."""
        if self.is_recording:
            return
        if self.session is None or self.session.read_only:
            self.record_button.setChecked(False)
            self.error.emit("Open or create a session you can write to before recording.")
            return
        if self.recorder is None:
            self.record_button.setChecked(False)
            self.error.emit(self.message.text() or "The input is still opening (or there is "
                            "none); try again in a moment.")
            return
        click = None
        if self.count_in.isChecked() or self.metronome.isChecked():
            click = ClickSettings(tempo_bpm=float(self.tempo_bpm.value()),
                                  beats_per_bar=self.beats_per_bar.value(),
                                  count_in_bars=1 if self.count_in.isChecked() else 0,
                                  during_take=self.metronome.isChecked())
        take = self.session.begin_recording(sample_rate_hz=self.recorder.sample_rate_hz,
                                            channels=1, device=self.recorder.device.name)
        try:
            self.recorder.start_recording(self.session.take_folder(take.id), click=click)
        except MusicPracticeError as error:
            self.record_button.setChecked(False)
            self._opened.remove(self.recorder)
            self.recorder = None
            self.recording_stopped.emit(take.id, None)
            self.error.emit(str(error))
            return
        self.take_id = take.id
        self.record_button.setChecked(True)
        self.record_button.setText("■ Stop")
        self.device.setEnabled(False)
        self.timer.start()
        self.recording_started.emit(take.id)

    def stop(self) -> None:
        """Stop recording; emits ``recording_stopped``."""
        if not self.is_recording:
            self.record_button.setChecked(False)
            return
        recorder, self.recorder = self.recorder, None
        self._opened.remove(recorder)
        take_id, self.take_id = self.take_id, ""
        self.timer.stop()
        self.record_button.setChecked(False)
        self.record_button.setText("● Record")
        self.device.setEnabled(self.available)
        self.jobs.submit(f"stop:{take_id}", partial(_stop_recorder, recorder, take_id))

    def stop_now(self):
        """Stop recording and wait for it (when closing); ``(take_id, RecorderStatus)``."""
        recorder, self.recorder = self.recorder, None
        self._opened.remove(recorder)
        take_id, self.take_id = self.take_id, ""
        self.timer.stop()
        self.record_button.setChecked(False)
        self.record_button.setText("● Record")
        return take_id, recorder.stop()

    def wait_idle(self, timeout_ms: int = 10_000) -> bool:
        """Wait for device opening/closing to finish."""
        return self.jobs.wait(timeout_ms)

    def shutdown(self) -> None:
        """Close every device this panel opened (when the window closes)."""
        if self.is_recording:
            self.stop_now()
        self.wait_idle()
        self.timer.stop()
        for recorder in self._opened:
            recorder.stop()
        self._opened.clear()
        self.recorder = None

    def _tick(self) -> None:
        if self.recorder is None:
            return
        level = self.recorder.level()
        self.meter.set_levels(level.peak_dbfs, level.rms_dbfs, level.clipping)
        self._ticks += 1
        if self.is_recording:
            status = self.recorder.status()
            minutes, seconds = divmod(status.seconds, 60)
            state = "count-in " if status.state == "count-in" else ""
            self.clock.setText(f"{state}{int(minutes)}:{seconds:04.1f}")
            if status.error:
                self.error.emit(status.error)
                self.stop()
                return
        if (self._ticks % PITCH_EVERY_TICKS == 0 and not self.jobs.running("pitch")
                and isinstance(self.recorder.meter, TappedMeter)):
            self.jobs.submit("pitch", partial(_live_note_job, self.recorder.meter.recent(),
                                              self.recorder.sample_rate_hz, self.voice))

    def _show_note(self, note) -> None:
        self.pitch.setText(f"{note.name} {note.cents:+.0f}¢" if note.name else "")
        if not math.isnan(note.cents):
            self.pitch.setStyleSheet("color: #2ea043" if abs(note.cents) <= 25 else "color: #e15a28")


def _stop_recorder(recorder: Recorder, take_id: str, *, progress=None, cancel=None):
    return take_id, recorder.stop()


def _live_note_job(samples, sr: int, voice: str, *, progress=None, cancel=None):
    return live_note(samples, sr, voice=voice)
