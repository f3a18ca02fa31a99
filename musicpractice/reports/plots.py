"""Plots of a comparison on the bar axis (matplotlib, no window, no pyplot state).

Every take keeps one colour in every plot and table of a report; the reference take is
drawn in dark grey. Figures come out as SVG text (for HTML) or PNG bytes (for PDF).
"""

from __future__ import annotations

import io

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from musicpractice.compare.model import Comparison, TakeResult
from musicpractice.compare.progress import Progress

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf")
REFERENCE_COLOUR = "#444444"
WIDTH_IN, HEIGHT_IN = 7.0, 2.5
MAX_TICKS = 24
MIN_SPAN = {"%": 10.0, "ms": 40.0, "cents": 20.0, "ratio": 0.2, "LU": 2.0}
"""Smallest y range of a progress plot per unit: differences below it are not worth a slope."""
SMOOTH_S = 1.0
"""Loudness curves are smoothed over about this long (momentary values every 0.1 s)."""


def take_colours(comparison: Comparison) -> dict[str, str]:
    """Colour of each take (by take id)."""
    colours, k = {}, 0
    for take in comparison.takes:
        if take.is_reference:
            colours[take.take.id] = REFERENCE_COLOUR
        else:
            colours[take.take.id] = COLOURS[k % len(COLOURS)]
            k += 1
    return colours


def _axes(comparison: Comparison, ylabel: str) -> tuple[Figure, object]:
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), layout="constrained")
    ax = figure.add_subplot()
    covered = comparison.covered_indices() or [0]
    first, last = covered[0], covered[-1] + 1
    step = max(1, int(np.ceil((last - first) / MAX_TICKS)))
    ticks = list(range(first, last, step))
    ax.set_xticks(ticks, [str(comparison.grid.numbers[k]) for k in ticks])
    ax.set_xlim(first, last)
    for k in range(first, last + 1):
        ax.axvline(k, color="#dddddd", linewidth=0.6, zorder=0)
    ax.set_xlabel(comparison.grid.kind)
    ax.set_ylabel(ylabel)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)
    return figure, ax


def tempo_figure(comparison: Comparison) -> Figure:
    """Tempo per bar of every take: beats of the score's time signature per minute (♩. in
    6/8) with the score's marked tempo dashed, or percent of the reference take's tempo
    without a score."""
    grid = comparison.grid
    bpm = np.isfinite(grid.ref_tempo_bpm).any()
    symbol = grid.beat_unit()[0]
    figure, ax = _axes(comparison, f"tempo ({symbol} per minute)" if bpm
                       else "tempo (% of reference)")
    colours = take_colours(comparison)
    centres = np.arange(len(grid)) + 0.5
    if comparison.reference.kind == "score":
        marked = grid.ref_tempo_beats()
        ax.step(np.append(centres - 0.5, centres[-1] + 0.5), np.append(marked, marked[-1]),
                where="post", color=REFERENCE_COLOUR, linestyle="--", linewidth=1,
                label="marked tempo")
    elif not bpm:
        ax.axhline(100.0, color=REFERENCE_COLOUR, linestyle="--", linewidth=1,
                   label=comparison.reference.title)
    for take in comparison.takes:
        values = np.array([r.tempo_bpm if bpm else r.tempo_pct for r in take.bars])
        if take.is_reference and not bpm:
            continue
        colour = colours[take.take.id]
        unsure = np.array([r.unsure for r in take.bars])
        ax.plot(centres, values, linewidth=1.4, color=colour, label=take.name, zorder=2)
        ax.plot(centres[~unsure], values[~unsure], "o", markersize=3.5, color=colour, zorder=3)
        ax.plot(centres[unsure], values[unsure], "o", markersize=3.5, markerfacecolor="white",
                markeredgecolor=colour, zorder=3)
    _legend(ax)
    return figure


def loudness_figure(comparison: Comparison) -> Figure:
    """Momentary loudness (LUFS, smoothed over about a second) of every take."""
    figure, ax = _axes(comparison, "loudness (LUFS)")
    colours = take_colours(comparison)
    for take in comparison.takes:
        position, lufs = _smoothed(take)
        if position.size:
            ax.plot(position, lufs, linewidth=1.2, color=colours[take.take.id], label=take.name)
    _legend(ax)
    return figure


def _smoothed(take: TakeResult) -> tuple[np.ndarray, np.ndarray]:
    position, lufs = take.curve_position, take.curve_lufs
    finite = np.isfinite(lufs)
    if finite.sum() < 2:
        return np.zeros(0), np.zeros(0)
    hop = take.analysis.loudness.hop_s or 0.1
    width = max(1, round(SMOOTH_S / hop))
    power = np.where(finite, 10.0 ** (np.where(finite, lufs, 0.0) / 10.0), 0.0)
    kernel = np.ones(width) / width
    with np.errstate(divide="ignore"):
        smooth = 10.0 * np.log10(np.convolve(power, kernel, mode="same"))
    smooth[~np.isfinite(smooth)] = np.nan
    return position, smooth


def progress_figure(progress: Progress) -> Figure:
    """One small plot per measure, the takes by date along the bottom."""
    n = len(progress.measures)
    columns = 2 if n > 1 else 1
    rows = int(np.ceil(n / columns))
    figure = Figure(figsize=(WIDTH_IN, 1.5 * rows + 0.3), layout="constrained")
    x = np.arange(len(progress.take_ids))
    for k, measure in enumerate(progress.measures):
        ax = figure.add_subplot(rows, columns, k + 1)
        ax.plot(x, measure.values, marker="o", markersize=3.5, linewidth=1.4, color=COLOURS[0])
        _min_span(ax, measure.values, MIN_SPAN.get(measure.unit, 0.0))
        ax.set_title(f"{measure.name}" + (f" ({measure.unit})" if measure.unit not in ("", "ratio")
                                         else ""), fontsize=8, loc="left")
        ax.set_xticks(x, progress.dates, fontsize=7, rotation=30 if len(x) > 4 else 0)
        ax.tick_params(labelsize=7)
        ax.ticklabel_format(axis="y", useOffset=False, style="plain")
        ax.margins(x=0.08, y=0.25)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return figure


def _min_span(ax, values, span: float) -> None:
    """Show at least ``span`` on the y axis, so a change too small to matter looks flat."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size and np.ptp(finite) < span:
        low = (finite.max() + finite.min() - span) / 2.0
        if finite.min() >= 0 > low:  # a measure that cannot go below zero
            low = 0.0
        ax.set_ylim(low, low + span)


def _legend(ax) -> None:
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, frameon=False, loc="best")


def svg_text(figure: Figure) -> str:
    """The figure as an inline ``<svg>`` element (text kept as text)."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "musicpractice"}):
        figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def png_bytes(figure: Figure, dpi: int = 200) -> bytes:
    """The figure as a PNG image at ``dpi``."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
