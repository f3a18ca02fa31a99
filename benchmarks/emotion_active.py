"""Personal readings and which excerpt to ask about next, with simulated listeners.

Each simulated listener weighs the cues like the group model plus a personal deviation
(normal, ``--spread`` per weight) and answers with noise (``--noise``), on the real cue
values of the shared emotion set (../shared/data/emotion, cue table of
benchmarks/emotion_data.py). The excerpts are split into a pool the listener may be asked
about and a held-out test set. After 5, 10 and 20 questions chosen either by the
committee's disagreement (consensus entropy, the product's ``annotate --next``) or at
random, the personal model (weights shrunk towards the group) is scored on the test set:
the share of excerpts placed in the listener's own quadrant of the valence-arousal plane
(noise-free truth), the Spearman rho of arousal and valence, and the weight error.

Run: ``.venv/bin/python benchmarks/emotion_active.py [--listeners 40]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.emotion_data import load_cue_table  # noqa: E402
from musicpractice.analysis.listener_model import (  # noqa: E402
    DIMENSIONS, committee_disagreement, fit_personal, group_model, quadrant)

QUERIES = (5, 10, 20)


def simulate(z: np.ndarray, *, listeners: int, spread: float, noise: float, seed: int) -> dict:
    group = group_model()
    w_group = {d: group.weight_vector(d) for d in DIMENSIONS}
    rng = np.random.default_rng(seed)
    results = {(s, q): [] for s in ("active", "random") for q in (0, *QUERIES)}
    for listener in range(listeners):
        w_true = {d: w_group[d] + rng.normal(0, spread, len(w_group[d])) for d in DIMENSIONS}
        truth = {d: np.nan_to_num(z) @ w_true[d] for d in DIMENSIONS}
        answers = {d: np.clip(truth[d] + rng.normal(0, noise, len(z)), -1, 1) for d in DIMENSIONS}
        order = rng.permutation(len(z))
        test, pool = order[: len(z) // 3], order[len(z) // 3:]
        for strategy in ("active", "random"):
            asked: list[int] = []
            pick_rng = np.random.default_rng(seed * 1000 + listener)
            for q in range(max(QUERIES) + 1):
                if q in (0, *QUERIES):
                    model = fit_personal(group, z[asked], {d: answers[d][asked] for d in DIMENSIONS})
                    pred = {d: model.predict(z[test], d) for d in DIMENSIONS}
                    acc = float(np.mean(quadrant(pred["arousal"], pred["valence"])
                                        == quadrant(truth["arousal"][test], truth["valence"][test])))
                    rhos = [spearmanr(pred[d], truth[d][test]).statistic for d in DIMENSIONS]
                    err = float(np.sqrt(np.mean(np.concatenate(
                        [model.weight_vector(d) - w_true[d] for d in DIMENSIONS]) ** 2)))
                    results[(strategy, q)].append((acc, *rhos, err))
                if q == max(QUERIES):
                    break
                left = np.setdiff1d(pool, asked)
                if strategy == "random":
                    choice = int(pick_rng.choice(left))
                else:
                    scores = committee_disagreement(
                        group, z[asked], {d: answers[d][asked] for d in DIMENSIONS}, z[left],
                        seed=listener * 100 + q)
                    choice = int(left[np.argmax(scores)])
                asked.append(choice)
    return {k: np.mean(v, axis=0) for k, v in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listeners", type=int, default=40)
    parser.add_argument("--spread", type=float, default=0.15,
                        help="SD of a listener's deviation from each group weight")
    parser.add_argument("--noise", type=float, default=0.15, help="SD of the answers' noise")
    args = parser.parse_args()
    _, keys, values = load_cue_table()
    group = group_model()
    z = np.array([group.z_vector(dict(zip(keys, row))) for row in values])
    print(f"{len(z)} excerpts, {args.listeners} simulated listeners (deviation SD {args.spread}, "
          f"answer noise SD {args.noise}); test on a held-out third\n")
    res = simulate(z, listeners=args.listeners, spread=args.spread, noise=args.noise, seed=7)
    print(f"{'questions':>9s} {'strategy':>8s} {'quadrant acc':>12s} {'rho arousal':>11s} "
          f"{'rho valence':>11s} {'weight RMSE':>11s}")
    print(f"{0:9d} {'(group)':>8s} {res[('active', 0)][0]:12.3f} {res[('active', 0)][1]:11.3f} "
          f"{res[('active', 0)][2]:11.3f} {res[('active', 0)][3]:11.3f}")
    for q in QUERIES:
        for s in ("active", "random"):
            acc, ra, rv, err = res[(s, q)]
            print(f"{q:9d} {s:>8s} {acc:12.3f} {ra:11.3f} {rv:11.3f} {err:11.3f}")


if __name__ == "__main__":
    main()
