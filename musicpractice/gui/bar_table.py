"""The per-bar table of a comparison: one row per take and bar, sortable, heat-coloured.

Colours say how far a value lies from "as the reference": blue slower/earlier, red
faster/later (tempo and timing), orange for pitch off and wrong or missing notes, grey
for unsure alignment. The same colours paint the heat map.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from musicpractice.compare.bar_grid import beat_name
from musicpractice.compare.model import BarRow, Comparison

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SLOWER = QColor(60, 120, 220)
FASTER = QColor(220, 70, 60)
OFF = QColor(235, 140, 20)


@dataclass(frozen=True)
class Measure:
    """A column of the table (and a choice of the heat map).

    ``value`` reads the number from a row; ``colour`` maps it to a tint strength in
    [-1, 1] (negative blue, positive red) or None (no tint).
    """

    key: str
    title: str
    tip: str
    fmt: str
    value: Callable[[BarRow], float]
    colour: Callable[[float], float | None]
    needs: str = ""
    """"" always shown; "pitch": when some bar has an intonation; "notes": when notes were
    checked against a monophonic part."""


def _clip(v: float) -> float:
    return max(-1.0, min(1.0, v))


def _count(v):
    return None if v is None else float(v)


MEASURES = (
    Measure("tempo", "Tempo %", "Tempo in % of the reference's (110 = 10 % faster)", "{:.0f}",
            lambda r: r.tempo_pct, lambda v: _clip((v - 100.0) / 30.0)),
    Measure("timing", "Timing ms", "Barline early (-) or late (+) against a steady pulse through "
            "the take, milliseconds", "{:+.0f}", lambda r: r.deviation_ms,
            lambda v: _clip(v / 400.0)),
    Measure("loudness", "Loudness LUFS", "Loudness over the bar (LUFS)", "{:.1f}",
            lambda r: r.loudness_lufs, lambda v: None),
    Measure("cents", "Pitch ¢", "Median distance of the notes from the written pitch, cents",
            "{:+.0f}", lambda r: r.intonation_cents, lambda v: _clip(abs(v) / 50.0), "pitch"),
    Measure("wrong", "Wrong", "Notes more than 50 cents off the written pitch", "{:.0f}",
            lambda r: _count(r.wrong), lambda v: _clip(v / 3.0), "notes"),
    Measure("missing", "Missing", "Written notes not heard", "{:.0f}",
            lambda r: _count(r.missing), lambda v: _clip(v / 3.0), "notes"),
    Measure("extra", "Extra", "Notes heard where the score has none", "{:.0f}",
            lambda r: _count(r.extra), lambda v: _clip(v / 3.0), "notes"),
    Measure("confidence", "Sure", "How sure the alignment is in this bar (0-1)", "{:.2f}",
            lambda r: r.confidence, lambda v: None),
)
FIXED = ("Take", "Bar", "Starts at s")


def measures_for(comparison: Comparison) -> tuple[Measure, ...]:
    """The measures that mean something for this comparison."""
    pitched = any(math.isfinite(r.intonation_cents) for t in comparison.takes for r in t.bars)
    return tuple(m for m in MEASURES if not m.needs or (m.needs == "pitch" and pitched)
                 or (m.needs == "notes" and comparison.monophonic))


def tint(measure: Measure, value: float) -> QColor | None:
    """Background tint of a value (translucent, so it reads on light and dark palettes)."""
    if value is None or not math.isfinite(value):
        return None
    strength = measure.colour(value)
    if strength is None or abs(strength) < 0.05:
        return None
    if measure.key in ("tempo", "timing"):
        base = FASTER if strength > 0 else SLOWER
    else:
        base = OFF
    colour = QColor(base)
    colour.setAlpha(int(40 + 170 * abs(strength)))
    return colour


def fmt(measure: Measure, value: float) -> str:
    """Text of a value ("" where not measured)."""
    if value is None or not math.isfinite(value):
        return ""
    return measure.fmt.format(value)


class BarTableModel(QAbstractTableModel):
    """Rows: every take's every bar it plays; columns: take, bar, start, then measures."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.comparison: Comparison | None = None
        self.measures: tuple[Measure, ...] = ()
        self.rows: list[tuple[str, BarRow]] = []

    def set_comparison(self, comparison: Comparison | None) -> None:
        self.beginResetModel()
        self.comparison = comparison
        self.measures = measures_for(comparison) if comparison is not None else ()
        self.rows = [] if comparison is None else [
            (t.name, row) for t in comparison.takes for row in t.bars if row.covered]
        self.endResetModel()

    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(FIXED) + len(self.measures)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < len(FIXED):
                return "Section" if section == 1 and self.comparison is not None and \
                    self.comparison.grid.kind == "section" else FIXED[section]
            return self.measures[section - len(FIXED)].title
        if role == Qt.ItemDataRole.ToolTipRole and section >= len(FIXED):
            return self.measures[section - len(FIXED)].tip
        return None

    def row(self, index: QModelIndex) -> BarRow:
        """The bar row behind a (source) index."""
        return self.rows[index.row()][1]

    def value(self, index: QModelIndex) -> float:
        """The number in a measure cell."""
        return self.measures[index.column() - len(FIXED)].value(self.row(index))

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        name, row = self.rows[index.row()]
        col = index.column()
        if col < len(FIXED):
            values = (name, row.bar, row.take_start_s)
            if role == Qt.ItemDataRole.DisplayRole:
                return [name, str(row.bar), f"{row.take_start_s:.2f}"][col]
            if role == SORT_ROLE:
                return values[col] if col else (name, row.index)
            if role == Qt.ItemDataRole.TextAlignmentRole and col:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        measure = self.measures[col - len(FIXED)]
        value = measure.value(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return fmt(measure, value)
        if role == SORT_ROLE:
            return value if value is not None and math.isfinite(value) else -math.inf
        if role == Qt.ItemDataRole.BackgroundRole:
            return tint(measure, value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{measure.tip}{self._played_tempo(measure, row)}. "
                    f"Click to hear bar {row.bar} of {name}.")
        return None

    def _played_tempo(self, measure: Measure, row: BarRow) -> str:
        """``"; played ♩. = 48, reference ♩. = 60"`` for a tempo cell with beats per minute."""
        if measure.key != "tempo" or not math.isfinite(row.tempo_bpm):
            return ""
        symbol = beat_name(float(self.comparison.grid.beats()[row.index]))[0]
        reference = (f", reference {symbol} = {row.ref_tempo_bpm:.0f}"
                     if math.isfinite(row.ref_tempo_bpm) else "")
        return f"; played {symbol} = {row.tempo_bpm:.0f}{reference}"


class SortProxy(QSortFilterProxyModel):
    """Sorts by the numbers behind the cells (unmeasured cells count as lowest)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

    def lessThan(self, left, right) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)
