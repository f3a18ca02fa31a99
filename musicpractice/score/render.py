"""Sound of a :class:`~musicpractice.score.playback.Schedule`: parts mixed to stereo.

Each part is rendered mono with its voice -- the built-in singer/piano
(:mod:`musicpractice.audio.synth_voice`) or a General MIDI patch through FluidSynth
(:mod:`musicpractice.audio.fluidsynth_render`: choir aahs for voices, grand piano for
piano parts) -- then scaled by the part's gain, panned (equal power) and summed with the
metronome clicks. The window and ``musicpractice play`` both call :func:`render_schedule`.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from musicpractice.audio import fluidsynth_render
from musicpractice.audio.click import ACCENT_HZ, BEAT_HZ, _click
from musicpractice.audio.synth_voice import render_note, timbre_for
from musicpractice.core.errors import InvalidParameterError
from musicpractice.score.playback import Schedule

VOICES = ("builtin", "gm")
"""Built-in voices, or General MIDI through FluidSynth."""
CLICK_LEVEL = 0.25
HEADROOM_PEAK = 0.98


def part_timbres(sched: Schedule) -> dict[str, str]:
    """Built-in timbre of every part heard in ``sched`` (by name, else register)."""
    pitches = defaultdict(list)
    for note in sched.notes:
        pitches[note.part].append(note.midi - sched.transpose_semitones)
    return {part: timbre_for(part, float(np.mean(midis))) for part, midis in pitches.items()}


def render_schedule(sched: Schedule, *, sr: int = 44_100, voices: str = "builtin",
                    soundfont=None, timbres: dict[str, str] | None = None) -> np.ndarray:
    """Render a schedule to stereo samples.

    Parameters
    ----------
    sched : Schedule
    sr : int
        Sample rate, Hz.
    voices : {"builtin", "gm"}
        Built-in voices or General MIDI through FluidSynth (needs it installed).
    soundfont : path-like, optional
        The .sf2 file for ``"gm"`` (default: found in the usual places).
    timbres : dict, optional
        Part -> built-in timbre, overriding :func:`part_timbres`.

    Returns
    -------
    numpy.ndarray, shape (round(sched.duration_s * sr), 2), float32
        Left and right; scaled down as a whole only if the peak would exceed 0.98.

    Raises
    ------
    AudioDeviceError
        ``"gm"`` without FluidSynth or a soundfont.
    """
    tracks = render_tracks(sched, sr=sr, voices=voices, soundfont=soundfont, timbres=timbres)
    heard = {e.part: e for e in sched.notes}
    return mix_tracks(tracks, sched, sr=sr, gains={p: e.gain for p, e in heard.items()},
                      pans={p: e.pan for p, e in heard.items()})


def render_tracks(sched: Schedule, *, sr: int = 44_100, voices: str = "builtin",
                  soundfont=None, timbres: dict[str, str] | None = None) -> dict[str, np.ndarray]:
    """Each heard part of ``sched`` rendered alone at unit gain: part -> mono samples of
    the schedule's length (see :func:`render_schedule` for the parameters)."""
    if voices not in VOICES:
        raise InvalidParameterError(f"Voices must be one of {', '.join(VOICES)} (got {voices!r}).")
    n = int(round(sched.duration_s * sr))
    chosen = {**part_timbres(sched), **(timbres or {})}
    by_part = defaultdict(list)
    for note in sched.notes:
        by_part[note.part].append(note)
    return {part: _render_part(notes, n=n, sr=sr, voices=voices, soundfont=soundfont,
                               timbre=chosen[part])
            for part, notes in by_part.items()}


def mix_tracks(tracks: dict[str, np.ndarray], sched: Schedule, *, sr: int,
               gains: dict[str, float], pans: dict[str, float]) -> np.ndarray:
    """Stereo mix of part tracks (linear ``gains``, ``pans`` -1..1, equal-power) plus the
    schedule's clicks, scaled down as a whole only if the peak would exceed 0.98.

    Returns
    -------
    numpy.ndarray, shape (round(sched.duration_s * sr), 2), float32
    """
    n = int(round(sched.duration_s * sr))
    out = np.zeros((n, 2), np.float32)
    for part, mono in tracks.items():
        gain = gains.get(part, 0.0)
        if gain <= 0.0:
            continue
        angle = (pans.get(part, 0.0) + 1.0) * np.pi / 4.0
        out[:, 0] += gain * np.cos(angle) * mono[:n]
        out[:, 1] += gain * np.sin(angle) * mono[:n]
    accent = _click(ACCENT_HZ, sr, CLICK_LEVEL)
    beat = _click(BEAT_HZ, sr, CLICK_LEVEL)
    for click in sched.clicks:
        sound = accent if click.accent else beat
        start = int(round(click.time_s * sr))
        stop = min(n, start + len(sound))
        if start < stop:
            out[start:stop] += (sound[:stop - start] * np.sqrt(0.5))[:, None]
    peak = float(np.max(np.abs(out))) if n else 0.0
    if peak > HEADROOM_PEAK:
        out *= HEADROOM_PEAK / peak
    return out


def _render_part(notes, *, n: int, sr: int, voices: str, soundfont, timbre: str) -> np.ndarray:
    if voices == "gm":
        program = (fluidsynth_render.PROGRAM_PIANO if timbre == "piano"
                   else fluidsynth_render.PROGRAM_CHOIR_AAHS)
        return fluidsynth_render.render_notes(
            [(e.midi, e.onset_s, e.duration_s) for e in notes], sr=sr, program=program,
            soundfont=soundfont, length_s=n / sr)
    mono = np.zeros(n, np.float32)
    for e in notes:
        start = int(round(e.onset_s * sr))
        if start >= n:
            continue
        y = render_note(e.midi, e.duration_s, sr=sr, timbre=timbre)
        stop = min(n, start + len(y))
        mono[start:stop] += y[:stop - start]
    return mono
