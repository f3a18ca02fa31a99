"""Play a rendering and record at the same time (sing along), with loopback latency.

:class:`SingAlong` opens one PortAudio stream: the callback plays the next block of the
loaded stereo rendering (looping it when asked) and, when recording, copies the
microphone's block to a queue (no I/O, no locks, no Qt in the callback). Input frame
``i`` of a duplex stream is captured at the moment output frame ``i`` is handed to the
device; the singer hears output frame ``i`` after the output latency and their voice
reaches the input after the input latency, so a note sung in time with what was heard
appears ``round_trip`` frames late. :func:`measure_latency` measures that round trip once
per device pair with a loopback click train (microphone at the speaker, or a loopback
cable; the maths and the per-device store are in :mod:`musicpractice.audio.loopback`);
:meth:`SingAlong.takes` removes it, so each take lines up with the rendering as the singer
heard it.
"""

from __future__ import annotations

import queue

import numpy as np

from musicpractice.audio.devices import find_device, sounddevice
from musicpractice.audio.loopback import (
    MAX_LATENCY_S,
    Latency,
    click_delays,
    click_train,
    latency_from_recording,
    steady_delay,
)
from musicpractice.audio.recording_errors import AudioDeviceError
from musicpractice.core.errors import InvalidParameterError

WARM_UP_S = 1.0
"""Silence played (and not recorded) after a stream opens: some sound servers (PulseAudio
through ALSA) settle their latency during the first moments of a stream."""


