"""Key estimation: musicpractice against a home-made baseline (librosa's chroma_cqt, with
its own tuning estimate, correlated with the Krumhansl-Kessler profiles: "chroma+KK") and,
when installed, Essentia's KeyExtractor, on the same signals in one run.

Run from the project root: ``.venv/bin/python benchmarks/key.py``.
Reads ../shared/data (see its README): the real labels of key/labels.tsv and the rendered
pieces of synth/ (labels marked unreliable -- modal Renaissance pieces -- are shown but not
scored), plus cadences and scales in all 24 keys rendered here with the product's built-in
piano voice (:func:`musicpractice.audio.synth_voice.render_note`; the key is known by
construction). Prints one row per file
(truth, each method's answer, our confidence) and a summary with exact accuracy, the
mir_eval weighted score, total time and the ratios ours/peer.

Every method is warmed up on the same signal before the timings. Essentia is AGPL: a
measurement peer only (``pip install essentia``), never a product dependency.
"""

from __future__ import annotations

import json
import time

import librosa
import mir_eval
import numpy as np
from _common import require_data

from musicpractice.analysis.key import estimate_key
from musicpractice.analysis.tuning import estimate_tuning
from musicpractice.audio.io import load_signal
from musicpractice.audio.synth_voice import render_note
from musicpractice.core.pitch import PITCH_CLASSES, pitch_class_index


try:
    import essentia
    import essentia.standard as es
    essentia.log.warningActive = False
    essentia.log.infoActive = False
except ImportError:  # optional peer
    es = None

SR = 22_050
MAJOR_STEPS = (0, 2, 4, 5, 7, 9, 11)
HARMONIC_MINOR_STEPS = (0, 2, 3, 5, 7, 8, 11)
KK_MAJOR = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
KK_MINOR = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)


def _notes(midis, seconds: float) -> np.ndarray:
    """The notes ``midis`` sounding together for ``seconds`` (built-in piano voice)."""
    return sum(render_note(m, seconds, sr=SR, timbre="piano") for m in midis) / len(midis)


def cadence(tonic_pc: int, mode: str) -> np.ndarray:
    """I-IV-V-I (minor: i-iv-V-i with the raised leading tone), bass in octave 2-3, 1 s
    a chord."""
    third, sixth = (4, 9) if mode == "major" else (3, 8)
    root = 48 + tonic_pc
    chords = ((0, third, 7), (5, sixth, 12), (7, 11, 14), (0, third, 7))
    return np.concatenate([_notes([root - 12 + c[0] % 12] + [root + 12 + s for s in c], 1.0)
                           for c in chords])


def scale(tonic_pc: int, mode: str) -> np.ndarray:
    """Up and down one octave (minor: harmonic minor) from the tonic above middle C."""
    steps = MAJOR_STEPS if mode == "major" else HARMONIC_MINOR_STEPS
    return np.concatenate([_notes([60 + tonic_pc + s], 0.35)
                           for s in steps + (12,) + steps[::-1]])


def ours(y: np.ndarray, sr: int) -> tuple[str, float]:
    tuning = estimate_tuning(y, sr)
    est = estimate_key(y, sr, tuning_hz=tuning.a4_hz)
    return f"{est.tonic} {est.mode}", est.confidence


def librosa_kk(y: np.ndarray, sr: int) -> tuple[str, float]:
    mean = librosa.feature.chroma_cqt(y=y, sr=sr, tuning=None).mean(axis=1)  # own tuning
    best, label = -2.0, ""
    for mode, profile in (("major", KK_MAJOR), ("minor", KK_MINOR)):
        for tonic in range(12):
            r = float(np.corrcoef(mean, np.roll(profile, tonic))[0, 1])
            if r > best:
                best, label = r, f"{PITCH_CLASSES[tonic]} {mode}"
    return label, best


def essentia_key(y: np.ndarray, sr: int) -> tuple[str, float]:
    tonic, mode, strength = es.KeyExtractor(sampleRate=float(sr))(y.astype(np.float32))
    return f"{PITCH_CLASSES[pitch_class_index(tonic)]} {mode}", float(strength)


METHODS = {"ours": ours, "chroma+KK": librosa_kk}
if es is not None:
    METHODS["essentia"] = essentia_key


def normalised(label: str) -> str:
    tonic, mode = label.split()
    return f"{PITCH_CLASSES[pitch_class_index(tonic)]} {mode}"


def cases(data):
    """(group, name, truth, signal, sample rate), group in real/synth/unreliable/24keys."""
    for row in (data / "key" / "labels.tsv").read_text().splitlines()[1:]:
        path, label = row.split("\t")[:2]
        signal = load_signal(data / "key" / path)
        yield "real", (data / "key" / path).name, normalised(label), signal.samples, signal.sr
    for meta in sorted((data / "synth").glob("*.json")):
        truth = json.loads(meta.read_text()).get("key")
        if not truth:
            continue
        signal = load_signal(meta.with_suffix(".flac"))
        group = "synth" if truth["reliable"] else "unreliable"
        yield group, meta.stem, normalised(truth["label"]), signal.samples, signal.sr
    for mode in ("major", "minor"):
        for pc in range(12):
            for make in (cadence, scale):
                label = f"{PITCH_CLASSES[pc]} {mode}"
                yield "24keys", f"{make.__name__} {label}", label, make(pc, mode), SR


def main() -> None:
    data = require_data()
    warm = cadence(0, "major")
    for method in METHODS.values():  # compile/caches outside the timings
        method(warm, SR)
    results = {name: {} for name in METHODS}
    seconds = {name: 0.0 for name in METHODS}
    header = f"{'group':10s} {'file':44s} {'truth':9s} " + " ".join(f"{m:>18s}" for m in METHODS)
    print(header)
    print("-" * len(header))
    for group, name, truth, y, sr in cases(data):
        cells = []
        for method_name, method in METHODS.items():
            start = time.perf_counter()
            label, confidence = method(y, sr)
            seconds[method_name] += time.perf_counter() - start
            results[method_name].setdefault(group, []).append((truth, label))
            mark = " " if label == truth else "x"
            cells.append(f"{mark}{label:>11s} {confidence:4.2f}")
        if group != "24keys":
            print(f"{group:10s} {name[:44]:44s} {truth:9s} " + " ".join(f"{c:>18s}" for c in cells))
    print("\n(x = wrong; the number after each answer is its confidence/strength)")
    print(f"\n{'group':12s} {'method':9s} {'exact':>9s} {'mirex':>6s}")
    for group in ("real", "synth", "unreliable", "24keys"):
        for method_name in METHODS:
            pairs = results[method_name].get(group, [])
            exact = sum(t == e for t, e in pairs)
            weighted = np.mean([mir_eval.key.weighted_score(t, e) for t, e in pairs])
            print(f"{group:12s} {method_name:9s} {exact:>4d}/{len(pairs):<4d} {weighted:6.3f}")
    print("\nscored = real + synth (reliable) + 24keys")
    mine = results["ours"]
    for method_name in METHODS:
        scored = [p for g in ("real", "synth", "24keys") for p in results[method_name].get(g, [])]
        exact = sum(t == e for t, e in scored) / len(scored)
        mine_exact = sum(t == e for g in ("real", "synth", "24keys") for t, e in mine[g]) / len(scored)
        print(f"{method_name:9s} exact {exact:6.3f}  time {seconds[method_name]:7.2f} s  "
              f"accuracy ratio ours/{method_name} {mine_exact / exact:5.2f}  "
              f"speed ratio {method_name}/ours {seconds[method_name] / seconds['ours']:6.2f}x")


if __name__ == "__main__":
    main()
