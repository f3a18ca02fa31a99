"""Plots of a comparison: tempo and loudness curves of all takes on the bar axis, the
takes' expressive cues side by side, and one performer's progress over time.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from musicpractice.gui.workers.alignment_jobs import CompareData
from musicpractice.gui.axis_labels import fit_after_layout, fit_left_labels
from musicpractice.gui.bar_axis import BarAxis
from musicpractice.gui.plot_palette import follow_palette
from musicpractice.gui.take_stack import take_colour
from musicpractice.compare.model import TakeResult


class CurvesPlot(pg.GraphicsLayoutWidget):
    """Tempo (percent of the reference) and loudness (LUFS) of every take, bar by bar."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.tempo_axis, self.loud_axis = BarAxis("bottom"), BarAxis("bottom")
        self.tempo = self.addPlot(row=0, col=0, axisItems={"bottom": self.tempo_axis})
        self.loud = self.addPlot(row=1, col=0, axisItems={"bottom": self.loud_axis})
        self.loud.setXLink(self.tempo)
        for plot, label in ((self.tempo, "Tempo (% of reference)"), (self.loud, "Loudness (LUFS)")):
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(y=False)
            plot.setLabel("left", label)
            plot.getAxis("left").setWidth(60)
            plot.showGrid(y=True, alpha=0.2)
        self.legend = self.tempo.addLegend(offset=(-10, 10))
        self._labels = {self.tempo: ("Tempo (% of reference)", "Tempo %"),
                        self.loud: ("Loudness (LUFS)", "LUFS")}

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        fit_after_layout(self, getattr(self, "_labels", None))

    def show_data(self, data: CompareData) -> None:
        """Draw one tempo and one loudness line per take."""
        self.tempo.clear()
        self.loud.clear()
        self.legend.clear()
        grid = data.comparison.grid
        for axis in (self.tempo_axis, self.loud_axis):
            axis.set_bars(grid.numbers, grid.kind)
        self._labels[self.tempo] = ("Tempo (% of the marked tempo)" if grid.unit == "quarter"
                                    else "Tempo (% of the reference take)", "Tempo %")
        self.tempo.setLabel("left", self._labels[self.tempo][0])
        fit_left_labels(self._labels)
        self.tempo.addItem(pg.InfiniteLine(100, angle=0, movable=False,
                                           pen=pg.mkPen((128, 128, 128), style=Qt.PenStyle.DashLine)))
        for k, take in enumerate(data.comparison.takes):
            pen = pg.mkPen(take_colour(k), width=2)
            x, pct = data.tempo_curve(take.take.id)
            self.tempo.plot(x, pct, pen=pen, name=take.name)
            unsure = np.array([r.index + 0.5 for r in take.bars if r.covered and r.unsure])
            if unsure.size and x.size:  # hollow: the alignment cannot vouch for these bars
                self.tempo.plot(unsure, np.interp(unsure, x, pct), pen=None, symbol="o",
                                symbolSize=9, symbolPen=pen, symbolBrush=None)
            finite = np.isfinite(take.curve_lufs)
            self.loud.plot(take.curve_position[finite], take.curve_lufs[finite], pen=pen)
        self.tempo.setXRange(0, len(grid), padding=0.01)
        follow_palette(self, [self.tempo, self.loud])

    def clear_data(self) -> None:
        """Show nothing (no comparison)."""
        for item in (self.tempo, self.loud, self.legend):
            item.clear()


class CueTable(QTableWidget):
    """The takes' expressive cues side by side (a column per take)."""

    def show_data(self, data: CompareData) -> None:
        takes = data.comparison.takes
        keys: dict[str, tuple[str, str]] = {}
        for take in takes:
            for cue in take.analysis.cues.cues:
                keys.setdefault(cue.key, (cue.name, cue.unit))
        self.clear()
        self.setColumnCount(len(takes))
        self.setRowCount(len(keys))
        self.setHorizontalHeaderLabels([t.name for t in takes])
        self.setVerticalHeaderLabels([f"{name} ({unit})" if unit else name
                                      for name, unit in keys.values()])
        for col, take in enumerate(takes):
            cues = {c.key: c for c in take.analysis.cues.cues}
            for row, key in enumerate(keys):
                cue = cues.get(key)
                text = "" if cue is None or not math.isfinite(cue.value) else (
                    f"{cue.value:.3g}" + (f"  {cue.meaning}" if cue.meaning else ""))
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                if cue is not None:
                    item.setToolTip(cue.method)
                self.setItem(row, col, item)
        self.resizeColumnsToContents()

    def clear_data(self) -> None:
        """Show nothing (no comparison)."""
        self.clear()
        self.setRowCount(0)
        self.setColumnCount(0)


PROGRESS_MEASURES = (
    ("Tempo (% of reference)", lambda rows: _mean([r.tempo_pct for r in rows])),
    ("Timing unevenness (ms)", lambda rows: _mean([abs(r.deviation_ms) for r in rows])),
    ("Loudness (LUFS)", lambda rows: _power_mean([r.loudness_lufs for r in rows])),
    ("Pitch off (cents)", lambda rows: _mean([abs(r.intonation_cents) for r in rows])),
)
PROGRESS_SHORT_TITLES = ("Tempo %", "Timing ms", "LUFS", "Cents")
PROGRESS_MIN_SPANS = (20.0, 40.0, 6.0, 20.0)
"""Smallest y range drawn per measure (its unit), so a change below what a person hears
or plays on purpose (0.1 LU, 2 ms) is drawn flat, not as a steep slope."""
MIN_DAYS_SHOWN = 2.0


