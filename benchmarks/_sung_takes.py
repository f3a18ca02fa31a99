"""Sung takes of a score part with known mistakes (error injection), for note_verdicts.py.

A part of a score is sung by :func:`musicpractice.score.render_voice.render_voice` under a
smooth rubato, at a slightly detuned A4, with pitch errors, missing notes (silence or the
previous note held on), extra notes, optionally a restart (stop, pause, go back two bars)
and optionally the other parts of the score mixed below the singer. Everything put in is
returned as truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from musicpractice.score.model import Score, ScoreNote
from musicpractice.score.render_voice import VoiceNote, render_voice

SR = 22_050
ERROR_CENTS = (60, 80, 100, 150, 200, 300)
"""Magnitudes of the pitch errors a wrong note gets (either direction)."""
SMALL_CENTS = (20, 30)
"""Slight deviations: still good notes (within a 50-cent tolerance)."""
VOWELS = ("a", "o", "e", "u")
VOICES = {
    "ours": dict(vibrato_cents=35.0, vibrato_hz=5.5, portamento_s=0.08, breath_db=-45.0),
    "second": dict(vibrato_cents=55.0, vibrato_hz=6.6, portamento_s=0.2, breath_db=-24.0,
                   jitter_cents=6.0, consonant_db=-12.0),
    "third": dict(vibrato_cents=25.0, vibrato_hz=4.6, portamento_s=0.12, breath_db=-32.0,
                  jitter_cents=4.0, consonant_db=-18.0),
}
"""Voice settings of :func:`render_voice`. ``ours`` is the voice the constants were chosen
on; ``second`` is built differently and never used to choose them: another vowel (``i``),
a wider and faster vibrato, slower portamento, a breathier tone, a slow random pitch
wander (jitter) and a sung consonant's noise before every attack after a silence.
``third`` (added by H19 for checking only, never used to choose constants): vowel ``o``,
a slow narrow vibrato (25 cents at 4.6 Hz: 1.5 cycles take a third of a second), a
medium glide, some breath, jitter and consonants."""
SECOND_VOWEL = "i"
VOICE_VOWELS = {"second": SECOND_VOWEL, "third": "o"}


@dataclass
class TrueNote:
    """One written note as it was sung in one attempt."""

    index: int
    """Index into the part's notes (see :func:`part_notes`)."""
    attempt: int
    kind: str
    """``"ok"``, ``"wrong"`` or ``"missing"``."""
    cents: float
    """Sung minus written pitch at the take's tuning (0 for missing)."""
    onset_s: float
    offset_s: float
    how: str = ""
    """For a missing note: ``"silence"`` or ``"held"``."""


@dataclass
class SungTake:
    """A rendered take and what is in it."""

    audio: np.ndarray
    sr: int
    part: str
    notes: tuple[ScoreNote, ...]
    truth: list[TrueNote]
    extras: list[tuple[float, float, float]] = field(default_factory=list)
    """(onset_s, offset_s, midi) of each extra note."""
    restarts: list[tuple[float, int, int]] = field(default_factory=list)
    """(take_s, from_measure, to_measure)."""
    tuning_cents: float = 0.0


def part_notes(score: Score, part: str, *, max_quarters: float | None = None):
    """The part's notes in order (first ``max_quarters`` of the score only)."""
    notes = sorted(score.part_notes(part), key=lambda n: n.onset_quarter)
    if max_quarters is not None:
        notes = [n for n in notes if n.onset_quarter < max_quarters]
    return tuple(notes)


