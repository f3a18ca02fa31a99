"""The compare view: takes against a reference (a score or a take), bar by bar.

Left: choose the reference and the takes, start the comparison (it runs in the
background with progress and cancel), and A/B playback (switch takes at the same musical
position with one key, loop a span of bars in every take). Right: the score with the
current bar highlighted, and tabs with the takes stacked on one bar axis (with the
differences in words), the per-bar table and heat map, tempo and loudness curves, the
cues side by side, and one performer's progress by date.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QListWidgetItem,
    QWidget,
)

from musicpractice.core.errors import MusicPracticeError
from musicpractice.gui.ab_player import ABPlayer
from musicpractice.gui.workers.alignment_jobs import CompareData, compare_job
from musicpractice.gui.workers.child_worker import ChildWorker
from musicpractice.gui.intonation import DEFAULT_TOLERANCE_CENTS
from musicpractice.gui.jobs import JobRunner
from musicpractice.gui.compare_layout import CompareLayoutMixin
from musicpractice.gui.compare_playback import ComparePlaybackMixin
from musicpractice.reports.verdicts import take_warnings
from musicpractice.score.load import SCORE_EXTENSIONS
from musicpractice.session.store import Session

JOB = "compare"


class CompareView(CompareLayoutMixin, ComparePlaybackMixin, QWidget):
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
        several = len(data.comparison.takes) > 1  # then each take's warnings say whose
        self.status.setText(" ".join(data.comparison.warnings + tuple(
            f"{t.take.title}: {w}" if several else w
            for t in data.comparison.takes for w in take_warnings(t)))[:600])
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
        parts = {t.alignment.part if t.alignment is not None else None
                 for t in data.comparison.takes}
        if take_id is None and len(parts) == 1 and None not in parts:  # all followed as one part
            self.score_view.follow_part(parts.pop())
        if take_id is None:
            for t in data.comparison.takes:
                self.written_notes.emit(t.take.id, t.notes)

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
