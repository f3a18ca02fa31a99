"""Reading audio files: probe, stream in blocks, and load a mono analysis signal.

libsndfile (through soundfile) reads WAV, FLAC, OGG/Vorbis/Opus, MP3, AIFF and more.
Formats it cannot read (M4A/AAC, WMA, ...) are decoded with ffmpeg when it is installed,
into a temporary WAV file, and otherwise rejected with a message saying how to install it.

Files are read block by block, so memory stays bounded by the size of the returned mono
signal at the analysis rate (an hour at 22 050 Hz is 318 MB of float32), whatever the
length, sample rate or channel count of the file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import soundfile as sf
import soxr

from musicpractice.audio.salvage import cleaned, float_scale, readable_blocks, truncation_warning
from musicpractice.core.file_types import score_not_audio
from musicpractice.core.errors import AudioFileError, AudioTooShortError
from musicpractice.core.file_kinds import file_kind, is_regular_file
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report

MIN_SAMPLE_RATE_HZ = 8_000
MAX_SAMPLE_RATE_HZ = 192_000
MIN_DURATION_S = 0.5
"""Shorter files are refused: no key, tempo or melody can be read from them."""
ANALYSIS_RATE_HZ = 22_050
"""Default sample rate of the mono signal the analyses run on."""
BLOCK_FRAMES = 1 << 16
CLIP_LEVEL = 0.999
"""Samples at or above this magnitude (full scale = 1.0) count as clipped."""

FFMPEG_EXTENSIONS = {".m4a", ".aac", ".mp4", ".m4b", ".wma", ".webm", ".mka", ".ac3", ".amr"}
AUDIO_EXTENSIONS = frozenset({".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif",
                              ".aiff", ".aifc", ".w64", ".caf"} | FFMPEG_EXTENSIONS)
"""File name endings taken for audio: when a folder is searched (batch analysis), files
are dropped on the window, or offered in its Import dialog."""


@dataclass(frozen=True)
class AudioInfo:
    """What a file holds, before decoding it.

    Attributes
    ----------
    path : str
        The file as given.
    format : str
        Container/codec name, e.g. ``"WAV"``, ``"FLAC"``, ``"MP3"``.
    sample_rate_hz : int
        Native sample rate.
    channels : int
        Native channel count.
    frames : int
        Samples per channel (may be an estimate for compressed formats).
    """

    path: str
    format: str
    sample_rate_hz: int
    channels: int
    frames: int

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return self.frames / self.sample_rate_hz


@dataclass(frozen=True)
class Signal:
    """A mono signal ready for analysis, with what was noticed while reading it.

    Attributes
    ----------
    samples : numpy.ndarray
        float32, mono (channels averaged), at ``sr``.
    sr : int
        Sample rate of ``samples`` in Hz.
    info : AudioInfo
        The file it came from.
    peak_dbfs : float
        Highest absolute sample of any channel, in dB relative to full scale.
    clipped_fraction : float
        Share of samples (all channels) at or above :data:`CLIP_LEVEL`.
    warnings : tuple of str
        Plain-language notes: clipping, silence, a damaged tail that was skipped.
    """

    samples: np.ndarray
    sr: int
    info: AudioInfo
    peak_dbfs: float
    clipped_fraction: float
    warnings: tuple[str, ...] = field(default=())

    @property
    def duration_s(self) -> float:
        """Length of ``samples`` in seconds."""
        return len(self.samples) / self.sr


def _name(path: Path) -> str:
    return path.name


@contextlib.contextmanager
def _opened(path: str | os.PathLike) -> Iterator[tuple[sf.SoundFile, str]]:
    """Open ``path`` with libsndfile, falling back to an ffmpeg-decoded temporary WAV."""
    p = Path(path)
    if not p.exists():
        raise AudioFileError(f"File not found: {p}")
    if p.is_dir():
        raise AudioFileError(f"{p} is a folder, not an audio file.")
    if not is_regular_file(p):
        raise AudioFileError(f"{_name(p)} is {file_kind(p)}, not an audio file.")
    if p.stat().st_size == 0:
        raise AudioFileError(f"{_name(p)} is empty (0 bytes).")
    if score_not_audio(p):
        raise AudioFileError(score_not_audio(p))
    try:
        handle = sf.SoundFile(str(p))
    except (sf.LibsndfileError, RuntimeError, TypeError) as sndfile_error:
        with _ffmpeg_decoded(p, sndfile_error) as wav:
            with sf.SoundFile(wav) as handle:
                yield handle, p.suffix.lstrip(".").upper() or "audio"
        return
    with handle:
        yield handle, handle.format


@contextlib.contextmanager
def _ffmpeg_decoded(p: Path, sndfile_error: Exception) -> Iterator[str]:
    """Decode ``p`` with ffmpeg into a temporary WAV file and yield its path."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        if p.suffix.lower() in FFMPEG_EXTENSIONS:
            raise AudioFileError(
                f"{_name(p)}: {p.suffix.upper().lstrip('.')} audio needs ffmpeg, which is not "
                "installed (Debian/Ubuntu: sudo apt install ffmpeg; macOS: brew install ffmpeg)."
            ) from sndfile_error
        raise AudioFileError(
            f"{_name(p)} is not an audio file musicpractice can read "
            "(supported: WAV, FLAC, OGG/Opus, MP3, AIFF; M4A/AAC with ffmpeg)."
        ) from sndfile_error
    with tempfile.TemporaryDirectory(prefix="musicpractice-decode-") as tmp:
        wav = os.path.join(tmp, "decoded.wav")
        result = subprocess.run(
            [ffmpeg, "-nostdin", "-v", "error", "-i", str(p), "-vn", "-c:a", "pcm_f32le",
             "-rf64", "auto", wav],
            capture_output=True, text=True,
        )
        if result.returncode != 0 or not os.path.exists(wav):
            raise AudioFileError(
                f"{_name(p)} is not an audio file musicpractice can read, or it is damaged."
            ) from sndfile_error
        yield wav


