"""Crash-safe capture of a take, and its conversion to FLAC.

While recording, a take folder holds

``capture.json``
    sample rate, channel count and sample format, written atomically before any audio,
    and rewritten (atomically) when the dropout count changes;
``capture.raw``
    the audio as little-endian float32 interleaved frames, only ever appended to, and
    fsync'ed about every 0.5 s.

If the process dies (``kill -9``, power loss), everything up to the last fsync is on
disk: :func:`finalise_capture` turns whatever is there into ``audio.flac`` -- the same
function ends a normal take, so recovery is not a separate, rarely tested path.
"""

from __future__ import annotations

import errno
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from musicpractice.audio.atomic_file import atomic_writer, fsync_folder, write_json_atomic
from musicpractice.audio.recording_errors import RecordingStorageError
from musicpractice.core.errors import AudioFileError
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report

CAPTURE_RAW = "capture.raw"
CAPTURE_JSON = "capture.json"
CAPTURE_FORMAT = "musicpractice.capture"
SAMPLE_BYTES = 4
"""float32"""
FLAC_SUBTYPE = "PCM_24"
BLOCK_FRAMES = 1 << 16
FSYNC_INTERVAL_S = 0.5
MIN_CAPTURE_RATE_HZ, MAX_CAPTURE_RATE_HZ = 1_000, 768_000
"""Sample rates a capture description may claim (others mean it is damaged)."""
MAX_CAPTURE_CHANNELS = 8
"""FLAC holds at most 8 channels."""


@dataclass(frozen=True)
class CaptureSummary:
    """What :func:`finalise_capture` turned into FLAC.

    Attributes
    ----------
    frames : int
        Samples per channel in the FLAC file.
    sample_rate_hz : int
        Sample rate in Hz.
    channels : int
        Channel count.
    started_at : str
        ISO 8601 UTC time the capture started.
    discarded_bytes : int
        Bytes of an incomplete last frame that were dropped (only after a crash).
    dropouts : int
        Dropouts the recorder had counted at its last sync.
    """

    frames: int
    sample_rate_hz: int
    channels: int
    started_at: str
    discarded_bytes: int
    dropouts: int = 0

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return self.frames / self.sample_rate_hz


def has_capture(folder: str | os.PathLike) -> bool:
    """Whether ``folder`` holds an unfinished capture (a take not yet converted to FLAC)."""
    return (Path(folder) / CAPTURE_JSON).is_file()


def _storage_error(error: OSError, folder: Path, seconds: float) -> RecordingStorageError:
    if error.errno == errno.ENOSPC:
        why = "the disk is full"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = f"the folder {folder} cannot be written to"
    else:
        why = f"the disk reported an error ({error.strerror})"
    return RecordingStorageError(
        f"Recording stopped after {seconds:.1f} s because {why}; the audio recorded "
        "so far is kept."
    )


class CaptureWriter:
    """Appends float32 blocks to ``capture.raw`` in ``folder``, fsync'ing periodically.

    Parameters
    ----------
    folder : path-like
        An existing folder (the take's).
    sample_rate_hz, channels : int
        Format of the blocks that will be written.
    fsync_interval_s : float
        At most this many seconds of audio can be lost in a crash.

    Raises
    ------
    RecordingStorageError
        The folder cannot be written or the disk is full.
    """

    def __init__(self, folder: str | os.PathLike, *, sample_rate_hz: int, channels: int,
                 fsync_interval_s: float = FSYNC_INTERVAL_S) -> None:
        self.folder = Path(folder)
        self.sample_rate_hz = int(sample_rate_hz)
        self.channels = int(channels)
        self.frames = 0
        self.dropouts = 0
        """Set by the recorder; saved with the next sync, so a recovered take knows it."""
        self._saved_dropouts = 0
        self._interval_s = float(fsync_interval_s)
        self._header = {
            "format": CAPTURE_FORMAT, "version": 1, "sample_rate_hz": self.sample_rate_hz,
            "channels": self.channels, "sample_format": "float32le",
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "dropouts": 0,
        }
        try:
            write_json_atomic(self.folder / CAPTURE_JSON, self._header)
            self._fd = os.open(self.folder / CAPTURE_RAW,
                               os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0),
                               0o644)
        except OSError as error:
            raise _storage_error(error, self.folder, 0.0) from error
        fsync_folder(self.folder)
        self._last_sync = time.monotonic()

    @property
    def duration_s(self) -> float:
        """Seconds written so far."""
        return self.frames / self.sample_rate_hz

    def write(self, block: np.ndarray) -> None:
        """Append ``block`` (frames x channels, float) and fsync if the interval is over."""
        data = memoryview(np.ascontiguousarray(block, dtype="<f4").tobytes())
        try:
            while data:
                written = os.write(self._fd, data)
                data = data[written:]
            self.frames += len(block)
            if time.monotonic() - self._last_sync >= self._interval_s:
                self._sync()
        except OSError as error:
            raise _storage_error(error, self.folder, self.duration_s) from error

    def _sync(self) -> None:
        os.fsync(self._fd)
        if self.dropouts != self._saved_dropouts:
            write_json_atomic(self.folder / CAPTURE_JSON,
                              {**self._header, "dropouts": self.dropouts})
            self._saved_dropouts = self.dropouts
        self._last_sync = time.monotonic()

    def close(self) -> None:
        """fsync and close the raw file (idempotent)."""
        if self._fd < 0:
            return
        try:
            self._sync()
        except OSError:
            pass
        finally:
            os.close(self._fd)
            self._fd = -1


