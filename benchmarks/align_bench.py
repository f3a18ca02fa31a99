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
5. Long pair: the Schubert pair each played four times over (21 min, sixteen similar
   verses): every barline of every loop, time, CPU time and peak memory (synctoolbox too
   with ``--long-peers``; the chroma-DTW baseline's full cost matrix cannot be held).
6. Lead-in: two full takes, one with silence, noise, a tuning note or other music before
   the music; first onsets and all of them (Schubert, where the skip cost was chosen, and
   the held-out synthetic pairs).
7. Bar readings: bars whose tempo jumps from both neighbours and the score, unsure bars and
   their barline errors (Vienna renderings), the real Chopin takes as recorded and slowed.

Each alignment of sections 1 and 4 runs in its own process, so peak memory (max RSS,
including the interpreter and libraries) is its own. synctoolbox pins music21 < 10, so
it is installed into /tmp/peer-venv on first use. Usage:

    .venv/bin/python benchmarks/align_bench.py [--quick] [--only SECTION] [--long-peers]
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
from align_data import CACHE, DATA, read_barlines, read_match, render_midi  # noqa: E402

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

def _repeated(samples, sr, minutes):
    """``minutes`` a number: looped (cut) to that many minutes; a string "xN": played N
    times over, whole (the long pair, whose truth is every loop's barlines)."""
    if isinstance(minutes, str):
        return np.tile(samples, int(minutes[1:]))
    return np.resize(samples, int(minutes * 60 * sr))


def _load(path, minutes, sr=22050):
    from musicpractice.audio.io import load_signal

    y = load_signal(path, sr=sr).samples
    return _repeated(y, sr, minutes) if minutes else y


def _looped(path, minutes):
    """The file decoded at the analysis rate, looped to ``minutes`` (as the peers get it)."""
    import dataclasses

    from musicpractice.audio.io import load_signal

    signal = load_signal(path)
    return dataclasses.replace(signal, samples=_repeated(signal.samples, signal.sr, minutes))


def work_ours(take, ref, minutes, score=None, part=None):
    from musicpractice.alignment.pipeline import align_file, align_signal

    start, cpu = time.perf_counter(), time.process_time()
    if minutes:  # the product's own pipeline on the looped audio
        alignment = align_signal(_looped(take, minutes), _looped(ref, minutes))
    else:  # exactly what `musicpractice align TAKE --ref REFERENCE` runs, minus the comparison
        alignment = align_file(take, score or ref, part=part, compare=False).alignment
    seconds = time.perf_counter() - start
    return {"take_s": alignment.take_s.tolist(), "ref_s": alignment.ref.tolist(),
            "seconds": seconds, "cpu_s": time.process_time() - cpu,
            "confidence": alignment.overall_confidence}


def work_bars(take, score):
    """Ours only: the bar readings of a take compared with its score."""
    from musicpractice.alignment.pipeline import align_file

    result = align_file(take, score)
    return {"bars": [{"measure": b.measure, "ref_quarter": b.ref_quarter, "take_s": b.take_s,
                      "tempo_bpm": b.tempo_bpm, "score_tempo_bpm": b.score_tempo_bpm,
                      "confidence": b.confidence, "reason": b.reason}
                     for b in result.comparison.bars]}


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
        fn = {"ours": work_ours, "chroma-dtw": work_librosa, "bars": work_bars}[method]
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
                errs, beat_errs, secs = [], [], []
                for p in who:
                    if p not in used or results[p] is None:
                        continue
                    q, _, onset_s = truths[p]
                    position = q + first_q if method == "ours" else (q + first_q) * spq
                    errs.append(np.abs(take_times(results[p], position) - onset_s))
                    beat_q, beat_s = beat_truth(score, q + first_q, onset_s)
                    beat_position = beat_q if method == "ours" else beat_q * spq
                    beat_errs.append(np.abs(take_times(results[p], beat_position) - beat_s))
                    secs.append(results[p]["seconds"])
                if not errs:
                    rows.append([piece, method, label, "failed", "", "", "", ""])
                    continue
                e, b = np.concatenate(errs), np.concatenate(beat_errs)
                rows.append([piece, method, f"{label} ({len(who)} takes, {e.size} notes)",
                             f"{1000 * np.median(e):.0f} ms", f"{100 * np.mean(e <= 0.05):.1f} %",
                             f"{100 * np.mean(e <= 0.1):.1f} %",
                             f"{100 * np.mean(b <= 0.1):.1f} % of {b.size}",
                             f"{np.mean(secs):.2f} s"])
    print("\n2. Vienna 4x22: rendered performances aligned to the score, every matched note onset; "
          "beats: every beat of the time signature that has a note, at its notes' median onset")
    print(table(rows, ["piece", "method", "takes", "median error", "<= 50 ms", "<= 100 ms",
                       "beats <= 100 ms", "time per take"]))


def beat_truth(score, note_q, onset_s):
    """Beats of the score (time-signature beats, quarter notes) on which a matched note
    starts, and the median performed onset of those notes (seconds)."""
    positions, times = [], []
    for m in score.measures:
        for k in range(max(1, int(round(m.duration_quarter / m.beat_quarter)))):
            q = m.start_quarter + k * m.beat_quarter
            at = np.abs(note_q - q) < 1e-3
            if at.any():
                positions.append(q)
                times.append(float(np.median(onset_s[at])))
    return np.array(positions), np.array(times)


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


def bar_readings(quick: bool):
    """Bar tempo readings against the truth: Vienna renderings (barline truth from the match
    files) and the real Chopin takes, as recorded and slowed to 70 % (no barline truth)."""
    import librosa
    import soundfile as sf

    from musicpractice.alignment.bar_checks import UNSURE_CONFIDENCE, tempo_jumps

    rows = []
    for piece in ("Chopin_op10_no3", "Mozart_K331_1st-mov"):
        score_path = DATA / "vienna4x22" / "musicxml" / f"{piece}.musicxml"
        from musicpractice.score import load_score

        first_q = min(n.onset_quarter for n in load_score(score_path).notes)
        performers = [f"p{k:02d}" for k in range(1, 23)][: 2 if quick else 22]
        takes = [render_midi(DATA / "vienna4x22" / "midi" / f"{piece}_{p}.mid") for p in performers]
        results = run_jobs("bars", [[str(t), str(score_path)] for t in takes])
        counts = dict(bars=0, jumps=0, sure_jumps=0, sure_off=0, unsure=0, unsure_off=0,
                      sure_spikes=0)
        for p, result in zip(performers, results):
            if result is None:
                continue
            q, _, onset_s = read_match(DATA / "vienna4x22" / "match" / f"{piece}_{p}.match")
            _count_bars(result["bars"], q + first_q, onset_s, counts, tempo_jumps,
                        UNSURE_CONFIDENCE)
        rows.append([f"{piece} ({len(performers)} renderings)", counts["bars"], counts["jumps"],
                     f"{counts['unsure']} ({counts['unsure_off']} truly > 100 ms off)",
                     f"{counts['sure_jumps']} ({counts['sure_off']} truly > 100 ms off)",
                     counts["sure_spikes"]])
    score_path = DATA / "vienna4x22" / "musicxml" / "Chopin_op10_no3.musicxml"
    for who in ("Igoshina", "Varsi"):
        path = DATA / f"Chopin_Op010-03-Measures1-8_{who}.wav"
        jobs = [[str(path), str(score_path)]]
        slow = CACHE / f"{path.stem}_70pct.wav"
        if not slow.is_file():
            y, sr = librosa.load(path, sr=22050)
            sf.write(slow, librosa.effects.time_stretch(y, rate=0.7), sr)
        jobs.append([str(slow), str(score_path)])
        for label, result in zip(("as recorded", "slowed to 70 %"), run_jobs("bars", jobs)):
            if result is None:
                rows.append([f"{who} {label}", "failed", "", "", "", ""])
                continue
            counts = dict(bars=0, jumps=0, sure_jumps=0, sure_off=0, unsure=0, unsure_off=0,
                          sure_spikes=0)
            _count_bars(result["bars"], None, None, counts, tempo_jumps, UNSURE_CONFIDENCE)
            rows.append([f"Chopin {who}, real, {label}", counts["bars"], counts["jumps"],
                         f"{counts['unsure']} (no barline truth)",
                         f"{counts['sure_jumps']}", counts["sure_spikes"]])
    print("\n7. Bar readings against the score: bars whose tempo jumps from both neighbours and "
          "the score; unsure bars; sure bars read over 2x or under 0.5x the take's median tempo")
    print(table(rows, ["takes", "bars", "tempo jumps", "unsure bars", "sure jumping bars",
                       "sure bars > 2x / < 0.5x median"]))


def _count_bars(bars, note_q, onset_s, counts, tempo_jumps, unsure_below):
    tempo = np.array([b["tempo_bpm"] for b in bars], dtype=float)
    marked = np.array([b["score_tempo_bpm"] for b in bars], dtype=float)
    jumps = tempo_jumps(tempo, marked)
    for b, jump in zip(bars, jumps):
        truth = np.nan
        if note_q is not None:
            at = np.abs(note_q - b["ref_quarter"]) < 1e-3
            truth = float(np.median(onset_s[at])) if at.any() else np.nan
        off = np.isfinite(truth) and abs(b["take_s"] - truth) > 0.1
        sure = b["confidence"] >= unsure_below
        counts["bars"] += 1
        counts["jumps"] += int(jump)
        counts["unsure"] += int(not sure)
        counts["unsure_off"] += int(not sure and off)
        counts["sure_jumps"] += int(jump and sure)
        counts["sure_off"] += int(jump and sure and off)
        ratio = b["tempo_bpm"] / np.nanmedian(tempo)
        counts["sure_spikes"] += int(sure and np.isfinite(ratio) and (ratio > 2 or ratio < 0.5))


LONG_LOOPS = 4


def long_pair(with_peers: bool = False):
    """The Schubert pair each played four times over (21 min, sixteen similar verses);
    ``with_peers``: synctoolbox too (long: run on request)."""
    truth_a, truth_b = (read_barlines(p.with_suffix(".csv")) for p in SCHUBERT)
    import soundfile as sf

    length = [sf.info(str(p)).duration for p in SCHUBERT]
    truth_a = np.concatenate([truth_a + k * length[0] for k in range(LONG_LOOPS)])
    truth_b = np.concatenate([truth_b + k * length[1] for k in range(LONG_LOOPS)])
    rows = []
    for method in ("ours", "synctoolbox") if with_peers else ("ours",):
        result = run_each(method, [[str(SCHUBERT[0]), str(SCHUBERT[1]), f"x{LONG_LOOPS}"]])[0]
        if result is None:
            rows.append([method, "failed", "", "", "", "", ""])
            continue
        errors = np.abs(take_times(result, truth_b) - truth_a)
        per_loop = np.array_split(errors <= 0.1, LONG_LOOPS)
        cpu = f"CPU {result['cpu_s']:.1f} s, " if "cpu_s" in result else ""
        rows.append([method, f"{1000 * np.median(errors):.0f} ms",
                     f"{100 * np.mean(errors <= 0.1):.1f} %",
                     " / ".join(f"{100 * np.mean(p):.0f}" for p in per_loop),
                     f"{result['seconds']:.1f} s ({cpu}load {os.getloadavg()[0]:.0f})",
                     f"{result['peak_mb']:.0f} MB",
                     f"{result['confidence']:.2f}" if "confidence" in result else "-"])
    minutes = LONG_LOOPS * max(length) / 60
    n = minutes * 60 * 22050 / 512
    rows.append(["chroma-dtw", "not run", "", "", "",
                 f"full cost matrix: {n * n * 8 / 1e9:.0f} GB", ""])
    if not with_peers:
        rows.append(["synctoolbox", "not run (--long-peers)", "", "", "", "", ""])
    print(f"\n5. Long pair: the Schubert pair each played {LONG_LOOPS} times over "
          f"({minutes:.1f} min), every barline of SC06 mapped onto HU33 ({truth_a.size} barlines; "
          "targets: >= 90 % within 100 ms, < 30 s, < 1 GB)")
    print(table(rows, ["method", "median error", "<= 100 ms", "<= 100 ms per loop (%)",
                       "time", "peak memory", "confidence"]))


def _lead_ins(sr=22050):
    """What may come before the music: (name, samples)."""
    from musicpractice.audio.io import load_signal

    rng = np.random.default_rng(0)
    other = load_signal(DATA / "Chopin_Op010-03-Measures1-8_Varsi.wav", sr=sr).samples
    t = np.arange(3 * sr) / sr
    tuning = 0.1 * np.sin(2 * np.pi * 440 * t) * np.exp(-t / 2)
    return [("8 s silence", np.zeros(8 * sr)),
            ("5 s noise", 0.03 * rng.standard_normal(5 * sr)),
            ("tuning A + 2 s silence", np.concatenate([tuning, np.zeros(2 * sr)])),
            ("7 s other piano music", other[:7 * sr])]


def lead_in():
    """Full takes, one with something else before the music (held out: the synthetic
    pairs; the Schubert pair is where the skip cost was chosen)."""
    import json as _json

    import soundfile as sf

    from musicpractice.audio.io import load_signal

    CACHE.mkdir(exist_ok=True)
    synth = DATA.parent / "synth"
    pairs = [("Schubert (tuned on)", SCHUBERT[0], SCHUBERT[1],
              *(read_barlines(p.with_suffix(".csv")) for p in SCHUBERT))]
    for name in ("pair_piano_00", "pair_chorale_00"):
        truth = _json.loads((synth / f"{name}.pair.json").read_text())["onsets"]
        pairs.append((f"{name} (held out)", synth / f"{name}_A.flac", synth / f"{name}_B.flac",
                      np.array(truth["t_a"]), np.array(truth["t_b"])))
    rows = []
    for label, path_a, path_b, truth_a, truth_b in pairs:
        a = load_signal(path_a, sr=22050).samples
        for kind, head in _lead_ins():
            for side in ("take", "reference"):
                take = CACHE / f"leadin-{path_a.stem}-{kind.replace(' ', '_')}-{side}.wav"
                if side == "take":
                    sf.write(take, np.concatenate([head, a]).astype(np.float32), 22050)
                    ref, lead_a, lead_b = path_b, head.size / 22050, 0.0
                else:  # the reference has the lead-in: B with it, A as recorded
                    b = load_signal(path_b, sr=22050).samples
                    sf.write(take, np.concatenate([head, b]).astype(np.float32), 22050)
                    take, ref = path_a, take
                    lead_a, lead_b = 0.0, head.size / 22050
                for method in ("ours", "chroma-dtw"):
                    if method != "ours" and path_a in SCHUBERT and "other" not in kind:
                        continue  # the 5-min peer runs take minutes each: one case shown
                    result = run_jobs(method, [[str(take), str(ref), 0]])[0]
                    if result is None:
                        rows.append([label, kind, side, method, "failed", "", ""])
                        continue
                    errors = np.abs(take_times(result, truth_b + lead_b) - (truth_a + lead_a))
                    rows.append([label, kind, side, method,
                                 f"{1000 * np.median(errors[:3]):.0f} ms",
                                 f"{1000 * np.median(errors):.0f} ms",
                                 f"{100 * np.mean(errors <= 0.1):.0f} %"])
    print("\n6. Lead-in: one of two full takes has something else before the music; "
          "first three barlines/onsets and all of them")
    print(table(rows, ["pair", "before the music", "in", "method", "first 3 (median)",
                       "median error", "<= 100 ms"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=3, metavar=("METHOD", "JOBS", "OUT"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="fewer takes, no 20-minute run")
    parser.add_argument("--long-peers", action="store_true",
                        help="also run synctoolbox on the 21-minute long pair (slow)")
    parser.add_argument("--only", choices=("schubert", "vienna", "chopin", "scale", "long",
                                           "leadin", "bars"))
    args = parser.parse_args()
    if args.worker:
        return worker_main(args.worker)
    if not DATA.is_dir():
        sys.exit(f"benchmark data not found at {DATA}")
    print(f"musicpractice alignment benchmark, {time.strftime('%Y-%m-%d %H:%M')}, "
          f"{os.cpu_count()} CPUs")
    sections = {"schubert": schubert, "vienna": lambda: vienna(args.quick), "chopin": chopin,
                "scale": lambda: scale(args.quick), "long": lambda: long_pair(args.long_peers), "leadin": lead_in,
                "bars": lambda: bar_readings(args.quick)}
    for name, fn in sections.items():
        if args.only in (None, name):
            fn()


if __name__ == "__main__":
    main()
