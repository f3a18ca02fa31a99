"""Note verdicts benchmark (issue 10): error injection, every written note against the truth.

Sung rows: a part of a Bach chorale (music21's corpus through our score loader, and the
shared ``synth/`` chorales) sung by a vowel-like voice with vibrato, portamento and
rubato, at a detuned A4, with known pitch errors (60-300 cents; 20-30 cents counts as
good), missing notes (silence or the previous note held), extra notes, and per condition
a restart (stop, pause, back two bars) or the other parts mixed 6 dB below. Each take
goes through the product path (``align_to_score`` then ``compare_with_score``).

Per condition and split (FIT pieces were used to choose the constants, HELD-OUT pieces
never were) the table prints:

- wrong recall: wrong notes flagged ``wrong``, in the right direction, within 25 cents
  of the true error;
- false flags: good notes given ``wrong`` or ``missing``;
- missing recall: left-out notes given ``missing``;
- extra precision / recall: reported extra notes against the inserted ones (onset
  within 0.2 s, pitch within a semitone);
- unsure: share of note rows given ``unsure``;
- sure but wrong: share of the ``ok``/``wrong``/``missing`` verdicts that are false;
- flags ok: share of the ``wrong``/``missing`` verdicts that are right (the mistakes a
  report names: what a teacher reads; a ``wrong`` needs the right direction too);
- restarts found / inserted.

Piano rows (H2) plug in through ``CONDITIONS``: a condition is a name plus a function
``(piece, seed) -> Outcome``. Usage::

    .venv/bin/python benchmarks/note_verdicts.py [--quick] [--only NAME] [--voice second] [--extra-bins]

``--voice second`` sings the sung rows with a voice built differently from the one the
constants were chosen on (see ``_sung_takes.VOICES``).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA  # noqa: E402
from _sung_takes import VOICES, make_take  # noqa: E402
from piano_takes import PIANO_SPLITS, piano_outcome  # noqa: E402

TOLERANCE_CENTS = 50.0
CENTS_WITHIN = 25.0
EXTRA_WITHIN_S = 0.2

FIT_CHORALES = ("bwv1.6", "bwv10.7", "bwv101.7", "bwv102.7")
HELD_OUT_CHORALES = ("bwv103.6", "bwv104.6", "bwv108.6", "bwv11.6")
HELD_OUT_SYNTH = ("item_chorale_00", "item_chorale_01")


@dataclass
class Outcome:
    """Counts of one take (or a sum of takes)."""

    wrong: int = 0
    wrong_found: int = 0
    good: int = 0
    false_flags: int = 0
    missing: int = 0
    missing_found: int = 0
    extras: int = 0
    extras_found: int = 0
    extras_reported: int = 0
    extras_reported_right: int = 0
    rows: int = 0
    unsure: int = 0
    sure: int = 0
    sure_wrong: int = 0
    flagged: int = 0
    flagged_right: int = 0
    restarts: int = 0
    restarts_found: int = 0
    seconds: float = 0.0
    takes: int = 0
    notes: list = field(default_factory=list)
    extra_confidence: list = field(default_factory=list)
    """(stated confidence, right) per reported extra note."""

    def add(self, other: "Outcome") -> None:
        for name in self.__dataclass_fields__:
            if isinstance(getattr(self, name), list):
                getattr(self, name).extend(getattr(other, name))
            else:
                setattr(self, name, getattr(self, name) + getattr(other, name))


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "  - "


def _load_piece(name: str):
    from musicpractice.score import load_score
    if name.startswith("vienna:"):  # a piano performance, loaded by piano_takes
        return name
    if name.startswith("item_"):
        return load_score(SHARED_DATA / "synth" / f"{name}.musicxml")
    from music21 import corpus
    return load_score(corpus.getWork(name))


def _sung_part(score) -> str:
    for candidate in ("Soprano", "S.", "Soprano "):
        for p in score.parts:
            if p.lower().startswith(candidate.lower().strip(".")):
                return p
    return score.parts[0]


def evaluate_sung(score, *, seed: int, restart: bool = False,
                  mix_db: float | None = None, voice: str = "ours") -> Outcome:
    """One sung take of ``score``'s top part (sung by ``voice``, see ``VOICES``) through
    the product, scored."""
    from musicpractice.alignment import align_to_score, compare_with_score
    part = _sung_part(score)
    take = make_take(score, part, seed=seed, restart=restart, mix_db=mix_db, voice=voice)
    start = time.perf_counter()
    alignment = align_to_score(take.audio, take.sr, score, part=part)
    comparison = compare_with_score(take.audio, take.sr, score, alignment, part=part)
    out = Outcome(seconds=time.perf_counter() - start, takes=1)
    by_note: dict[tuple, list] = {}
    for row in comparison.notes:
        by_note.setdefault((row.ref_quarter, row.midi), []).append(row)
    for t in take.truth:
        written = take.notes[t.index]
        rows = by_note.get((written.onset_quarter, written.midi), [])
        row = min(rows, key=lambda r: abs(r.take_onset_s - t.onset_s)
                  if np.isfinite(r.take_onset_s) else np.inf, default=None)
        status = row.status if row is not None else "absent"
        cents = row.cents if row is not None else np.nan
        out.rows += 1
        out.unsure += status == "unsure"
        right_wrong = (status == "wrong" and np.isfinite(cents)
                       and np.sign(cents) == np.sign(t.cents))
        if t.kind == "wrong":
            out.wrong += 1
            out.wrong_found += bool(right_wrong and abs(cents - t.cents) <= CENTS_WITHIN)
        elif t.kind == "missing":
            out.missing += 1
            out.missing_found += status == "missing"
        else:
            out.good += 1
            out.false_flags += status in ("wrong", "missing")
        if status in ("ok", "wrong", "missing"):
            out.sure += 1
            right = (status == t.kind) and (t.kind != "wrong" or right_wrong)
            out.sure_wrong += not right
            out.flagged += status in ("wrong", "missing")
            out.flagged_right += status in ("wrong", "missing") and right
        out.notes.append((t.kind, t.cents, status, cents))
    reported = [(e.take_onset_s, e.midi) for e in comparison.extra_notes]
    out.extras = len(take.extras)
    out.extras_reported = len(reported)
    for onset, _, midi in take.extras:
        out.extras_found += any(abs(o - onset) <= EXTRA_WITHIN_S and abs(m - midi) <= 1
                                for o, m in reported)
    for e in comparison.extra_notes:
        right = any(abs(e.take_onset_s - onset) <= EXTRA_WITHIN_S and abs(e.midi - midi) <= 1
                    for onset, _, midi in take.extras)
        out.extras_reported_right += right
        out.extra_confidence.append((e.confidence, right))
    out.restarts = len(take.restarts)
    out.restarts_found = sum(any(abs(r.take_s - t0) < 3.0 for r in comparison.restarts)
                             for t0, _, _ in take.restarts)
    return out


def _sung_condition(restart: bool, mix_db):
    def run(piece, seed, voice="ours"):
        return evaluate_sung(piece, seed=seed, restart=restart, mix_db=mix_db, voice=voice)
    run.sung = True
    return run


CONDITIONS = {
    "sung part alone": _sung_condition(False, None),
    "other parts 6 dB below": _sung_condition(False, 6.0),
    "with a restart": _sung_condition(True, None),
    "piano, both hands": lambda performance, seed: piano_outcome(performance, seed, Outcome()),
}
"""Condition name -> ``run(score, seed) -> Outcome``."""
SPLITS = {"fit": FIT_CHORALES, "held-out": HELD_OUT_CHORALES + HELD_OUT_SYNTH}
"""Split -> pieces; a condition may bring its own pieces (``PIECES[name]``)."""
PIECES: dict = {"piano, both hands": PIANO_SPLITS}

HEADER = (f"{'condition':<24} {'split':<9} {'takes':>5} {'wrong rec':>9} {'false fl':>8} "
          f"{'miss rec':>8} {'xtra P':>6} {'xtra R':>6} {'unsure':>6} {'sure bad':>8} "
          f"{'flags ok':>8} {'restarts':>8} {'s/take':>6}")


def table_row(name: str, split: str, o: Outcome) -> str:
    """One printed line of the table."""
    restarts = f"{o.restarts_found}/{o.restarts}" if o.restarts else "-"
    return (f"{name:<24} {split:<9} {o.takes:>5} {_ratio(o.wrong_found, o.wrong):>9} "
            f"{_ratio(o.false_flags, o.good):>8} {_ratio(o.missing_found, o.missing):>8} "
            f"{_ratio(o.extras_reported_right, o.extras_reported):>6} "
            f"{_ratio(o.extras_found, o.extras):>6} {_ratio(o.unsure, o.rows):>6} "
            f"{_ratio(o.sure_wrong, o.sure):>8} {_ratio(o.flagged_right, o.flagged):>8} "
            f"{restarts:>8} "
            f"{o.seconds / max(o.takes, 1):>6.1f}")


EXTRA_BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 1.01)
"""Stated confidence bins of the extra notes (0.9 and up: stated sure, said without a
sureness in the reports)."""


def extra_reliability(rows) -> str:
    """'stated a-b: right/n' per ``EXTRA_BINS`` bin of ``(confidence, right)`` rows."""
    said = []
    for lo, hi in zip(EXTRA_BINS[:-1], EXTRA_BINS[1:]):
        right = [r for c, r in rows if lo <= c < hi]
        said.append(f"{lo:.1f}-{min(hi, 1.0):.1f}: {sum(right)}/{len(right)}")
    return "extras right per stated confidence " + ", ".join(said)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one piece per split")
    parser.add_argument("--only", help="run only the conditions whose name contains this")
    parser.add_argument("--split", choices=sorted(SPLITS), help="run only this split")
    parser.add_argument("--seeds", type=int, default=2, help="takes per piece")
    parser.add_argument("--voice", choices=sorted(VOICES), default="ours",
                        help="the sung rows' voice: ours (the constants were chosen on it) "
                        "or second / third (built differently, never used to choose them)")
    parser.add_argument("--details", action="store_true",
                        help="print each misjudged note (kind, true cents, status, cents)")
    parser.add_argument("--extra-bins", action="store_true",
                        help="print the reported extra notes' share right per stated confidence")
    args = parser.parse_args()
    print(HEADER)
    for name, run in CONDITIONS.items():
        if args.only and args.only not in name:
            continue
        sung = getattr(run, "sung", False)
        if args.voice != "ours" and not sung:
            continue
        label = f"{name} ({args.voice} voice)" if args.voice != "ours" else name
        for split, pieces in PIECES.get(name, SPLITS).items():
            if args.split and split != args.split:
                continue
            total = Outcome()
            for piece_name in pieces[:1] if args.quick else pieces:
                score = _load_piece(piece_name)
                for seed in range(args.seeds):
                    kwargs = {"voice": args.voice} if sung else {}
                    total.add(run(score, seed + 7 * len(piece_name), **kwargs))
            print(table_row(label, split, total), flush=True)
            if args.extra_bins:
                print("    " + extra_reliability(total.extra_confidence), flush=True)
            if args.details:
                err = np.array([c - t for k, t, st, c in total.notes
                                if k != "missing" and np.isfinite(c) and abs(c - t) < 100])
                if err.size:
                    print(f"    cents error of measured notes: median |e| {np.median(np.abs(err)):.1f}, "
                          f"90th pct {np.percentile(np.abs(err), 90):.1f}, "
                          f"95th {np.percentile(np.abs(err), 95):.1f} (n={err.size})")
                for kind, true_cents, status, cents in total.notes:
                    if (kind != status) or (kind == "wrong" and abs(cents - true_cents) > 25):
                        print(f"    {kind:<8} {true_cents:+6.0f} -> {status:<8} {cents:+7.1f}")


if __name__ == "__main__":
    main()
