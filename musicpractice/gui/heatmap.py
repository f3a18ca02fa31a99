"""A heat map of one measure: a row per take, a column per bar, on the bar axis.

Colours are those of the per-bar table (:func:`musicpractice.gui.bar_table.tint`); a
click on a cell asks to hear that bar in that take.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from musicpractice.gui.bar_axis import BarAxis
from musicpractice.gui.bar_table import Measure, fmt, tint
from musicpractice.gui.plot_palette import follow_palette
from musicpractice.compare.model import Comparison


class HeatMap(pg.PlotWidget):
    """Takes by bars, coloured by one measure.

    Signals
    -------
    cell_clicked(int, int)
        Take row (order of ``comparison.takes``) and grid index of the clicked cell.
    """

    cell_clicked = Signal(int, int)

    def __init__(self, parent=None) -> None:
        self.axis = BarAxis("bottom")
        super().__init__(parent, axisItems={"bottom": self.axis})
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=True, y=False)
        self.hideButtons()
        self.image = pg.ImageItem()
        self.addItem(self.image)
        self.comparison: Comparison | None = None
        self.values = np.zeros((0, 0))
        self.measure: Measure | None = None
        self.scene().sigMouseClicked.connect(self._clicked)

    def show_measure(self, comparison: Comparison, measure: Measure) -> None:
        """Colour the cells by ``measure``."""
        self.comparison, self.measure = comparison, measure
        takes = comparison.takes
        n = len(comparison.grid)
        self.values = np.array([[np.nan if measure.value(r) is None else measure.value(r)
                                 for r in t.bars] for t in takes], dtype=float).reshape(len(takes), n)
        base = QApplication.palette().color(QPalette.ColorRole.Base)
        rgba = np.zeros((n, len(takes), 4), dtype=np.ubyte)
        for i in range(len(takes)):
            for k in range(n):
                colour = tint(measure, self.values[i, k])
                covered = takes[i].bars[k].covered
                if colour is None:
                    mix = (base.red(), base.green(), base.blue()) if covered else (128, 128, 128)
                    alpha = 255 if covered else 40
                else:
                    a = colour.alphaF()
                    mix = tuple(int(a * c + (1 - a) * b) for c, b in zip(
                        (colour.red(), colour.green(), colour.blue()),
                        (base.red(), base.green(), base.blue())))
                    alpha = 255
                rgba[k, len(takes) - 1 - i] = (*mix, alpha)
        self.image.setImage(rgba, levels=None, autoLevels=False)
        self.image.setRect(QRectF(0, 0, n, len(takes)))
        self.axis.set_bars(comparison.grid.numbers, comparison.grid.kind)
        left = self.getAxis("left")
        left.setTicks([[(len(takes) - 1 - i + 0.5, t.name) for i, t in enumerate(takes)]])
        self.setXRange(0, n, padding=0.01)  # bar 1 keeps its label at the left edge
        self.setYRange(0, len(takes), padding=0)
        self.setToolTip(f"{measure.tip}. Click a cell to hear that bar in that take.")
        follow_palette(self, [self.getPlotItem()])

    def clear_measure(self) -> None:
        """Show nothing (no comparison)."""
        self.comparison, self.measure = None, None
        self.values = np.zeros((0, 0))
        self.image.clear()
        self.getAxis("left").setTicks([[]])
        self.setToolTip("")

    def cell_text(self, row: int, index: int) -> str:
        """The value of one cell as shown in the table."""
        return fmt(self.measure, self.values[row, index])

    def _clicked(self, event) -> None:
        if self.comparison is None or event.button() != Qt.MouseButton.LeftButton:
            return
        point = self.getPlotItem().vb.mapSceneToView(event.scenePos())
        n_takes = len(self.comparison.takes)
        k, row = int(np.floor(point.x())), n_takes - 1 - int(np.floor(point.y()))
        if 0 <= k < len(self.comparison.grid) and 0 <= row < n_takes:
            self.cell_clicked.emit(row, k)
