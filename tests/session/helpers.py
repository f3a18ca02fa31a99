"""Small sessions with known content for the session tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from musicpractice.session.store import Session


def write_wav(path: Path, *, seconds: float = 0.5, sr: int = 8000, channels: int = 1,
              subtype: str = "PCM_16", seed: int = 0) -> np.ndarray:
    """Write a noise file; returns the samples as written (float32)."""
    rng = np.random.default_rng(seed)
    y = rng.uniform(-0.5, 0.5, (int(seconds * sr), channels)).astype(np.float32)
    sf.write(path, y, sr, subtype=subtype)
    return sf.read(path, dtype="float32", always_2d=True)[0]


def session_with_takes(folder: Path, n: int = 2) -> Path:
    """A closed session with ``n`` imported takes; returns its folder."""
    with Session.create(folder / "s", title="Lesson") as session:
        for i in range(n):
            wav = folder / f"take{i}.wav"
            write_wav(wav, seed=i)
            session.import_audio(wav, title=f"take {i}", performer="Ann")
        return session.path
