"""Where the piano check's misses go: left-out keys not called missing and wrong notes not
named, by what the score says about each key, on the takes of ``piano_verdicts.py``.

Each take (a Vienna 4x22 performance with mistakes written into its MIDI, rendered with
FluidSynth; ``piano_takes.PIANO_SPLITS``, the seeds of ``piano_verdicts.py``) goes through
the product path (``align_to_score`` then ``compare_with_score``) and every written note
with a truth of its own (``piano_takes.evaluate``'s rules) is put in one category:

- ``not judged``: the check did not trust the timing around it (confidence NaN);
- ``harmonic, struck``: a harmonic (``piano_written.HARMONIC_STEPS``) of a lower written
  note struck at the same score time;
- ``harmonic, held``: a harmonic of a lower written note held from before;
- ``octave above struck``: no such harmonic, but its octave, twelfth or double octave is
  written at the same score time;
- ``other``.

The first table counts the left-out keys of each category by verdict, with the quartiles
of the verdict's confidence; the second the wrong notes not named with their key, by
verdict (``wrong, other key``: named at another key). Usage::

    .venv/bin/python benchmarks/piano_missing_causes.py [--split fit] [--seeds 2] [--quick]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from piano_takes import PIANO_SPLITS, mistaken_take, scored_rows  # noqa: E402

OCTAVES_ABOVE = (12, 19, 24)


def category(row, notes: np.ndarray, harmonic_steps) -> str:
    """The category of one note row; ``notes``: (onset, end, midi) of every written note,
    shape (notes, 3), in quarters."""
    if not np.isfinite(row.confidence):
        return "not judged"
    q = row.ref_quarter + 1e-3
    sounding = notes[(notes[:, 0] <= q) & (q < notes[:, 1])]
    lower = sounding[np.isin(sounding[:, 2], row.midi - np.array(harmonic_steps))]
    if lower.size:
        together = np.abs(lower[:, 0] - row.ref_quarter) < 1e-3
        return "harmonic, struck" if together.any() else "harmonic, held"
    with_it = notes[np.abs(notes[:, 0] - row.ref_quarter) < 1e-3, 2]
    if np.isin(row.midi + np.array(OCTAVES_ABOVE), with_it).any():
        return "octave above struck"
    return "other"


def take_rows(performance: str, seed: int):
    """(row, truth, written notes) of every written note of one take that has a truth of
    its own (``piano_takes.scored_rows``)."""
    from musicpractice.alignment import align_to_score, compare_with_score

    take, y, sr, score = mistaken_take(performance, seed)
    comparison = compare_with_score(y, sr, score, align_to_score(y, sr, score))
    notes = np.array([(n.onset_quarter, n.onset_quarter + n.duration_quarter, n.midi)
                      for n in score.notes], dtype=float)
    return [(row, w, notes) for row, w in scored_rows(comparison, take, score)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(PIANO_SPLITS), default="fit")
    parser.add_argument("--seeds", type=int, default=2, help="takes per performance")
    parser.add_argument("--quick", action="store_true", help="one performance")
    args = parser.parse_args()
    from musicpractice.alignment.piano_written import HARMONIC_STEPS

    left_out: dict = defaultdict(list)
    totals: Counter = Counter()
    not_named: Counter = Counter()
    wrong_total = 0
    pieces = PIANO_SPLITS[args.split]
    for performance in pieces[:1] if args.quick else pieces:
        for seed in range(args.seeds):
            for row, w, notes in take_rows(performance, seed + 7 * len(performance)):
                kind = category(row, notes, HARMONIC_STEPS)
                if w.truth == "missing":
                    totals[kind] += 1
                    left_out[(kind, row.status)].append(row.confidence)
                elif w.truth == "wrong":
                    wrong_total += 1
                    if row.status == "wrong" and row.played_midi == w.played_midi:
                        continue
                    status = "wrong, other key" if row.status == "wrong" else row.status
                    not_named[(kind, status)] += 1
    print(f"left-out keys, {args.split} split: {sum(totals.values())} "
          f"({sum(len(v) for (k, s), v in left_out.items() if s == 'missing')} called missing)")
    print(f"{'category':<22} {'left out':>8} {'verdict':<9} {'count':>5}  confidence quartiles")
    for kind in sorted(totals):
        for status in ("ok", "unsure", "wrong", "missing"):
            values = np.array(left_out.get((kind, status), []), dtype=float)
            if not values.size:
                continue
            finite = values[np.isfinite(values)]
            quartiles = (" ".join(f"{v:.2f}" for v in np.quantile(finite, [0.25, 0.5, 0.75]))
                         if finite.size else "-")
            print(f"{kind:<22} {totals[kind]:>8} {status:<9} {values.size:>5}  {quartiles}")
    print(f"\nwrong notes not named with their key: {sum(not_named.values())} of {wrong_total}")
    for (kind, status), count in sorted(not_named.items()):
        print(f"{kind:<22} {status:<17} {count:>5}")


if __name__ == "__main__":
    main()
