"""The compare view: takes against a reference (a score or a take), bar by bar.

Left: choose the reference and the takes, start the comparison (it runs in the
background with progress and cancel), and A/B playback (switch takes at the same musical
position with one key, loop a span of bars in every take). Right: the score with the
current bar highlighted, and tabs with the takes stacked on one bar axis (with the
differences in words), the per-bar table and heat map, tempo and loudness curves, the
cues side by side, and one performer's progress by date.
"""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from musicpractice.core.errors import MusicPracticeError
from musicpractice.gui.ab_player import ABPlayer
from musicpractice.gui.workers.alignment_jobs import CompareData, compare_job
from musicpractice.gui.bar_table import BarTableModel, SortProxy
from musicpractice.gui.workers.child_worker import ChildWorker
from musicpractice.gui.compare_plots import CueTable, CurvesPlot, ProgressPlot
from musicpractice.gui.heatmap import HeatMap
from musicpractice.gui.intonation import DEFAULT_TOLERANCE_CENTS
from musicpractice.gui.jobs import JobRunner
from musicpractice.gui.score_view import ScoreView
from musicpractice.gui.take_stack import TakeStack
from musicpractice.score.load import SCORE_EXTENSIONS
from musicpractice.session.store import Session

JOB = "compare"


class CompareView(QWidget):
    """Compare takes with a reference.

    Signals
    -------
    error(str)
        Something the user should read (a failed comparison, no playback...).
    written_notes(str, object)
        A take id and its note verdicts against the score (for the take view's colours).
    """

    error = Signal(str)
    written_notes = Signal(str, object)

    def __init__(self, analyze=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.analyze = analyze
        self.worker = ChildWorker()
        self.session: Session | None = None
        self.data: CompareData | None = None
        self.tolerance_cents = DEFAULT_TOLERANCE_CENTS
        self.jobs = JobRunner(parent=self)
        self.jobs.progress.connect(self._progress)
        self.jobs.finished.connect(self._finished)
        self.jobs.failed.connect(self._failed)
        self.jobs.cancelled.connect(self._cancelled)
        self.ab = ABPlayer(self)
        self.ab.position_changed.connect(self.show_position)
        self.ab.take_changed.connect(self._take_changed)
        self.ab.error.connect(self._playback_unavailable)
        self._build()
        self.setMinimumSize(320, 240)  # the window may be made small; panels squeeze
        self.set_session(None)

    # -- construction --------------------------------------------------------------
    def _build(self) -> None:
        self.reference = QComboBox()
        self.reference.setToolTip("Compare the takes with a score or with one take "
                                  "(e.g. the teacher's)")
        self.reference.currentIndexChanged.connect(self._reference_chosen)
        self.takes = QListWidget()
        self.takes.setToolTip("Tick the takes to compare")
        self.takes.setMaximumHeight(180)
        self.use_score = QCheckBox("Number bars from the score")
        self.use_score.setToolTip("With a take as reference: align it to the session's score "
                                  "so rows and axes are bars, not sections")
        self.compare_button = QPushButton("Compare")
        self.compare_button.clicked.connect(self.compare_checked)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.cancel_button)
        setup = QGroupBox("What to compare")
        form = QVBoxLayout(setup)
        form.addWidget(QLabel("Reference:"))
        form.addWidget(self.reference)
        form.addWidget(QLabel("Takes:"))
        form.addWidget(self.takes)
        form.addWidget(self.use_score)
        form.addLayout(buttons)
        form.addWidget(self.progress)
        form.addWidget(self.status)

        self.play_button = QPushButton("▶ Play")
        self.play_button.setToolTip("Play or pause (Space)")
        self.play_button.clicked.connect(self.toggle_play)
        self.switch_button = QPushButton("A/B: next take (B)")
        self.switch_button.setToolTip("Continue in the next take at the same bar and beat")
        self.switch_button.clicked.connect(self.switch_take)
        self.playing_label = QLabel("")
        self.playing_label.setWordWrap(True)
        self.loop_from, self.loop_to = QSpinBox(), QSpinBox()
        for box in (self.loop_from, self.loop_to):
            box.setRange(0, 9999)
            box.valueChanged.connect(self._loop_edited)
        self.loop_check = QCheckBox("Loop")
        self.loop_check.setToolTip("Loop these bars in every take (L)")
        self.loop_check.toggled.connect(self._loop_edited)
        loop = QHBoxLayout()
        loop.addWidget(self.loop_check)
        loop.addWidget(QLabel("bars"))
        loop.addWidget(self.loop_from)
        loop.addWidget(QLabel("to"))
        loop.addWidget(self.loop_to)
        loop.addStretch(1)
        play = QGroupBox("A/B playback")
        play_layout = QFormLayout(play)
        play_buttons = QHBoxLayout()
        play_buttons.addWidget(self.play_button)
        play_buttons.addWidget(self.switch_button)
        play_layout.addRow(play_buttons)
        play_layout.addRow(loop)
        play_layout.addRow(self.playing_label)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 4, 4)
        left_layout.addWidget(setup)
        left_layout.addWidget(play)
        left_layout.addStretch(1)
        left.setMaximumWidth(340)

        self.score_view = ScoreView(self.worker)
        self.score_view.import_requested.connect(self.ask_import_score)
        self.score_view.bar_clicked.connect(self._score_bar_clicked)
        self.stack = TakeStack()
        self.stack.play_requested.connect(self.ab.play_from)
        self.differences = QLabel()
        self.differences.setWordWrap(True)
        self.differences.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        takes_tab = QSplitter(Qt.Orientation.Vertical)
        takes_tab.addWidget(self.stack)
        takes_tab.addWidget(self.differences)
        takes_tab.setSizes([300, 90])

        self.model = BarTableModel(self)
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(96)
        self.table.clicked.connect(self._cell_clicked)
        self.heat_measure = QComboBox()
        self.heat_measure.currentIndexChanged.connect(self._draw_heatmap)
        self.heatmap = HeatMap()
        self.heatmap.cell_clicked.connect(self._heat_clicked)
        heat = QWidget()
        heat_layout = QVBoxLayout(heat)
        heat_layout.setContentsMargins(0, 0, 0, 0)
        heat_top = QHBoxLayout()
        heat_top.addWidget(QLabel("Heat map of"))
        heat_top.addWidget(self.heat_measure)
        heat_top.addWidget(QLabel("— blue: slower or early, red: faster or late; "
                                  "click a cell or a row to hear it"), 1)
        heat_layout.addLayout(heat_top)
        heat_layout.addWidget(self.heatmap, 1)
        bars_tab = QSplitter(Qt.Orientation.Vertical)
        bars_tab.addWidget(heat)
        bars_tab.addWidget(self.table)
        bars_tab.setSizes([160, 300])

        self.curves = CurvesPlot()
        self.cue_table = CueTable()
        self.progress_plot = ProgressPlot()
        self.tabs = QTabWidget()
        self.tabs.addTab(takes_tab, "Takes")
        self.tabs.addTab(bars_tab, "Bars")
        self.tabs.addTab(self.curves, "Tempo && loudness")
        self.tabs.addTab(self.cue_table, "Cues")
        self.tabs.addTab(self.progress_plot, "Progress")
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.score_view)
        right.addWidget(self.tabs)
        right.setSizes([380, 520])

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter)

    # -- session -------------------------------------------------------------------
    def set_session(self, session: Session | None) -> None:
        """Show a session's scores and takes (None: nothing to compare)."""
        self.jobs.cancel(JOB)
        self.session = session
        self._show(None)
        self.refresh()
        scores = session.scores if session is not None else ()
        if scores:
            self.score_view.set_score(session.path / scores[0].file, scores[0].title)
        else:
            self.score_view.clear()

    def refresh(self) -> None:
        """Fill the reference and take choices again (keeps what was chosen)."""
        ref = self.reference.currentData()
        ticked = set(self.checked_takes())
        self.reference.blockSignals(True)
        self.reference.clear()
        self.takes.clear()
        session = self.session
        if session is not None:
            for score in session.scores:
                self.reference.addItem(f"Score: {score.title or score.source}", score.id)
            for take in session.takes:
                if take.status == "recording":
                    continue
                self.reference.addItem(f"Take: {take.title}", take.id)
                item = QListWidgetItem(_take_label(take))
                item.setData(Qt.ItemDataRole.UserRole, take.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if take.id in ticked
                                   else Qt.CheckState.Unchecked)
                self.takes.addItem(item)
        index = self.reference.findData(ref)
        self.reference.setCurrentIndex(max(index, 0))
        self.reference.blockSignals(False)
        self._reference_chosen()
        self.compare_button.setEnabled(session is not None and self.takes.count() > 0)

    def _reference_chosen(self, *_args) -> None:
        ref = self.reference.currentData()
        is_take = self.session is not None and any(t.id == ref for t in self.session.takes)
        self.use_score.setVisible(is_take and bool(self.session.scores))
        self.use_score.setChecked(self.use_score.isVisible())
        for row in range(self.takes.count()):
            item = self.takes.item(row)
            own = item.data(Qt.ItemDataRole.UserRole) == ref
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled if own
                          else item.flags() | Qt.ItemFlag.ItemIsEnabled)
            if own:
                item.setCheckState(Qt.CheckState.Unchecked)
        if self.session is not None and not is_take:
            for score in self.session.scores:
                if score.id == ref:
                    path = self.session.path / score.file
                    if self.score_view.path != path:
                        self.score_view.set_score(path, score.title)

    def checked_takes(self) -> list[str]:
        """Ids of the ticked takes."""
        return [self.takes.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.takes.count())
                if self.takes.item(r).checkState() == Qt.CheckState.Checked]

    def set_checked(self, take_ids: list[str]) -> None:
        """Tick exactly these takes."""
        for r in range(self.takes.count()):
            item = self.takes.item(r)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                               in take_ids else Qt.CheckState.Unchecked)

    def ask_import_score(self) -> None:
        """Import a score file into the session (asks for the file)."""
        if self.session is None:
            self.error.emit("Open or create a session first; the score is copied into it.")
            return
        pattern = " ".join(f"*{e}" for e in sorted(SCORE_EXTENSIONS))
        path, _ = QFileDialog.getOpenFileName(self, "Import score", str(Path.home()),
                                              f"Scores ({pattern});;All files (*)")
        if path:
            self.import_score(path)

    def import_score(self, path: str | Path) -> None:
        """Copy a score into the session, show it and make it the reference."""
        try:
            ref = self.session.import_score(path)
        except MusicPracticeError as error:
            self.error.emit(str(error))
            return
        self.refresh()
        self.reference.setCurrentIndex(self.reference.findData(ref.id))
        self.score_view.set_score(self.session.path / ref.file, ref.title)

    # -- comparing -----------------------------------------------------------------
    def compare_checked(self) -> None:
        """Compare the ticked takes with the chosen reference."""
        self.compare(self.reference.currentData(), self.checked_takes())

    def compare(self, reference_id: str, take_ids: list[str]) -> None:
        """Start comparing (in the background; progress below the buttons)."""
        if self.session is None:
            return
        if not take_ids:
            self.status.setText("Tick at least one take to compare.")
            return
        is_score = any(s.id == reference_id for s in self.session.scores)
        part = self.score_view.selected_part() if is_score else None
        score_id = (self.session.scores[0].id if not is_score and self.use_score.isChecked()
                    and self.session.scores else None)
        self.set_checked(take_ids)
        self.ab.pause()
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.setEnabled(True)
        self.status.setText("Comparing…")
        self.jobs.submit(JOB, partial(compare_job, self.session, self.worker, reference_id,
                                      list(take_ids), part=part, score_id=score_id,
                                      analyze=self.analyze))

    def cancel(self) -> None:
        """Stop the comparison that runs."""
        self.jobs.cancel(JOB)

    @property
    def busy(self) -> bool:
        """Whether a comparison runs."""
        return self.jobs.running(JOB)

    def _progress(self, _key: str, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.status.setText(f"{message}…" if message else "Comparing…")

    def _finished(self, _key: str, data: CompareData) -> None:
        self._idle()
        self.status.setText(" ".join(data.comparison.warnings + tuple(
            w for t in data.comparison.takes for w in t.warnings))[:600])
        self._show(data)

    def _failed(self, _key: str, message: str, _details: str) -> None:
        self._idle()
        self.status.setText(f"The comparison failed: {message}")
        self.error.emit(message)

    def _cancelled(self, _key: str) -> None:
        self._idle()
        self.status.setText("Comparison cancelled.")

    def _idle(self) -> None:
        self.progress.hide()
        self.cancel_button.setEnabled(False)

    def _show(self, data: CompareData | None) -> None:
        self.data = data
        self.ab.set_data(data)
        if data is None:  # nothing of an earlier comparison (or session) stays on screen
            self.model.set_comparison(None)
            self.score_view.show_verdicts((), tolerance_cents=self.tolerance_cents)
            self.heat_measure.clear()
            for view in (self.stack, self.curves, self.cue_table, self.progress_plot):
                view.clear_data()
            self.heatmap.clear_measure()
        self.tabs.setEnabled(data is not None)
        for w in (self.play_button, self.switch_button, self.loop_check, self.loop_from,
                  self.loop_to):
            w.setEnabled(data is not None and self.ab.available)
        if data is None:
            self.progress.hide()
            self.cancel_button.setEnabled(False)
            self.differences.setText("")
            self.playing_label.setText("Compare takes to play them here.")
            return
        grid = data.comparison.grid
        self.differences.setText("<b>Differences</b><br>" + "<br>".join(data.differences)
                                 if data.differences else "")
        for box in (self.loop_from, self.loop_to):
            box.blockSignals(True)
            box.setRange(min(grid.numbers), max(grid.numbers))
        self.loop_from.setValue(grid.numbers[0])
        self.loop_to.setValue(grid.numbers[-1])
        for box in (self.loop_from, self.loop_to):
            box.blockSignals(False)
        self.loop_check.setChecked(False)
        # tables and plots fill in over the next turns of the event loop (none holds it long)
        steps = [self._show_table, lambda _data: self.show_verdicts(), self.stack.show_data,
                 self._draw_heatmap,
                 self.curves.show_data, self.cue_table.show_data, self.progress_plot.show_data]
        QTimer.singleShot(0, partial(self._show_step, data, steps))

    def _show_step(self, data: CompareData, steps: list) -> None:
        if self.data is not data or not steps:
            return
        step = steps.pop(0)
        step(data)
        QTimer.singleShot(0, partial(self._show_step, data, steps))

    def _show_table(self, data: CompareData) -> None:
        self.table.setSortingEnabled(False)
        self.model.set_comparison(data.comparison)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # take by take, bar by bar
        self.table.setColumnWidth(0, 130)
        self.heat_measure.blockSignals(True)
        self.heat_measure.clear()
        for m in self.model.measures:
            self.heat_measure.addItem(m.title, m.key)
        self.heat_measure.blockSignals(False)

    def _draw_heatmap(self, *_args) -> None:
        if self.data is None or self.heat_measure.currentIndex() < 0:
            return
        self.heatmap.show_measure(self.data.comparison,
                                  self.model.measures[self.heat_measure.currentIndex()])

    # -- playback ------------------------------------------------------------------
    def toggle_play(self) -> None:
        """Play or pause the current take (Space)."""
        self.ab.toggle()
        self._update_play_button()

    def switch_take(self) -> None:
        """A/B: continue in the next take at the same musical position (B)."""
        self.ab.switch_next()

    def toggle_loop(self) -> None:
        """Loop on or off (L)."""
        self.loop_check.toggle()

    def loop_bars(self, first: int, last: int) -> None:
        """Loop written bars ``first``..``last`` in every take."""
        for box, value in ((self.loop_from, first), (self.loop_to, last)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self.loop_check.blockSignals(True)
        self.loop_check.setChecked(True)
        self.loop_check.blockSignals(False)
        self._loop_edited()

    def _loop_edited(self, *_args) -> None:
        if self.data is None:
            return
        if not self.loop_check.isChecked():
            self.ab.set_loop(None)
            return
        x = self.ab.musical_position
        near = x if math.isfinite(x) else 0.0
        first = self.data.bar_index(self.loop_from.value(), near)
        last = self.data.bar_index(self.loop_to.value(), first or 0)
        if first is None or last is None or last < first:
            self.error.emit(f"Bars {self.loop_from.value()}-{self.loop_to.value()} are not "
                            "among the compared bars.")
            return
        self.ab.set_loop((float(first), float(last + 1)))

    def _update_play_button(self) -> None:
        self.play_button.setText("❚❚ Pause" if self.ab.playing else "▶ Play")

    def show_position(self, take_id: str, take_s: float, x: float) -> None:
        """Move the cursors and the score's highlight to musical position ``x`` (grid
        coordinate), ``take_s`` seconds into take ``take_id``."""
        self.stack.set_cursor(take_id, x)
        self._update_play_button()
        if self.data is None or not math.isfinite(x):
            return
        grid = self.data.comparison.grid
        k = min(int(x), len(grid) - 1)
        if grid.kind == "bar":
            self.score_view.highlight_bar(grid.numbers[k])
        self.playing_label.setText(f"Playing <b>{self.data.take(take_id).name}</b> — "
                                   f"{grid.kind} {grid.numbers[k]}, {take_s:.1f} s")

    def _playback_buttons(self, enabled: bool) -> None:
        for w in (self.play_button, self.switch_button):
            w.setEnabled(enabled)

    def _playback_unavailable(self, message: str) -> None:
        """No output device: say so, and offer no Play that cannot play."""
        self.playing_label.setText(message)
        self._playback_buttons(False)

    def _take_changed(self, take_id: str) -> None:
        self._playback_buttons(True)
        if self.data is not None:
            self.playing_label.setText(f"Playing <b>{self.data.take(take_id).name}</b>")
            self.show_verdicts(take_id)

    def set_tolerance(self, cents: float) -> None:
        """Intonation tolerance (cents) for the colours of the notes on the score."""
        self.tolerance_cents = float(cents)
        self.show_verdicts(self.ab.take_id)

    def show_verdicts(self, take_id: str | None = None) -> None:
        """Colour the score's notes by one take's verdicts (the first compared take by
        default); no colours when the reference is not a score."""
        data = self.data
        if data is None or data.comparison.reference.kind != "score" or not data.comparison.takes:
            self.score_view.show_verdicts((), tolerance_cents=self.tolerance_cents)
            return
        ids = [t.take.id for t in data.comparison.takes]
        take = data.comparison.takes[ids.index(take_id) if take_id in ids else 0]
        self.score_view.show_verdicts(take.notes, tolerance_cents=self.tolerance_cents)
        if take_id is None:
            for t in data.comparison.takes:
                self.written_notes.emit(t.take.id, t.notes)

    def _score_bar_clicked(self, number: int) -> None:
        if self.data is None:
            return
        x = self.ab.musical_position
        k = self.data.bar_index(number, x if math.isfinite(x) else 0.0)
        if k is not None:
            self.ab.play_from(self.ab.take_id, float(k))

    def _cell_clicked(self, index) -> None:
        source = self.proxy.mapToSource(index)
        row = self.model.row(source)
        self.ab.play_from(row.take_id, float(row.index))

    def _heat_clicked(self, take_row: int, k: int) -> None:
        if self.data is not None:
            self.ab.play_from(self.data.comparison.takes[take_row].take.id, float(k))

    def shutdown(self) -> None:
        """Stop work and release the device and the engraver (when the window closes)."""
        self.jobs.cancel_all()
        self.jobs.wait(10_000)
        self.ab.close()
        self.score_view.shutdown()
        self.worker.close()


def _take_label(take) -> str:
    bits = [take.title or take.id]
    extra = ", ".join(b for b in (take.performer, take.date) if b)
    return f"{bits[0]} ({extra})" if extra else bits[0]

