"""Peak memory of the whole analysis of a one-hour, 44.1 kHz recording.

Builds a one-hour 44.1 kHz FLAC by looping a real 5:25 take (resampled), then runs
``analyze_file`` on it in a fresh interpreter and prints the peak resident memory.
The issue's target: under 1.5 GB.

Run: ./dev bench long_file_memory
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import soundfile as sf
import soxr

from _common import require_data, run_measured

HOUR_S = 3600
RATE_HZ = 44_100

CODE = """
import json, time
from musicpractice.analysis.take import analyze_file
t = time.perf_counter()
r = analyze_file({path!r})
print(json.dumps({{"seconds": time.perf_counter() - t, "duration_s": r.duration_s,
                   "notes": len(r.notes), "beats": len(r.tempo.beats_s)}}))
"""


def write_hour(source: Path, target: Path) -> None:
    y, sr = sf.read(source, dtype="float32")
    if y.ndim > 1:
        y = y.mean(axis=1)
    y = soxr.resample(y, sr, RATE_HZ)
    with sf.SoundFile(target, "w", RATE_HZ, 1, format="FLAC", subtype="PCM_16") as out:
        written = 0
        while written < HOUR_S * RATE_HZ:
            piece = y[: HOUR_S * RATE_HZ - written]
            out.write(piece)
            written += len(piece)


def main() -> None:
    data = require_data()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hour.flac"
        write_hour(data / "alignment" / "Schubert_D911-01_SC06.flac", path)
        result, wall, peak_mb = run_measured(CODE.format(path=str(path)))
    print(f"one hour at {RATE_HZ} Hz: analysed {result['duration_s'] / 60:.1f} min in "
          f"{result['seconds']:.0f} s ({result['duration_s'] / result['seconds']:.0f}x real time), "
          f"{result['beats']} beats, {result['notes']} notes")
    print(f"peak resident memory: {peak_mb:.0f} MB (target < 1500 MB)")


if __name__ == "__main__":
    main()
