"""The PulseAudio null sink the recording tests play into and record from.

``tests/pulse_null_sink.sh`` starts it when needed. Without PulseAudio or PortAudio the
device tests skip, with the reason -- except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.ci import unavailable

SCRIPT = Path(__file__).resolve().parents[1] / "pulse_null_sink.sh"
SINK = "virt"
INPUT_DEVICE = "pulse"
"""ALSA device that reaches PulseAudio; its default source is the sink's monitor."""


def start_null_sink() -> dict[str, str]:
    """Start the sink (if not running), point this process at it; the env to pass on."""
    try:
        result = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        unavailable(f"the PulseAudio null sink could not be started ({error})")
    if result.returncode != 0:
        unavailable(f"the PulseAudio null sink could not be started: {result.stderr.strip()}")
    for line in result.stdout.splitlines():
        if line.startswith("export "):
            key, _, value = line[len("export "):].partition("=")
            os.environ[key] = value.strip("'")
    from musicpractice.audio.devices import find_device, refresh
    from musicpractice.core.errors import MusicPracticeError
    try:
        refresh()
        find_device(INPUT_DEVICE, kind="input")
    except MusicPracticeError as error:
        unavailable(f"PortAudio does not reach the null sink: {error}")
    return dict(os.environ)


def play(path: Path, env: dict[str, str]) -> subprocess.Popen:
    """Play an audio file into the null sink (returns at once)."""
    return subprocess.Popen(["paplay", f"--device={SINK}", str(path)], env=env)


def write_tone(path: Path, *, freq_hz: float, duration_s: float, sr: int = 44_100,
               amplitude: float = 0.3, lead_s: float = 0.0) -> Path:
    """A sine tone (after ``lead_s`` of silence) as a WAV file."""
    t = np.arange(int(duration_s * sr)) / sr
    tone = amplitude * np.sin(2 * np.pi * freq_hz * t)
    y = np.concatenate([np.zeros(int(lead_s * sr)), tone]).astype(np.float32)
    sf.write(path, y, sr)
    return path


def tone_span(y: np.ndarray, sr: int, *, threshold: float = 0.05) -> tuple[float, float]:
    """First and last time (s) the magnitude exceeds ``threshold``."""
    loud = np.flatnonzero(np.abs(y) > threshold)
    if not len(loud):
        return (0.0, 0.0)
    return loud[0] / sr, loud[-1] / sr


def dominant_hz(y: np.ndarray, sr: int) -> float:
    """Frequency of the strongest spectral peak, refined by parabolic interpolation."""
    spectrum = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    k = int(np.argmax(spectrum[1:-1])) + 1
    a, b, c = np.log(spectrum[k - 1:k + 2] + 1e-12)
    shift = 0.5 * (a - c) / (a - 2 * b + c)
    return (k + shift) * sr / len(y)
