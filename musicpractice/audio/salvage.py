"""Reading what can be read from a damaged or implausible audio file.

- A damaged block (a FLAC frame that lost sync, a garbled MP3 frame) fails a whole read of
  :data:`musicpractice.audio.io.BLOCK_FRAMES` frames in libsndfile; :func:`readable_blocks`
  then reads the same stretch in small pieces, skips past the damage (re-opening the file,
  since libsndfile cannot seek after a decoding error) and fills the gap with silence so
  times after it stay right.
- A WAV whose header announces more audio than the file holds is read to its end, with a
  warning (:func:`truncation_warning`).
- A float file whose samples reach far beyond full scale (``1e30``) or hold NaN/infinity
  is scaled down, with a warning (:func:`float_scale`), instead of overflowing.
"""

from __future__ import annotations

import re
from typing import Iterator

import numpy as np
import soundfile as sf

PIECE_FRAMES = 1024
"""Frames read at a time around damage."""
SKIP_FRAMES = 4096
"""How far past a damaged place the next read is tried."""
MAX_SKIP_TRIES = 2000
"""Give up on the rest of a file after this many failed tries past one damaged place."""
MAX_FLOAT_LEVEL = 16.0
"""Float samples above this (+24 dBFS) mean broken scaling, not a loud recording."""
SCALED_PEAK = 0.5
"""Where such a file's peak is put (-6 dBFS: no false clipping warnings)."""
_DECLARED = re.compile(r"^data\s*:\s*(\d+)\s*\(should be (\d+)\)", re.MULTILINE)


def truncation_warning(handle: sf.SoundFile) -> str | None:
    """A warning when the file's header announces more audio than the file holds."""
    match = _DECLARED.search(getattr(handle, "extra_info", "") or "")
    if match is None:
        return None
    declared, present = int(match.group(1)), int(match.group(2))
    if present >= declared:
        return None
    share = 100.0 * (1.0 - present / declared) if declared else 100.0
    return (f"The file is cut short: its header announces more audio than it holds "
            f"(about {share:.0f} % is missing); the part that is there was analysed.")


def float_scale(handle: sf.SoundFile, *, block_frames: int) -> tuple[float, str | None]:
    """The factor that brings a float file's samples below full scale, and a warning.

    Integer files (and float files within :data:`MAX_FLOAT_LEVEL`) get ``(1.0, None)``
    without being read; the handle is left at its start.
    """
    if handle.subtype not in ("FLOAT", "DOUBLE") or not handle.seekable():
        return 1.0, None
    peak = 0.0
    non_finite = False
    try:
        for block in handle.blocks(block_frames, dtype="float64", always_2d=True):
            finite = np.isfinite(block)
            non_finite |= not finite.all()
            if finite.any():
                peak = max(peak, float(np.abs(block[finite]).max()))
    except (sf.LibsndfileError, RuntimeError):
        pass
    handle.seek(0)
    notes = []
    if non_finite:
        notes.append("some samples are not numbers (NaN or infinite) and were read as silence")
    scale = 1.0
    if peak > MAX_FLOAT_LEVEL:
        scale = SCALED_PEAK / peak
        notes.append(f"its samples reach {peak:.3g} times full scale (broken scaling), so it "
                     f"was scaled to a peak of {20 * np.log10(SCALED_PEAK):.0f} dBFS: its "
                     "loudness is not the recording's")
    return scale, ("The file is a float file where " + "; ".join(notes) + ".") if notes else None


def cleaned(block: np.ndarray, scale: float) -> np.ndarray:
    """``block`` (float32) scaled, with NaN and infinity set to 0, computed in float64."""
    if scale == 1.0 and np.isfinite(block).all():
        return block
    wide = np.nan_to_num(block.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0) * scale
    return wide.astype(np.float32)


def readable_blocks(handle: sf.SoundFile, *, frames: int, block_frames: int,
                    warnings: list[str]) -> Iterator[np.ndarray]:
    """Blocks ``(n, channels)`` float32 of the whole file, working around damaged places.

    Parameters
    ----------
    handle : soundfile.SoundFile
        Open at its start; re-opened by name after a decoding error.
    frames : int
        Frames the header announces.
    block_frames : int
        Frames per block while the file reads cleanly.
    warnings : list of str
        Receives one sentence per damaged place.
    """
    position = 0
    current = handle
    try:
        while True:
            try:
                block = current.read(block_frames, dtype="float32", always_2d=True)
            except (sf.LibsndfileError, RuntimeError):
                block = None
            if block is not None:
                if len(block) == 0:
                    return
                position += len(block)
                yield block
                continue
            # A damaged block: take what decodes of it, then skip ahead to where it resumes.
            current, pieces = _reopen_at(handle.name, position, current, handle)
            for piece in pieces:
                position += len(piece)
                yield piece
            damaged_at = position
            current, resumed = _resume_after(handle.name, damaged_at, frames, current, handle)
            if resumed is None:
                warnings.append(f"The file is damaged after {damaged_at / handle.samplerate:.1f}"
                                " s; only the readable part was analysed.")
                return
            gap = resumed - damaged_at
            warnings.append(f"The file is damaged at {damaged_at / handle.samplerate:.1f} s: "
                            f"{gap / handle.samplerate:.2f} s could not be decoded and is "
                            "silent in the analysis.")
            yield np.zeros((gap, handle.channels), np.float32)
            position = resumed
    finally:
        if current is not handle:
            current.close()


def _open_at(name: str, frame: int) -> sf.SoundFile | None:
    """The file opened and positioned at ``frame``, or ``None`` if that fails."""
    try:
        fresh = sf.SoundFile(name)
    except (sf.LibsndfileError, RuntimeError):
        return None
    try:
        fresh.seek(frame)
        return fresh
    except (sf.LibsndfileError, RuntimeError):
        fresh.close()
        return None


def _switch(old: sf.SoundFile, original: sf.SoundFile, new: sf.SoundFile | None):
    if old is not original and old is not new:
        old.close()
    return new


def _reopen_at(name, position, current, original) -> tuple[sf.SoundFile, list[np.ndarray]]:
    """Read small pieces from ``position`` until the damage; returns the handle and them."""
    fresh = _switch(current, original, _open_at(name, position))
    pieces: list[np.ndarray] = []
    if fresh is None:
        return original, pieces
    while True:
        try:
            piece = fresh.read(PIECE_FRAMES, dtype="float32", always_2d=True)
        except (sf.LibsndfileError, RuntimeError):
            return fresh, pieces
        if len(piece) == 0:
            return fresh, pieces
        pieces.append(piece)


def _resume_after(name, damaged_at, frames, current, original):
    """A handle positioned where reading works again after ``damaged_at``, and that frame
    (``None`` when nothing after it can be read)."""
    candidate = damaged_at + SKIP_FRAMES
    for _ in range(MAX_SKIP_TRIES):
        if candidate >= frames:
            break
        fresh = _open_at(name, candidate)
        if fresh is not None:
            try:
                fresh.read(PIECE_FRAMES, dtype="float32", always_2d=True)
                fresh.seek(candidate)
                current = _switch(current, original, fresh)
                return current, candidate
            except (sf.LibsndfileError, RuntimeError):
                fresh.close()
        candidate += SKIP_FRAMES
    return current, None