def _mean(values) -> float:
    v = np.array(values, dtype=float)
    v = v[np.isfinite(v)]
    return float(v.mean()) if v.size else math.nan


def _power_mean(lufs) -> float:
    v = np.array(lufs, dtype=float)
    v = v[np.isfinite(v)]
    return float(10 * np.log10(np.mean(10 ** (v / 10)))) if v.size else math.nan


def take_timestamp(take: TakeResult) -> float | None:
    """When a take was played (seconds since 1970, UTC), from its date; None if unknown."""
    text = take.take.date or take.take.started_at
    try:
        day = dt.datetime.fromisoformat(text[:19].replace("Z", ""))
    except ValueError:
        return None
    return day.replace(tzinfo=dt.UTC).timestamp()


class ProgressPlot(QWidget):
    """One performer's takes of the piece by date: a small plot per measure, the bars the
    chosen takes share averaged (so the same music is compared each time)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.data: CompareData | None = None
        self.performer = QComboBox()
        self.performer.currentIndexChanged.connect(self._draw)
        self.note = QLabel()
        self.note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Performer:"))
        top.addWidget(self.performer)
        top.addWidget(self.note, 1)
        self.graphics = pg.GraphicsLayoutWidget()
        self.plots = []
        for k, (title, _fn) in enumerate(PROGRESS_MEASURES):
            plot = self.graphics.addPlot(row=k, col=0, axisItems={"bottom": pg.DateAxisItem()})
            plot.setLabel("left", title)
            plot.getAxis("left").setWidth(60)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.showGrid(y=True, alpha=0.2)
            if self.plots:
                plot.setXLink(self.plots[0])
            self.plots.append(plot)
        self._labels = {p: (title, short) for p, (title, _fn), short in
                        zip(self.plots, PROGRESS_MEASURES, PROGRESS_SHORT_TITLES)}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.graphics, 1)

    def show_data(self, data: CompareData) -> None:
        self.data = data
        performers = sorted({t.take.performer or "(no performer)" for t in data.comparison.takes})
        self.performer.blockSignals(True)
        self.performer.clear()
        self.performer.addItems(performers)
        self.performer.blockSignals(False)
        self._draw()

    def clear_data(self) -> None:
        """Show nothing (no comparison)."""
        self.data = None
        self.performer.blockSignals(True)
        self.performer.clear()
        self.performer.blockSignals(False)
        self.note.setText("")
        for plot in self.plots:
            plot.clear()

    def series(self, performer: str) -> list[tuple[float, list[float]]]:
        """``(timestamp, [value per measure])`` of the performer's dated takes, by date."""
        takes = [t for t in self.data.comparison.takes
                 if (t.take.performer or "(no performer)") == performer]
        shared = [k for k in range(len(self.data.comparison.grid))
                  if all(t.bars[k].covered for t in takes)]
        points = []
        for take in takes:
            when = take_timestamp(take)
            if when is None:
                continue
            rows = [take.bars[k] for k in shared]
            points.append((when, [fn(rows) for _title, fn in PROGRESS_MEASURES]))
        return sorted(points)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        fit_after_layout(self, getattr(self, "_labels", None))

    def _draw(self) -> None:
        if self.data is None or not self.performer.currentText():
            return
        points = self.series(self.performer.currentText())
        follow_palette(self.graphics, self.plots)
        undated = sum(1 for t in self.data.comparison.takes if take_timestamp(t) is None)
        self.note.setText(
            "Compare several takes of one performer to see progress." if len(points) < 2 else
            f"{len(points)} takes by date." + (f" {undated} take(s) without a date are left out."
                                                if undated else ""))
        self.graphics.setVisible(len(points) >= 2)  # one date has no "over time"
        for m, plot in enumerate(self.plots):
            plot.clear()
            if len(points) < 2:
                continue
            x = np.array([p[0] for p in points])
            y = np.array([p[1][m] for p in points])
            ok = np.isfinite(y)
            plot.plot(x[ok], y[ok], pen=pg.mkPen(take_colour(m), width=2), symbol="o",
                      symbolBrush=take_colour(m))
            plot.setVisible(bool(ok.any()) or m < 3)
            day = 86_400.0
            if x.max() - x.min() < MIN_DAYS_SHOWN * day:
                middle = (x.max() + x.min()) / 2
                plot.setXRange(middle - MIN_DAYS_SHOWN * day / 2, middle + MIN_DAYS_SHOWN * day / 2)
            if ok.any():
                lo, hi, middle = y[ok].min(), y[ok].max(), (y[ok].min() + y[ok].max()) / 2
                half = max(hi - lo, PROGRESS_MIN_SPANS[m]) / 2 * 1.1
                plot.setYRange(middle - half, middle + half, padding=0)
