"""A horizontal input meter: RMS bar, peak tick with hold, and a clip light."""

from __future__ import annotations

import time

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

FLOOR_DBFS = -60.0
CLIP_HOLD_S = 1.5
PEAK_HOLD_S = 1.0


class LevelMeter(QWidget):
    """Shows ``peak_dbfs`` / ``rms_dbfs`` from :meth:`set_levels` (called ~30 times a second)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.peak_dbfs = self.rms_dbfs = self.held_dbfs = FLOOR_DBFS
        self._held_at = self._clip_at = 0.0
        self.setToolTip("Input level: the bar is the average (RMS), the tick the peak. "
                        "Keep peaks below -6 dBFS; the light turns red when the input clips.")

    def sizeHint(self) -> QSize:
        return QSize(240, 22)

    @property
    def clipping(self) -> bool:
        """Whether the clip light is on."""
        return time.monotonic() - self._clip_at < CLIP_HOLD_S

    def set_levels(self, peak_dbfs: float, rms_dbfs: float, clipping: bool) -> None:
        """Update the meter (dBFS values; ``clipping`` lights the clip light for 1.5 s)."""
        now = time.monotonic()
        self.peak_dbfs, self.rms_dbfs = peak_dbfs, rms_dbfs
        if peak_dbfs >= self.held_dbfs or now - self._held_at > PEAK_HOLD_S:
            self.held_dbfs, self._held_at = peak_dbfs, now
        if clipping:
            self._clip_at = now
        self.update()

    def reset(self) -> None:
        """Show silence."""
        self.peak_dbfs = self.rms_dbfs = self.held_dbfs = FLOOR_DBFS
        self._clip_at = 0.0
        self.update()

    @staticmethod
    def _fraction(dbfs: float) -> float:
        return min(1.0, max(0.0, (dbfs - FLOOR_DBFS) / -FLOOR_DBFS))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        h = self.height()
        light = h
        width = self.width() - light - 6
        palette = self.palette()
        painter.fillRect(QRectF(0, 0, width, h), palette.color(QPalette.ColorRole.Base))
        rms = self._fraction(self.rms_dbfs)
        colour = QColor(46, 160, 67) if self.peak_dbfs < -6 else (
            QColor(230, 170, 30) if self.peak_dbfs < -1 else QColor(220, 50, 40))
        painter.fillRect(QRectF(0, 2, rms * width, h - 4), colour)
        peak_x = self._fraction(self.held_dbfs) * width
        painter.fillRect(QRectF(peak_x - 1, 0, 2, h), palette.color(QPalette.ColorRole.Text))
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        for db in (-48, -36, -24, -12, -6):
            x = self._fraction(db) * width
            painter.drawLine(int(x), h - 4, int(x), h)
        painter.setBrush(QColor(220, 40, 40) if self.clipping else QColor(90, 90, 90))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(QRectF(width + 6, 2, light - 4, h - 4))
        painter.end()