def make_take(score: Score, part: str, *, seed: int, max_quarters: float | None = 48.0,
              wrong_share: float = 0.12, small_share: float = 0.08,
              missing_share: float = 0.07, extra_share: float = 0.05,
              restart: bool = False, mix_db: float | None = None,
              sr: int = SR, voice: str = "ours") -> SungTake:
    """A sung take of ``part`` with mistakes drawn from ``seed``.

    Parameters
    ----------
    score : Score
    part : str
        The sung part (its notes must not overlap).
    seed : int
    max_quarters : float or None
        Sing only the notes starting in the first this many quarter notes.
    wrong_share, small_share, missing_share, extra_share : float
        Shares of the notes sung wrong (``ERROR_CENTS``), slightly off (``SMALL_CENTS``),
        left out, and followed by an extra note.
    restart : bool
        Stop in the middle, pause, and go back two bars.
    mix_db : float or None
        Mix the other parts this many dB below the singer (None: the part alone).
    voice : str
        One of ``VOICES``: the singer's voice.
    """
    if voice not in VOICES:
        raise ValueError(f"Unknown voice {voice!r}; use one of {', '.join(VOICES)}.")
    voice_name = voice
    rng = np.random.default_rng(seed)
    notes = part_notes(score, part, max_quarters=max_quarters)
    n = len(notes)
    kinds = ["ok"] * n
    cents = np.zeros(n)
    order = rng.permutation(np.arange(1, n - 1))
    n_wrong, n_small = int(round(wrong_share * n)), int(round(small_share * n))
    n_missing = int(round(missing_share * n))
    for k in order[:n_wrong]:
        kinds[k] = "wrong"
        cents[k] = rng.choice(ERROR_CENTS) * rng.choice([-1, 1])
    for k in order[n_wrong:n_wrong + n_small]:
        cents[k] = rng.choice(SMALL_CENTS) * rng.choice([-1, 1])
    for k in order[n_wrong + n_small:n_wrong + n_small + n_missing]:
        if kinds[k - 1] != "missing" and kinds[k + 1] != "missing":
            kinds[k] = "missing"
    extra_after = set(int(k) for k in rng.permutation(np.arange(1, n - 1))[:int(round(extra_share * n))]
                      if kinds[k] != "missing")
    tuning_cents = float(rng.uniform(-15, 15))
    spq = 60.0 / float(score.tempo_at(notes[0].onset_quarter)) * rng.uniform(0.8, 1.2)
    phase = rng.uniform(0, 2 * np.pi)

    def seconds_per_quarter(q):
        return spq * (1.0 + 0.15 * np.sin(2 * np.pi * q / 16.0 + phase))

    segments = [(0, n)]
    restart_at = None
    if restart:
        measures = sorted({x.measure for x in notes})
        stop_measure = measures[int(len(measures) * rng.uniform(0.45, 0.6))]
        back_measure = max(measures[0], stop_measure - 2)
        stop = max(k for k in range(n) if notes[k].measure == stop_measure) + 1
        back = min(k for k in range(n) if notes[k].measure >= back_measure)
        segments = [(0, stop), (back, n)]
        restart_at = (stop_measure, notes[back].measure)
    truth, voice, extras, restarts = [], [], [], []
    other_timeline = []  # (q_start, q_end, t_start, seconds per quarter) per segment
    t = 0.6
    for attempt, (first, last) in enumerate(segments):
        if attempt:
            restarts.append((t, restart_at[0], restart_at[1]))
            t += rng.uniform(1.5, 3.0)
        q_start = notes[first].onset_quarter
        seg_t0 = t
        times = {}

        def time_of(q, q_start=q_start, seg_t0=seg_t0):
            grid = np.linspace(q_start, max(q, q_start) + 1e-9, 64)
            return seg_t0 + float(np.trapezoid(seconds_per_quarter(grid), grid))

        for k in range(first, last):
            x = notes[k]
            on = time_of(x.onset_quarter)
            off = time_of(x.onset_quarter + x.duration_quarter) - 0.03
            times[k] = (on, off)
        for k in range(first, last):
            on, off = times[k]
            x = notes[k]
            overlap = attempt < len(segments) - 1 and k >= segments[-1][0]
            kind = "ok" if overlap else kinds[k]
            if kind == "missing":
                prev_sung = (voice and k - 1 >= first and (k - 1) not in extra_after
                             and abs(voice[-1].offset_s - on) < 0.06)
                held = prev_sung and rng.random() < 0.5
                if held:
                    last_note = voice.pop()
                    voice.append(VoiceNote(last_note.onset_s, off, last_note.midi))
                truth.append(TrueNote(k, attempt, "missing", 0.0, on, off,
                                      "held" if held else "silence"))
                continue
            c = 0.0 if overlap else float(cents[k])
            end = off
            if k in extra_after and not overlap and off - on > 0.45:
                end = on + 0.6 * (off - on)
                step = int(rng.choice([-4, -3, -2, 2, 3, 4]))
                extra_midi = x.midi + step + tuning_cents / 100.0
                voice.append(VoiceNote(on, end, x.midi + (c + tuning_cents) / 100.0))
                voice.append(VoiceNote(end + 0.02, off, extra_midi))
                extras.append((end + 0.02, off, float(x.midi + step)))
            else:
                voice.append(VoiceNote(on, off, x.midi + (c + tuning_cents) / 100.0))
            truth.append(TrueNote(k, attempt, "wrong" if abs(c) > 50 else "ok", float(c),
                                  on, end))
        q_end = notes[last - 1].onset_quarter + notes[last - 1].duration_quarter
        other_timeline.append((q_start, q_end, time_of))
        t = times[last - 1][1] + 0.03
    vowel = VOICE_VOWELS.get(voice_name, VOWELS[seed % len(VOWELS)])
    audio = render_voice(voice, sr=sr, vowel=vowel, seed=seed, tuning_hz=440.0,
                         **VOICES[voice_name])
    if mix_db is not None:
        audio = _mix_other_parts(audio, score, part, other_timeline, tuning_cents, mix_db,
                                 sr=sr, seed=seed)
    return SungTake(audio=audio, sr=sr, part=part, notes=notes, truth=truth, extras=extras,
                    restarts=restarts, tuning_cents=tuning_cents)


def _mix_other_parts(audio, score, part, timeline, tuning_cents, mix_db, *, sr, seed):
    """The other parts, sung in time with the singer, ``mix_db`` below it (RMS)."""
    others = np.zeros_like(audio, dtype=np.float64)
    for p_index, other in enumerate(p for p in score.parts if p != part):
        voice = []
        for q_start, q_end, time_of in timeline:
            for x in sorted(score.part_notes(other), key=lambda n: n.onset_quarter):
                if q_start - 1e-6 <= x.onset_quarter < q_end - 1e-6:
                    off_q = min(x.onset_quarter + x.duration_quarter, q_end)
                    voice.append(VoiceNote(time_of(x.onset_quarter), time_of(off_q) - 0.03,
                                           x.midi + tuning_cents / 100.0))
        if not voice:
            continue
        sung = render_voice(voice, sr=sr, vowel=VOWELS[(seed + p_index + 1) % len(VOWELS)],
                            seed=seed + 100 + p_index, tail_s=0.0)
        m = min(sung.size, others.size)
        others[:m] += sung[:m]
    rms_singer = np.sqrt(np.mean(audio.astype(np.float64) ** 2))
    rms_others = np.sqrt(np.mean(others ** 2))
    if rms_others > 0:
        others *= rms_singer / rms_others * 10 ** (-mix_db / 20.0)
    mixed = audio + others
    return (mixed * (0.5 / max(np.max(np.abs(mixed)), 1e-9))).astype(np.float32)
