"""Piano melody: the top line against the right hand's notes of real performances.

Run from the project root: ``.venv/bin/python benchmarks/piano_top_line.py [--dev] [--n N]``.
Every Vienna 4x22 performance (Chopin Op.10/3 and Mozart K.331/1; ``.match`` files of
../shared/data/alignment/vienna4x22) is written to MIDI with its pedal and rendered with
FluidSynth (cached, see benchmarks/piano_takes.py). Truth: the performed notes of the
melody voice (voice 1 of the right-hand staff) and all right-hand notes, with their
performed onsets. Each transcription is scored with mir_eval's note onset F-measure
(50 ms, 50 cents, offsets ignored):

- ``top line``: :func:`musicpractice.analysis.top_line.top_line` (what a piano take's
  melody now is),
- ``tracker``: the single-pitch melody tracker and note segmentation
  (:func:`track_melody` + :func:`segment_notes`; a piano take's melody before),
- ``pyin``: librosa's pYIN, its voiced frames cut into notes where the rounded pitch
  changes (at least 60 ms long).

Also the share of each method's notes that lie below the lowest right-hand note sounding
then ("in the bass"). Held out: performances p01-p03 of each piece were looked at while
developing (``--dev`` shows them); the table reports the others.
"""

from __future__ import annotations

import argparse
import re
import time

import librosa
import mir_eval
import numpy as np

from musicpractice.analysis.melody import track_melody
from musicpractice.analysis.notes import segment_notes
from musicpractice.analysis.top_line import top_line
from musicpractice.audio.io import load_signal
from piano_takes import VIENNA, read_take, render

PIECES = ("Chopin_op10_no3", "Mozart_K331_1st-mov")
DEV = ("p01", "p02", "p03")
_VOICE = re.compile(r"^snote\([^)]*\[(v\d+),(staff\d)[^\]]*\]\)-note\([^,]+,(\d+),(\d+),(\d+),")


def truth(match_path) -> dict[str, np.ndarray]:
    """Performed (onset_s, offset_s, midi) rows of the melody voice and of the right hand."""
    take = read_take(match_path)
    rows = {"melody": [], "right hand": []}
    for line in match_path.read_text(errors="replace").splitlines():
        m = _VOICE.match(line)
        if m and m.group(2) == "staff1":
            midi, on, off = int(m.group(3)), int(m.group(4)), int(m.group(5))
            row = (take.seconds(on), take.seconds(max(off, on + 1)), midi)
            rows["right hand"].append(row)
            if m.group(1) == "v1":
                rows["melody"].append(row)
    return {k: np.array(sorted(v), dtype=float).reshape(-1, 3) for k, v in rows.items()}


def f_measure(reference: np.ndarray, estimate: np.ndarray) -> float:
    if len(estimate) == 0 or len(reference) == 0:
        return 0.0
    return float(mir_eval.transcription.precision_recall_f1_overlap(
        reference[:, :2], librosa.midi_to_hz(reference[:, 2]), estimate[:, :2],
        librosa.midi_to_hz(estimate[:, 2]), onset_tolerance=0.05, offset_ratio=None)[2])


def in_bass(right_hand: np.ndarray, estimate: np.ndarray) -> float:
    """Share of estimated notes below every right-hand note sounding at their onset."""
    if len(estimate) == 0:
        return 0.0
    low = []
    for onset, _, midi in estimate:
        sounding = right_hand[(right_hand[:, 0] <= onset + 0.05) & (right_hand[:, 1] > onset)]
        low.append(len(sounding) > 0 and midi < sounding[:, 2].min() - 0.5)
    return float(np.mean(low))


def as_rows(notes) -> np.ndarray:
    return np.array([(n.onset_s, max(n.offset_s, n.onset_s + 0.01), n.midi) for n in notes],
                    dtype=float).reshape(-1, 3)


def pyin_notes(y: np.ndarray, sr: int) -> np.ndarray:
    f0, voiced, _ = librosa.pyin(y, fmin=60.0, fmax=1500.0, sr=sr, frame_length=2048)
    hop_s = 512 / sr
    midi = np.where(voiced, np.round(librosa.hz_to_midi(np.where(voiced, f0, 440.0))), -1)
    rows, start = [], 0
    for i in range(1, len(midi) + 1):
        if i == len(midi) or midi[i] != midi[start]:
            if midi[start] >= 0 and (i - start) * hop_s >= 0.06:
                rows.append((start * hop_s, i * hop_s, midi[start]))
            start = i
    return np.array(rows, dtype=float).reshape(-1, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", action="store_true", help="the development performances only")
    parser.add_argument("--n", type=int, default=6, help="held-out performances per piece")
    args = parser.parse_args()
    methods = ("top line", "tracker", "pyin")
    head = (f"{'performance':30} {'notes':>5} " + " ".join(f"{m + ' F':>11}" for m in methods)
            + " " + " ".join(f"{m[:7] + ' bass':>12}" for m in methods) + f" {'t top':>6} {'t pyin':>6}")
    print("note onset F (50 ms) against the melody voice | against all right-hand notes; "
          "share of notes in the bass")
    print(head)
    print("-" * len(head))
    scores = {(m, r): [] for m in methods for r in ("melody", "right hand")}
    bass = {m: [] for m in methods}
    for piece in PIECES:
        matches = sorted((VIENNA / "match").glob(f"{piece}_p*.match"))
        chosen = [m for m in matches if (m.stem[-3:] in DEV) == args.dev][: args.n]
        for match in chosen:
            signal = load_signal(render(read_take(match)))
            y, sr = signal.samples, signal.sr
            ref = truth(match)
            start = time.perf_counter()
            line = top_line(y, sr)
            t_top = time.perf_counter() - start
            track = track_melody(y, sr)
            start = time.perf_counter()
            peer = pyin_notes(y, sr)
            t_pyin = time.perf_counter() - start
            estimates = {"top line": as_rows(line.notes),
                         "tracker": as_rows(segment_notes(track)), "pyin": peer}
            cells = []
            for m in methods:
                for r in ("melody", "right hand"):
                    scores[(m, r)].append(f_measure(ref[r], estimates[m]))
                bass[m].append(in_bass(ref["right hand"], estimates[m]))
                cells.append(f"{scores[(m, 'melody')][-1]:5.3f}|{scores[(m, 'right hand')][-1]:5.3f}")
            print(f"{match.stem:30} {len(ref['melody']):5d} " + " ".join(f"{c:>11}" for c in cells)
                  + " " + " ".join(f"{bass[m][-1]:12.2f}" for m in methods)
                  + f" {t_top:6.1f} {t_pyin:6.1f}", flush=True)
    print("-" * len(head))
    print(f"{'mean':36} " + " ".join(
        f"{np.mean(scores[(m, 'melody')]):5.3f}|{np.mean(scores[(m, 'right hand')]):5.3f}"
        for m in methods) + " " + " ".join(f"{np.mean(bass[m]):12.2f}" for m in methods))


if __name__ == "__main__":
    main()
