"""Piano verdicts on real recordings (issue 10): the two shared professional takes of
Chopin Op. 10/3, bars 1-8, never used to choose a constant.

The pianists played every written note, so mistakes with exact truth are written into the
score instead (``vienna4x22/musicxml/Chopin_op10_no3.musicxml``), per seed:

- about one written note in twelve (bars 1-8) whose key is not written again within a
  quarter note is moved 1 or 2 semitones to a key not written within a quarter note: the
  take now plays it wrong, the key played (``played_midi``) being the original one;
- at about one onset in twelve (at most one a quarter note) a key is added 3-5 semitones
  above the top note sounding there (never an octave or twelfth of a sounding note), in a
  part of its own: the take leaves it out.

The take goes through the product path (``align_file``, the note model by default) and the
table prints, per take and in total: wrong-note recall (``wrong`` naming the key played),
wrong notes found as mistakes at all (``wrong`` or ``missing``), good notes flagged,
missing recall, unsure share, the share of sure verdicts that are wrong and the share of
the ``wrong``/``missing`` verdicts that are right (the mistakes a report names).

Usage: ``.venv/bin/python benchmarks/real_piano_verdicts.py [--seeds N]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import require_data  # noqa: E402

TAKES = ("Igoshina", "Varsi")
LAST_BAR = 8
NEARBY_Q = 1.0
"""A moved note's new key is not written within this many quarters of it."""
HARMONIC_STEPS = (12, 19, 24, 28, 31)


def mistaken_score(source: Path, out: Path, *, seed: int):
    """Write ``source`` with mistakes to ``out``; the truth as
    ``{(onset_quarter, midi): (kind, played_midi)}`` for every written note of bars
    1-``LAST_BAR`` (kind ``ok`` / ``wrong`` / ``missing``)."""
    import music21

    rng = np.random.default_rng(seed)
    parsed = music21.converter.parse(str(source))
    events = []  # (onset_q, element) in bars 1-LAST_BAR, chords and notes
    for element in parsed.flatten().notes:
        measure = element.getContextByClass(music21.stream.Measure)
        starts = element.tie is None or element.tie.type == "start"
        if measure is not None and 1 <= measure.number <= LAST_BAR and starts:
            events.append((float(element.getOffsetInHierarchy(parsed)), element))
    written = [(q, p.midi) for q, e in events for p in e.pitches]
    truth = {(q, m): ("ok", None) for q, m in written}

    added: list[tuple[float, int, float]] = []

    def added_at(q):
        return any(abs(q2 - q) < 1.0 for q2, _m, _d in added)

    def free(q, midi):
        return not any(abs(q2 - q) < NEARBY_Q and m2 == midi for q2, m2 in written)

    for q, element in events:
        notes = list(element.notes) if isinstance(element, music21.chord.Chord) else [element]
        if rng.random() < 1 / 12 and not added_at(q):  # a key added: left out by the take
            sounding = [m for q2, m in written if abs(q2 - q) < 0.01]
            for step in rng.permutation([3, 4, 5]):
                key = max(sounding) + int(step)
                if free(q, key) and all(key - m not in HARMONIC_STEPS for m in sounding):
                    added.append((q, key, min(float(element.quarterLength), 1.0)))
                    written.append((q, key))
                    truth[(q, key)] = ("missing", None)
                    break
            continue
        for n in notes:
            if rng.random() >= 1 / 12 or n.tie is not None:
                continue
            original = n.pitch.midi
            if sum(abs(q2 - q) < NEARBY_Q and m2 == original for q2, m2 in written) > 1:
                continue  # the key is written again nearby: its sound is expected anyway
            for shift in rng.permutation([-2, -1, 1, 2]):
                key = original + int(shift)
                if free(q, key):
                    n.pitch.midi = key
                    truth.pop((q, original))
                    truth[(q, key)] = ("wrong", original)
                    written.append((q, key))
                    break
    if added:  # the added keys as a part of their own (one line, its rests filled)
        part = music21.stream.Part()
        part.partName = "Added"
        part.insert(0, parsed.recurse().getElementsByClass(music21.meter.TimeSignature)[0])
        for q, key, duration in sorted(added):  # a quarter note apart at least: no overlap
            part.insert(q, music21.note.Note(key, quarterLength=duration))
        part.makeRests(fillGaps=True, inPlace=True)
        measures = part.makeMeasures()
        measures.makeTies(inPlace=True)
        measures.partName = "Added"
        parsed.insert(0, measures)
    parsed.write("musicxml", fp=str(out))
    return truth


def evaluate(take: Path, score: Path, truth: dict) -> dict:
    """Counts of one take against one mistaken score."""
    from musicpractice.alignment.pipeline import align_file

    result = align_file(take, score, bars=(1, LAST_BAR))
    rows = {(round(r.ref_quarter * 48), r.midi): r for r in result.comparison.notes}
    c = dict(wrong=0, wrong_named=0, wrong_flagged=0, good=0, false=0, missing=0,
             missing_found=0, rows=0, unsure=0, sure=0, sure_bad=0, flags=0, flags_ok=0)
    for (q, midi), (kind, played) in truth.items():
        row = rows.get((round(q * 48), midi))
        status = row.status if row is not None else "absent"
        c["rows"] += 1
        c["unsure"] += status == "unsure"
        named = status == "wrong" and row.played_midi == played
        if kind == "wrong":
            c["wrong"] += 1
            c["wrong_named"] += named
            c["wrong_flagged"] += status in ("wrong", "missing")
        elif kind == "missing":
            c["missing"] += 1
            c["missing_found"] += status == "missing"
        else:
            c["good"] += 1
            c["false"] += status in ("wrong", "missing")
        if status in ("ok", "wrong", "missing"):
            c["sure"] += 1
            c["sure_bad"] += not (status == kind and (kind != "wrong" or named))
        c["flags"] += status in ("wrong", "missing")
        c["flags_ok"] += status in ("wrong", "missing") and status == kind and (
            kind != "wrong" or named)
    return c


def _line(name: str, c: dict) -> str:
    def r(a, b):
        return f"{c[a] / c[b]:.2f}" if c[b] else "  - "
    return (f"{name:<14} {r('wrong_named', 'wrong'):>9} {r('wrong_flagged', 'wrong'):>9} "
            f"{r('false', 'good'):>8} {r('missing_found', 'missing'):>8} {r('unsure', 'rows'):>6} "
            f"{r('sure_bad', 'sure'):>8} {r('flags_ok', 'flags'):>8}   (wrong {c['wrong']}, missing {c['missing']}, "
            f"good {c['good']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="scores with other mistakes")
    args = parser.parse_args()
    folder = require_data() / "alignment"
    source = folder / "vienna4x22" / "musicxml" / "Chopin_op10_no3.musicxml"
    print(f"{'take':<14} {'wrong rec':>9} {'flagged':>9} {'false fl':>8} {'miss rec':>8} "
          f"{'unsure':>6} {'sure bad':>8} {'flags ok':>8}")
    total: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for who in TAKES:
            per: dict = {}
            for seed in range(args.seeds):
                score = Path(tmp) / f"chopin_{seed}.musicxml"
                truth = mistaken_score(source, score, seed=seed)
                c = evaluate(folder / f"Chopin_Op010-03-Measures1-8_{who}.wav", score, truth)
                for key, value in c.items():
                    per[key] = per.get(key, 0) + value
                    total[key] = total.get(key, 0) + value
            print(_line(who, per), flush=True)
    print(_line("both", total))


if __name__ == "__main__":
    main()
