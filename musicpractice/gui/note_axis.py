"""A vertical axis in MIDI note numbers labelled with note names (C4 = middle C)."""

from __future__ import annotations

import pyqtgraph as pg

from musicpractice.core.pitch import note_name


class NoteAxis(pg.AxisItem):
    """Ticks on every C (major) and on the natural notes (minor) when zoomed in enough."""

    def tickValues(self, minVal, maxVal, size):
        lo, hi = int(minVal) - 1, int(maxVal) + 2
        span = maxVal - minVal
        cs = [m for m in range(lo, hi) if m % 12 == 0]
        if span <= 14:
            minor = [m for m in range(lo, hi) if m % 12 != 0]
        elif span <= 30:
            minor = [m for m in range(lo, hi) if m % 12 in (2, 4, 5, 7, 9, 11)]
        else:
            minor = [m for m in range(lo, hi) if m % 12 == 7]
        return [(12.0, cs), (1.0, minor)]

    def tickStrings(self, values, scale, spacing):
        return [note_name(round(v)) for v in values]
