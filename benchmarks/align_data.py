"""Benchmark helpers for alignment: rendering MIDI with FluidSynth, reading the truth files.

Rendered audio is cached in ``$TMPDIR/musicpractice-align-bench`` (never in the repository).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "alignment"
SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
CACHE = Path(tempfile.gettempdir()) / "musicpractice-align-bench"


def ensure_fluidsynth() -> None:
    """Install fluidsynth and the General MIDI soundfont with apt-get when missing."""
    if shutil.which("fluidsynth") and SOUNDFONT.is_file():
        return
    subprocess.run(["apt-get", "install", "-y", "fluidsynth", "fluid-soundfont-gm"], check=True,
                   stdout=subprocess.DEVNULL)


def render_midi(midi_path: Path, sr: int = 22050) -> Path:
    """The MIDI file rendered to a WAV file with FluidSynth (cached)."""
    ensure_fluidsynth()
    CACHE.mkdir(exist_ok=True)
    out = CACHE / (midi_path.stem + ".wav")
    if not out.is_file():
        subprocess.run(["fluidsynth", "-ni", "-q", "-F", str(out), "-r", str(sr), "-g", "0.6",
                        str(SOUNDFONT), str(midi_path)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def read_barlines(csv_path: Path) -> np.ndarray:
    """Barline times in seconds from a Schubert Winterreise ``start;measure`` CSV."""
    return np.loadtxt(csv_path, delimiter=";", skiprows=1, usecols=0, ndmin=1)


_SNOTE = re.compile(r"^snote\(([^,]+),\[(\w),([#bn]+)\],(-?\d+),(-?\d+):([\d/]+),([\d/-]+),"
                    r"([\d/]+),(-?[\d.]+),(-?[\d.]+),\[[^\]]*\]\)-note\([^,]+,(\d+),(\d+),")


def read_match(match_path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Matched notes of a Vienna 4x22 ``.match`` file.

    Returns
    -------
    score_quarter : numpy.ndarray
        Written onset in quarter notes from the first note of the score.
    midi : numpy.ndarray
        Performed MIDI pitch.
    onset_s : numpy.ndarray
        Performed onset in seconds.
    """
    text = match_path.read_text(errors="replace")
    units = int(re.search(r"info\(midiClockUnits,(\d+)\)", text).group(1))
    rate = int(re.search(r"info\(midiClockRate,(\d+)\)", text).group(1))
    denominator = int(re.search(r"timeSignature,\d+/(\d+)", text).group(1))
    rows = [m.groups() for m in map(_SNOTE.match, text.splitlines()) if m]
    beats = np.array([float(r[8]) for r in rows])
    quarter = beats * 4.0 / denominator
    midi = np.array([int(r[10]) for r in rows])
    onset_s = np.array([int(r[11]) for r in rows]) / units * rate / 1e6
    return quarter - quarter.min(), midi, onset_s


def scale_pair(minutes: float, sr: int = 22050):
    """The Schubert pair cut or looped to ``minutes`` minutes each."""
    import soundfile as sf

    out = []
    for name in ("Schubert_D911-01_HU33.flac", "Schubert_D911-01_SC06.flac"):
        y, file_sr = sf.read(DATA / name, dtype="float32")
        assert file_sr == sr
        if y.ndim > 1:
            y = y.mean(axis=1)
        n = int(minutes * 60 * sr)
        out.append(np.resize(y, n))
    return out


__all__ = ["DATA", "read_barlines", "read_match", "render_midi", "scale_pair"]
