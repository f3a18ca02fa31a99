"""A sung part over a FluidSynth choir (issue 10, item 4): material the constants never saw.

The shared ``synth/`` chorales come as one mix of four "choir aahs" parts, with the exact
performance (every note's onset, offset and part) in their JSON. Here the alto, tenor and
bass of that performance are rendered again with FluidSynth's choir patch (slow attacks,
another spectrum than our singer's), and the soprano is sung over them by our voice at the
performance's own timing (its rubato, fermatas and ritardando), with known mistakes
(wrong pitches of 60-300 cents, slight deviations of 20-30 cents, notes left out in silence
or with the previous note held on), the choir ``--db`` below the singer. Each take goes
through the product and is scored by ``note_verdicts.evaluate_sung``.

Usage::

    .venv/bin/python benchmarks/part_in_choir.py [--seeds 2] [--db 6] [--details]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import note_verdicts  # noqa: E402
from _common import SHARED_DATA  # noqa: E402
from _sung_takes import ERROR_CENTS, SMALL_CENTS, SR, VOWELS, SungTake, TrueNote  # noqa: E402

PIECES = ("item_chorale_00", "item_chorale_01", "pair_chorale_00_A", "pair_chorale_00_B")
CHOIR_PROGRAM = 52
WRONG_SHARE, SMALL_SHARE, MISSING_SHARE = 0.12, 0.08, 0.07


def choir_take(piece: str, score, part: str, *, seed: int, mix_db: float) -> SungTake:
    """The soprano of ``piece`` sung with mistakes over the other parts rendered by
    FluidSynth at the performance's timing, ``mix_db`` below the singer (RMS)."""
    from musicpractice.audio.fluidsynth_render import render_notes
    from musicpractice.score.render_voice import VoiceNote, render_voice
    truth_notes = json.loads((SHARED_DATA / "synth" / f"{piece}.json").read_text())["notes"]
    rows = list(zip(truth_notes["onset"], truth_notes["offset"], truth_notes["pitch"],
                    truth_notes["q"], truth_notes["part"]))
    written = tuple(sorted(score.part_notes(part), key=lambda n: n.onset_quarter))
    timing = {round(q, 3): (on, off) for on, off, _, q, p in rows if p == 0}
    rng = np.random.default_rng(seed)
    n = len(written)
    order = rng.permutation(np.arange(1, n - 1))
    n_wrong, n_small = int(round(WRONG_SHARE * n)), int(round(SMALL_SHARE * n))
    cents = np.zeros(n)
    kinds = ["ok"] * n
    for k in order[:n_wrong]:
        kinds[k] = "wrong"
        cents[k] = rng.choice(ERROR_CENTS) * rng.choice([-1, 1])
    for k in order[n_wrong:n_wrong + n_small]:
        cents[k] = rng.choice(SMALL_CENTS) * rng.choice([-1, 1])
    for k in order[n_wrong + n_small:n_wrong + n_small + int(round(MISSING_SHARE * n))]:
        if kinds[k - 1] != "missing" and kinds[k + 1] != "missing":
            kinds[k] = "missing"
    voice, truth = [], []
    for k, note in enumerate(written):
        on, off = timing[round(note.onset_quarter, 3)]
        off -= 0.03
        if kinds[k] == "missing":
            held = bool(voice) and kinds[k - 1] != "missing" and rng.random() < 0.5
            if held:
                last = voice.pop()
                voice.append(VoiceNote(last.onset_s, off, last.midi))
            truth.append(TrueNote(k, 0, "missing", 0.0, on, off, "held" if held else "silence"))
            continue
        voice.append(VoiceNote(on, off, note.midi + cents[k] / 100.0))
        truth.append(TrueNote(k, 0, kinds[k], float(cents[k]), on, off))
    sung = render_voice(voice, sr=SR, vowel=VOWELS[seed % len(VOWELS)], seed=seed)
    others = [(pitch, on, off - on) for on, off, pitch, _, p in rows if p != 0]
    choir = render_notes(others, sr=SR, program=CHOIR_PROGRAM,
                         length_s=sung.size / SR).astype(np.float64)
    m = min(sung.size, choir.size)
    mix = sung[:m].astype(np.float64)
    gain = np.sqrt(np.mean(mix ** 2) / max(np.mean(choir[:m] ** 2), 1e-20))
    mix += choir[:m] * gain * 10 ** (-mix_db / 20.0)
    audio = (mix * (0.5 / max(np.max(np.abs(mix)), 1e-9))).astype(np.float32)
    return SungTake(audio=audio, sr=SR, part=part, notes=written, truth=truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2, help="takes per piece")
    parser.add_argument("--db", type=float, default=6.0, help="choir this many dB below")
    parser.add_argument("--details", action="store_true", help="print each misjudged note")
    args = parser.parse_args()
    print(note_verdicts.HEADER)
    total = note_verdicts.Outcome()
    for piece in PIECES:
        from musicpractice.score import load_score
        xml = piece if piece.startswith("item_") else piece.rsplit("_", 1)[0]
        score = load_score(SHARED_DATA / "synth" / f"{xml}.musicxml")

        def make_take(score, part, *, seed, piece=piece, **_):
            return choir_take(piece, score, part, seed=seed, mix_db=args.db)

        note_verdicts.make_take = make_take  # the takes of this benchmark, scored as there
        for seed in range(args.seeds):
            total.add(note_verdicts.evaluate_sung(score, seed=seed + 11, mix_db=args.db))
    print(note_verdicts.table_row(f"choir {args.db:g} dB below", "held-out", total))
    if args.details:
        for kind, true_cents, status, cents in total.notes:
            if (kind != status) or (kind == "wrong" and abs(cents - true_cents) > 25):
                print(f"    {kind:<8} {true_cents:+6.0f} -> {status:<8} {cents:+7.1f}")


if __name__ == "__main__":
    main()
