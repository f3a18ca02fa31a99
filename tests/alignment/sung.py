"""Sung takes with exact truth for the note-verdict tests: a vowel-like voice (vibrato,
portamento) singing a written melody with chosen mistakes."""

from __future__ import annotations

import numpy as np

from musicpractice.score.render_voice import VoiceNote, render_voice
from tests.alignment.synth import SR


def sing(notes, *, seconds_per_quarter: float = 0.5, start_s: float = 0.6,
         cents: dict | None = None, silent: set | None = None, held: set | None = None,
         extra_after: dict | None = None, restart: tuple[int, int] | None = None,
         pause_s: float = 2.0, others=None, others_db: float = 6.0, tuning_cents: float = 0.0,
         seed: int = 0, again_cents: dict | None = None, voice_options: dict | None = None,
         soft_db: dict | None = None):
    """Render ``notes`` (ScoreNotes of one part, in order) sung with mistakes.

    Parameters
    ----------
    cents : dict
        Note index -> pitch error in cents.
    silent, held : set
        Note indexes left out: in silence, or with the previous note held on through them.
    extra_after : dict
        Note index -> semitones of an extra note sung in the second half of that note.
    restart : (int, int)
        ``(stop, back)``: after note ``stop`` the singer pauses ``pause_s`` and goes on
        from note ``back``; mistakes apply to the first pass only.
    others : list of ScoreNote
        Other parts, sung in time ``others_db`` below the singer.
    again_cents : dict
        Note index -> pitch error in cents in the second pass (after the restart).
    voice_options : dict
        More settings of :func:`render_voice` (vibrato, portamento, ...).
    soft_db : dict
        Note index -> dB the note is sung softer than the others (first pass).

    Returns
    -------
    audio : numpy.ndarray
    onsets : dict
        ``(note index, attempt) -> onset_s`` of every note sung (or left out).
    extras : list of (onset_s, midi)
    """
    cents, silent, held = cents or {}, silent or set(), held or set()
    extra_after = extra_after or {}
    passes = [(0, len(notes))] if restart is None else [(0, restart[0] + 1),
                                                        (restart[1], len(notes))]
    voice, onsets, extras, timelines = [], {}, [], []
    t0 = start_s
    for attempt, (a, b) in enumerate(passes):
        q0 = notes[a].onset_quarter

        def time_of(q, t0=t0, q0=q0):
            return t0 + (q - q0) * seconds_per_quarter

        timelines.append((notes[a].onset_quarter,
                          notes[b - 1].onset_quarter + notes[b - 1].duration_quarter, time_of))
        for k in range(a, b):
            n = notes[k]
            on = time_of(n.onset_quarter)
            off = time_of(n.onset_quarter + n.duration_quarter) - 0.03
            onsets[(k, attempt)] = on
            first_pass = attempt == 0
            if first_pass and k in silent:
                continue
            if first_pass and k in held:
                last = voice.pop()
                voice.append(VoiceNote(last.onset_s, off, last.midi))
                continue
            pitch = n.midi + (cents.get(k, 0.0) if first_pass else
                              (again_cents or {}).get(k, 0.0)) / 100.0
            pitch += tuning_cents / 100.0
            if first_pass and k in extra_after:
                middle = on + 0.5 * (off - on)
                voice.append(VoiceNote(on, middle, pitch))
                voice.append(VoiceNote(middle + 0.02, off, n.midi + extra_after[k]))
                extras.append((middle + 0.02, n.midi + extra_after[k]))
            else:
                level = 10.0 ** (-(soft_db or {}).get(k, 0.0) / 20.0) if first_pass else 1.0
                voice.append(VoiceNote(on, off, pitch, level))
        t0 = time_of(notes[b - 1].onset_quarter + notes[b - 1].duration_quarter) + pause_s
    audio = render_voice(voice, sr=SR, seed=seed, **(voice_options or {})).astype(np.float64)
    if others:
        backing = []
        for q_start, q_end, time_of in timelines:
            for n in others:
                if q_start - 1e-6 <= n.onset_quarter < q_end - 1e-6:
                    backing.append(VoiceNote(time_of(n.onset_quarter),
                                             time_of(n.onset_quarter + n.duration_quarter) - 0.03,
                                             n.midi + tuning_cents / 100.0))
        sung = render_voice(backing, sr=SR, vowel="o", seed=seed + 1, tail_s=0.0)
        m = min(sung.size, audio.size)
        gain = np.sqrt(np.mean(audio ** 2) / np.mean(sung[:m].astype(np.float64) ** 2))
        audio[:m] += sung[:m] * gain * 10 ** (-others_db / 20.0)
    return (0.5 * audio / np.max(np.abs(audio))).astype(np.float32), onsets, extras
