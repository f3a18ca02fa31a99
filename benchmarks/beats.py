"""Beat tracking: musicpractice against librosa.beat.beat_track on the annotated recordings.

Run from the project root: ``.venv/bin/python benchmarks/beats.py [--synth]``.
Reads ../shared/data (see its README). For every file it prints the mir_eval beat
F-measure (70 ms window) of our beats at the level we output by default (the beat players
count) and, beside it, at the best level we offer, librosa's F-measure at its own default
level, and the run times. ``--synth`` adds the rendered pieces of
``synth/`` (beat level of their time signature; rubato and ritardandi). ``--long M``
instead times ours alone on M minutes of clicks in noise and reports the growth of the
peak resident memory beyond the signal (librosa's beat_track needs the whole STFT).
"""

from __future__ import annotations

import argparse
import glob
import json
import resource
import time
from pathlib import Path

import librosa
import numpy as np
from _common import f_measure, read_times

from musicpractice.analysis.tempo import estimate_tempo
from musicpractice.audio.io import load_signal

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BEATS = DATA / "beats"
# file -> {reference level name: annotation file}
REAL = {
    "Media-105901.wav": {"beat": "Media-105901.beats"},
    "country.00000.wav": {"beat": "gtzan_country_00000.beats"},
    "FMP_C6_Audio_Shostakovich_Waltz-02-Theme_IncreasingTempo.wav": {
        "beat": "FMP_C6_Audio_Shostakovich_Waltz-02-Theme_IncreasingTempo_beat.csv",
        "measure": "FMP_C6_Audio_Shostakovich_Waltz-02-Theme_IncreasingTempo_measure.csv",
    },
    "FMP_C6_Audio_Poulenc_Valse-sec0-15_SMD114.wav": {
        "beat": "FMP_C6_Audio_Poulenc_Valse-sec0-15_SMD114.csv"},
    "madmom_sample.wav": {"beat": "madmom_sample.beats"},
}


def cases(with_synth: bool):
    for name, refs in REAL.items():
        yield name, BEATS / name, {level: read_times(BEATS / f) for level, f in refs.items()}
    if with_synth:
        for meta in sorted(glob.glob(str(DATA / "synth" / "*.json"))):
            if meta.endswith(".pair.json"):
                continue
            truth = json.loads(Path(meta).read_text())
            yield (Path(meta).stem, Path(meta).with_suffix(".flac"),
                   {"beat": np.asarray(truth["beats"]["times"], dtype=float)})


def long_run(minutes: int) -> None:
    """Time and peak-memory growth of estimate_tempo on ``minutes`` of clicks in noise."""
    sr = 22_050
    minute = np.zeros(60 * sr, np.float32)
    minute[(np.arange(0, 60, 60 / 97) * sr).astype(int)[:, None] + np.arange(200)] = 0.5
    y = np.empty(minutes * len(minute), np.float32)
    rng = np.random.default_rng(0)
    for m in range(minutes):
        y[m * len(minute):(m + 1) * len(minute)] = (
            minute + 0.01 * rng.standard_normal(len(minute), dtype=np.float32))
    estimate_tempo(y[: 20 * sr], sr)  # compile the numba code
    base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    estimate = estimate_tempo(y, sr)
    elapsed = time.perf_counter() - start
    grown_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base_mb
    print(f"{minutes} min at {sr} Hz (signal {y.nbytes / 2**20:.0f} MB): {elapsed:.1f} s "
          f"({60 * minutes / elapsed:.0f}x real time), peak memory +{grown_mb:.0f} MB, "
          f"{estimate.bpm:.2f} BPM (true 97), {len(estimate.beats_s)} beats")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synth", action="store_true", help="also the synth/ pieces")
    parser.add_argument("--long", type=int, metavar="MINUTES", help="long-file run only")
    args = parser.parse_args()
    if args.long:
        long_run(args.long)
        return
    signal = load_signal(BEATS / "madmom_sample.wav")
    estimate_tempo(signal.samples, signal.sr)  # compile the numba code before timing
    librosa.beat.beat_track(y=signal.samples, sr=signal.sr)  # and librosa's
    header = (f"{'file':34} {'ref':7} {'ref bpm':>7} {'our bpm':>7} {'level':>12} {'F ours':>6} "
              f"{'best level':>12} {'F':>5} {'F lib':>5} {'F ratio':>7} {'t ours':>6} "
              f"{'t lib':>6} {'t ratio':>7}")
    print(header)
    print("-" * len(header))
    totals = {"ours": [], "best": [], "librosa": [], "t ours": [], "t librosa": []}
    for name, path, refs in cases(args.synth):
        signal = load_signal(path)
        start = time.perf_counter()
        ours = estimate_tempo(signal.samples, signal.sr)
        t_ours = time.perf_counter() - start
        start = time.perf_counter()
        _, lib_beats = librosa.beat.beat_track(y=signal.samples, sr=signal.sr, units="time")
        t_lib = time.perf_counter() - start
        for level, reference in refs.items():
            f_ours = f_measure(reference, ours.beats_s)
            by_level = {alt.relation: f_measure(reference, alt.beats_s)
                        for alt in ours.alternatives}
            best = max(by_level, key=by_level.get) if by_level else "-"
            f_lib = f_measure(reference, lib_beats)
            ref_bpm = 60.0 / np.median(np.diff(reference))
            if level == "beat":
                for key, value in (("ours", f_ours), ("best", by_level.get(best, 0.0)),
                                   ("librosa", f_lib), ("t ours", t_ours), ("t librosa", t_lib)):
                    totals[key].append(value)
            print(f"{name[:34]:34} {level:7} {ref_bpm:7.1f} {ours.bpm:7.1f} "
                  f"{ours.alternatives[0].relation if ours.alternatives else '-':>12} "
                  f"{f_ours:6.3f} {best:>12} {by_level.get(best, 0.0):5.3f} {f_lib:5.3f} "
                  f"{f_ours / f_lib if f_lib else float('inf'):7.2f} {t_ours:6.2f} {t_lib:6.2f} "
                  f"{t_ours / t_lib:7.2f}")
        print(f"{'':34} levels: " + ", ".join(
            f"{alt.relation} {alt.bpm:.0f} ({alt.weight:.2f})" for alt in ours.alternatives)
            + f"; confidence {ours.confidence:.2f}")

    mean = {key: float(np.mean(values)) for key, values in totals.items()}
    below = sum(ours < lib for ours, lib in zip(totals["ours"], totals["librosa"]))
    print(f"files where our default level scores below librosa's: {below} of {len(totals['ours'])}")
    print(f"mean over {len(totals['ours'])} files at the annotated beat level: F ours (chosen "
          f"level) {mean['ours']:.3f}, F ours (best offered level) {mean['best']:.3f}, "
          f"F librosa {mean['librosa']:.3f}; time ours {mean['t ours']:.2f} s, librosa "
          f"{mean['t librosa']:.2f} s (ratio {mean['t ours'] / mean['t librosa']:.1f})")


if __name__ == "__main__":
    main()
