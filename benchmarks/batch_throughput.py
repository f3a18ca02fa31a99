"""Batch analysis throughput on Dask, and memory per worker on a one-hour file.

Three set-ups analyse the same files, each from a cold start (fresh worker processes, empty
file cache; nobody is warmed up): a LocalCluster with 1 worker, with 2 workers, and a
scheduler plus two workers started by hand on 127.0.0.1 (``dask scheduler``, ``dask
worker``), as on a real cluster. Printed: files per minute, audio minutes per wall minute,
and the ratios. Then one worker analyses a one-hour 44.1 kHz FLAC and reports its peak
resident memory (the worker process's own ``ru_maxrss``).

Run: ./dev bench batch_throughput [--files N] [--no-hour]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import soundfile as sf

from _common import require_data
from long_file_memory import write_hour

from musicpractice.workspace.batch import BatchOptions, find_audio_files, run_batch

BIN = Path(sys.executable).parent


def material(data: Path, count: int) -> list[Path]:
    """``count`` real recordings of 3 s to 5 min from the shared data (sorted, repeatable)."""
    pool = find_audio_files([data / "beats", data / "melody", data / "tuning", data / "synth"])
    pool = [p for p in pool if 2.0 <= sf.info(p).duration <= 330.0]
    return pool[:count]


def measure(files: list[Path], work: Path, name: str, **cluster) -> dict:
    table = work / f"{name}.csv"
    options = BatchOptions(voice="wide", cache_root=str(work / f"cache-{name}"))
    start = time.perf_counter()
    summary = run_batch(files, table, options=options, **cluster)
    seconds = time.perf_counter() - start
    audio_min = sum(sf.info(f).duration for f in files) / 60
    return {"name": name, "seconds": seconds, "files": summary.analysed,
            "failed": summary.failed, "files_per_min": 60 * summary.analysed / seconds,
            "audio_min_per_min": audio_min / (seconds / 60)}


class HandStartedCluster:
    """``dask scheduler`` and ``dask worker`` processes on 127.0.0.1, as an admin would start them."""

    def __init__(self, workers: int, memory_limit: str = "4GiB") -> None:
        self.folder = Path(tempfile.mkdtemp())
        self.address_file = self.folder / "scheduler.json"
        self.processes = [subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--scheduler-file", str(self.address_file)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        deadline = time.monotonic() + 60
        while not self.address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        for i in range(workers):
            self.processes.append(subprocess.Popen(
                [str(BIN / "dask"), "worker", "--scheduler-file", str(self.address_file),
                 "--nthreads", "1", "--nworkers", "1", "--memory-limit", memory_limit,
                 "--host", "127.0.0.1", "--no-dashboard", "--name", f"hand-{i}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        import json

        from distributed import Client

        self.address = json.loads(self.address_file.read_text())["address"]
        with Client(self.address) as client:
            client.wait_for_workers(workers, timeout=120)

    def peak_rss_mb(self) -> dict:
        from distributed import Client

        def peak():
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        with Client(self.address) as client:
            return client.run(peak)

    def close(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            process.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=16)
    parser.add_argument("--no-hour", action="store_true")
    parser.add_argument("--hour-only", action="store_true")
    args = parser.parse_args()
    data = require_data()
    files = material(data, args.files)
    print(f"{len(files)} files, {sum(sf.info(f).duration for f in files) / 60:.1f} min of audio; "
          f"{os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.hour_only:
            throughput(files, work)
        if not args.no_hour:
            hour_memory(data, work)


def throughput(files: list[Path], work: Path) -> None:
    """Files per minute with 1 and 2 local workers and a hand-started cluster."""
    results = [measure(files, work, "local, 1 worker", workers=1),
               measure(files, work, "local, 2 workers", workers=2)]
    hand = HandStartedCluster(2)
    try:
        results.append(measure(files, work, "scheduler + 2 workers by hand",
                               scheduler=hand.address))
    finally:
        hand.close()
    base = results[0]["files_per_min"]
    print(f"\n{'set-up':32} {'s':>7} {'files/min':>10} {'audio min/min':>14} {'vs 1 worker':>12}")
    for r in results:
        print(f"{r['name']:32} {r['seconds']:7.1f} {r['files_per_min']:10.2f} "
              f"{r['audio_min_per_min']:14.1f} {r['files_per_min'] / base:11.2f}x"
              + (f"  ({r['failed']} failed)" if r["failed"] else ""))


def hour_memory(data: Path, work: Path) -> None:
    """Peak memory of one worker analysing a one-hour 44.1 kHz FLAC."""
    hour = work / "hour" / "hour.flac"
    hour.parent.mkdir()
    write_hour(data / "alignment" / "Schubert_D911-01_SC06.flac", hour)
    one = HandStartedCluster(1)
    try:
        before = one.peak_rss_mb()
        r = measure([hour], work, "one-hour file, 1 worker", scheduler=one.address)
        after = one.peak_rss_mb()
    finally:
        one.close()
    (idle,), (peak,) = before.values(), after.values()
    print(f"\nOne-hour 44.1 kHz FLAC on one worker: {r['seconds']:.0f} s, "
          f"worker peak RSS {peak:.0f} MB (idle worker {idle:.0f} MB)")


if __name__ == "__main__":
    main()
