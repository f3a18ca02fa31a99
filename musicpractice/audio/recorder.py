"""The recording engine: device -> callback -> queue -> writer thread -> crash-safe capture.

Threads (see DESIGN.md):

1. The PortAudio callback copies the block, updates the :class:`LevelMeter` and puts the
   copy on a bounded queue (``put_nowait``; a full queue counts a dropped block). No I/O,
   no logging, no locks.
2. One writer thread per take drains the queue into a :class:`CaptureWriter` (fsync about
   every 0.5 s) and skips the count-in.
3. Whoever drives the recorder (GUI timer, command line) polls :meth:`Recorder.level` and
   :meth:`Recorder.status`.

Memory is constant (the queue holds at most ``queue_s`` seconds), so an hour-long take is
only bounded by the disk. The recorder does not know about sessions: it fills a folder
with a capture, which :func:`musicpractice.audio.capture.finalise_capture` turns into FLAC.
"""

from __future__ import annotations

import math
import os
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path


from musicpractice.audio.capture import FSYNC_INTERVAL_S, CaptureWriter
from musicpractice.audio.click import ClickSettings, ClickTrack
from musicpractice.audio.devices import DeviceInfo, find_device, sounddevice
from musicpractice.audio.levels import LevelMeter, LevelSnapshot
from musicpractice.audio.recording_errors import AudioDeviceError, RecordingStorageError
from musicpractice.core.errors import InvalidParameterError

STALL_S = 2.0
"""A device that delivers nothing for this long while recording is considered lost."""
STARTUP_S = 10.0
"""... and one that has not delivered its first block after this long."""


@dataclass(frozen=True)
class RecorderStatus:
    """Where a recording stands.

    Attributes
    ----------
    state : str
        ``"idle"``, ``"monitoring"`` (levels only), ``"count-in"``, ``"recording"``,
        ``"full"`` (``max_seconds`` reached) or ``"stopped"``.
    frames : int
        Frames written to disk so far.
    seconds : float
        The same in seconds.
    overflows : int
        Input overflows the device reported during the take (audio the computer was too
        busy to take).
    dropped_blocks : int
        Blocks lost because the disk could not keep up.
    error : str
        Plain-language reason the recording stopped on its own ("" while all is well).
    """

    state: str
    frames: int
    seconds: float
    overflows: int
    dropped_blocks: int
    error: str

    @property
    def dropouts(self) -> int:
        """Places where audio is missing from the take."""
        return self.overflows + self.dropped_blocks


