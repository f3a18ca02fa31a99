"""Loudness: ours vs the EBU expected values vs pyloudnorm, on the EBU Tech 3341/3342 signals.

Run from the project root::

    .venv/bin/python benchmarks/loudness.py

Each file is decoded once into memory; both meters measure the same array, so the times
compare the meters only (ours gives M, S, I and LRA in one pass; pyloudnorm's time is its
integrated loudness plus its loudness range). pyloudnorm has no momentary/short-term
curves, so its M and S columns are empty. A second table measures a 1 kHz sine at
-20 dBFS peak (BS.1770: -23.01 LUFS mono) at several sample rates, and a last line the
Schubert recording from the alignment data.

pyloudnorm is a benchmark peer only: ``.venv/bin/pip install pyloudnorm``.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import pyloudnorm
import soundfile as sf

from musicpractice.analysis.loudness import LoudnessMeter, measure_loudness
from musicpractice.audio.io import load_signal, probe

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TOLERANCE = {"M": 0.1, "S": 0.1, "I": 0.1, "LRA": 1.0}


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - start


def pyloudnorm_measures(x: np.ndarray, sr: int) -> dict[str, float]:
    meter = pyloudnorm.Meter(sr)
    return {"I": meter.integrated_loudness(x), "LRA": meter.loudness_range(x)}


def ours_measures(x: np.ndarray, sr: int) -> dict[str, float]:
    r = measure_loudness(x, sr)
    return {"M": r.max_momentary_lufs, "S": r.max_short_term_lufs, "I": r.integrated_lufs,
            "LRA": r.lra_lu}


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:8.3f}"


def compliance_table() -> None:
    expected = json.loads((DATA / "loudness" / "expected.json").read_text())
    print("EBU Tech 3341/3342 compliance (tolerance +-0.1 LU for M/S/I, +-1 LU for LRA)")
    print(f"{'file':36s} {'meas':4s} {'expected':>8s} {'ours':>8s} {'pyln':>8s} "
          f"{'ok ours':>7s} {'ok pyln':>7s} {'time ours/pyln':>14s}")
    passed = {"ours": 0, "pyln": 0}
    checks = 0
    total = {"ours": 0.0, "pyln": 0.0}
    for name, values in expected.items():
        if name.startswith("_"):
            continue
        x, sr = sf.read(DATA / "loudness" / name, dtype="float32", always_2d=True)
        ours, t_ours = timed(ours_measures, x, sr)
        peer, t_peer = timed(pyloudnorm_measures, x, sr)
        total["ours"] += t_ours
        total["pyln"] += t_peer
        for i, (measure, truth) in enumerate(values.items()):
            ok = {k: v is not None and abs(v - truth) <= TOLERANCE[measure]
                  for k, v in (("ours", ours.get(measure)), ("pyln", peer.get(measure)))}
            checks += 1
            for k, within in ok.items():
                passed[k] += within
            ratio = f"{t_ours / t_peer:14.2f}" if i == 0 else ""
            print(f"{name if i == 0 else '':36s} {measure:4s} {truth:8.1f} "
                  f"{fmt(ours.get(measure))} {fmt(peer.get(measure))} "
                  f"{'yes' if ok['ours'] else 'NO':>7s} "
                  f"{('yes' if ok['pyln'] else 'NO') if peer.get(measure) is not None else '-':>7s}"
                  f" {ratio}")
    peer_checks = sum(1 for v in expected.values() if isinstance(v, dict)
                      for m in v if m in ("I", "LRA"))
    print(f"within tolerance: ours {passed['ours']}/{checks}, "
          f"pyloudnorm {passed['pyln']}/{peer_checks} (I and LRA only)")
    print(f"total meter time: ours {total['ours']:.2f} s, pyloudnorm {total['pyln']:.2f} s, "
          f"ratio ours/pyln {total['ours'] / total['pyln']:.2f}")


def sample_rate_table() -> None:
    truth = -20.0 - 10 * math.log10(2)
    print(f"\n1 kHz sine at -20 dBFS peak, mono, 10 s: BS.1770 reads {truth:.2f} LUFS at any rate")
    print(f"{'rate Hz':>8s} {'ours':>8s} {'pyln':>8s} {'err ours':>8s} {'err pyln':>8s}")
    for sr in (8_000, 22_050, 44_100, 48_000, 96_000, 192_000):
        t = np.arange(10 * sr) / sr
        x = 0.1 * np.sin(2 * np.pi * 1000.0 * t)
        ours = measure_loudness(x, sr).integrated_lufs
        peer = pyloudnorm.Meter(sr).integrated_loudness(x)
        print(f"{sr:8d} {ours:8.3f} {peer:8.3f} {ours - truth:+8.3f} {peer - truth:+8.3f}")


def streamed_file(path: Path) -> None:
    info = probe(path)
    meter = LoudnessMeter(info.sample_rate_hz, info.channels)
    _, t_stream = timed(lambda: load_signal(path, on_block=meter.feed))
    r = meter.result()
    x, sr = sf.read(path, dtype="float32", always_2d=True)
    peer, t_peer = timed(pyloudnorm_measures, x, sr)
    print(f"\n{path.name} ({info.duration_s:.0f} s, {info.sample_rate_hz} Hz, "
          f"{info.channels} ch), streamed from file through load_signal:")
    print(f"  ours: I {r.integrated_lufs:.2f} LUFS, LRA {r.lra_lu:.2f} LU "
          f"({r.lra_low_lufs:.1f} to {r.lra_high_lufs:.1f} LUFS), max M {r.max_momentary_lufs:.2f}, "
          f"max S {r.max_short_term_lufs:.2f}, sample peak {r.sample_peak_dbfs:.2f} dBFS, "
          f"true peak {r.true_peak_dbtp:.2f} dBTP, "
          f"warnings {list(r.warnings)}")
    print(f"  pyln: I {peer['I']:.2f} LUFS, LRA {peer['LRA']:.2f} LU")
    print(f"  time: ours {t_stream:.2f} s including decoding and load_signal's mono resampling "
          f"({info.duration_s / t_stream:.0f}x real time); pyloudnorm {t_peer:.2f} s on the "
          f"decoded array")


def main() -> int:
    if not (DATA / "loudness" / "expected.json").is_file():
        print(f"EBU signals not found under {DATA / 'loudness'}")
        return 1
    compliance_table()
    sample_rate_table()
    schubert = DATA / "alignment" / "Schubert_D911-01_SC06.flac"
    if schubert.is_file():
        streamed_file(schubert)
    return 0


if __name__ == "__main__":
    sys.exit(main())
