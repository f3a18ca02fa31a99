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