class Recorder:
    """Records one device into a take folder; levels are readable before and during a take.

    Parameters
    ----------
    device : str, int or None
        Input device (see :func:`~musicpractice.audio.devices.find_device`); ``None`` is
        the system default.
    sample_rate_hz : int or None
        Sample rate of the take; ``None`` uses the device's default.
    channels : int
        1 (mono) or 2 (stereo), at most what the device offers.
    output_device : str, int or None
        Where the metronome clicks (``None`` = default output).
    block_frames : int
        Frames per callback.
    queue_s : float
        Seconds of audio the queue can hold while the disk is busy.

    Raises
    ------
    AudioDeviceError
        No such device, or it has too few input channels.
    InvalidParameterError
        Channels or sample rate out of range.
    """

    def __init__(self, *, device: str | int | None = None, sample_rate_hz: int | None = None,
                 channels: int = 1, output_device: str | int | None = None,
                 block_frames: int = 1024, queue_s: float = 30.0) -> None:
        if channels not in (1, 2):
            raise InvalidParameterError(f"A take is mono (1) or stereo (2), not {channels} channels.")
        if sample_rate_hz is not None and not 8_000 <= sample_rate_hz <= 192_000:
            raise InvalidParameterError(
                f"The sample rate must be 8000-192000 Hz (got {sample_rate_hz}).")
        if not 16 <= block_frames <= 65_536:
            raise InvalidParameterError(f"block_frames must be 16-65536 (got {block_frames}).")
        self.device: DeviceInfo = find_device(device, kind="input")
        if self.device.input_channels < channels:
            raise AudioDeviceError(
                f"{self.device.name} records at most {self.device.input_channels} channel(s); "
                f"{channels} were asked for.")
        self.sample_rate_hz = int(sample_rate_hz or self.device.default_sample_rate_hz)
        self.channels = channels
        self.block_frames = block_frames
        self._output_device = output_device
        self._queue: queue.Queue = queue.Queue(
            maxsize=max(4, math.ceil(queue_s * self.sample_rate_hz / block_frames)))
        self.meter = LevelMeter()
        self._stream = None
        self._click_stream = None
        self._writer_thread: threading.Thread | None = None
        self._capture: CaptureWriter | None = None
        self._recording = False
        self._state = "idle"
        self._dropped = 0
        self._overflows_before = 0
        self._skip_frames = 0
        self._max_frames: int | None = None
        self._error = ""
        self._write_failed = False
        self._stream_finished = False
        self._started_at = 0.0
        self._last_block_at: float | None = None

    # -- callback side -------------------------------------------------------------
    def _callback(self, indata, frames, time_info, status) -> None:
        self._last_block_at = time.monotonic()
        self.meter.update(indata, overflow=bool(status.input_overflow))
        if self._recording:
            try:
                self._queue.put_nowait(indata.copy())
            except queue.Full:
                self._dropped += 1

    def _on_stream_finished(self) -> None:
        self._stream_finished = True

    # -- control -------------------------------------------------------------------
    def start_monitoring(self) -> None:
        """Open the input stream so :meth:`level` shows the input before recording."""
        if self._stream is not None:
            return
        sd = sounddevice()
        try:
            self._stream = sd.InputStream(
                device=self.device.index, samplerate=self.sample_rate_hz,
                channels=self.channels, dtype="float32", blocksize=self.block_frames,
                callback=self._callback, finished_callback=self._on_stream_finished)
            self._started_at, self._last_block_at = time.monotonic(), None
            self._stream.start()
        except (sd.PortAudioError, ValueError) as error:
            self._stream = None
            raise AudioDeviceError(
                f"{self.device.name} cannot record {self.channels} channel(s) at "
                f"{self.sample_rate_hz} Hz ({error}); it may be in use or unplugged.") from error
        if self._state == "idle":
            self._state = "monitoring"

    def start_recording(self, folder: str | os.PathLike, *, click: ClickSettings | None = None,
                        max_seconds: float | None = None,
                        fsync_interval_s: float = FSYNC_INTERVAL_S) -> None:
        """Start writing the input into ``folder`` (an existing, empty take folder).

        With ``click``, the metronome plays on the output device; the count-in is not
        part of the take, which starts on the first beat after it. With ``max_seconds``
        the take holds exactly that much audio (:attr:`RecorderStatus.state` becomes
        ``"full"``); call :meth:`stop` then.

        Raises
        ------
        AudioDeviceError
            The input or output device cannot be opened.
        RecordingStorageError
            The folder cannot be written.
        """
        if self._writer_thread is not None:
            raise InvalidParameterError("This recorder is already recording a take.")
        self._error, self._dropped, self._stream_finished = "", 0, False
        self._write_failed = False
        self._overflows_before = self.meter.overflows
        self._capture = CaptureWriter(Path(folder), sample_rate_hz=self.sample_rate_hz,
                                      channels=self.channels, fsync_interval_s=fsync_interval_s)
        self._skip_frames = 0
        self._max_frames = (None if max_seconds is None
                            else max(1, int(round(max_seconds * self.sample_rate_hz))))
        if click is not None:
            track = ClickTrack(click, self.sample_rate_hz)
            self._skip_frames = track.count_in_frames
            self._start_click(track)
        self._writer_thread = threading.Thread(target=self._write_loop, name="take-writer",
                                               daemon=True)
        self._writer_thread.start()
        self._recording = True
        self._state = "count-in" if self._skip_frames else "recording"
        try:
            self.start_monitoring()
        except AudioDeviceError:
            self.stop()
            raise

    def _start_click(self, track: ClickTrack) -> None:
        sd = sounddevice()
        output = find_device(self._output_device, kind="output")

        def play(outdata, frames, time_info, status) -> None:
            outdata[:] = track.render(frames)[:, None]
            if track.finished:
                raise sd.CallbackStop

        try:
            self._click_stream = sd.OutputStream(
                device=output.index, samplerate=self.sample_rate_hz, channels=1,
                dtype="float32", callback=play)
            self._click_stream.start()
        except (sd.PortAudioError, ValueError) as error:
            self._click_stream = None
            raise AudioDeviceError(
                f"The metronome cannot play on {output.name} ({error}).") from error

    def _write_loop(self) -> None:
        capture = self._capture
        while True:
            block = self._queue.get()
            if block is None:
                return
            if self._write_failed:
                continue
            if self._skip_frames:
                skip = min(self._skip_frames, len(block))
                self._skip_frames -= skip
                block = block[skip:]
                if not self._skip_frames:
                    self._state = "recording"
                if not len(block):
                    continue
            if self._max_frames is not None:
                block = block[:max(0, self._max_frames - capture.frames)]
                if capture.frames + len(block) >= self._max_frames:
                    self._state = "full"
            capture.dropouts = self._overflows() + self._dropped
            try:
                capture.write(block)
            except RecordingStorageError as error:
                self._error = str(error)
                self._write_failed = True
                self._recording = False

    def level(self) -> LevelSnapshot:
        """Input levels now (peak held since the previous call)."""
        return self.meter.snapshot()

    def status(self) -> RecorderStatus:
        """Progress, dropout counters and, if the take stopped on its own, why."""
        now = time.monotonic()
        stalled = (now - self._started_at > STARTUP_S if self._last_block_at is None
                   else now - self._last_block_at > STALL_S)
        if self._recording and not self._error and (self._stream_finished or stalled):
            self._error = (f"{self.device.name} stopped delivering audio (unplugged?); "
                           "the audio recorded so far is kept.")
        frames = self._capture.frames if self._capture is not None else 0
        return RecorderStatus(self._state, frames, frames / self.sample_rate_hz,
                              self._overflows(), self._dropped, self._error)

    def _overflows(self) -> int:
        """Overflows since the take started (not while only monitoring)."""
        return self.meter.overflows - self._overflows_before

    def stop(self) -> RecorderStatus:
        """Stop streams and writer, close the capture (idempotent); the final status."""
        self._recording = False
        sd = sounddevice()
        for stream in (self._click_stream, self._stream):
            if stream is not None:
                try:
                    stream.stop()
                    stream.close()
                except sd.PortAudioError:
                    pass
        self._click_stream = self._stream = None
        if self._writer_thread is not None:
            self._queue.put(None)
            self._writer_thread.join()
            self._writer_thread = None
        if self._capture is not None:
            self._capture.close()
        self._state = "stopped"
        return self.status()

    def __enter__(self) -> "Recorder":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
