"""Takes stacked on one musical axis: each take's waveform warped onto the bars.

Row ``i`` (from the top) shows take ``i``'s peak envelope at the grid positions its audio
maps to, so the same bar lines up in every row; barlines run through all rows, one cursor
marks the musical position being played and the playing take's row is shaded. A click
plays that take from there. One plot holds every row (a plot per take would cost a
tenth of a second each to build).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from musicpractice.gui.workers.alignment_jobs import CompareData
from musicpractice.gui.bar_axis import BarAxis
from musicpractice.gui.plot_palette import follow_palette

CURSOR = QColor(230, 60, 60)
ROW_HALF_HEIGHT = 0.42


def take_colour(k: int) -> QColor:
    """The colour of take ``k`` in every plot of the compare view."""
    return pg.mkColor(pg.intColor(k, hues=8, values=1, maxValue=210))


class TakeStack(pg.PlotWidget):
    """One row per take on the shared bar axis.

    Signals
    -------
    play_requested(str, float)
        Take id and grid position the user clicked.
    """

    play_requested = Signal(str, float)

    def __init__(self, parent=None) -> None:
        self.axis = BarAxis("bottom")
        super().__init__(parent, axisItems={"bottom": self.axis})
        self.data: CompareData | None = None
        self.ids: list[str] = []
        self.setMenuEnabled(False)
        self.hideButtons()
        self.setMouseEnabled(x=True, y=False)
        self.getAxis("left").setWidth(120)
        self.getAxis("left").setStyle(tickLength=0)
        self.cursor = pg.InfiniteLine(0, angle=90, pen=pg.mkPen(CURSOR, width=2), movable=False)
        self.shade = pg.LinearRegionItem(orientation="horizontal", movable=False,
                                         brush=pg.mkBrush(70, 130, 220, 40),
                                         pen=pg.mkPen(None))
        self.scene().sigMouseClicked.connect(self._clicked)

    def show_data(self, data: CompareData) -> None:
        """Draw every take of a comparison."""
        self.clear()
        self.data = data
        takes = data.comparison.takes
        n = len(takes)
        self.ids = [t.take.id for t in takes]
        for k, take in enumerate(takes):
            x, peaks = data.envelopes[take.take.id]
            y = n - 1 - k
            colour = take_colour(k)
            fill = QColor(colour)
            fill.setAlpha(150)
            upper = np.concatenate([y + ROW_HALF_HEIGHT * peaks, y - ROW_HALF_HEIGHT * peaks[::-1]])
            self.plot(np.concatenate([x, x[::-1]]), upper, pen=pg.mkPen(colour, width=1),
                      brush=fill, fillLevel=y)
        text = QApplication.palette().color(QPalette.ColorRole.Text)
        bars = np.repeat(np.arange(data.n_bars + 1, dtype=float), 2)
        ends = np.tile([-0.5, n - 0.5], data.n_bars + 1)
        self.plot(bars, ends, connect="pairs",
                  pen=pg.mkPen(QColor(text.red(), text.green(), text.blue(), 70), width=1))
        self.addItem(self.shade)
        self.addItem(self.cursor)
        self.cursor.setVisible(False)
        self.shade.setVisible(False)
        self.axis.set_bars(data.comparison.grid.numbers, data.comparison.grid.kind)
        self.getAxis("left").setTicks([[(n - 1 - k, t.name[:18]) for k, t in enumerate(takes)]])
        self.setYRange(-0.5, n - 0.5, padding=0)
        self.setXRange(0, data.n_bars, padding=0.01)
        follow_palette(self, [self.getPlotItem()])

    def clear_data(self) -> None:
        """Show nothing (no comparison)."""
        self.clear()
        self.data, self.ids = None, []
        self.getAxis("left").setTicks([[]])

    def set_cursor(self, take_id: str, x: float) -> None:
        """Mark musical position ``x`` in every row and shade the playing take's row."""
        visible = bool(np.isfinite(x)) and take_id in self.ids
        self.cursor.setVisible(visible)
        self.shade.setVisible(visible)
        if visible:
            self.cursor.setValue(x)
            y = len(self.ids) - 1 - self.ids.index(take_id)
            self.shade.setRegion((y - 0.5, y + 0.5))

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.data is None:
            return
        point = self.getPlotItem().vb.mapSceneToView(event.scenePos())
        row = len(self.ids) - 1 - round(point.y())
        if 0 <= row < len(self.ids) and 0 <= point.x() <= self.data.n_bars:
            self.play_requested.emit(self.ids[row], float(point.x()))
