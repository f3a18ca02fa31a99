"""Loopback latency: clicks played and heard back, their delays, a store per device pair.

A click's delay is where the recording first matches what was played at the click (a
normalised cross-correlation with the first 10 ms after it); several clicks that agree
within :data:`MAX_SPREAD_S` give the round trip. :class:`LatencyStore` keeps one
measurement per "input | output @ rate" in a small JSON file, so it is measured once per
device. The streams themselves are in :mod:`musicpractice.audio.duplex`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from musicpractice.audio.atomic_file import write_json_atomic
from musicpractice.audio.recording_errors import AudioDeviceError

CLICK_TRAIN_S = (0.3, 1.0, 1.7, 2.4)
"""Click times (s) of the latency measurement (further apart than MAX_LATENCY_S)."""
MAX_LATENCY_S = 0.6
MAX_SPREAD_S = 0.006
"""Clicks disagreeing by more than this make the measurement fail (not a loopback). A
PulseAudio null sink through ALSA jitters by about 5 ms from click to click (seen 24.8-29.5 ms
within one count-in, the same pattern every run); the median is still well inside the 10 ms
the take must line up to."""


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
