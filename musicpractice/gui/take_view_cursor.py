"""The take view under the mouse and the play cursor: the cursor, following it, the note under
the mouse, the loop region and clicks (mixed into :class:`TakeView`)."""

from __future__ import annotations

import math
from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QToolTip
from musicpractice.core.pitch import note_name
from musicpractice.gui.intonation import (
    describe_intonation,
)


class TakeCursorMixin:
    """The take view under the mouse and the play cursor: the cursor, following it, the note
    under the mouse, the loop region and clicks (mixed into :class:`TakeView`)."""

    # -- cursor, clicks, loop ------------------------------------------------------
    def set_cursor(self, t_s: float) -> None:
        """Move the playback cursor on every plot."""
        for line in self.cursors:
            line.setValue(t_s)

    def follow_cursor(self, t_s: float) -> None:
        """Move the cursor while playing; page the view along when it runs out of sight."""
        self.set_cursor(t_s)
        x0, x1 = self.wave.viewRange()[0]
        if self.data is not None and not x0 <= t_s <= x1:
            span = x1 - x0
            start = min(max(0.0, t_s - 0.05 * span), max(0.0, self.data.duration_s - span))
            self.wave.setXRange(start, start + span, padding=0)

    def note_at(self, t_s: float, midi: float):
        """The segmented note drawn at ``(t_s, midi)``, or ``None``."""
        if self.data is None:
            return None
        for note in self.data.analysis.notes:
            if note.onset_s <= t_s <= note.offset_s and abs(note.midi - midi) <= 0.5:
                return note
        return None

    def _hovered(self, pos) -> None:
        if self.data is None or not self.pitch.vb.sceneBoundingRect().contains(pos):
            return
        point = self.pitch.vb.mapSceneToView(pos)
        note = self.note_at(point.x(), point.y())
        if note is None:
            QToolTip.hideText()
            return
        key = (self.data.analysis.key.tonic, self.data.analysis.key.mode)
        text = (f"{note_name(note.midi, key=key)}: {describe_intonation(note.cents, self.tolerance_cents)}"
                f"\n{note.onset_s:.2f}-{note.offset_s:.2f} s")
        if math.isfinite(note.vibrato_rate_hz):
            text += f"\nvibrato {note.vibrato_rate_hz:.1f} Hz, ±{note.vibrato_extent_cents:.0f} cents"
        QToolTip.showText(QCursor.pos(), text, self.graphics)

    @property
    def cursor_s(self) -> float:
        """Where the cursor is, seconds."""
        return float(self.cursors[0].value())

    def show_loop(self, visible: bool) -> None:
        """Show or hide the loop region (the player loops while it is shown)."""
        if visible and self.data is not None:
            x0, x1 = self.wave.viewRange()[0]
            self.loop_region.setRegion((x0 + 0.3 * (x1 - x0), x0 + 0.6 * (x1 - x0)))
        self.loop_region.setVisible(visible and self.data is not None)
        self._emit_loop()

    def loop_s(self) -> tuple[float, float] | None:
        """The loop region in seconds, or ``None`` when it is hidden."""
        if not self.loop_region.isVisible():
            return None
        start, end = self.loop_region.getRegion()
        return float(start), float(end)

    def _emit_loop(self) -> None:
        self.loop_changed.emit(self.loop_s())

    def _clicked(self, event) -> None:
        if self.data is None or event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        pos = event.scenePos()
        for plot in self.plots:
            if plot.isVisible() and plot.vb.sceneBoundingRect().contains(pos):
                t_s = min(max(0.0, plot.vb.mapSceneToView(pos).x()), self.data.duration_s)
                self.set_cursor(t_s)
                self.seek_requested.emit(t_s)
                return
