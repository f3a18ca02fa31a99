"""Piano takes with known mistakes, from the Vienna 4x22 performances.

A real pianist's performance (the ``.match`` file: every performed note matched to its
written note) gets wrong notes (a key one or two semitones off, not sounding nearby),
left-out notes and extra notes written into it, is written back to a MIDI file with its
sustain pedal and rendered with FluidSynth. The truth per written note is what the take
actually contains: ``ok``, ``missing`` (left out here or by the pianist) or ``wrong`` with
the key played; extra notes with their time and key.

Rendered audio is cached in ``$TMPDIR/musicpractice-align-bench`` (never in the repository).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from align_data import CACHE, DATA, render_midi

VIENNA = DATA / "vienna4x22"
_STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_SNOTE = re.compile(r"^snote\(([^,]+),\[(\w),([#bn]+)\],(-?\d+),[^,]+,[^,]+,[^,]+,"
                    r"(-?[\d.]+),(-?[\d.]+),\[[^\]]*\]\)-(note\([^)]*\)|deletion)")
_NOTE = re.compile(r"note\([^,]+,(\d+),(\d+),(\d+),(\d+)")
_SUSTAIN = re.compile(r"^sustain\((\d+),(\d+)\)")


@dataclass
class PerfNote:
    midi: int
    on_tick: int
    off_tick: int
    velocity: int


@dataclass
class WrittenNote:
    """A written note of the match file and what the take has for it."""

    quarter: float
    midi: int
    perf: PerfNote | None
    truth: str = "ok"
    played_midi: int | None = None


@dataclass
class PianoTake:
    name: str
    written: list[WrittenNote]
    extras: list[PerfNote]
    sustain: list[tuple[int, int]]
    ticks_per_quarter: int
    us_per_quarter: int
    first_quarter: float
    extras_s: list[tuple[float, int]] = field(default_factory=list)

    def seconds(self, tick: int) -> float:
        return tick / self.ticks_per_quarter * self.us_per_quarter / 1e6


def performances(piece: str) -> list[Path]:
    """The match files of one piece (``Chopin_op10_no3`` or ``Mozart_K331_1st-mov``)."""
    return sorted((VIENNA / "match").glob(f"{piece}_p*.match"))


def score_path(piece: str) -> Path:
    return VIENNA / "musicxml" / f"{piece}.musicxml"


def read_take(match_path: Path) -> PianoTake:
    """The performance of a match file as written notes, inserted notes and pedal."""
    text = match_path.read_text(errors="replace")
    units = int(re.search(r"info\(midiClockUnits,(\d+)\)", text).group(1))
    rate = int(re.search(r"info\(midiClockRate,(\d+)\)", text).group(1))
    denominator = int(re.search(r"timeSignature,\d+/(\d+)", text).group(1))
    written, extras, sustain = [], [], []
    for line in text.splitlines():
        m = _SNOTE.match(line)
        if m:
            step, alter, octave = m.group(2), m.group(3), int(m.group(4))
            midi = 12 * (octave + 1) + _STEPS[step.upper()] + alter.count("#") - alter.count("b")
            perf = None
            if m.group(7) != "deletion":
                p = _NOTE.match(m.group(7))
                perf = PerfNote(*(int(v) for v in p.groups()))
            written.append(WrittenNote(quarter=float(m.group(5)) * 4.0 / denominator, midi=midi,
                                       perf=perf, truth="ok" if perf else "missing"))
        elif line.startswith("insertion-note"):
            p = _NOTE.search(line)
            extras.append(PerfNote(*(int(v) for v in p.groups())))
        else:
            s = _SUSTAIN.match(line)
            if s:
                sustain.append((int(s.group(1)), int(s.group(2))))
    first = min(w.quarter for w in written)
    take = PianoTake(name=match_path.stem, written=written, extras=extras, sustain=sustain,
                     ticks_per_quarter=units, us_per_quarter=rate, first_quarter=first)
    take.extras_s = [(take.seconds(e.on_tick), e.midi) for e in extras]
    return take


def inject_mistakes(take: PianoTake, *, seed: int, wrong_rate: float = 0.05,
                    missing_rate: float = 0.05, extra_rate: float = 0.03) -> PianoTake:
    """The take with wrong, left-out and extra notes written in (truth updated)."""
    rng = np.random.default_rng(seed)
    played = [w for w in take.written if w.perf is not None]
    chosen = rng.permutation(len(played))
    n_wrong = int(round(wrong_rate * len(played)))
    n_missing = int(round(missing_rate * len(played)))
    onsets = np.array([w.perf.on_tick for w in played])
    near = int(0.25 * take.ticks_per_quarter * 1e6 / take.us_per_quarter)  # 250 ms
    for k in chosen[:n_wrong]:
        w = played[k]
        close = {p.perf.midi for p in played if abs(p.perf.on_tick - w.perf.on_tick) < near}
        steps = [s for s in rng.permutation([-2, -1, 1, 2]) if w.perf.midi + s not in close]
        if not steps:
            continue
        w.perf = PerfNote(w.perf.midi + int(steps[0]), w.perf.on_tick, w.perf.off_tick,
                          w.perf.velocity)
        w.truth, w.played_midi = "wrong", w.perf.midi
    for k in chosen[n_wrong:n_wrong + n_missing]:
        played[k].perf, played[k].truth = None, "missing"
    extras = list(take.extras)
    for _ in range(int(round(extra_rate * len(played)))):
        tick = int(rng.uniform(onsets.min(), onsets.max()))
        close = [p for p in played if p.perf is not None and abs(p.perf.on_tick - tick) < near]
        base = close[0].perf.midi if close else int(rng.integers(55, 80))
        pitch = int(base + rng.choice([-5, -4, -3, 3, 4, 5]))
        length = int(rng.uniform(0.2, 0.5) * take.ticks_per_quarter * 1e6 / take.us_per_quarter)
        extras.append(PerfNote(pitch, tick, tick + length, int(rng.integers(60, 100))))
    out = PianoTake(name=f"{take.name}_mistakes1_s{seed}", written=take.written, extras=extras,
                    sustain=take.sustain, ticks_per_quarter=take.ticks_per_quarter,
                    us_per_quarter=take.us_per_quarter, first_quarter=take.first_quarter)
    out.extras_s = [(out.seconds(e.on_tick), e.midi) for e in extras]
    return out


def render(take: PianoTake, sr: int = 22050) -> Path:
    """The take written to MIDI and rendered with FluidSynth (cached WAV path)."""
    CACHE.mkdir(exist_ok=True)
    midi_path = CACHE / f"{take.name}.mid"
    notes = [w.perf for w in take.written if w.perf is not None] + list(take.extras)
    events = []
    for n in notes:
        events.append((n.on_tick, 1, bytes([0x90, n.midi, max(1, min(127, n.velocity))])))
        events.append((max(n.off_tick, n.on_tick + 1), 0, bytes([0x80, n.midi, 0])))
    events += [(t, 0, bytes([0xB0, 64, min(127, v)])) for t, v in take.sustain]
    events.sort(key=lambda e: (e[0], e[1]))
    track = bytearray(b"\x00\xff\x51\x03" + take.us_per_quarter.to_bytes(3, "big"))
    track += b"\x00\xc0\x00"
    now = 0
    for tick, _, data in events:
        track += _varlen(tick - now) + data
        now = tick
    track += b"\x00\xff\x2f\x00"
    midi_path.write_bytes(b"MThd" + struct.pack(">IHHH", 6, 0, 1, take.ticks_per_quarter)
                          + b"MTrk" + struct.pack(">I", len(track)) + bytes(track))
    return render_midi(midi_path, sr=sr)


def _varlen(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def mistaken_take(performance: str, seed: int):
    """A Vienna performance (``vienna:<piece>:<index>``) with mistakes written in, rendered:
    ``(take, samples, sr, score)``, the samples mono float32, shape (n,)."""
    import soundfile as sf

    from musicpractice.score import load_score

    _, piece, index = performance.split(":")
    take = inject_mistakes(read_take(performances(piece)[int(index)]), seed=seed)
    y, sr = sf.read(render(take), dtype="float32")
    y = y.mean(axis=1) if y.ndim > 1 else y
    return take, y, sr, load_score(score_path(piece))


def scored_rows(comparison, take: PianoTake, score) -> list:
    """``(row, written)`` for each verdict row whose written note has a truth of its own
    (``written.truth``).

    A key two voices write at the same score time is one stroke: where the match file has
    both written notes, it pairs the performed key with one and calls the other deleted,
    although its key sounds. Those notes have no truth of their own and are left out (as
    in ``piano_check_fit.py``).
    """
    s0 = min(n.onset_quarter for n in score.notes)
    truth: dict = {}
    for w in take.written:
        truth.setdefault((round((w.quarter - take.first_quarter + s0) * 48), w.midi), []).append(w)
    twice = {key for key, found in truth.items() if len(found) > 1}
    out = []
    for row in comparison.notes:
        key = (round(row.ref_quarter * 48), row.midi)
        found = truth.get(key)
        if found:
            w = found.pop(0)
            if key not in twice:
                out.append((row, w))
    return out


def evaluate(comparison, take: PianoTake, score, outcome) -> None:
    """Add one piano take's verdicts, scored against its truth (:func:`scored_rows`), to
    ``outcome``."""
    for row, w in scored_rows(comparison, take, score):
        outcome.rows += 1
        outcome.unsure += row.status == "unsure"
        if w.truth == "ok":
            outcome.good += 1
            outcome.false_flags += row.status in ("wrong", "missing")
        elif w.truth == "wrong":
            outcome.wrong += 1
            outcome.wrong_found += row.status == "wrong" and row.played_midi == w.played_midi
        else:
            outcome.missing += 1
            outcome.missing_found += row.status == "missing"
        if row.status in ("ok", "wrong", "missing"):
            outcome.sure += 1
            right = row.status == w.truth and (row.status != "wrong"
                                               or row.played_midi == w.played_midi)
            outcome.sure_wrong += not right
            outcome.flagged += row.status in ("wrong", "missing")
            outcome.flagged_right += row.status in ("wrong", "missing") and right
        true_cents = 100.0 * (w.played_midi - w.midi) if w.played_midi is not None else 0.0
        found_cents = (100.0 * (row.played_midi - row.midi) if row.played_midi is not None
                       else float("nan"))
        outcome.notes.append((w.truth, true_cents, row.status, found_cents))
    reported = [(e.take_onset_s, e.midi) for e in comparison.extra_notes]
    outcome.extras += len(take.extras_s)
    outcome.extras_found += sum(any(abs(t - u) <= 0.2 and abs(m - n) <= 1 for u, n in reported)
                                for t, m in take.extras_s)
    outcome.extras_reported += len(reported)
    outcome.extras_reported_right += sum(
        any(abs(t - u) <= 0.2 and abs(m - n) <= 1 for u, n in take.extras_s) for t, m in reported)


PIANO_SPLITS = {
    "fit": tuple(f"vienna:{piece}:{k}" for piece in ("Chopin_op10_no3", "Mozart_K331_1st-mov")
                 for k in (0, 1, 2)),
    "held-out": tuple(f"vienna:{piece}:{k}" for piece in ("Chopin_op10_no3", "Mozart_K331_1st-mov")
                      for k in (11, 12, 13)),
}
"""Performances (``vienna:<piece>:<index>``) whose takes fitted the piano check's
calibration, and the held-out ones (other pianists)."""


def piano_outcome(performance: str, seed: int, outcome):
    """One take of a Vienna performance with mistakes through the product, scored into
    ``outcome`` (a ``note_verdicts.Outcome``), which is returned."""
    import time

    from musicpractice.alignment import align_to_score, compare_with_score

    take, y, sr, score = mistaken_take(performance, seed)
    start = time.perf_counter()
    comparison = compare_with_score(y, sr, score, align_to_score(y, sr, score))
    outcome.seconds = time.perf_counter() - start
    outcome.takes = 1
    evaluate(comparison, take, score, outcome)
    return outcome
