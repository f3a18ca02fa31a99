"""Copy any readable audio file to FLAC, block by block, keeping channels and rate.

16-bit (and 8-bit) sources stay 16-bit; everything else (24/32-bit, float, compressed
formats) becomes 24-bit FLAC. Files libsndfile cannot read (M4A/AAC, ...) are converted
with ffmpeg, which :func:`musicpractice.audio.io.probe` has already checked is present.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf

from musicpractice.audio.atomic_file import atomic_writer
from musicpractice.audio.io import AudioInfo, probe
from musicpractice.audio.recording_errors import RecordingStorageError
from musicpractice.core.errors import AudioFileError
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report

BLOCK_FRAMES = 1 << 16
FLAC_MAX_CHANNELS = 8
SIXTEEN_BIT = {"PCM_S8", "PCM_U8", "PCM_16"}


def file_sha256(path: str | os.PathLike, *, cancel: CancelToken | None = None) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB pieces."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while piece := handle.read(1 << 20):
            check_cancel(cancel)
            digest.update(piece)
    return digest.hexdigest()


def copy_as_flac(
    source: str | os.PathLike,
    destination: str | os.PathLike,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> AudioInfo:
    """Write ``source`` to ``destination`` as FLAC (atomically); the info of the copy.

    Parameters
    ----------
    source : path-like
        Any audio file :func:`~musicpractice.audio.io.probe` accepts.
    destination : path-like
        The FLAC file to create; it appears only when complete.
    progress, cancel
        See :mod:`musicpractice.core.progress`.

    Raises
    ------
    AudioFileError
        The source is missing, unreadable, empty, damaged, or has more than 8 channels.
    RecordingStorageError
        The copy cannot be written (disk full, no permission).
    """
    info = probe(source)
    name = Path(source).name
    if info.channels > FLAC_MAX_CHANNELS:
        raise AudioFileError(
            f"{name} has {info.channels} channels; a session keeps at most {FLAC_MAX_CHANNELS}.")
    try:
        handle = sf.SoundFile(str(source))
    except (sf.LibsndfileError, RuntimeError):
        return _ffmpeg_to_flac(Path(source), Path(destination), info)
    frames = 0
    try:
        with handle, atomic_writer(destination) as out:
            subtype = "PCM_16" if handle.subtype in SIXTEEN_BIT else "PCM_24"
            # through the descriptor: a full disk is an error here, not in a cffi callback
            with sf.SoundFile(out.fileno(), "w", handle.samplerate, handle.channels, subtype,
                              format="FLAC", closefd=False) as flac:
                while True:
                    check_cancel(cancel)
                    try:
                        block = handle.read(BLOCK_FRAMES, dtype="float32", always_2d=True)
                    except (sf.LibsndfileError, RuntimeError) as error:
                        raise AudioFileError(
                            f"{name} is damaged after {frames / info.sample_rate_hz:.1f} s; "
                            "it was not imported.") from error
                    if not len(block):
                        break
                    flac.write(np.clip(block, -1.0, 1.0))
                    frames += len(block)
                    report(progress, frames / max(info.frames, 1), f"Copying {name}")
                if frames == 0:
                    raise AudioFileError(f"{name} contains no audio.")
    except (OSError, AssertionError, sf.LibsndfileError, RuntimeError) as error:
        why = getattr(error, "strerror", None) or "the disk refused to write"
        raise RecordingStorageError(
            f"{name} could not be copied into the session ({why}); is the disk full?") from error
    return AudioInfo(str(destination), "FLAC", info.sample_rate_hz, info.channels, frames)


def _ffmpeg_to_flac(source: Path, destination: Path, info: AudioInfo) -> AudioInfo:
    tmp = destination.with_name(f".{destination.name}.ffmpeg.flac")
    result = subprocess.run(
        [shutil.which("ffmpeg") or "ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source),
         "-vn", "-c:a", "flac", "-sample_fmt", "s32", str(tmp)],
        capture_output=True, text=True)
    if result.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise AudioFileError(f"{source.name} could not be converted to FLAC; it may be damaged.")
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, destination)
    copied = probe(destination)
    return AudioInfo(str(destination), "FLAC", copied.sample_rate_hz, copied.channels,
                     copied.frames)