class SingAlong:
    """Plays a stereo rendering, optionally looped, while recording one input channel.

    Parameters
    ----------
    input_device, output_device : str, int or None
        See :func:`~musicpractice.audio.devices.find_device` (None = system default).
    block_frames : int
        Frames per callback.
    """

    latency = "high"
    """PortAudio latency setting: steadier than "low" on a busy machine."""

    def __init__(self, *, input_device=None, output_device=None, block_frames: int = 1024) -> None:
        if not 16 <= block_frames <= 16_384:
            raise InvalidParameterError(f"block_frames must be 16-16384 (got {block_frames}).")
        self.input_device, self.output_device = input_device, output_device
        self.block_frames = block_frames
        self.sr = 0
        self._audio = np.zeros((0, 2), np.float32)
        self._frame = 0
        self._loop = False
        self._recording = False
        self._stream = None
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._captured: list[np.ndarray] = []
        self.dropouts = 0
        self.finished = True
        self._tail_frames = 0
        self._warm_up_frames = 0

    def load(self, audio: np.ndarray, sr: int) -> None:
        """Set what is played: (frames, 2) or (frames,) float samples at ``sr`` Hz.

        May be called while playing (a new mixer setting); playback goes on from the same
        frame of the new rendering.
        """
        audio = np.asarray(audio, dtype=np.float32)
        if audio.ndim == 1:
            audio = np.repeat(audio[:, None], 2, axis=1)
        if audio.ndim != 2 or audio.shape[1] != 2 or not len(audio):
            raise InvalidParameterError("Playback needs (frames, 2) samples.")
        if self._stream is not None and sr != self.sr:
            raise InvalidParameterError("Stop before changing the sample rate.")
        self.sr = int(sr)
        self._audio = np.ascontiguousarray(audio)

    @property
    def position_s(self) -> float:
        """Where playback is in the rendering, seconds (wraps when looping)."""
        return (self._frame % max(1, len(self._audio))) / self.sr if self.sr else 0.0

    @property
    def passes(self) -> int:
        """Completed passes through the rendering since :meth:`start`."""
        return self._frame // max(1, len(self._audio))

    @property
    def playing(self) -> bool:
        """Whether the rendering is still sounding."""
        return self._stream is not None and not self.finished

    @property
    def recording_input(self) -> bool:
        """Whether the current (or last) run records the input."""
        return self._recording

    @property
    def done(self) -> bool:
        """Played to the end and, when recording, heard the latency's worth after it."""
        return self.finished and (not self._recording or self._tail_frames <= 0)

    def start(self, *, record: bool = False, loop: bool = False, from_s: float = 0.0) -> None:
        """Open the stream and play from ``from_s`` (recording the input if ``record``).

        Raises
        ------
        AudioDeviceError
            PortAudio missing, no device, or the device refuses the format.
        """
        if not len(self._audio):
            raise AudioDeviceError("Nothing to play yet.")
        self.stop()
        sd = sounddevice()
        output = find_device(self.output_device, kind="output")
        self._frame = int(round(max(0.0, from_s) * self.sr)) if not record else 0
        self._loop, self._recording, self.finished = loop, record, False
        self._tail_frames = int(MAX_LATENCY_S * self.sr)
        self._warm_up_frames = int(WARM_UP_S * self.sr) if record else 0
        self._queue = queue.SimpleQueue()
        self._captured = []
        self.dropouts = 0
        try:
            if record:
                inp = find_device(self.input_device, kind="input")
                channels = (1, min(2, output.output_channels))
                self._stream = sd.Stream(device=(inp.index, output.index), samplerate=self.sr,
                                         channels=channels, dtype="float32",
                                         blocksize=self.block_frames, latency="low",
                                         callback=self._duplex_callback)
            else:
                self._stream = sd.OutputStream(device=output.index, samplerate=self.sr,
                                               channels=min(2, output.output_channels),
                                               dtype="float32", blocksize=self.block_frames,
                                               latency=self.latency, callback=self._output_callback)
            self._stream.start()
        except (sd.PortAudioError, ValueError) as error:
            self._stream = None
            self.finished = True
            raise AudioDeviceError(
                f"The sound device cannot play and record at {self.sr} Hz ({error}); "
                "it may be in use.") from error

    def stop(self) -> None:
        """Stop playing and recording (idempotent); the recording stays for :meth:`takes`."""
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            except sounddevice().PortAudioError:
                pass
            self._stream = None
        self.finished = True
        self._drain()

    def reported_latency(self) -> tuple[float, float]:
        """(output_s, input_s) the open stream reports (zeros without one)."""
        if self._stream is None:
            return 0.0, 0.0
        latency = self._stream.latency
        if isinstance(latency, tuple):
            return float(latency[1]), float(latency[0])
        return float(latency), 0.0

    def recording(self) -> np.ndarray:
        """Everything recorded so far, mono float32, uncompensated."""
        self._drain()
        return np.concatenate(self._captured) if self._captured else np.zeros(0, np.float32)

    def takes(self, latency_s: float, *, complete_only: bool = True) -> list[np.ndarray]:
        """The recording cut into one take per pass, shifted back by ``latency_s``.

        Sample ``i`` of take ``k`` was sung against frame ``i`` of the rendering in pass
        ``k``. With ``complete_only``, a pass the recording does not fully cover is left out.
        """
        y = self.recording()
        shift = int(round(latency_s * self.sr))
        n = len(self._audio)
        out = []
        for k in range(max(0, (len(y) - shift) // n + 1)):
            take = y[shift + k * n: shift + (k + 1) * n]
            if len(take) == n or (not complete_only and len(take) > 0):
                out.append(take)
        return out

    def heard_delays(self, click_times_s, *, pass_index: int = 0) -> np.ndarray:
        """Delay (s) of each click of the rendering (e.g. the count-in) in the recording of
        one pass; NaN for a click not heard (see :func:`click_delays`)."""
        times = [t for t in click_times_s if t * self.sr < len(self._audio)]
        if not times:
            return np.zeros(0)
        gaps = np.diff(sorted(times)) if len(times) > 1 else np.array([MAX_LATENCY_S / 0.9])
        recorded = self.recording()[pass_index * len(self._audio):]
        return click_delays(self._audio, recorded, self.sr, click_times_s=times,
                            max_latency_s=min(MAX_LATENCY_S, 0.9 * float(gaps.min())))

    def heard_latency(self, click_times_s, *, pass_index: int = 0) -> float | None:
        """Round trip (s) measured on clicks of the rendering itself (e.g. the count-in)
        in one pass, when the microphone heard them steadily; None otherwise (headphones,
        or a latency that wandered during the clicks).

        Sound systems whose latency changes from one stream to the next (PulseAudio
        through ALSA) are compensated exactly when the count-in is heard.
        """
        result = steady_delay(self.heard_delays(click_times_s, pass_index=pass_index),
                              min_heard=2)
        return None if result is None else result[0]

    def delay_drift(self, take: np.ndarray, *, pass_index: int = 0, window_s: float = 0.5,
                    search_s: float = 0.05) -> float | None:
        """Largest delay (s, either sign) between a compensated take and what was played,
        window by window, where the microphone clearly heard the playback (speakers);
        None when it did not (headphones). A steady system gives about 0; a sound server
        whose latency wandered during the take gives its wandering, so timing beyond it
        is not trusted."""
        from scipy.signal import correlate

        played = self._audio.mean(axis=1)
        n, step, reach = len(take), int(window_s * self.sr), int(search_s * self.sr)
        lags = []
        for start in range(reach, n - step - reach, step):
            ref = played[start:start + step].astype(float)
            seg = take[start - reach:start + step + reach].astype(float)
            norm = np.sqrt(np.sum(ref ** 2))
            if norm < 1e-3 * np.sqrt(step):
                continue
            corr = correlate(seg, ref, mode="valid", method="fft")
            energy = np.sqrt(np.convolve(seg ** 2, np.ones(step), mode="valid")) + 1e-12
            score = corr / energy / norm
            k = int(np.argmax(score))
            if score[k] > 0.7:
                lags.append((k - reach) / self.sr)
        return float(max(lags, key=abs)) if lags else None

    # -- audio thread ----------------------------------------------------------------
    def _next_block(self, frames: int) -> np.ndarray:
        audio, n = self._audio, len(self._audio)
        block = np.zeros((frames, 2), np.float32)
        filled = 0
        while filled < frames and not self.finished:
            pos = self._frame % n if self._loop else self._frame
            if pos >= n:
                self.finished = True
                break
            count = min(frames - filled, n - pos)
            block[filled:filled + count] = audio[pos:pos + count]
            filled += count
            self._frame += count
        return block

    def _output_callback(self, outdata, frames, time_info, status) -> None:
        block = self._next_block(frames)
        outdata[:] = block[:, :outdata.shape[1]] if outdata.shape[1] == 2 else block.mean(axis=1, keepdims=True)

    def _duplex_callback(self, indata, outdata, frames, time_info, status) -> None:
        if self._warm_up_frames > 0:  # whole blocks of silence, so frames stay in step
            self._warm_up_frames -= frames
            outdata[:] = 0.0
            return
        if status.input_overflow or status.input_underflow or status.output_underflow:
            self.dropouts += 1
        if self._recording and (not self.finished or self._tail_frames > 0):
            self._queue.put_nowait(indata[:, 0].copy())
            if self.finished:  # keep listening for the latency after the last frame
                self._tail_frames -= frames
        self._output_callback(outdata, frames, time_info, status)

    def _drain(self) -> None:
        while True:
            try:
                self._captured.append(self._queue.get_nowait())
            except queue.Empty:
                return


def measure_latency(*, input_device=None, output_device=None, sr: int = 44_100,
                    timeout_s: float = 5.0) -> Latency:
    """Play a click train and record it back; the round trip of this device pair.

    Raises
    ------
    AudioDeviceError
        No device, or the clicks did not come back steadily (see
        :func:`latency_from_recording`).
    """
    import time

    engine = SingAlong(input_device=input_device, output_device=output_device)
    played = click_train(sr)
    engine.load(played, sr)
    engine.start(record=True)
    output_s, input_s = engine.reported_latency()
    deadline = time.monotonic() + len(played) / sr + timeout_s
    while not engine.done and time.monotonic() < deadline:
        time.sleep(0.02)
    engine.stop()
    round_trip, spread = latency_from_recording(played, engine.recording(), sr)
    names = (find_device(input_device, kind="input").name,
             find_device(output_device, kind="output").name)
    return Latency(round_trip_s=round_trip, output_s=output_s, input_s=input_s, spread_s=spread,
                   devices=f"{names[0]} | {names[1]} @ {sr}")
