"""pyqtgraph plots that follow the application palette (light or dark)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication


def follow_palette(widget, plots) -> None:
    """Paint ``widget`` (a pyqtgraph view) and the axes of ``plots`` in the palette's colours."""
    palette = QApplication.palette()
    widget.setBackground(palette.color(QPalette.ColorRole.Base))
    text = palette.color(QPalette.ColorRole.Text)
    axis_pen = pg.mkPen(text.darker(130) if text.lightness() > 128 else text.lighter(160))
    for plot in plots:
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setTextPen(text)
            axis.setPen(axis_pen)
