"""Practice playback: slowing down (musicpractice.analysis.stretch against librosa's
``effects.time_stretch``) and how soon playback starts after "play".

Run from the project root: ``.venv/bin/python benchmarks/practice_playback.py``.
Reads ../shared/data (see its README). For each real recording and speed it prints:

- onset F-measure (mir_eval, 50 ms) of the onsets found in the slowed audio against the
  original's onsets moved to ``t / speed`` -- does the music land where it should;
- pitch drift: the shift in cents that best aligns the long-term average spectrum of
  the slowed audio with the original's (on a log-frequency axis) -- it must stay 0;
- run time (best of two, after a warm-up) and the ratio librosa / ours (> 1: ours is
  faster).

Then it measures playback start latency through the default output device (e.g. the
PulseAudio null sink of the tests): time from ``Player.play()`` to the first callback
that outputs the take, plus the latency the device reports.
"""

from __future__ import annotations

import time
from pathlib import Path

import librosa
import mir_eval
import numpy as np

from musicpractice.analysis.stretch import time_stretch
from musicpractice.audio.io import load_signal

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FILES = ["melody/vocadito_1.wav", "alignment/Chopin_Op010-03-Measures1-8_Igoshina.wav",
         "beats/country.00000.wav", "melody/359500__mtg__sax-tenor-e-major.wav"]
SPEEDS = (0.5, 0.75)


def onsets_s(y: np.ndarray, sr: int) -> np.ndarray:
    return librosa.onset.onset_detect(y=y, sr=sr, units="time", backtrack=False)


def log_spectrum(y: np.ndarray, sr: int, grid_hz: np.ndarray) -> np.ndarray:
    """Long-term average spectrum (dB) on a log-frequency grid; a pitch shift moves it sideways."""
    power = np.mean(np.abs(librosa.stft(y, n_fft=8192, hop_length=2048)) ** 2, axis=1)
    freqs = np.fft.rfftfreq(8192, 1 / sr)
    return 10 * np.log10(np.interp(grid_hz, freqs, power) + 1e-12)


def pitch_drift_cents(original: np.ndarray, slowed: np.ndarray, sr: int) -> float:
    """Shift (cents) that best aligns the slowed audio's long-term spectrum with the original's."""
    grid = 100.0 * 2 ** (np.arange(0, 1200 * np.log2(4000 / 100)) / 1200)  # 1-cent steps
    a, b = log_spectrum(original, sr, grid), log_spectrum(slowed, sr, grid)
    a, b = a - a.mean(), b - b.mean()
    shifts = np.arange(-100, 101)
    scores = [np.dot(a[100:-100], np.roll(b, -k)[100:-100]) for k in shifts]
    return float(shifts[int(np.argmax(scores))])


def timed(fn, *args, **kwargs):
    """Best of two runs (after a warm-up elsewhere): (result, seconds)."""
    best, result = np.inf, None
    for _ in range(2):
        t = time.perf_counter()
        result = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t)
    return result, best


def evaluate(y, sr, slowed, speed, reference) -> float:
    return mir_eval.onset.f_measure(reference / speed, onsets_s(slowed, sr), window=0.05)[0]


def main() -> None:
    print(f"{'file':<44} {'speed':>5} | {'F ours':>6} {'F peer':>6} | {'cents ours':>10} "
          f"{'cents peer':>10} | {'ours s':>6} {'peer s':>6} {'peer/ours':>9}")
    ratios, f_ours, f_peer = [], [], []
    warm = np.random.default_rng(0).standard_normal(22050 * 3).astype(np.float32)
    time_stretch(warm, 22050, speed=0.5)
    librosa.effects.time_stretch(warm, rate=0.5)
    for name in FILES:
        path = DATA / name
        if not path.exists():
            print(f"{name}: missing, skipped")
            continue
        signal = load_signal(path)
        y, sr = signal.samples, signal.sr
        reference = onsets_s(y, sr)
        for speed in SPEEDS:
            ours, t_ours = timed(time_stretch, y, sr, speed=speed)
            ours = ours.samples
            peer, t_peer = timed(librosa.effects.time_stretch, y, rate=speed)
            fo, fp = evaluate(y, sr, ours, speed, reference), evaluate(y, sr, peer, speed, reference)
            f_ours.append(fo)
            f_peer.append(fp)
            ratios.append(t_peer / t_ours)
            print(f"{Path(name).name[:44]:<44} {speed:>5.2f} | {fo:>6.3f} {fp:>6.3f} | "
                  f"{pitch_drift_cents(y, ours, sr):>10.0f} {pitch_drift_cents(y, peer, sr):>10.0f} | "
                  f"{t_ours:>6.2f} {t_peer:>6.2f} {t_peer / t_ours:>9.2f}")
    print(f"mean onset F: ours {np.mean(f_ours):.3f}, librosa {np.mean(f_peer):.3f}; "
          f"speed ratio librosa/ours: median {np.median(ratios):.2f}")
    latency()


def latency() -> None:
    from musicpractice.audio.playback import Player
    from musicpractice.core.errors import MusicPracticeError
    sr = 22050
    try:
        player = Player(block_frames=256)
        player.load(np.full(sr * 2, 0.01, np.float32), sr)
    except MusicPracticeError as error:
        print(f"playback latency: no output device ({error})")
        return
    starts = []
    for _ in range(10):
        player.seek(0.0)
        t = time.perf_counter()
        player.play()
        while player.position_s == 0.0 and time.perf_counter() - t < 2:
            time.sleep(0.0005)
        starts.append(time.perf_counter() - t)
        player.pause()
        time.sleep(0.05)
    reported = player.latency_s
    player.close()
    print(f"playback start: first block after play() median {1000 * np.median(starts):.1f} ms "
          f"(max {1000 * np.max(starts):.1f} ms) + device output latency {1000 * reported:.1f} ms "
          f"= {1000 * (np.median(starts) + reported):.1f} ms (target < 100 ms)")


if __name__ == "__main__":
    main()
