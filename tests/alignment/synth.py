"""Synthetic scores and takes with exact truth for alignment tests."""

from __future__ import annotations

import numpy as np

from musicpractice.score.model import Measure, Score, ScoreNote, TempoMark

SR = 22_050


def melody_score(midis, *, part: str = "Voice", beats_per_bar: int = 4, bpm: float = 100.0,
                 durations=None, extra_parts: dict | None = None) -> Score:
    """A score of one (or more) parts of quarter notes (or ``durations`` in quarters)."""
    durations = list(durations) if durations is not None else [1.0] * len(midis)
    notes, q = [], 0.0
    for midi, dur in zip(midis, durations):
        notes.append(ScoreNote(part=part, voice=1, midi=int(midi), onset_quarter=q,
                               duration_quarter=float(dur), measure=int(q // beats_per_bar) + 1,
                               beat=1.0 + q % beats_per_bar))
        q += dur
    for name, (pitches, durs) in (extra_parts or {}).items():
        qq = 0.0
        for midi, dur in zip(pitches, durs):
            notes.append(ScoreNote(part=name, voice=1, midi=int(midi), onset_quarter=qq,
                                   duration_quarter=float(dur),
                                   measure=int(qq // beats_per_bar) + 1,
                                   beat=1.0 + qq % beats_per_bar))
            qq += dur
    n_bars = int(np.ceil(q / beats_per_bar))
    measures = tuple(Measure(number=k + 1, start_quarter=float(k * beats_per_bar),
                             duration_quarter=float(beats_per_bar),
                             time_signature=f"{beats_per_bar}/4", beat_quarter=1.0)
                     for k in range(n_bars))
    parts = (part,) + tuple(extra_parts or ())
    return Score(path="synthetic", title="synthetic", parts=parts,
                 notes=tuple(sorted(notes, key=lambda n: (n.onset_quarter, n.midi))),
                 measures=measures, keys=(), tempos=(TempoMark(0.0, bpm, ""),),
                 repeats_expanded=True)


def tempo_curve(score: Score, *, start_s: float = 0.5, wobble: float = 0.25,
                speed: float = 1.0):
    """A smooth, known time map quarter -> seconds (rubato around ``speed`` x marked tempo)."""
    q = np.linspace(0.0, score.duration_quarter, 2000)
    spq = 60.0 / score.tempos[0].bpm_quarter / speed
    local = spq * (1.0 + wobble * np.sin(2 * np.pi * q / max(8.0, score.duration_quarter / 2)))
    t = start_s + np.concatenate([[0.0], np.cumsum(np.diff(q) * local[:-1])])
    return lambda quarters: np.interp(quarters, q, t)


def render(notes, time_of, *, sr: int = SR, transpose: int = 0, tail_s: float = 1.0,
           cents: dict | None = None, skip: set | None = None, vibrato: bool = False):
    """Harmonic tones for score notes placed by ``time_of`` (quarters -> seconds).

    ``cents`` maps note index -> pitch offset in cents; ``skip`` holds indexes left silent.
    """
    cents = cents or {}
    skip = skip or set()
    ends = [time_of(n.onset_quarter + n.duration_quarter) for n in notes]
    y = np.zeros(int((max(ends) + tail_s) * sr), dtype=np.float64)
    for k, note in enumerate(notes):
        if k in skip:
            continue
        a = int(time_of(note.onset_quarter) * sr)
        b = int(ends[k] * sr)
        t = np.arange(b - a) / sr
        f = 440.0 * 2 ** ((note.midi + transpose - 69 + cents.get(k, 0.0) / 100.0) / 12.0)
        if vibrato:
            f = f * 2 ** (0.3 * np.sin(2 * np.pi * 5.5 * t) / 12.0)
        phase = 2 * np.pi * np.cumsum(np.broadcast_to(f, t.shape)) / sr
        tone = sum(0.6 ** h * np.sin((h + 1) * phase) for h in range(5))
        envelope = np.minimum(1.0, t / 0.01) * np.exp(-t / 1.5) * np.minimum(1.0, (t[-1] - t) / 0.02 + 1e-3)
        y[a:b] += 0.2 * tone * envelope
    return y.astype(np.float32)


def random_melody(seed: int, n: int = 48, low: int = 60, high: int = 74):
    """A reproducible random melody (MIDI numbers), no repeated neighbours."""
    rng = np.random.default_rng(seed)
    out = [int(rng.integers(low, high))]
    while len(out) < n:
        step = int(rng.choice([-4, -3, -2, -1, 1, 2, 3, 5]))
        out.append(int(np.clip(out[-1] + step, low, high)))
    return out
