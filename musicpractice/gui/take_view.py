"""The take view: waveform, spectrogram, pitch and notes, tempo and loudness on one time axis.

All plots share the x axis (seconds of the take): the wheel zooms in time, dragging
scrolls, a click seeks playback, and the shaded region on the waveform is the loop.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from musicpractice.analysis.cues import Cue
from musicpractice.analysis.tempo import beats_at_level
from musicpractice.analysis.voices import voice_range
from musicpractice.core.pitch import hz_to_midi
from musicpractice.gui.axis_labels import fit_after_layout
from musicpractice.gui.intonation import (
    DEFAULT_TOLERANCE_CENTS,
    UNKNOWN,
    intonation_colour,
)
from musicpractice.gui.score_marks import UNSURE_COLOUR, WRONG_COLOUR, written_for
from musicpractice.gui.note_axis import NoteAxis
from musicpractice.gui.workers.take_data import TakeData
from musicpractice.gui.take_view_cursor import TakeCursorMixin

AXIS_WIDTH_PX = 64
CURSOR_COLOUR = QColor(230, 60, 60)
ACCENT = QColor(70, 130, 220)


KEY_SPELLING_CONFIDENCE = 0.3
"""Below this key confidence the pitch axis names the white keys, not a key's scale."""
MIN_LOUDNESS_RANGE_LU = 12.0
"""The loudness plot always spans at least this many LU (a 0.1 LU wobble stays flat)."""


