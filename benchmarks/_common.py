"""Shared helpers of the benchmark scripts: where the data is, timing, peak memory."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def require_data() -> Path:
    """The annotated recordings folder, or exit with a message."""
    if not SHARED_DATA.is_dir():
        sys.exit(f"benchmark data not found at {SHARED_DATA} (see ../shared/data/README.md)")
    return SHARED_DATA


def timed(fn, *args, **kwargs):
    """``(result, seconds)`` of one call."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def run_measured(code: str) -> tuple[dict, float, float]:
    """Run Python ``code`` in a fresh interpreter; it must print one JSON line last.

    Returns ``(that JSON, wall seconds, peak resident memory in MB)`` -- the peak of the
    child alone, so imports and earlier work of this process don't count.
    """
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak_kb < before:  # ru_maxrss of children is the max over all of them so far
        peak_kb = before
    return json.loads(proc.stdout.strip().splitlines()[-1]), seconds, peak_kb / 1024.0


# ---------------------------------------------------------------- evaluation helpers

def read_times(path: Path):
    """First column of an annotation file (csv or whitespace separated, ``#`` comments),
    as a float array of seconds."""
    import numpy as np

    rows = [line.replace(",", " ").split() for line in path.read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    return np.array([float(row[0]) for row in rows])


def f_measure(reference, estimate) -> float:
    """mir_eval's beat F-measure (70 ms window), the first 5 s of both trimmed as usual."""
    import mir_eval

    return float(mir_eval.beat.f_measure(mir_eval.beat.trim_beats(reference),
                                         mir_eval.beat.trim_beats(estimate)))


def note_f1(notes, onsets_s, offsets_s, pitches_hz) -> float:
    """Note F-measure of ``notes`` (objects with ``onset_s``, ``offset_s``, ``median_hz``)
    against reference notes: mir_eval transcription, onsets within 50 ms, pitch within 50
    cents, offsets ignored."""
    import mir_eval
    import numpy as np

    est_intervals = np.array([[n.onset_s, n.offset_s] for n in notes]).reshape(-1, 2)
    est_pitches = np.array([n.median_hz for n in notes])
    _, _, f1, _ = mir_eval.transcription.precision_recall_f1_overlap(
        np.column_stack([onsets_s, offsets_s]), np.asarray(pitches_hz), est_intervals, est_pitches,
        onset_tolerance=0.05, pitch_tolerance=50.0, offset_ratio=None)
    return f1
