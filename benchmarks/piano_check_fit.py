"""Fit the piano check's calibrations (musicpractice/alignment/piano_check.py) and print them.

Takes of the FIT performances of ``note_verdicts.py``'s piano rows (Vienna 4x22, mistakes
injected with the seeds of ``piano_verdicts.py``, rendered with FluidSynth) go through the product's
alignment and pitch activation; every written note judged by the check (enough clearly
struck notes around it) gives its evidence and its truth, and isotonic regressions
(pool-adjacent-violators, each block shrunk towards 1/2 by one pseudo-count) give:

- ``PLAYED_CALIBRATION``: P(played | ln evidence of the written key);
- ``PLAYED_HARMONIC_CALIBRATION``: the same for keys that are a harmonic of a lower
  written note sounding at their onset (``piano_written.harmonic_of_sounding_note``);
- ``CONTRAST_CALIBRATION``: P(played | ln(evidence / evidence of the strongest unwritten
  neighbour)), where that neighbour is clearly struck;
- ``WRONG_KEY_CALIBRATION``: P(the key played instead is that neighbour | ln its evidence),
  for written notes not played;
- ``PLAYED_WEIGHTS`` / ``HARMONIC_WEIGHTS``: a logistic P(played) over
  ``piano_check.played_features`` (ln evidence, the key's level after and before its
  onset, ln evidence of the clearest unwritten neighbour, ln onset probability, the level
  after the onset over the key's median at its other written onsets), for keys that are
  not / are a harmonic of a lower sounding note (Newton's method, a small ridge penalty);
- ``NEIGHBOUR_WEIGHTS`` / ``HARMONIC_NEIGHBOUR_WEIGHTS``: a multinomial logistic P(ok /
  missing / wrong at the neighbour) over the same features and the neighbour's ln onset
  probability, for keys that are not / are such a harmonic whose clearest unwritten
  neighbour is struck clearly (``piano_neighbour.STRUCK_NEIGHBOUR_EVIDENCE``) and is no
  partial of a written note.

It also prints the precision and recall of the extra notes reported at each
``extra_evidence`` threshold. Paste the printed tuples into the ``Calibration`` of that method in
musicpractice/alignment/piano_activation.py, then check them on the held-out split with
``note_verdicts.py --only piano``. Usage::

    .venv/bin/python benchmarks/piano_check_fit.py [--quick] [--method model|nmf]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from types import SimpleNamespace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from piano_takes import PIANO_SPLITS, mistaken_take  # noqa: E402


EXTRA_THRESHOLDS = (0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8)


def isotonic(x: np.ndarray, y: np.ndarray, knots) -> tuple[float, ...]:
    """Non-decreasing P(y | x) at ``knots`` (pool adjacent violators, shrunk blocks)."""
    order = np.argsort(x)
    blocks: list[list[float]] = []  # [sum y, count, x min, x max]
    for xi, yi in zip(x[order], y[order]):
        blocks.append([float(yi), 1.0, float(xi), float(xi)])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            last = blocks.pop()
            blocks[-1][0] += last[0]
            blocks[-1][1] += last[1]
            blocks[-1][3] = last[3]
    centre = np.array([(b[2] + b[3]) / 2 for b in blocks])
    value = np.array([(b[0] + 0.5) / (b[1] + 1.0) for b in blocks])
    out = []
    for q in knots:
        inside = [v for b, v in zip(blocks, value) if b[2] <= q <= b[3]]
        out.append(inside[0] if inside else float(np.interp(q, centre, value)))
    return tuple(np.round(np.maximum.accumulate(out), 3).tolist())


def logistic(x: np.ndarray, y: np.ndarray, *, ridge: float = 1.0) -> tuple[float, ...]:
    """Intercept and coefficients of a logistic regression of ``y`` (0/1, shape (n,)) on
    ``x`` (shape (n, features)), fitted by Newton's method with a ridge penalty on the
    coefficients (not the intercept)."""
    a = np.column_stack([np.ones(len(x)), x])
    w = np.zeros(a.shape[1])
    penalty = np.diag([0.0] + [ridge] * x.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-a @ w))
        grad = a.T @ (p - y) + penalty @ w
        hess = (a * (p * (1 - p))[:, None]).T @ a + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return tuple(np.round(w, 3).tolist())


def softmax_fit(x: np.ndarray, y: np.ndarray, *, ridge: float = 1.0,
                classes: int = 3) -> tuple[tuple[float, ...], ...]:
    """Rows (intercept, *coefficients) of a multinomial logistic regression of ``y``
    (class 0 .. ``classes`` - 1, shape (n,)) on ``x`` (shape (n, features)), each row the
    weights of classes 1.. against class 0 (L-BFGS, ridge penalty on the coefficients)."""
    from scipy.optimize import minimize

    a = np.column_stack([np.ones(len(x)), x])
    onehot = np.eye(classes)[y.astype(int)]
    mask = np.ones((a.shape[1], 1))
    mask[0] = 0.0

    def cost(flat):
        w = np.column_stack([np.zeros(a.shape[1]), flat.reshape(a.shape[1], classes - 1)])
        z = a @ w
        z -= z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        grad = a.T @ (np.exp(log_p) - onehot) + ridge * mask * w
        return (-(log_p * onehot).sum() + 0.5 * ridge * (mask * w ** 2).sum(),
                grad[:, 1:].ravel())

    flat = minimize(cost, np.zeros(a.shape[1] * (classes - 1)), jac=True, method="L-BFGS-B",
                    options={"maxiter": 2000}).x
    return tuple(tuple(np.round(row, 3).tolist()) for row in flat.reshape(a.shape[1], -1))


def take_features(performance: str, rows_out: dict, *, method: str = "model",
                  seed: int = 0) -> None:
    """Evidence and truth of one fit take's judged notes, appended to ``rows_out``."""
    from musicpractice.alignment import align_to_score
    from musicpractice.alignment import piano_check as pc
    from musicpractice.alignment.piano_activation import key_activation
    from musicpractice.alignment.piano_timing import chord_ids_of

    take, y, sr, score = mistaken_take(performance, seed)
    alignment = align_to_score(y, sr, score)
    q0, q1 = alignment.ref_span
    notes = [n for n in score.notes if q0 - 1e-6 <= n.onset_quarter <= q1]
    onsets = alignment.take_at([n.onset_quarter for n in notes])
    midis = np.array([n.midi for n in notes])
    act, cal, onset = key_activation(y, sr, low_midi=max(21, int(midis.min()) - 12),
                                     high_midi=min(108, int(midis.max()) + 12), method=method)
    as_rows = [SimpleNamespace(ref_quarter=n.onset_quarter, midi=n.midi, attempt=0)
               for n in notes]
    rise, local, centres, evidence = pc.note_evidence(act, onsets=onsets, midis=midis,
                                                      chords=chord_ids_of(as_rows), onset=onset)
    scale = pc._local_scale(act, local, centres)
    support = pc._timing_support(centres, evidence)
    neighbour = np.array([pc._wrong_key(act, rise, k, centres, midis, scale)[1]
                          for k in range(len(notes))])
    features = pc.played_features(act, centres=centres, midis=midis, evidence=evidence,
                                  neighbour_evidence=neighbour, onset=onset)
    neighbour_onset = pc.neighbour_onset_feature(
        act, onset, centres=centres, window_s=pc.JUDGE_S, floor=pc.EVIDENCE_FLOOR,
        keys=[pc._wrong_key(act, rise, k, centres, midis, scale)[0] for k in range(len(notes))])
    harmonic = pc.harmonic_of_sounding_note(score, as_rows)
    s0 = min(n.onset_quarter for n in score.notes)
    truth: dict = {}
    for w in take.written:
        truth.setdefault((round((w.quarter - take.first_quarter + s0) * 48), w.midi), []).append(w)
    twice = {key for key, found in truth.items() if len(found) > 1}
    claimed = []
    for k, note in enumerate(notes):
        found = truth.get((round(note.onset_quarter * 48), note.midi))
        if not found or not np.isfinite(centres[k]) or support[k] < pc.MIN_SUPPORT:
            continue
        w = found.pop(0)
        if w.truth == "wrong":
            claimed.append((centres[k], w.played_midi))
        if (round(note.onset_quarter * 48), note.midi) in twice:
            continue  # one stroke for two voices: no truth of its own (piano_takes.evaluate)
        played = w.truth == "ok"
        key, key_evidence = pc._wrong_key(act, rise, k, centres, midis, scale)
        rows_out["played_harmonic" if harmonic[k] else "played"].append(
            (np.log(max(evidence[k], pc.EVIDENCE_FLOOR)), played))
        rows_out["harmonic_weights" if harmonic[k] else "played_weights"].append(
            (*features[k], played))
        if (key_evidence >= pc.STRUCK_NEIGHBOUR_EVIDENCE
                and not pc.partial_of_written(key, centres[k], centres=centres, midis=midis,
                                              within_s=pc.WRITTEN_NEARBY_S)):
            # ok 0, missing 1, wrong at the neighbour 2 (piano_neighbour.STATUSES)
            named = w.truth == "wrong" and w.played_midi == key
            name = "harmonic_neighbour_weights" if harmonic[k] else "neighbour_weights"
            rows_out[name].append(
                (*features[k], neighbour_onset[k], 0 if played else 2 if named else 1))
        if key_evidence >= pc.CLEAR_EVIDENCE:
            rows_out["contrast"].append(
                (np.log(max(evidence[k], pc.EVIDENCE_FLOOR) / key_evidence), played))
        if not played:
            rows_out["wrong_key"].append(
                (np.log(key_evidence), w.truth == "wrong" and w.played_midi == key))
    for threshold in EXTRA_THRESHOLDS:  # extra notes reported at each threshold, and right
        found = pc._extra_notes(act, rise, local, centres, midis, claimed, score, alignment,
                                replace(cal, extra_evidence=threshold))
        right = sum(any(abs(e.take_onset_s - t) <= 0.2 and abs(e.midi - m) <= 1
                        for t, m in take.extras_s) for e in found)
        hit = sum(any(abs(e.take_onset_s - t) <= 0.2 and abs(e.midi - m) <= 1 for e in found)
                  for t, m in take.extras_s)
        counts = rows_out["extra"].setdefault(threshold, [0, 0, 0, 0])
        for j, v in enumerate((len(found), right, len(take.extras_s), hit)):
            counts[j] += v


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one performance only")
    parser.add_argument("--method", choices=("model", "nmf"), default="model",
                        help="the key activation to fit the calibration of")
    parser.add_argument("--seeds", type=int, default=2, help="takes per performance")
    args = parser.parse_args()
    from musicpractice.alignment import piano_check as pc

    rows: dict = {"played": [], "played_harmonic": [], "contrast": [], "wrong_key": [],
                  "played_weights": [], "harmonic_weights": [], "neighbour_weights": [],
                  "harmonic_neighbour_weights": [],
                  "extra": {}}
    fit = PIANO_SPLITS["fit"][:1] if args.quick else PIANO_SPLITS["fit"]
    for performance in fit:
        for seed in range(args.seeds):  # the takes of piano_verdicts.py's fit split
            take_features(performance, rows, method=args.method, seed=seed + 7 * len(performance))
        print(f"{performance}: {len(rows['played'])} notes so far", flush=True)
    for name, knots in (("played", pc.KNOTS), ("played_harmonic", pc.KNOTS),
                        ("contrast", pc.CONTRAST_KNOTS),
                        ("wrong_key", pc.KNOTS)):
        data = np.array(rows[name], dtype=float)
        table = isotonic(data[:, 0], data[:, 1], knots)
        print(f"{name.upper()}_CALIBRATION = {table}  # n={len(data)}")
    for name in ("played_weights", "harmonic_weights"):
        data = np.array(rows[name], dtype=float)
        print(f"{name.upper()} = {logistic(data[:, :-1], data[:, -1])}  # n={len(data)}")
    for name in ("neighbour_weights", "harmonic_neighbour_weights"):
        data = np.array(rows[name], dtype=float)
        print(f"{name.upper()} = {softmax_fit(data[:, :-1], data[:, -1])}  # n={len(data)}")
    for threshold, (reported, right, extras, hit) in rows["extra"].items():
        print(f"extra_evidence {threshold}: precision {right / max(reported, 1):.2f} "
              f"recall {hit / max(extras, 1):.2f} ({reported} reported, {extras} extras)")


if __name__ == "__main__":
    main()
