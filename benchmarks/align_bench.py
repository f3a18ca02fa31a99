"""Alignment benchmark: musicpractice against synctoolbox (MrMsDTW) and a home-made baseline,
chroma DTW built from librosa's chroma_cqt (with its own tuning estimate) and dtw.

Runs every method on the same files in one run and prints tables with accuracy and the
speed and memory *ratios* against ours:

1. Schubert D911-01, two real takes (singer + piano): every barline of one take mapped
   onto the other (truth: the Schubert Winterreise Dataset measure annotations).
2. Vienna 4x22: real pianists' performance MIDI rendered with FluidSynth, aligned to the
   MusicXML score; every matched score note's aligned onset against the .match truth.
   Peers align to the score rendered to audio (they cannot read a score).
3. Chopin Op.10/3 bars 1-8, two real recordings against the MIDI score: first and last
   note onsets against an onset detector's first/last onset in the recording (target:
   within 100 ms).
4. Scale: the Schubert pair looped to 1, 5 and 20 minutes: time and peak memory.

Each alignment of sections 1 and 4 runs in its own process, so peak memory (max RSS,
including the interpreter and libraries) is its own. synctoolbox pins music21 < 10, so
it is installed into /tmp/peer-venv on first use. Usage:

    .venv/bin/python benchmarks/align_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from align_data import DATA, read_barlines, read_match, render_midi  # noqa: E402

HERE = Path(__file__).resolve().parent
PEER_VENV = Path("/tmp/peer-venv")
PEER_SCRIPT = HERE / "align_peer_synctoolbox.py"
METHODS = ("ours", "synctoolbox", "chroma-dtw")
"""``chroma-dtw``: our baseline from librosa parts (chroma_cqt + dtw), not a librosa aligner."""
PEER_STEP = 11
"""Peers align every PEER_STEP-th Vienna performance (p01, p12): synctoolbox needs
minutes per take on this machine."""
SCHUBERT = (DATA / "Schubert_D911-01_HU33.flac", DATA / "Schubert_D911-01_SC06.flac")


# ---------------------------------------------------------------- workers (one process each)

def _load(path, minutes, sr=22050):
    from musicpractice.audio.io import load_signal

    y = load_signal(path, sr=sr).samples
    return np.resize(y, int(minutes * 60 * sr)) if minutes else y


def _looped(path, minutes):
    """The file decoded at the analysis rate, looped to ``minutes`` (as the peers get it)."""
    import dataclasses

    from musicpractice.audio.io import load_signal

    signal = load_signal(path)
    return dataclasses.replace(signal, samples=np.resize(signal.samples,
                                                         int(minutes * 60 * signal.sr)))


def work_ours(take, ref, minutes, score=None, part=None):
    from musicpractice.alignment.pipeline import align_file, align_signal

    start = time.perf_counter()
    if minutes:  # the product's own pipeline on the looped audio
        alignment = align_signal(_looped(take, minutes), _looped(ref, minutes))
    else:  # exactly what `musicpractice align TAKE --ref REFERENCE` runs, minus the comparison
        alignment = align_file(take, score or ref, part=part, compare=False).alignment
    seconds = time.perf_counter() - start
    return {"take_s": alignment.take_s.tolist(), "ref_s": alignment.ref.tolist(),
            "seconds": seconds, "confidence": alignment.overall_confidence}


def work_librosa(take, ref, minutes):
    import librosa

    start = time.perf_counter()
    hop = 512
    a, b = _load(take, minutes), _load(ref, minutes)
    # tuning=None: chroma_cqt estimates each recording's tuning itself, as ours does
    ca = librosa.feature.chroma_cqt(y=a, sr=22050, hop_length=hop, tuning=None)
    cb = librosa.feature.chroma_cqt(y=b, sr=22050, hop_length=hop, tuning=None)
    _, wp = librosa.sequence.dtw(X=ca, Y=cb, metric="cosine")
    wp = wp[::-1]
    seconds = time.perf_counter() - start
    return {"take_s": (wp[:, 0] * hop / 22050).tolist(), "ref_s": (wp[:, 1] * hop / 22050).tolist(),
            "seconds": seconds}


def worker_main(argv):
    method, pairs_file, out_file = argv
    results = []
    for job in json.load(open(pairs_file)):
        fn = {"ours": work_ours, "chroma-dtw": work_librosa}[method]
        result = fn(*job)
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results.append(result)
    with open(out_file, "w") as out:
        json.dump(results, out)


# ---------------------------------------------------------------- running the methods

def ensure_peer_venv():
    python = PEER_VENV / "bin" / "python"
    if python.is_file():
        check = subprocess.run([str(python), "-c", "import synctoolbox, soundfile"],
                               capture_output=True)
        if check.returncode == 0:
            return python
    print("installing synctoolbox into", PEER_VENV, "(first run only) ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "synctoolbox", "soundfile"],
                   check=True)
    return python


def run_jobs(method, jobs):
    """Run ``jobs`` (lists of worker arguments) with ``method`` in one fresh process each
    batch; returns the list of results (None where the method failed)."""
    with tempfile.TemporaryDirectory() as folder:
        jobs_file, out_file = Path(folder) / "jobs.json", Path(folder) / "out.json"
        jobs_file.write_text(json.dumps(jobs))
        if method == "synctoolbox":
            cmd = [str(ensure_peer_venv()), str(PEER_SCRIPT), str(jobs_file), str(out_file)]
        else:
            cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", method,
                   str(jobs_file), str(out_file)]
        done = subprocess.run(cmd, capture_output=True, text=True,
                              env={**os.environ, "PYTHONWARNINGS": "ignore"})
        if done.returncode != 0 or not out_file.is_file():
            print(f"{method} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
            return [None] * len(jobs)
        return json.loads(out_file.read_text())


def run_each(method, jobs):
    """One process per job (for honest peak memory)."""
    return [run_jobs(method, [job])[0] for job in jobs]


def take_times(result, ref_positions):
    """Take times of reference positions along a path (stairs averaged, as ours does)."""
    ref = np.asarray(result["ref_s"])
    take = np.asarray(result["take_s"])
    keys, inverse = np.unique(ref, return_inverse=True)
    values = np.bincount(inverse, weights=take) / np.bincount(inverse)
    return np.interp(ref_positions, keys, values)


def ratio(ours, theirs):
    return f"{theirs / ours:.1f}x" if ours and theirs else "-"


def table(rows, header):
    widths = [max(len(str(r[k])) for r in rows + [header]) for k in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------- sections

def schubert():
    truth_a, truth_b = (read_barlines(p.with_suffix(".csv")) for p in SCHUBERT)
    rows, base = [], None
    for method in METHODS:
        result = run_each(method, [[str(SCHUBERT[0]), str(SCHUBERT[1]), 0]])[0]
        if result is None:
            rows.append([method, "failed", "", "", "", "", ""])
            continue
        errors = np.abs(take_times(result, truth_b) - truth_a)
        if method == "ours":
            base = result
        rows.append([method, f"{1000 * np.median(errors):.0f} ms",
                     f"{100 * np.mean(errors <= 0.05):.0f} %", f"{100 * np.mean(errors <= 0.1):.0f} %",
                     f"{result['seconds']:.1f} s ({ratio(base['seconds'], result['seconds'])})",
                     f"{result['peak_mb']:.0f} MB ({ratio(base['peak_mb'], result['peak_mb'])})",
                     f"{result.get('confidence', float('nan')):.2f}"])
    print("\n1. Schubert D911-01 HU33 <-> SC06: every barline of SC06 mapped onto HU33 "
          f"({truth_a.size} barlines)")
    print(table(rows, ["method", "median error", "<= 50 ms", "<= 100 ms",
                       "time (x ours)", "peak memory (x ours)", "confidence"]))


def score_midi_and_audio(score_path: Path, work: Path):
    """The score written to MIDI at its marked tempo (for the peers), rendered to audio."""
    import music21

    from musicpractice.score import load_score

    score = load_score(score_path)
    stream = music21.stream.Stream()
    stream.insert(0, music21.tempo.MetronomeMark(number=score.tempos[0].bpm_quarter))
    for n in score.notes:
        stream.insert(n.onset_quarter, music21.note.Note(n.midi, quarterLength=n.duration_quarter))
    midi = work / (score_path.stem + ".score.mid")
    stream.write("midi", fp=midi)
    return score, render_midi(midi)


def vienna(quick: bool):
    work = Path(tempfile.gettempdir()) / "musicpractice-align-bench"
    work.mkdir(exist_ok=True)
    rows = []
    for piece in ("Chopin_op10_no3", "Mozart_K331_1st-mov"):
        score_path = DATA / "vienna4x22" / "musicxml" / f"{piece}.musicxml"
        score, score_audio = score_midi_and_audio(score_path, work)
        first_q = min(n.onset_quarter for n in score.notes)
        spq = 60.0 / score.tempos[0].bpm_quarter
        performers = [f"p{k:02d}" for k in range(1, 23)]
        subset = performers[::PEER_STEP] if not quick else performers[:1]
        takes = {p: render_midi(DATA / "vienna4x22" / "midi" / f"{piece}_{p}.mid") for p in performers}
        truths = {p: read_match(DATA / "vienna4x22" / "match" / f"{piece}_{p}.match") for p in performers}
        ours_all = run_jobs("ours", [[str(takes[p]), None, 0, str(score_path)] for p in performers])
        for method in METHODS:
            if method == "ours":
                results = dict(zip(performers, ours_all))
                used = performers
            else:
                jobs = [[str(takes[p]), str(score_audio), 0] for p in subset]
                results = dict(zip(subset, run_jobs(method, jobs)))
                used = subset
            for label, who in (("all 22", performers), ("subset", subset)):
                if method != "ours" and label == "all 22":
                    continue
                errs, secs = [], []
                for p in who:
                    if p not in used or results[p] is None:
                        continue
                    q, _, onset_s = truths[p]
                    position = q + first_q if method == "ours" else (q + first_q) * spq
                    errs.append(np.abs(take_times(results[p], position) - onset_s))
                    secs.append(results[p]["seconds"])
                if not errs:
                    rows.append([piece, method, label, "failed", "", "", ""])
                    continue
                e = np.concatenate(errs)
                rows.append([piece, method, f"{label} ({len(who)} takes, {e.size} notes)",
                             f"{1000 * np.median(e):.0f} ms", f"{100 * np.mean(e <= 0.05):.1f} %",
                             f"{100 * np.mean(e <= 0.1):.1f} %", f"{np.mean(secs):.2f} s"])
    print("\n2. Vienna 4x22: rendered performances aligned to the score, every matched note onset")
    print(table(rows, ["piece", "method", "takes", "median error", "<= 50 ms", "<= 100 ms",
                       "time per take"]))


def first_last_onsets(path):
    """First and last note onset of a recording, by librosa's onset detector (peaks, not
    backtracked). The last one with a lower threshold: the score's final notes are
    marked velocity 14 and 24, and the default threshold misses them in one take."""
    import librosa

    y, sr = librosa.load(path, sr=22050)
    first = librosa.onset.onset_detect(y=y, sr=sr, units="time")[0]
    last = librosa.onset.onset_detect(y=y, sr=sr, units="time", delta=0.03)[-1]
    return first, last


def chopin():
    midi = DATA / "Chopin_Op010-03-Measures1-8_MIDI.mid"
    from musicpractice.score import load_score

    score = load_score(midi)
    q_first = min(n.onset_quarter for n in score.notes)
    q_last = max(n.onset_quarter for n in score.notes)
    work = Path(tempfile.gettempdir()) / "musicpractice-align-bench"
    score_audio = render_midi(midi)
    spq = 60.0 / score.tempos[0].bpm_quarter
    rows = []
    for who in ("Igoshina", "Varsi"):
        take = DATA / f"Chopin_Op010-03-Measures1-8_{who}.wav"
        truth = first_last_onsets(take)
        for method in METHODS:
            if method == "ours":
                result = run_jobs("ours", [[str(take), None, 0, str(midi)]])[0]
                positions = [q_first, q_last]
            else:
                result = run_jobs(method, [[str(take), str(score_audio), 0]])[0]
                positions = [q_first * spq, q_last * spq]
            if result is None:
                rows.append([who, method, "failed", ""])
                continue
            found = take_times(result, positions)
            rows.append([who, method, f"{1000 * (found[0] - truth[0]):+.0f} ms",
                         f"{1000 * (found[1] - truth[1]):+.0f} ms"])
    print("\n3. Chopin Op.10/3 bars 1-8, real recordings against the MIDI score: first and last "
          "note onset minus the onset detector's first and last onset\n   (truth derived from "
          "librosa's onset detector, not from annotations: an error of a few tens of ms can be "
          "the detector's)")
    print(table(rows, ["take", "method", "start error", "end error"]))
    del work


def scale(quick: bool):
    minutes_list = (1, 5) if quick else (1, 5, 20)
    rows = []
    base = {}
    for minutes in minutes_list:
        for method in METHODS:
            if method == "chroma-dtw" and minutes > 5:
                n = minutes * 60 * 22050 / 512
                rows.append([f"{minutes} min", method, "not run",
                             f"full cost matrix would need {n * n * 8 / 1e9:.0f} GB", ""])
                continue
            if method == "synctoolbox" and minutes > 1:
                rows.append([f"{minutes} min", method, "not run", "(see section 1 for 5 min)", ""])
                continue
            result = run_each(method, [[str(SCHUBERT[0]), str(SCHUBERT[1]), minutes]])[0]
            if result is None:
                rows.append([f"{minutes} min", method, "failed", "", ""])
                continue
            if method == "ours":
                base[minutes] = result
            ours = base.get(minutes)
            rows.append([f"{minutes} min", method,
                         f"{result['seconds']:.1f} s ({ratio(ours['seconds'], result['seconds'])})",
                         f"{result['peak_mb']:.0f} MB ({ratio(ours['peak_mb'], result['peak_mb'])})",
                         f"{result['seconds'] / (minutes * 60):.3f}"])
    print("\n4. Scale: the Schubert pair looped to N minutes each (time includes decoding)")
    print(table(rows, ["length", "method", "time (x ours)", "peak memory (x ours)",
                       "s per minute of take"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=3, metavar=("METHOD", "JOBS", "OUT"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="fewer takes, no 20-minute run")
    parser.add_argument("--only", choices=("schubert", "vienna", "chopin", "scale"))
    args = parser.parse_args()
    if args.worker:
        return worker_main(args.worker)
    if not DATA.is_dir():
        sys.exit(f"benchmark data not found at {DATA}")
    print(f"musicpractice alignment benchmark, {time.strftime('%Y-%m-%d %H:%M')}, "
          f"{os.cpu_count()} CPUs")
    sections = {"schubert": schubert, "vienna": lambda: vienna(args.quick), "chopin": chopin,
                "scale": lambda: scale(args.quick)}
    for name, fn in sections.items():
        if args.only in (None, name):
            fn()


if __name__ == "__main__":
    main()
