"""How long opening a session takes: 50 takes of 5 minutes each, analyses cached.

Builds the session in a temporary folder (one 5-minute FLAC, hard-linked into every take,
so the disk cost is one file), each take with the result the app really caches for it:
the take analysis (stage ``take_analysis``, written by
:func:`musicpractice.workspace.derived.ensure_analysis`; the FLAC is analysed once and
that result stored for every take), then times, on the same folder:

* ``Session.open`` for changes (lock, migrations check, interrupted-take scan) and read-only;
* ``Session.open`` + every take's cached analysis, read as the window reads them when a
  session opens (:func:`~musicpractice.workspace.derived.cached_analysis`);
* peer "naive": read every take.json and ask libsndfile for every FLAC header (what an
  app that trusts only the audio files would do);
* peer "naive + results": the same, plus loading every cached result up front;
* floor: ``json.load`` of every take.json and nothing else.

"found" is the share of takes whose id and duration each method reports correctly.
Prints medians of 7 runs and the ratio to ``Session.open``. Goal: under 1 s.

    ./dev bench session_open [--takes 50] [--minutes 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from musicpractice.analysis.take import analyze_file
from musicpractice.session.store import AUDIO_FILE, Session
from musicpractice.workspace.derived import cached_analysis, ensure_analysis

SR = 48_000
REPEATS = 7


def build(folder: Path, takes: int, minutes: float) -> tuple[Path, dict[str, float]]:
    frames = int(minutes * 60 * SR)
    master = folder / "master.flac"
    with sf.SoundFile(master, "w", SR, 1, "PCM_24", format="FLAC") as out:
        rng = np.random.default_rng(0)
        for start in range(0, frames, SR * 10):
            n = min(SR * 10, frames - start)
            t = (start + np.arange(n)) / SR
            out.write((0.2 * np.sin(2 * np.pi * 220 * t) + 0.001 * rng.standard_normal(n))
                      .astype(np.float32))
    with Session.create(folder / "bench", title="Benchmark") as session:
        first = session.import_audio(master, title="take 0", performer="Ann")
        path = session.path
    first_folder = path / "takes" / first.id
    take_doc = json.loads((first_folder / "take.json").read_text())
    for i in range(1, takes):
        clone = path / "takes" / f"{first.id}-{i:03d}"
        clone.mkdir()
        os.link(first_folder / AUDIO_FILE, clone / AUDIO_FILE)
        (clone / "take.json").write_text(json.dumps({**take_doc, "title": f"take {i}"}))
    analysis = analyze_file(master)
    with Session.open(path) as session:
        truth = {t.id: first.duration_s for t in session.takes}
        for take_id in truth:  # the app's own cache writer, fed the one analysis
            ensure_analysis(session, take_id, analyze=lambda _path, **_options: analysis)
    return path, truth


def ours_writable(path: Path) -> dict[str, float]:
    with Session.open(path) as session:
        return {t.id: t.duration_s for t in session.takes}


def ours_with_analyses(path: Path) -> dict[str, float]:
    with Session.open(path) as session:
        for take in session.takes:
            if cached_analysis(session, take.id) is None:
                raise RuntimeError(f"take {take.id}: the cached analysis was not found")
        return {t.id: t.duration_s for t in session.takes}


def ours_read_only(path: Path) -> dict[str, float]:
    with Session.open(path, read_only=True) as session:
        return {t.id: t.duration_s for t in session.takes}


def naive(path: Path, *, with_results: bool = False) -> dict[str, float]:
    found = {}
    for folder in sorted((path / "takes").iterdir()):
        json.loads((folder / "take.json").read_text())
        info = sf.info(str(folder / AUDIO_FILE))
        found[folder.name] = info.frames / info.samplerate
        if with_results:
            for cached in (path / "derived" / folder.name).iterdir():
                if cached.suffix == ".npz":
                    with np.load(cached, allow_pickle=False) as npz:
                        {k: npz[k] for k in npz.files}
                else:
                    json.loads(cached.read_text())
    return found


def floor(path: Path) -> dict[str, float]:
    found = {}
    for folder in sorted((path / "takes").iterdir()):
        doc = json.loads((folder / "take.json").read_text())
        found[folder.name] = doc["frames"] / doc["sample_rate_hz"]
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--takes", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mp-bench-session-") as tmp:
        t0 = time.perf_counter()
        path, truth = build(Path(tmp), args.takes, args.minutes)
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e9
        print(f"session: {args.takes} takes x {args.minutes:g} min, {SR} Hz; "
              f"{size:.1f} GB as seen by the methods (audio hard-linked); built in "
              f"{time.perf_counter() - t0:.0f} s\n")
        methods = [("Session.open (for changes)", ours_writable),
                   ("Session.open (read-only)", ours_read_only),
                   ("Session.open + cached analyses", ours_with_analyses),
                   ("peer: naive (json + FLAC headers)", naive),
                   ("peer: naive + load all results", lambda p: naive(p, with_results=True)),
                   ("floor: json.load only", floor)]
        rows = []
        for name, method in methods:
            times, found = [], {}
            for _ in range(REPEATS):
                start = time.perf_counter()
                found = method(path)
                times.append(time.perf_counter() - start)
            correct = sum(abs(found.get(k, -1) - v) < 1e-6 for k, v in truth.items())
            rows.append((name, statistics.median(times), correct / len(truth)))
        reference = rows[0][1]
        print(f"{'method':<36} {'median s':>9} {'x ours':>8} {'found':>7}")
        for name, seconds, found in rows:
            print(f"{name:<36} {seconds:9.4f} {seconds / reference:8.2f} {found:7.0%}")
        verdict = "PASS" if reference < 1.0 else "FAIL"
        print(f"\nopening for changes takes {reference * 1000:.0f} ms: {verdict} (goal < 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
