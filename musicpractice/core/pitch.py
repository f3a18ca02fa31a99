"""Pitch units: Hz, MIDI note numbers, cents and note names, at any reference tuning.

``tuning_hz`` is always the frequency of A4 (MIDI 69) in Hz; 440.0 is concert pitch.
"""

from __future__ import annotations

import numpy as np

PITCH_CLASSES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
"""Pitch-class names, index 0 = C, spelled as musicians usually spell keys."""


def hz_to_midi(freq_hz, *, tuning_hz: float = 440.0):
    """Fractional MIDI number of ``freq_hz`` (Hz > 0); NaN where freq_hz <= 0."""
    f = np.asarray(freq_hz, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(f > 0, 69.0 + 12.0 * np.log2(f / tuning_hz), np.nan)
    return out if out.ndim else float(out)


def midi_to_hz(midi, *, tuning_hz: float = 440.0):
    """Frequency in Hz of a (fractional) MIDI number."""
    out = tuning_hz * 2.0 ** ((np.asarray(midi, dtype=float) - 69.0) / 12.0)
    return out if out.ndim else float(out)


def cents_between(freq_hz, reference_hz):
    """Interval from ``reference_hz`` up to ``freq_hz`` in cents."""
    out = 1200.0 * np.log2(np.asarray(freq_hz, dtype=float) / np.asarray(reference_hz, dtype=float))
    return out if np.ndim(out) else float(out)


SHARP_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
FLAT_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
"""Pitch-class names in keys with sharps and in keys with flats."""


def key_fifths(tonic: str, mode: str) -> int:
    """Key signature of a key: number of sharps (> 0) or flats (< 0), e.g. D major -> 2.

    ``tonic`` is a pitch-class name (see :func:`pitch_class_index`), ``mode`` "major" or
    "minor". A key with six sharps or flats is written with sharps when its tonic is spelled
    with a sharp (F# major), else with flats (Gb major, Eb minor).
    """
    major = (pitch_class_index(tonic) + (3 if mode == "minor" else 0)) % 12
    fifths = (7 * major) % 12
    if fifths > 6 or (fifths == 6 and "#" not in tonic and "♯" not in tonic):
        fifths -= 12
    return fifths


def note_name(midi: int, *, key: tuple[str, str] | None = None) -> str:
    """Scientific pitch name of an integer MIDI number, e.g. 69 -> 'A4', 61 -> 'C#4'.

    With ``key`` (tonic, mode), black keys are spelled as in that key: sharps in keys with
    sharps (F#4 in D major), flats in keys with flats (Bb3 in F major); without it, as in
    :data:`PITCH_CLASSES`.
    """
    midi = int(midi)
    if key is None:
        names = PITCH_CLASSES
    else:
        names = SHARP_NAMES if key_fifths(*key) >= 0 else FLAT_NAMES
    return f"{names[midi % 12]}{midi // 12 - 1}"


def pitch_class_index(name: str) -> int:
    """Index 0-11 of a pitch-class name such as 'Eb', 'D#', 'f#', 'Bb' (C = 0)."""
    letters = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
    text = name.strip()
    if not text or text[0].upper() not in letters:
        raise ValueError(f"not a pitch-class name: {name!r}")
    index = letters[text[0].upper()]
    for accidental in text[1:]:
        if accidental in "#♯":
            index += 1
        elif accidental in "b♭-":
            index -= 1
        else:
            raise ValueError(f"not a pitch-class name: {name!r}")
    return index % 12
