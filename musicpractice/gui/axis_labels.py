"""Left-axis labels that fit: a plot's long label ("Loudness (LUFS)") when the plot is tall
enough to hold it, else its short one ("LUFS"), so that labels of stacked plots never run
into each other on a small screen."""

from __future__ import annotations

from functools import partial

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontMetrics

MARGIN_PX = 8
"""Room kept free above and below a rotated label, pixels."""


def fit_left_labels(labels: dict[pg.PlotItem, tuple[str, ...]]) -> None:
    """Give each visible plot the first of its left labels (longest first, e.g. ``(long,
    short)``) that fits along its height (the last one when none fits)."""
    for plot, choices in labels.items():
        if not plot.isVisible():
            continue
        axis = plot.getAxis("left")
        metrics = QFontMetrics(axis.label.font())
        room = axis.geometry().height() - 2 * MARGIN_PX  # the left axis spans the plot's view
        text = next((c for c in choices if metrics.horizontalAdvance(c) <= room), choices[-1])
        if axis.labelText != text:
            plot.setLabel("left", text)


def fit_after_layout(widget, labels: dict[pg.PlotItem, tuple[str, ...]] | None) -> None:
    """:func:`fit_left_labels` once ``widget``'s layout has settled (from its resizeEvent;
    nothing when ``labels`` are not made yet, as during the widget's construction)."""
    if labels:
        QTimer.singleShot(0, widget, partial(fit_left_labels, labels))