def _read_header(folder: Path) -> dict:
    try:
        header = json.loads((folder / CAPTURE_JSON).read_text(encoding="utf-8"))
        if header.get("format") != CAPTURE_FORMAT:
            raise ValueError("not a capture header")
        header["sample_rate_hz"] = int(header["sample_rate_hz"])
        header["channels"] = int(header["channels"])
        if not (MIN_CAPTURE_RATE_HZ <= header["sample_rate_hz"] <= MAX_CAPTURE_RATE_HZ
                and 1 <= header["channels"] <= MAX_CAPTURE_CHANNELS):
            raise ValueError("bad format")
    except (OSError, ValueError, KeyError, TypeError, OverflowError, RecursionError) as error:
        raise AudioFileError(
            f"The unfinished recording in {folder} cannot be recovered: its description "
            f"({CAPTURE_JSON}) is missing or damaged."
        ) from error
    return header


def finalise_capture(
    folder: str | os.PathLike,
    flac_path: str | os.PathLike,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> CaptureSummary:
    """Convert the capture in ``folder`` to a 24-bit FLAC file, then delete the capture.

    A capture without a single complete frame creates no file (``frames == 0``).
    The FLAC file appears atomically: until it is complete the capture stays on disk, so a
    crash during conversion loses nothing. Samples beyond full scale are clipped.

    Parameters
    ----------
    folder : path-like
        The folder holding ``capture.json`` and ``capture.raw``.
    flac_path : path-like
        The FLAC file to create (usually ``folder/audio.flac``).
    progress, cancel
        See :mod:`musicpractice.core.progress`.

    Raises
    ------
    AudioFileError
        No capture, or its description is damaged.
    RecordingStorageError
        The FLAC file cannot be written (e.g. disk full); the capture is kept.
    """
    folder = Path(folder)
    header = _read_header(folder)
    sr, channels = header["sample_rate_hz"], header["channels"]
    raw = folder / CAPTURE_RAW
    size = raw.stat().st_size if raw.exists() else 0
    frame_bytes = SAMPLE_BYTES * channels
    frames = size // frame_bytes
    try:
        if frames:
            with atomic_writer(flac_path, "wb") as out, open(raw, "rb") as source, \
                    sf.SoundFile(out.fileno(), "w", sr, channels, FLAC_SUBTYPE, format="FLAC",
                                 closefd=False) as flac:
                done = 0
                while done < frames:
                    check_cancel(cancel)
                    n = min(BLOCK_FRAMES, frames - done)
                    block = np.frombuffer(source.read(n * frame_bytes), dtype="<f4")
                    block = np.nan_to_num(block.reshape(n, channels), nan=0.0)
                    flac.write(np.clip(block, -1.0, 1.0))
                    done += n
                    report(progress, done / frames, "Saving the recording")
    except OSError as error:
        raise _storage_error(error, Path(flac_path).parent, frames / sr) from error
    except (sf.LibsndfileError, RuntimeError, AssertionError) as error:
        raise RecordingStorageError(f"The recording in {folder} could not be saved as FLAC "
                                    "(the disk refused to write; is it full?); the capture "
                                    "is kept.") from error
    raw.unlink(missing_ok=True)
    (folder / CAPTURE_JSON).unlink(missing_ok=True)
    fsync_folder(folder)
    dropouts = header.get("dropouts", 0)
    return CaptureSummary(int(frames), sr, channels, str(header.get("started_at", "")),
                          int(size - frames * frame_bytes),
                          dropouts if isinstance(dropouts, int) and dropouts >= 0 else 0)
