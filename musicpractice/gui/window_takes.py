"""Analysing takes in the background and showing the current one (mixed into
:class:`MainWindow`)."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QTimer

from musicpractice.gui.main_window_constants import VIEW
from musicpractice.gui.workers.take_data import TakeData, prepare_take
from musicpractice.workspace.derived import ensure_analysis


class TakeJobsMixin:
    """Analysing takes in the background and showing the current one (mixed into
    :class:`MainWindow`)."""

    # -- analysis ------------------------------------------------------------------
    def analyse_all(self) -> None:
        """Analyse (or read from the cache) every take, in the background."""
        if self.session is None:
            return
        for take in self.takes.visible_takes():
            if take.status != "recording":
                self.jobs.submit(take.id, partial(ensure_analysis, self.session, take.id,
                                                  voice=self.voice, analyze=self.analyzer.analyze))

    def reanalyse(self) -> None:
        """Take > Analyse again: show the current take afresh (after a voice change...)."""
        take_id = self.takes.current_take()
        if take_id:
            self._show_take(take_id)

    def cancel_analysis(self) -> None:
        """Take > Cancel analysis of the selected takes."""
        for take_id in self.takes.selected_ids():
            self.jobs.cancel(take_id)
            if take_id == self.takes.current_take():
                self.jobs.cancel(VIEW)

    def set_voice(self, voice: str) -> None:
        """Voice/instrument range preset for melody tracking and the pitch axis."""
        self.voice = voice
        self.record_panel.voice = voice
        self.settings.setValue("voice", voice)
        self.reanalyse()

    def set_tolerance(self, cents: float) -> None:
        """Intonation tolerance (cents) for colouring notes."""
        self.settings.setValue("tolerance_cents", cents)
        self.take_view.set_tolerance(cents)
        self.summary.set_tolerance(cents)
        if hasattr(self, "compare"):  # the score's note colours (built after the first call)
            self.compare.set_tolerance(cents)

    def _current_take_changed(self, take_id: str) -> None:
        self.notes.blockSignals(True)
        self.notes.setPlainText(self.session.take(take_id).notes if take_id and self.session else "")
        self.notes.blockSignals(False)
        self.notes.setEnabled(bool(take_id) and self.session is not None and not self.session.read_only)
        self._show_take(take_id or None)

    def _show_take(self, take_id: str | None) -> None:
        self.jobs.cancel(VIEW)
        if self._view_take and self.jobs.running(VIEW):
            self.takes.set_progress(self._view_take, None)
        self.transport.unload()
        self.view_data = None
        self.take_view.clear()
        self.view_progress.hide()
        self.listeners.set_take(self.session, take_id)
        if take_id is None or self.session is None:
            self.summary.clear()
            self.cues.clear()
            return
        take = self.session.take(take_id)
        if take.status == "recording":
            self.summary.clear("This take is being recorded.")
            self.cues.clear("This take is being recorded.")
            return
        self.summary.clear("Analysing…")
        self.cues.clear("Analysing…")
        if self.jobs.running(take_id):
            self._view_after.add(take_id)
            return
        self._view_take = take_id
        self.jobs.submit(VIEW, partial(prepare_take, self.session, take_id, voice=self.voice, analyze=self.analyzer.analyze))

    def _job_progress(self, key: str, fraction: float, message: str) -> None:
        if key == VIEW:
            self.view_progress.show()
            self.view_progress.setValue(int(fraction * 1000))
            self.view_progress.setFormat(f"{message} %p%")
            self.takes.set_progress(self._view_take, fraction, message)
        elif not key.startswith(("import:", "unpack:")):
            self.takes.set_progress(key, fraction, message)

    def _job_finished(self, key: str, result) -> None:
        if key.startswith("import:"):
            self.takes.refresh()
            self.statusBar().showMessage(f"Imported {result.title}", 4000)
            if not self.takes.current_take():
                self.takes.select_take(result.id)
            else:
                self.jobs.submit(result.id, partial(ensure_analysis, self.session, result.id,
                                                    voice=self.voice, analyze=self.analyzer.analyze))
            return
        if key.startswith("unpack:"):
            self.open_session(result)
            return
        if key.startswith("finish:"):
            self.takes.refresh()
            self.takes.select_take(result.id)
            if self.takes.current_take() == result.id:
                self._show_take(result.id)
            return
        if key == VIEW:
            self.view_progress.hide()
            self.view_data = result
            self.takes.set_analysis(result.take_id, result.analysis)
            if result.take_id == self.takes.current_take():
                self._display(result)
            return
        self.takes.set_analysis(key, result)
        if key in self._view_after:
            self._view_after.discard(key)
            if key == self.takes.current_take():
                self._show_take(key)

    def _display(self, data: TakeData) -> None:
        """Show a prepared take; the panels fill in on the next turns of the event loop,
        so no single turn holds the window for long."""
        self.take_view.show_take(data)
        self.take_view.set_beat_level("chosen")
        QTimer.singleShot(0, partial(self._display_panels, data))

    def _display_panels(self, data: TakeData) -> None:
        if self.view_data is not data:
            return  # another take was chosen meanwhile
        self.summary.show_analysis(data.analysis, key=data.key, standard=data.pitch_standard)
        QTimer.singleShot(0, partial(self._display_rest, data))

    def _display_rest(self, data: TakeData) -> None:
        if self.view_data is not data:
            return
        self.cues.show_analysis(data.analysis)
        self.transport.load(data.samples, data.sr)
        source = "from the session cache" if data.from_cache else "analysed"
        self.statusBar().showMessage(f"{self.session.take(data.take_id).title}: {source}", 4000)

    def _job_failed(self, key: str, message: str, details: str) -> None:
        if key == VIEW:
            self.view_progress.hide()
            self.summary.clear(f"Analysis failed: {message}")
            self.cues.clear("")
            self.takes.set_progress(self._view_take, None)
        elif not key.startswith(("import:", "finish:", "unpack:")):
            self.takes.set_progress(key, None)
        self._view_after.discard(key)
        self.error(message, details)

    def _job_cancelled(self, key: str) -> None:
        if key == VIEW:
            self.view_progress.hide()
            self.takes.set_progress(self._view_take, None)
            if self._view_take == self.takes.current_take():
                self.summary.clear("Analysis cancelled. Take > Analyse again to restart it.")
        elif not key.startswith(("import:", "finish:", "unpack:")):
            self.takes.set_progress(key, None)
        self._view_after.discard(key)
