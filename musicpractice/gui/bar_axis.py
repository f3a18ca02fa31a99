"""An axis of bars: grid coordinates (bar index + fraction) labelled with bar numbers.

Tick marks sit on barlines; when bars are narrow, only every 2nd, 4th, 8th... bar is
numbered, so labels never collide.
"""

from __future__ import annotations

import math

import pyqtgraph as pg

MIN_LABEL_PX = 28
"""Least horizontal room for one bar number."""


class BarAxis(pg.AxisItem):
    """Bottom axis whose value ``k`` is the start of the ``k``-th bar of the grid."""

    def __init__(self, orientation: str = "bottom", **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.numbers: tuple[int, ...] = ()
        self.kind = "bar"

    def set_bars(self, numbers: tuple[int, ...], kind: str = "bar") -> None:
        """Label bar ``k`` with ``numbers[k]`` (``kind``: "bar" or "section")."""
        self.numbers = tuple(numbers)
        self.kind = kind
        self.setLabel(f"{kind}s")
        self.picture = None
        self.update()

    def tickValues(self, minVal, maxVal, size):
        if not self.numbers:
            return super().tickValues(minVal, maxVal, size)
        first = max(0, math.ceil(minVal))
        last = min(len(self.numbers) - 1, math.floor(maxVal))
        if last < first:
            return []
        per_bar_px = size / max(maxVal - minVal, 1e-9)
        step = 1
        while step * per_bar_px < MIN_LABEL_PX:
            step *= 2
        every = list(range(first, last + 1))
        major = [float(k) for k in every if k % step == 0]
        return [(float(step), major), (1.0, [float(k) for k in every])] if step > 1 \
            else [(1.0, major)]

    def tickStrings(self, values, scale, spacing):
        labels = []
        for v in values:
            k = round(v)
            labels.append(str(self.numbers[k]) if 0 <= k < len(self.numbers) else "")
        return labels