def probe(path: str | os.PathLike) -> AudioInfo:
    """Read the header of an audio file.

    Raises
    ------
    AudioFileError
        Missing, empty, unreadable, or a sample rate outside 8-192 kHz.
    """
    with _opened(path) as (handle, fmt):
        return _checked_info(path, handle, fmt)


def _checked_info(path, handle: sf.SoundFile, fmt: str) -> AudioInfo:
    info = AudioInfo(str(path), fmt, int(handle.samplerate), int(handle.channels),
                     int(max(handle.frames, 0)))
    if not MIN_SAMPLE_RATE_HZ <= info.sample_rate_hz <= MAX_SAMPLE_RATE_HZ:
        raise AudioFileError(
            f"{Path(path).name} has a sample rate of {info.sample_rate_hz} Hz; "
            f"musicpractice reads {MIN_SAMPLE_RATE_HZ // 1000}-{MAX_SAMPLE_RATE_HZ // 1000} kHz."
        )
    return info


def load_signal(
    path: str | os.PathLike,
    *,
    sr: int = ANALYSIS_RATE_HZ,
    min_duration_s: float = MIN_DURATION_S,
    on_block: Callable[[np.ndarray, int], None] | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Signal:
    """Stream an audio file into a mono signal at ``sr`` Hz.

    Parameters
    ----------
    path : path-like
        The audio file.
    sr : int
        Output sample rate in Hz.
    min_duration_s : float
        Files shorter than this raise :class:`AudioTooShortError`.
    on_block : callable, optional
        Called as ``on_block(block, native_sr)`` with every block of the file at its
        native rate, shape ``(frames, channels)``, float32 -- e.g. a loudness meter, which
        must see all channels at the native rate.
    progress, cancel
        See :mod:`musicpractice.core.progress`.

    Raises
    ------
    AudioFileError
        Missing, empty, not audio, unsupported, or nothing decodable.
    AudioTooShortError
        Shorter than ``min_duration_s``.
    """
    with _opened(path) as (handle, fmt):
        info = _checked_info(path, handle, fmt)
        if info.frames == 0:
            raise AudioFileError(f"{Path(path).name} contains no audio.")
        if info.duration_s < min_duration_s:
            raise AudioTooShortError(
                f"{Path(path).name} is {info.duration_s:.2f} s long; at least "
                f"{min_duration_s:g} s of audio is needed."
            )
        resampler = (
            None if info.sample_rate_hz == sr
            else soxr.ResampleStream(info.sample_rate_hz, sr, 1, dtype="float32", quality="HQ")
        )
        pieces: list[np.ndarray] = []
        warnings: list[str] = [w for w in [truncation_warning(handle)] if w]
        scale, scale_warning = float_scale(handle, block_frames=BLOCK_FRAMES)
        warnings += [scale_warning] if scale_warning else []
        peak = 0.0
        clipped = 0
        read = 0
        for block in readable_blocks(handle, frames=info.frames, block_frames=BLOCK_FRAMES,
                                     warnings=warnings):
            check_cancel(cancel)
            block = cleaned(block, scale)
            read += len(block)
            if on_block is not None:
                on_block(block, info.sample_rate_hz)
            magnitude = np.abs(block)
            peak = max(peak, float(magnitude.max()))
            clipped += int(np.count_nonzero(magnitude >= CLIP_LEVEL))
            mono = block.mean(axis=1, dtype=np.float32)
            pieces.append(mono if resampler is None else resampler.resample_chunk(mono))
            report(progress, read / max(info.frames, 1), "Reading audio")
        if resampler is not None:
            pieces.append(resampler.resample_chunk(np.zeros(0, np.float32), last=True))
    if read == 0:
        raise AudioFileError(f"{Path(path).name} contains no readable audio; it may be damaged.")
    if read / info.sample_rate_hz < min_duration_s:
        raise AudioTooShortError(
            f"{Path(path).name} holds only {read / info.sample_rate_hz:.2f} s of readable audio; "
            f"at least {min_duration_s:g} s is needed."
        )
    samples = np.concatenate(pieces).astype(np.float32, copy=False)
    clipped_fraction = clipped / (read * info.channels)
    peak_dbfs = 20.0 * np.log10(peak) if peak > 0 else float("-inf")
    if peak == 0.0:
        warnings.append("The recording is silent (every sample is zero).")
    elif peak_dbfs < -60.0:
        warnings.append(f"The recording is nearly silent (peak {peak_dbfs:.0f} dBFS).")
    if clipped_fraction > 1e-4:
        warnings.append(
            f"{100 * clipped_fraction:.2f} % of the samples are clipped (at full scale); "
            "loudness and pitch near those places may be off."
        )
    return Signal(samples, sr, AudioInfo(info.path, info.format, info.sample_rate_hz,
                                         info.channels, read),
                  float(peak_dbfs), float(clipped_fraction), tuple(warnings))
