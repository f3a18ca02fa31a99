"""Where a sung take's notes are placed: the alignment engine's time map against the time
map pinned to the sung notes (alignment/anchors.py), at the true onsets of the notes sung.

Material: the sung chorale takes of ``note_verdicts.py`` (``_sung_takes.make_take``: a
voice with vibrato, portamento and rubato, with wrong, missing and extra notes), FIT and
HELD-OUT pieces as there. For every note sung in the first attempt, the take time the map
gives its written position is compared with the time it was sung. Usage::

    .venv/bin/python benchmarks/sung_timing.py [--seeds 2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _sung_takes import make_take  # noqa: E402
from note_verdicts import SPLITS, _load_piece, _sung_part  # noqa: E402


def errors(pieces, seeds: int) -> dict[str, list[float]]:
    """Seconds between map and truth per map kind, over the pieces' takes."""
    from musicpractice.alignment import align_to_score, compare_with_score
    out: dict[str, list[float]] = {"engine": [], "pinned": []}
    for name in pieces:
        score = _load_piece(name)
        part = _sung_part(score)
        for seed in range(seeds):
            take = make_take(score, part, seed=seed + 7 * len(name))
            engine = align_to_score(take.audio, take.sr, score, part=part)
            pinned = compare_with_score(take.audio, take.sr, score, engine,
                                        part=part).alignment or engine
            for t in take.truth:
                if t.kind == "missing" or t.attempt != 0:
                    continue
                q = take.notes[t.index].onset_quarter
                out["engine"].append(float(engine.take_at([q])[0]) - t.onset_s)
                out["pinned"].append(float(pinned.take_at([q])[0]) - t.onset_s)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2, help="takes per piece")
    args = parser.parse_args()
    print(f"{'split':<9} {'map':<7} {'notes':>5} {'median ms':>9} {'<=50 ms':>7} "
          f"{'<=100 ms':>8} {'>300 ms':>7} {'outside':>7}")
    for split, pieces in SPLITS.items():
        for kind, e in errors(pieces, args.seeds).items():
            e = np.abs(np.array(e))
            inside = np.isfinite(e)
            print(f"{split:<9} {kind:<7} {e.size:>5} {1000 * np.median(e[inside]):>9.0f} "
                  f"{np.mean(e <= 0.05):>7.3f} {np.mean(e <= 0.1):>8.3f} "
                  f"{np.mean(e[inside] > 0.3):>7.3f} {np.mean(~inside):>7.3f}", flush=True)


if __name__ == "__main__":
    main()
