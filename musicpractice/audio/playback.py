"""Playback of a take: play/pause, seek, loop a region, and slowed-down renditions.

The output stream stays open while a take is loaded and plays silence when paused, so
pressing play only flips a flag the next audio block sees: playback starts within one
block plus the device latency (a few milliseconds to tens of milliseconds), not after a
device open. The PortAudio callback only copies from the current rendition; the GUI swaps
renditions (the original or a :class:`~musicpractice.analysis.stretch.StretchedAudio`)
by assigning one tuple, so the callback needs no lock.

Positions are always given in seconds of the *original* take, whatever the speed.
"""

from __future__ import annotations

import numpy as np

from musicpractice.audio.devices import find_device, sounddevice
from musicpractice.audio.recording_errors import AudioDeviceError
from musicpractice.core.errors import InvalidParameterError


class Player:
    """Plays one mono take on an output device.

    Parameters
    ----------
    device : str, int or None
        Output device (see :func:`~musicpractice.audio.devices.find_device`); ``None`` is
        the system default.
    block_frames : int
        Frames per callback (smaller starts sooner and costs more CPU).
    """

    def __init__(self, *, device: str | int | None = None, block_frames: int = 512) -> None:
        if not 16 <= block_frames <= 16_384:
            raise InvalidParameterError(f"block_frames must be 16-16384 (got {block_frames}).")
        self._device = device
        self.block_frames = block_frames
        self._stream = None
        self.sr = 0
        self._rendition: tuple[np.ndarray, float] = (np.zeros(0, np.float32), 1.0)
        self._frame = 0
        self._playing = False
        self._loop_s: tuple[float, float] | None = None

    # -- loading -------------------------------------------------------------------
    def load(self, samples: np.ndarray, sr: int) -> None:
        """Load a take (mono samples at ``sr`` Hz) and open the output stream, paused.

        Raises
        ------
        AudioDeviceError
            PortAudio missing, no output device, or the device refuses the format.
        InvalidParameterError
            Not mono or a bad sample rate.
        """
        samples = np.ascontiguousarray(samples, dtype=np.float32)
        if samples.ndim != 1:
            raise InvalidParameterError("The player takes one channel; mix the take to mono first.")
        if not 8_000 <= sr <= 192_000:
            raise InvalidParameterError(f"The sample rate must be 8000-192000 Hz (got {sr}).")
        self._playing = False
        self._loop_s = None
        self._frame = 0
        self._rendition = (samples, 1.0)
        if self._stream is None or self.sr != sr:
            self.close()
            self.sr = int(sr)
            self._open()

    def _open(self) -> None:
        sd = sounddevice()
        output = find_device(self._device, kind="output")
        try:
            self._stream = sd.OutputStream(device=output.index, samplerate=self.sr, channels=1,
                                           dtype="float32", blocksize=self.block_frames,
                                           latency="low", callback=self._callback)
            self._stream.start()
        except (sd.PortAudioError, ValueError) as error:
            self._stream = None
            raise AudioDeviceError(
                f"{output.name} cannot play at {self.sr} Hz ({error}); it may be in use.") from error

    def set_rendition(self, samples: np.ndarray, speed: float) -> None:
        """Play ``samples``, the loaded take at ``speed`` of its tempo, from the same spot.

        Parameters
        ----------
        samples : numpy.ndarray
            The take stretched to ``1 / speed`` of its length (same rate as loaded).
        speed : float
            0.5-1.0; a rendition time ``t`` is ``t * speed`` in the original.
        """
        if not 0.5 <= speed <= 1.0:
            raise InvalidParameterError(f"Practice speed must be 50-100 % (got {speed:.0%}).")
        position = self.position_s
        rendition = (np.ascontiguousarray(samples, dtype=np.float32), float(speed))
        self._frame = round(position / speed * self.sr) if self.sr else 0
        self._rendition = rendition

    # -- transport -----------------------------------------------------------------
    @property
    def speed(self) -> float:
        """Current playback speed (fraction of the original tempo)."""
        return self._rendition[1]

    @property
    def duration_s(self) -> float:
        """Length of the loaded take in seconds (original tempo)."""
        samples, speed = self._rendition
        return len(samples) * speed / self.sr if self.sr else 0.0

    @property
    def playing(self) -> bool:
        """Whether audio is coming out."""
        return self._playing

    @property
    def position_s(self) -> float:
        """Playback position in seconds of the original take."""
        return self._frame * self.speed / self.sr if self.sr else 0.0

    @property
    def latency_s(self) -> float:
        """Output latency the device reports, seconds (0 without a stream)."""
        return float(self._stream.latency) if self._stream is not None else 0.0

    def play(self) -> None:
        """Start (or resume) playing from the current position; from the start at the end."""
        if self._stream is None:
            raise AudioDeviceError("Load a take before playing it.")
        start, end = self._loop_frames()
        if self._frame >= end:
            self._frame = start if self._loop_s else 0
        self._playing = True

    def pause(self) -> None:
        """Stop playing and keep the position."""
        self._playing = False

    def seek(self, t_s: float) -> None:
        """Move to ``t_s`` seconds of the original take (clipped to the take)."""
        t_s = min(max(0.0, float(t_s)), self.duration_s)
        self._frame = round(t_s / self.speed * self.sr)

    def set_loop(self, region_s: tuple[float, float] | None) -> None:
        """Loop between two times of the original take (``None`` plays to the end)."""
        if region_s is not None:
            start, end = sorted(float(t) for t in region_s)
            if end - start < 0.05:
                raise InvalidParameterError("A loop must be at least 50 ms long.")
            region_s = (max(0.0, start), min(end, self.duration_s))
        self._loop_s = region_s

    @property
    def loop_s(self) -> tuple[float, float] | None:
        """The looped region in seconds of the original take, if any."""
        return self._loop_s

    def close(self) -> None:
        """Close the output stream (idempotent)."""
        self._playing = False
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            except sounddevice().PortAudioError:  # the device is already gone
                pass
            self._stream = None

    # -- audio thread --------------------------------------------------------------
    def _loop_frames(self) -> tuple[int, int]:
        samples, speed = self._rendition
        if self._loop_s is None:
            return 0, len(samples)
        start, end = self._loop_s
        return int(start / speed * self.sr), min(len(samples), int(end / speed * self.sr))

    def render(self, out: np.ndarray) -> None:
        """Fill ``out`` (frames,) with the next samples and advance (the callback's work)."""
        out[:] = 0.0
        if not self._playing:
            return
        samples = self._rendition[0]
        start, end = self._loop_frames()
        frame, filled = self._frame, 0
        while filled < len(out):
            if frame >= end:
                if self._loop_s is None or end <= start:
                    self._playing = False
                    break
                frame = start
            n = min(len(out) - filled, end - frame)
            out[filled: filled + n] = samples[frame: frame + n]
            filled += n
            frame += n
        self._frame = frame

    def _callback(self, outdata, frames, time_info, status) -> None:
        self.render(outdata[:, 0])
