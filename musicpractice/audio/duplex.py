"""Play a rendering and record at the same time (sing along), with loopback latency.

:class:`SingAlong` opens one PortAudio stream: the callback plays the next block of the
loaded stereo rendering (looping it when asked) and, when recording, copies the
microphone's block to a queue (no I/O, no locks, no Qt in the callback). Input frame
``i`` of a duplex stream is captured at the moment output frame ``i`` is handed to the
device; the singer hears output frame ``i`` after the output latency and their voice
reaches the input after the input latency, so a note sung in time with what was heard
appears ``round_trip`` frames late. :func:`measure_latency` measures that round trip once
per device pair with a loopback click train (microphone at the speaker, or a loopback
cable); :meth:`SingAlong.takes` removes it, so each take lines up with the rendering as
the singer heard it.
"""

from __future__ import annotations

import json
import queue
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from musicpractice.audio.atomic_file import write_json_atomic
from musicpractice.audio.devices import find_device, sounddevice
from musicpractice.audio.recording_errors import AudioDeviceError
from musicpractice.core.errors import InvalidParameterError

CLICK_TRAIN_S = (0.3, 1.0, 1.7, 2.4)
"""Click times (s) of the latency measurement (further apart than MAX_LATENCY_S)."""
MAX_LATENCY_S = 0.6
MAX_SPREAD_S = 0.004
WARM_UP_S = 1.0
"""Silence played (and not recorded) after a stream opens: some sound servers (PulseAudio
through ALSA) settle their latency during the first moments of a stream."""
"""Clicks disagreeing by more than this make the measurement fail (not a loopback)."""


@dataclass(frozen=True)
class Latency:
    """Round-trip latency of a device pair, measured with a loopback click train.

    Attributes
    ----------
    round_trip_s : float
        Output-to-input delay, seconds: what a recorded take is shifted back by.
    output_s, input_s : float
        The latencies the devices report (PortAudio); their sum is an estimate only.
    spread_s : float
        Largest disagreement between the clicks of the measurement, seconds.
    devices : str
        "input | output @ rate" the measurement belongs to.
    """

    round_trip_s: float
    output_s: float
    input_s: float
    spread_s: float
    devices: str


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


def click_train(sr: int) -> np.ndarray:
    """The latency measurement's output: short 1 kHz clicks at :data:`CLICK_TRAIN_S`, mono."""
    y = np.zeros(int((CLICK_TRAIN_S[-1] + MAX_LATENCY_S + 0.3) * sr), np.float32)
    t = np.arange(int(0.004 * sr)) / sr
    click = (0.5 * np.sin(2 * np.pi * 1000 * t) * np.hanning(len(t))).astype(np.float32)
    for at in CLICK_TRAIN_S:
        start = int(round(at * sr))
        y[start:start + len(click)] += click
    return y


def click_delays(played: np.ndarray, recorded: np.ndarray, sr: int, *, click_times_s,
                 max_latency_s: float = MAX_LATENCY_S) -> np.ndarray:
    """Delay (s) of each click's first echo in ``recorded``; NaN where it is not heard.

    The first 10 ms of ``played`` (mono or stereo) after each click time are the template;
    the first place after the click where the recording matches it closely (normalised
    correlation above 0.8) is its echo -- a later match is a later click.
    """
    played = played.mean(axis=1) if played.ndim == 2 else played
    n_template = int(0.010 * sr)
    max_lag = int(max_latency_s * sr)
    delays = []
    for at in click_times_s:
        start = int(round(at * sr))
        template = played[start:start + n_template].astype(float)
        window = recorded[start:start + max_lag + n_template].astype(float)
        norm = np.sqrt(np.sum(template ** 2))
        if len(template) < n_template or len(window) <= n_template or norm < 1e-6:
            delays.append(np.nan)
            continue
        corr = np.correlate(window, template, mode="valid")
        energy = np.sqrt(np.convolve(window ** 2, np.ones(n_template), mode="valid")) + 1e-12
        score = corr / energy / norm
        above = np.flatnonzero(score > 0.8)
        if not len(above):
            delays.append(np.nan)
            continue
        first = above[0]
        delays.append((first + int(np.argmax(score[first:first + n_template // 2]))) / sr)
    return np.array(delays, dtype=float)


def steady_delay(delays: np.ndarray, *, min_heard: int) -> tuple[float, float] | None:
    """(median_s, spread_s) of the heard delays, or None when too few were heard or they
    disagree by more than :data:`MAX_SPREAD_S`."""
    heard = delays[np.isfinite(delays)]
    if len(heard) < min_heard:
        return None
    spread = float(heard.max() - heard.min())
    return (float(np.median(heard)), spread) if spread <= MAX_SPREAD_S else None


def latency_from_recording(played: np.ndarray, recorded: np.ndarray, sr: int) -> tuple[float, float]:
    """(round_trip_s, spread_s) of the click train of :func:`click_train`.

    Raises
    ------
    AudioDeviceError
        When the clicks are not heard back, or disagree (no loopback, dropouts).
    """
    delays = click_delays(played, recorded, sr, click_times_s=CLICK_TRAIN_S)
    if np.sum(np.isfinite(delays)) < len(CLICK_TRAIN_S) - 1:
        raise AudioDeviceError(
            "The latency test clicks were not heard back; put the microphone near the "
            "speaker (or connect a loopback cable), turn the volume up and try again.")
    result = steady_delay(delays, min_heard=len(CLICK_TRAIN_S) - 1)
    if result is None:
        heard = delays[np.isfinite(delays)]
        raise AudioDeviceError(
            f"The latency test clicks came back {(heard.max() - heard.min()) * 1000:.0f} ms "
            "apart; the sound system is unsteady (close other audio programs) -- try again.")
    return result


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


class LatencyStore:
    """Measured latencies per device pair, in a small JSON file (measured once per device)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def _all(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def get(self, devices: str) -> Latency | None:
        """The stored measurement for ``devices`` (see :attr:`Latency.devices`), if any."""
        doc = self._all().get(devices)
        try:
            return Latency(**doc) if isinstance(doc, dict) else None
        except TypeError:
            return None

    def put(self, latency: Latency) -> None:
        """Store (or replace) a measurement."""
        doc = self._all()
        doc[latency.devices] = asdict(latency)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.path, doc)
