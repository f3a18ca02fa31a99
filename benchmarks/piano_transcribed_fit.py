"""How often the piano transcription's reading is right in each case, beside the key
activation: the counts behind ``piano_transcribed.RELIABILITY`` (fit split) and their
check on the held-out performers.

Each take (``piano_takes.PIANO_SPLITS``, the seeds of ``note_verdicts.py``) goes through
the product path twice on one alignment: with the transcription off (the key
activation's verdicts) and with its reading alone. Every written note with a truth of its
own (``piano_takes.scored_rows``) is put in its case (``piano_transcribed.reading_case``)
and counted right or not; the extra notes the reading reports are scored as in
``piano_takes.evaluate``. Usage::

    .venv/bin/python benchmarks/piano_transcribed_fit.py [--split fit] [--seeds 1]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from piano_takes import PIANO_SPLITS, mistaken_take, scored_rows  # noqa: E402


def count_take(performance: str, seed: int, cases: dict, extras: list) -> None:
    """Add one take's (verdicts, right) per case to ``cases`` and its extra-note counts
    (reported, right, truth, found) to ``extras``."""
    import musicpractice.alignment.piano_check as piano_check
    import musicpractice.alignment.piano_transcribed as transcribed
    from musicpractice.alignment import align_to_score, compare_with_score

    take, y, sr, score = mistaken_take(performance, seed)
    alignment = align_to_score(y, sr, score)
    readings, harmonic = [], []
    real_read = transcribed.read_transcription
    real_harmonic = piano_check.harmonic_of_sounding_note

    def keep(notes, **kwargs):
        readings.append(real_read(notes, **kwargs))
        return readings[-1]

    def keep_harmonic(*args, **kwargs):
        harmonic.append(real_harmonic(*args, **kwargs))
        return harmonic[-1]

    found = {}
    transcribed.read_transcription = keep
    piano_check.harmonic_of_sounding_note = keep_harmonic
    try:
        for mode in ("off", "alone"):
            piano_check.TRANSCRIPTION = mode
            found[mode] = compare_with_score(y, sr, score, alignment)
    finally:
        piano_check.TRANSCRIPTION = "combined"
        transcribed.read_transcription = real_read
        piano_check.harmonic_of_sounding_note = real_harmonic
    if not readings:
        return
    index = {id(row): k for k, row in enumerate(found["alone"].notes)}
    for (before, truth), (alone, _) in zip(scored_rows(found["off"], take, score),
                                           scored_rows(found["alone"], take, score)):
        k = index[id(alone)]
        case = transcribed.reading_case(readings[0], k, before.status, before.played_midi,
                                        harmonic=bool(harmonic[-1][k]))
        if case is None or alone.status == "unsure":
            continue  # not read, or its timing not trusted
        right = alone.status == truth.truth and (
            alone.status != "wrong" or alone.played_midi == truth.played_midi)
        cases[case][0] += 1
        cases[case][1] += right
    reported = [(e.take_onset_s, e.midi) for e in found["alone"].extra_notes]
    extras[0] += len(reported)
    extras[1] += sum(any(abs(t - u) <= 0.2 and abs(m - n) <= 1 for u, n in take.extras_s)
                     for t, m in reported)
    extras[2] += len(take.extras_s)
    extras[3] += sum(any(abs(t - u) <= 0.2 and abs(m - n) <= 1 for u, n in reported)
                     for t, m in take.extras_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(PIANO_SPLITS), default="fit")
    parser.add_argument("--seeds", type=int, default=1, help="takes per performance")
    args = parser.parse_args()
    cases: dict = defaultdict(lambda: [0, 0])
    extras = [0, 0, 0, 0]
    for performance in PIANO_SPLITS[args.split]:
        for s in range(args.seeds):
            count_take(performance, s + 7 * len(performance), cases, extras)
            print(f"  {performance} seed {s + 7 * len(performance)} done", flush=True)
    print(f"{'case':<48} {'verdicts':>8} {'right':>6} {'share':>6}")
    for case, (n, right) in sorted(cases.items()):
        print(f"{case:<48} {n:>8} {right:>6} {right / n:>6.3f}")
    print(f"extra notes reported {extras[0]}, right {extras[1]}; "
          f"played {extras[2]}, found {extras[3]}")


if __name__ == "__main__":
    main()
