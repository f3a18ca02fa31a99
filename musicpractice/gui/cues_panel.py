"""Expressive cues and the character reading they suggest (valence/arousal plane).

Wording follows the project's rule: the cues *suggest* a character; nothing here grades
the performer. Clicking a cue shows where in the take it comes from.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from musicpractice.analysis.cues import Cue
from musicpractice.analysis.take import NOTE_SHAPING_CUES, TakeAnalysis
from musicpractice.gui.axis_labels import fit_after_layout

CORNERS = {  # where the emotions of Juslin & Laukka's cue model sit on the plane
    "happiness": (0.7, 0.55), "tenderness": (0.6, -0.6), "sadness": (-0.65, -0.6),
    "anger": (-0.65, 0.7), "fear": (-0.7, 0.25),
}


class CuesPanel(QWidget):
    """The cue table, the reading's summary, the plane and each cue's contributions.

    Signals
    -------
    cue_selected(object)
        The :class:`~musicpractice.analysis.cues.Cue` clicked (``None`` when cleared).
    """

    cue_selected = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.analysis: TakeAnalysis | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.summary = QLabel("No take selected.")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        layout.addWidget(split, 1)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Cue", "Value", "What it suggests"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        split.addWidget(self.table)
        self.plane = pg.PlotWidget()
        self.plane.setMinimumHeight(120)
        self.plane.setXRange(-1, 1, padding=0.05)
        self.plane.setYRange(-1, 1, padding=0.05)
        self.plane.setMouseEnabled(False, False)
        self.plane.hideButtons()
        self.plane.setMenuEnabled(False)
        self.plane.setLabel("bottom", "valence: negative ↔ positive")
        self.plane.setLabel("left", "arousal: calm ↔ energetic")
        self.plane.setToolTip("Where the cues place this take's character: how energetic "
                              "(arousal) and how positive (valence) it may sound to a listener.")
        self.plane.addItem(pg.InfiniteLine(0, angle=90, pen=pg.mkPen(QColor(150, 150, 150))))
        self.plane.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen(QColor(150, 150, 150))))
        self.corner_labels = []
        for name, (x, y) in CORNERS.items():
            text = pg.TextItem(name, anchor=(0.5, 0.5), color=QColor(140, 140, 140))
            text.setPos(x, y)
            self.plane.addItem(text)
            self.corner_labels.append(text)
        self.point = pg.ScatterPlotItem(size=16, brush=pg.mkBrush(220, 80, 60), pen=pg.mkPen("w"))
        self.plane.addItem(self.point)
        self.below = QTabWidget()  # the plane and what moves it share the room below the cues
        self.below.setDocumentMode(True)
        self.below.addTab(self.plane, "Character")
        self.contributions = QTableWidget(0, 3)
        self.contributions.setHorizontalHeaderLabels(["Cue", "Push on arousal", "Push on valence"])
        self.contributions.verticalHeader().hide()
        self.contributions.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.contributions.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.below.addTab(self.contributions, "What moves it")
        split.addWidget(self.below)
        for index, stretch in enumerate((3, 2)):  # the cues first when room is short
            split.setStretchFactor(index, stretch)
        split.setSizes([330, 240])
        self.table.setMinimumHeight(6 * self.table.verticalHeader().defaultSectionSize())
        self._labels = {self.plane.getPlotItem(): ("arousal: calm ↔ energetic", "calm ↔ energetic", "energy")}
        self.apply_palette()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        fit_after_layout(self, getattr(self, "_labels", None))

    def apply_palette(self) -> None:
        """Follow the application palette."""
        self.plane.setBackground(self.palette().color(QPalette.ColorRole.Base))

    def clear(self, message: str = "No take selected.") -> None:
        """Show ``message`` and nothing else."""
        self.analysis = None
        self.summary.setText(message)
        self.table.setRowCount(0)
        self.contributions.setRowCount(0)
        self.point.setData([], [])

    def show_analysis(self, a: TakeAnalysis) -> None:
        """Fill the panel from a take's cues and character reading."""
        self.analysis = a
        ch = a.character
        self.summary.setText(
            f"<b>What the cues suggest</b> (confidence {ch.confidence:.2f}): {ch.summary}<br>"
            "<small>The cues describe this performance; they are not a grade. Click a cue to "
            "see where in the take it comes from.</small>")
        self.table.blockSignals(True)
        self.table.setRowCount(len(a.cues.cues))
        for row, cue in enumerate(a.cues.cues):
            name = QTableWidgetItem(cue.name)
            name.setToolTip(cue.method)
            applies = cue.key not in NOTE_SHAPING_CUES or a.pitch_shaped
            value = QTableWidgetItem(_value_text(cue) if applies else "-")
            value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            meaning = QTableWidgetItem(
                "does not apply to a piano or to several notes at once" if not applies
                else cue.meaning if cue.available else "not measured on this take")
            meaning.setToolTip(cue.method)
            for col, item in enumerate((name, value, meaning)):
                if not cue.available or not applies:
                    item.setForeground(QColor(140, 140, 140))
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)
        self.table.resizeRowsToContents()
        x, y = ch.valence.value, ch.arousal.value
        if math.isfinite(x) and math.isfinite(y):
            self.point.setData([x], [y])
        else:
            self.point.setData([], [])
        self._fill_contributions(a)

    def _fill_contributions(self, a: TakeAnalysis) -> None:
        names = {cue.key: cue.name for cue in a.cues.cues}
        arousal = {c.cue: c.contribution for c in a.character.arousal.contributions}
        valence = {c.cue: c.contribution for c in a.character.valence.contributions}
        keys = sorted(set(arousal) | set(valence),
                      key=lambda k: -(abs(arousal.get(k, 0.0)) + abs(valence.get(k, 0.0))))
        self.contributions.setRowCount(len(keys))
        for row, key in enumerate(keys):
            self.contributions.setItem(row, 0, QTableWidgetItem(names.get(key, key)))
            for col, source in ((1, arousal), (2, valence)):
                item = QTableWidgetItem(f"{source[key]:+.2f}" if key in source else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.contributions.setItem(row, col, item)

    def select_cue(self, key: str) -> None:
        """Select the cue ``key`` (as a click on it would)."""
        if self.analysis is None:
            return
        for row, cue in enumerate(self.analysis.cues.cues):
            if cue.key == key:
                self.table.selectRow(row)
                return

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if self.analysis is None or not rows:
            self.cue_selected.emit(None)
            return
        self.cue_selected.emit(self.analysis.cues.cues[rows[0].row()])


def _value_text(cue: Cue) -> str:
    if not cue.available:
        return "-"
    value = f"{cue.value:.3g}" if abs(cue.value) < 1000 else f"{cue.value:.0f}"
    return f"{value} {cue.unit}".strip()
