"""Piano verdicts (issue 10, both hands): the note model against the NMF, in one run.

The same takes as the piano rows of ``note_verdicts.py`` (Vienna 4x22 performances with
wrong, left-out and extra notes written into the performance MIDI, rendered with
FluidSynth; ``piano_takes.PIANO_SPLITS``: the FIT performers were used to fit each
method's calibration, the HELD-OUT performers never were) go through the product path
(``align_to_score`` then ``compare_with_score``) once with each key activation of the
piano check (``piano_check.ACTIVATION_METHOD``):

- ``model``: the note posteriorgram of the Basic Pitch ONNX model (onnxruntime, CPU);
- ``nmf``: the harmonic-template NMF on a constant-Q spectrum.

The table has ``note_verdicts.py``'s columns. Below it, the key activation alone on each
take: its time as a ratio model / NMF, and the peak resident memory of computing it on
the longest take in a fresh interpreter (above one that only reads the take), as a
ratio. Usage::

    .venv/bin/python benchmarks/piano_verdicts.py [--seeds 2] [--quick] [--split fit]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import run_measured  # noqa: E402
from note_verdicts import HEADER, Outcome, table_row  # noqa: E402
from piano_takes import (  # noqa: E402
    PIANO_SPLITS,
    inject_mistakes,
    performances,
    piano_outcome,
    read_take,
    render,
)

METHODS = ("model", "nmf")


def _take_audio(performance: str, seed: int):
    import soundfile as sf

    _, piece, index = performance.split(":")
    path = render(inject_mistakes(read_take(performances(piece)[int(index)]), seed=seed))
    y, sr = sf.read(path, dtype="float32")
    return (y.mean(axis=1) if y.ndim > 1 else y), sr, path


def _activation_seconds(y, sr, method: str) -> float:
    from musicpractice.alignment.piano_activation import key_activation

    start = time.perf_counter()
    key_activation(y, sr, low_midi=21, high_midi=108, method=method)
    return time.perf_counter() - start


def _peak_memory_mb(path: Path, method: str | None) -> float:
    """Peak resident memory of a fresh interpreter that reads the take and computes its
    key activation with ``method`` (``None``: reads it only, the baseline)."""
    code = (
        "import json, soundfile as sf\n"
        "from musicpractice.alignment.piano_activation import key_activation\n"
        f"y, sr = sf.read({str(path)!r}, dtype='float32')\n"
        "y = y.mean(axis=1) if y.ndim > 1 else y\n"
        + (f"key_activation(y, sr, low_midi=21, high_midi=108, method={method!r})\n"
           if method else "")
        + "print(json.dumps({}))\n")
    return run_measured(code)[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one performance per split")
    parser.add_argument("--split", choices=sorted(PIANO_SPLITS), help="run only this split")
    parser.add_argument("--seeds", type=int, default=2, help="takes per performance")
    args = parser.parse_args()
    from musicpractice.alignment import piano_check

    print(HEADER)
    ratios, longest = [], (0.0, None)
    for split, pieces in PIANO_SPLITS.items():
        if args.split and split != args.split:
            continue
        totals = {m: Outcome() for m in METHODS}
        for performance in pieces[:1] if args.quick else pieces:
            for seed in range(args.seeds):
                seed = seed + 7 * len(performance)  # the seeds of note_verdicts.py
                for method in METHODS:
                    piano_check.ACTIVATION_METHOD = method
                    totals[method].add(piano_outcome(performance, seed, Outcome()))
                y, sr, path = _take_audio(performance, seed)
                seconds = {m: _activation_seconds(y, sr, m) for m in METHODS}
                ratios.append(seconds["model"] / seconds["nmf"])
                longest = max(longest, (y.size / sr, path), key=lambda t: t[0])
        for method in METHODS:
            print(table_row(f"piano, {method}", split, totals[method]), flush=True)
    piano_check.ACTIVATION_METHOD = "auto"
    print(f"\nkey activation time, model / NMF: median {np.median(ratios):.2f} "
          f"(range {min(ratios):.2f}-{max(ratios):.2f}, {len(ratios)} takes)")
    if longest[1] is not None:
        base = _peak_memory_mb(longest[1], None)
        peak = {m: max(_peak_memory_mb(longest[1], m) - base, 1.0) for m in METHODS}
        print(f"peak memory of the key activation on the longest take ({longest[0]:.0f} s), "
              f"above reading it: model / NMF {peak['model'] / peak['nmf']:.2f} "
              f"({peak['model']:.0f} MB / {peak['nmf']:.0f} MB; baseline {base:.0f} MB)")


if __name__ == "__main__":
    main()
