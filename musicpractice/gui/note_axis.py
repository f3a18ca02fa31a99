"""A vertical axis in MIDI note numbers labelled with note names (C4 = middle C), spelled
and chosen in the take's key (F♯4 in D major, B♭3 in F major)."""

from __future__ import annotations

import pyqtgraph as pg

from musicpractice.core.pitch import note_name, pitch_class_index

MAJOR_STEPS = (0, 2, 4, 5, 7, 9, 11)
MINOR_STEPS = (0, 2, 3, 5, 7, 8, 10)


def display_name(midi: int, key: tuple[str, str] | None = None) -> str:
    """``note_name`` with real sharp and flat signs (F♯4, B♭3)."""
    name = note_name(midi, key=key)
    return name[0] + name[1:].replace("#", "♯").replace("b", "♭")


def scale_pitch_classes(key: tuple[str, str] | None) -> set[int]:
    """Pitch classes (0 = C) of the key's scale (natural minor for minor keys); the white
    keys without a key."""
    if key is None:
        return set(MAJOR_STEPS)
    tonic = pitch_class_index(key[0])
    steps = MINOR_STEPS if key[1] == "minor" else MAJOR_STEPS
    return {(tonic + s) % 12 for s in steps}


class NoteAxis(pg.AxisItem):
    """Ticks on every C, on the notes of the key's scale when zoomed in, on every semitone
    when zoomed in further; names spelled in the key (:meth:`set_key`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.key: tuple[str, str] | None = None

    def set_key(self, key: tuple[str, str] | None) -> None:
        """The key (tonic, mode) to choose and spell the labels in; None: white keys."""
        self.key = key
        self.picture = None
        self.update()

    def tickValues(self, minVal, maxVal, size):
        lo, hi = int(minVal) - 1, int(maxVal) + 2
        span = maxVal - minVal
        cs = [m for m in range(lo, hi) if m % 12 == 0]
        if span <= 14:
            minor = [m for m in range(lo, hi) if m % 12 != 0]
        elif span <= 30:
            scale = scale_pitch_classes(self.key)
            minor = [m for m in range(lo, hi) if m % 12 in scale and m % 12 != 0]
        else:
            minor = [m for m in range(lo, hi) if m % 12 == 7]
        return [(12.0, cs), (1.0, minor)]

    def tickStrings(self, values, scale, spacing):
        return [display_name(round(v), self.key) for v in values]
