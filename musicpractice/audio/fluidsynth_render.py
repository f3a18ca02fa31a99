"""General MIDI voices through FluidSynth (pyfluidsynth + the system's libfluidsynth).

Used when installed (Debian/Ubuntu: ``sudo apt install fluidsynth fluid-soundfont-gm``);
otherwise :func:`fluidsynth_available` says why, and the built-in voices
(:mod:`musicpractice.audio.synth_voice`) play instead. Notes are rendered offline, sample
by sample in order of their start, so every note starts at its exact frame.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from musicpractice.audio.recording_errors import AudioDeviceError
from musicpractice.core.errors import InvalidParameterError

SOUNDFONT_ENV = "MUSICPRACTICE_SOUNDFONT"
SOUNDFONT_PLACES = (
    "/usr/share/sounds/sf2/FluidR3_GM.sf2",
    "/usr/share/sounds/sf2/default-GM.sf2",
    "/usr/share/soundfonts/FluidR3_GM.sf2",
    "/usr/share/soundfonts/default.sf2",
    "/usr/local/share/soundfonts/default.sf2",
    "/opt/homebrew/share/soundfonts/default.sf2",
    "~/.local/share/soundfonts/default.sf2",
)
INSTALL_HINT = ("install FluidSynth and a General MIDI soundfont (Debian/Ubuntu: sudo apt install "
                "fluidsynth fluid-soundfont-gm; macOS: brew install fluid-synth)")
PROGRAM_CHOIR_AAHS = 52
PROGRAM_PIANO = 0
TAIL_S = 1.0


def _module():
    try:
        import fluidsynth  # pyfluidsynth; loads libfluidsynth through ctypes
    except (ImportError, OSError) as error:
        raise AudioDeviceError(f"General MIDI voices need FluidSynth ({INSTALL_HINT}).") from error
    return fluidsynth


def find_soundfont(path: str | os.PathLike | None = None) -> Path:
    """The soundfont to use: ``path``, else $MUSICPRACTICE_SOUNDFONT, else the usual places.

    Raises
    ------
    AudioDeviceError
        When the given file does not exist or none is found.
    """
    if path is not None:
        chosen = Path(path).expanduser()
        if not chosen.is_file():
            raise AudioDeviceError(f"Soundfont not found: {chosen}.")
        return chosen
    candidates = [os.environ.get(SOUNDFONT_ENV, "")] + list(SOUNDFONT_PLACES)
    for folder in ("/usr/share/sounds/sf2", "/usr/share/soundfonts"):
        if Path(folder).is_dir():
            candidates += sorted(str(p) for p in Path(folder).glob("*.sf2"))
    for candidate in candidates:
        if candidate and Path(candidate).expanduser().is_file():
            return Path(candidate).expanduser()
    raise AudioDeviceError(f"No General MIDI soundfont was found; {INSTALL_HINT}, or choose a "
                           f".sf2 file (or set {SOUNDFONT_ENV}).")


def fluidsynth_available(soundfont: str | os.PathLike | None = None) -> str:
    """Empty string when FluidSynth and a soundfont are usable, else the reason why not."""
    try:
        _module()
        find_soundfont(soundfont)
    except AudioDeviceError as error:
        return str(error)
    return ""


def render_notes(notes, *, sr: int, program: int, soundfont: str | os.PathLike | None = None,
                 length_s: float | None = None) -> np.ndarray:
    """Render notes with one General MIDI program, mono.

    Parameters
    ----------
    notes : iterable of (midi, onset_s, duration_s)
        Pitches (0-127) and times in seconds.
    sr : int
        Sample rate, Hz.
    program : int
        General MIDI program 0-127 (52 = choir aahs, 0 = acoustic grand piano).
    soundfont : path-like, optional
        See :func:`find_soundfont`.
    length_s : float, optional
        Length of the result; default: the last note's end plus one second of release.

    Returns
    -------
    numpy.ndarray, shape (n_frames,), float32
        Peak level as the soundfont gives it (velocity 100).
    """
    if not 0 <= program <= 127:
        raise InvalidParameterError(f"A General MIDI program is 0-127 (got {program}).")
    fluidsynth = _module()
    font = find_soundfont(soundfont)
    notes = [(int(m), float(on), float(d)) for m, on, d in notes]
    end_s = max((on + d for _, on, d in notes), default=0.0) + TAIL_S
    n_total = int(round((length_s if length_s is not None else end_s) * sr))
    events = []  # (frame, order, midi): note-offs (order 0) before note-ons at one frame
    for midi, onset_s, duration_s in notes:
        if not 0 <= midi <= 127:
            continue
        events.append((int(round(onset_s * sr)), 1, midi))
        events.append((int(round((onset_s + duration_s) * sr)), 0, midi))
    events.sort()
    synth = fluidsynth.Synth(samplerate=float(sr), gain=1.0)
    try:
        font_id = synth.sfload(str(font))
        if font_id < 0:
            raise AudioDeviceError(f"FluidSynth could not read the soundfont {font}.")
        synth.program_select(0, font_id, 0, program)
        out = np.zeros(n_total, np.float32)
        frame = 0
        for event_frame, is_on, midi in events:
            event_frame = min(event_frame, n_total)
            frame = _pull(synth, out, frame, event_frame)
            if is_on:
                synth.noteon(0, midi, 100)
            else:
                synth.noteoff(0, midi)
        _pull(synth, out, frame, n_total)
    finally:
        synth.delete()
    return out


def _pull(synth, out: np.ndarray, frame: int, until: int) -> int:
    if until > frame:
        stereo = np.asarray(synth.get_samples(until - frame), dtype=np.float32)
        out[frame:until] = stereo.reshape(-1, 2).mean(axis=1) / 32768.0
    return max(frame, until)