class TakeView(TakeCursorMixin, QWidget):
    """Synchronised plots of one take.

    Signals
    -------
    seek_requested(float)
        The user clicked a time (seconds).
    loop_changed(object)
        The loop region ``(start_s, end_s)`` changed (``None`` when hidden).
    """

    seek_requested = Signal(float)
    loop_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: TakeData | None = None
        self.tolerance_cents = DEFAULT_TOLERANCE_CENTS
        self.written: dict[str, tuple] = {}
        self.beat_level = "chosen"
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.ci.setSpacing(2)
        self._labels: dict[pg.PlotItem, tuple[str, str]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics)
        self.wave = self._add_plot("Audio", 1.0)
        self.spec = self._add_plot("Spectrum (Hz)", 1.4, short="Hz")
        self.pitch = self._add_plot("Pitch", 3.0, axis=NoteAxis("left"))
        self.tempo = self._add_plot("Tempo (BPM)", 1.2, short="BPM")
        self.loud = self._add_plot("Loudness (LUFS)", 1.2, short="LUFS")
        self.cue_plot = self._add_plot("Cue", 1.0)
        self.cue_plot.setLabel("bottom", "time (s)")
        self.cue_plot.setVisible(False)
        self.plots = [self.wave, self.spec, self.pitch, self.tempo, self.loud, self.cue_plot]
        for plot in self.plots[1:]:
            plot.setXLink(self.wave)
        for plot in self.plots[:-2]:
            plot.hideAxis("bottom")
        self.loud.setLabel("bottom", "time (s)")
        self.pitch.setMouseEnabled(x=True, y=True)

        self.wave_curve = self.wave.plot(pen=pg.mkPen(ACCENT, width=1))
        self.wave.setYRange(-1, 1, padding=0.02)
        self.spec_image = pg.ImageItem()
        self.spec_image.setColorMap(pg.colormap.get("magma"))
        self.spec.addItem(self.spec_image)
        self.contour = self.pitch.plot(pen=pg.mkPen(QColor(120, 120, 120), width=1.5),
                                       connect="finite")
        self.notes = pg.BarGraphItem(x0=[], y0=[], width=[], height=[])
        self.pitch.addItem(self.notes)
        self.tempo_curve = self.tempo.plot(pen=pg.mkPen(ACCENT, width=2))
        self.beat_marks = self.tempo.plot(pen=pg.mkPen(QColor(150, 150, 150), width=1),
                                          connect="pairs")
        self.momentary = self.loud.plot(pen=pg.mkPen(QColor(150, 150, 150), width=1),
                                        connect="finite", name="momentary")
        self.short_term = self.loud.plot(pen=pg.mkPen(ACCENT, width=2), connect="finite",
                                         name="short-term")
        cue_colour = QColor(200, 140, 40)
        self.cue_curve = self.cue_plot.plot(pen=pg.mkPen(cue_colour, width=2), symbol="o",
                                            symbolSize=5, symbolBrush=cue_colour,
                                            symbolPen=pg.mkPen(cue_colour), connect="finite")
        self.cursors = []
        for plot in self.plots:
            line = pg.InfiniteLine(0.0, angle=90, movable=False, pen=pg.mkPen(CURSOR_COLOUR, width=1.5))
            line.setZValue(100)
            plot.addItem(line, ignoreBounds=True)
            self.cursors.append(line)
        self.loop_region = pg.LinearRegionItem(values=(0, 1), brush=QColor(70, 130, 220, 50))
        self.loop_region.setZValue(50)
        self.loop_region.setVisible(False)
        self.wave.addItem(self.loop_region, ignoreBounds=True)
        self.loop_region.sigRegionChangeFinished.connect(self._emit_loop)
        self.wave.sigXRangeChanged.connect(self._redraw_wave)
        self.graphics.scene().sigMouseClicked.connect(self._clicked)
        self.graphics.scene().sigMouseMoved.connect(self._hovered)
        self.apply_palette()

    def _add_plot(self, label: str, stretch: float, axis: pg.AxisItem | None = None, *,
                  short: str = "") -> pg.PlotItem:
        row = self.graphics.ci.layout.rowCount()
        plot = self.graphics.addPlot(row=row, col=0, axisItems={"left": axis} if axis else None)
        self.graphics.ci.layout.setRowStretchFactor(row, int(stretch * 10))
        plot.setLabel("left", label)
        plot.getAxis("left").setWidth(AXIS_WIDTH_PX)
        plot.setMouseEnabled(x=True, y=False)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.showGrid(x=False, y=True, alpha=0.15)
        if short:
            self._labels[plot] = (label, short)
        return plot

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        fit_after_layout(self, getattr(self, "_labels", None))

    def apply_palette(self) -> None:
        """Follow the application palette (light or dark)."""
        palette = self.palette()
        self.graphics.setBackground(palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        for plot in self.plots:
            for name in ("left", "bottom"):
                plot.getAxis(name).setTextPen(text)
                plot.getAxis(name).setPen(pg.mkPen(text.darker(130) if text.lightness() > 128
                                                   else text.lighter(160)))

    # -- showing a take ------------------------------------------------------------
    def clear(self) -> None:
        """Show nothing."""
        self.data = None
        for item in (self.wave_curve, self.contour, self.tempo_curve, self.beat_marks,
                     self.momentary, self.short_term, self.cue_curve):
            item.setData([], [])
        self.notes.setOpts(x0=[], y0=[], width=[], height=[])
        self.spec_image.clear()
        self.loop_region.setVisible(False)
        self.show_cue(None)

    def show_take(self, data: TakeData) -> None:
        """Draw a prepared take and zoom to all of it."""
        self.data = data
        a = data.analysis
        duration = max(data.duration_s, 0.1)
        for plot in self.plots:
            plot.setLimits(xMin=0.0, xMax=duration, minXRange=0.05)
        spec = data.spectrogram
        self.spec_image.setImage(spec.db, autoLevels=False, levels=(-70.0, 0.0))
        self.spec_image.setRect(QRectF(0.0, 0.0, spec.db.shape[0] * spec.column_s, spec.fmax_hz))
        self.spec.setYRange(0, spec.fmax_hz, padding=0)
        tuning = a.tuning.a4_hz
        f0 = np.asarray(a.melody.f0_hz, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            midi = np.where(f0 > 0, hz_to_midi(np.where(f0 > 0, f0, 1.0), tuning_hz=tuning), np.nan)
        self.contour.setData(np.asarray(a.melody.times_s, dtype=float), midi)
        self.pitch.getAxis("left").set_key((a.key.tonic, a.key.mode)
                                           if a.key.confidence >= KEY_SPELLING_CONFIDENCE else None)
        self._draw_notes()
        self.set_pitch_range(a.voice)
        self._draw_tempo()
        loud = a.loudness
        self.momentary.setData(loud.momentary_times_s, _finite_or_nan(loud.momentary_lufs))
        self.short_term.setData(loud.short_term_times_s, _finite_or_nan(loud.short_term_lufs))
        finite = _finite_or_nan(loud.momentary_lufs)
        if np.isfinite(finite).any():
            lo, hi = max(-70.0, float(np.nanmin(finite))), float(np.nanmax(finite)) + 3
            middle = (lo + hi) / 2  # a steady level is drawn flat, not as a steep slope
            self.loud.setYRange(min(lo, middle - MIN_LOUDNESS_RANGE_LU / 2),
                                max(hi, middle + MIN_LOUDNESS_RANGE_LU / 2))
        self.show_cue(None)
        self.loop_region.setRegion((duration * 0.25, duration * 0.5))
        self.wave.setXRange(0.0, duration, padding=0)
        self._redraw_wave()
        self.set_cursor(0.0)

    def set_pitch_range(self, voice: str) -> None:
        """Show the pitch range of a voice preset (or of the notes found, if wider)."""
        if self.data is None:
            return
        tuning = self.data.analysis.tuning.a4_hz
        try:
            fmin, fmax = voice_range(voice)
        except ValueError:
            fmin, fmax = self.data.analysis.melody.fmin_hz, self.data.analysis.melody.fmax_hz
        lo, hi = float(hz_to_midi(fmin, tuning_hz=tuning)), float(hz_to_midi(fmax, tuning_hz=tuning))
        notes = self.data.analysis.notes
        if notes:
            lo = max(lo, min(n.midi for n in notes) - 5)
            hi = min(hi, max(n.midi for n in notes) + 5)
        self.pitch.setYRange(lo, hi, padding=0)

    def set_tolerance(self, cents: float) -> None:
        """Colour notes as in tune within ``cents`` of equal temperament."""
        self.tolerance_cents = float(cents)
        self._draw_notes()

    def set_written(self, take_id: str, rows) -> None:
        """Colour take ``take_id``'s notes against the written notes of an aligned score
        (``rows``: its note verdicts; empty: against equal temperament again): a note
        performing a written note wrongly is red, an unsure one amber, one played right
        coloured by its intonation against the written pitch, one where nothing is
        written grey."""
        self.written[take_id] = tuple(rows)
        if self.data is not None and self.data.take_id == take_id:
            self._draw_notes()

    def _note_colours(self, notes) -> list[QColor]:
        rows = self.written.get(self.data.take_id) if self.data is not None else None
        if not rows:
            return [intonation_colour(n.cents, self.tolerance_cents) for n in notes]
        colours = []
        for row in written_for(notes, rows):
            if row is None:
                colours.append(UNKNOWN)
            elif row.status == "wrong":
                colours.append(QColor(WRONG_COLOUR))
            elif row.status == "unsure":
                colours.append(QColor(UNSURE_COLOUR))
            else:
                colours.append(intonation_colour(row.cents, self.tolerance_cents))
        return colours

    def set_beat_level(self, relation: str) -> None:
        """Draw the beats and tempo of an alternative level (``"chosen"``, ``"half"``...)."""
        self.beat_level = relation
        self._draw_tempo()

    def _draw_notes(self) -> None:
        if self.data is None:
            return
        notes = self.data.analysis.notes
        if not notes:
            self.notes.setOpts(x0=[], y0=[], width=[], height=[])
            return
        colours = self._note_colours(notes)
        self.notes.setOpts(
            x0=[n.onset_s for n in notes], width=[n.offset_s - n.onset_s for n in notes],
            y0=[n.midi - 0.4 for n in notes], height=[0.8] * len(notes),
            brushes=[pg.mkBrush(QColor(c.red(), c.green(), c.blue(), 170)) for c in colours],
            pens=[pg.mkPen(c.darker(140)) for c in colours])

    def _draw_tempo(self) -> None:
        if self.data is None:
            return
        tempo = self.data.analysis.tempo
        factor = 1.0
        beats = tempo.beats_s
        if self.beat_level != "chosen":
            chosen = [alt for alt in tempo.alternatives if alt.relation == self.beat_level]
            if chosen and math.isfinite(tempo.bpm) and tempo.bpm > 0:
                factor = chosen[0].bpm / tempo.bpm
                beats = beats_at_level(tempo, self.beat_level)
        bpm = np.asarray(tempo.curve_bpm, dtype=float) * factor
        self.tempo_curve.setData(np.asarray(tempo.curve_times_s, dtype=float), bpm)
        finite = bpm[np.isfinite(bpm)]
        lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (40.0, 200.0)
        lo, hi = lo - max(5.0, 0.1 * lo), hi + max(5.0, 0.1 * hi)
        self.tempo.setYRange(lo, hi, padding=0)
        beats = np.asarray(beats, dtype=float)
        xs = np.repeat(beats, 2)
        ys = np.tile([lo, lo + 0.2 * (hi - lo)], len(beats))
        self.beat_marks.setData(xs, ys)

    def show_cue(self, cue: Cue | None) -> None:
        """Plot where in the take a cue comes from (hide the row for ``None``)."""
        if cue is None or len(cue.times_s) == 0:
            self.cue_plot.setVisible(False)
            self.loud.showAxis("bottom")
            return
        self.cue_plot.setVisible(True)
        self.loud.hideAxis("bottom")
        self.cue_plot.setLabel("left", f"{cue.name} ({cue.unit})" if cue.unit else cue.name)
        values = _finite_or_nan(np.asarray(cue.values, dtype=float))
        self.cue_curve.setData(np.asarray(cue.times_s, dtype=float), values)
        if np.isfinite(values).any():
            lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
            pad = max(1e-6, 0.1 * (hi - lo) or 0.1 * abs(hi) or 1.0)
            self.cue_plot.setYRange(lo - pad, hi + pad, padding=0)

    def _redraw_wave(self, *_args) -> None:
        if self.data is None:
            return
        x0, x1 = self.wave.viewRange()[0]
        width = max(200, int(self.wave.vb.width()))
        times, values = self.data.pyramid.envelope(x0, x1, width)
        self.wave_curve.setData(times, values)

    def zoom_to_fit(self) -> None:
        """Show the whole take."""
        if self.data is not None:
            self.wave.setXRange(0.0, self.data.duration_s, padding=0)


def _finite_or_nan(values) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, np.nan)
