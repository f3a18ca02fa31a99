"""The window's widgets and docks, and which show for a session and a tab (mixed into
:class:`MainWindow`)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDockWidget,
    QPlainTextEdit,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from musicpractice.gui.compare_view import CompareView
from musicpractice.gui.cues_panel import CuesPanel
from musicpractice.gui.listeners_panel import ListenersPanel
from musicpractice.gui.practice_panel import practice_tab
from musicpractice.gui.record_panel import RecordPanel
from musicpractice.gui.start_page import StartPage
from musicpractice.gui.summary_panel import SummaryPanel
from musicpractice.gui.take_view import TakeView
from musicpractice.gui.takes_list import TakesList
from musicpractice.gui.transport import Transport


SUMMARY_DOCK_PX = 270
"""Height of the Summary dock at first (its text with a take's analysis)."""


class LayoutMixin:
    """The window's widgets and docks, and which show for a session and a tab (mixed into
    :class:`MainWindow`)."""

    _docks_fitted = False
    """Whether the docks were given their first sizes (:meth:`_fit_docks`)."""

    # -- construction --------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.stack = QStackedWidget()
        self.start_page = StartPage()
        self.start_page.new_requested.connect(self.ask_new_session)
        self.start_page.open_requested.connect(self.ask_open_session)
        self.start_page.demo_requested.connect(self.open_demo)
        self.start_page.recent_chosen.connect(self.open_session)
        self.take_view = TakeView()
        self.transport = Transport()
        self.view_progress = QProgressBar()
        self.view_progress.setRange(0, 1000)
        self.view_progress.setMaximumWidth(320)
        self.view_progress.setVisible(False)
        self.statusBar().addPermanentWidget(self.view_progress)
        workspace = QWidget()
        layout = QVBoxLayout(workspace)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.take_view, 1)
        layout.addWidget(self.transport)
        self.compare = CompareView(analyze=self.analyzer.analyze)
        self.compare.error.connect(lambda m: self.error(m))
        self.compare.set_tolerance(self.take_view.tolerance_cents)
        self.compare.written_notes.connect(self.take_view.set_written)
        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        self.views.addTab(workspace, "Take")
        self.views.addTab(self.compare, "Compare && score")
        self.practice = practice_tab(settings_file=self.settings.fileName())
        self.practice.error.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.practice.attempts.take_saved.connect(lambda _take_id: self.takes.refresh())
        self.views.addTab(self.practice, "Practice")
        self.views.currentChanged.connect(self._view_changed)
        self.stack.addWidget(self.start_page)
        self.stack.addWidget(self.views)
        self.setCentralWidget(self.stack)
        self.take_view.seek_requested.connect(self.transport.seek)
        self.take_view.loop_changed.connect(self.transport.set_loop)
        self.transport.position_changed.connect(self.take_view.follow_cursor)
        self.transport.error.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.transport.loop_button.toggled.connect(self.take_view.show_loop)

        self.takes = TakesList(self.undo_stack)
        self.takes.current_take_changed.connect(self._current_take_changed)
        self.takes.take_edited.connect(self._take_edited)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Notes on this take (what to practise next, what went well)…")
        self.notes.setEnabled(False)
        self._notes_timer = QTimer(self, singleShot=True, interval=800)
        self._notes_timer.timeout.connect(self._commit_notes)
        self.notes.textChanged.connect(self._notes_timer.start)
        takes_box = QSplitter(Qt.Orientation.Vertical)
        takes_box.addWidget(self.takes)
        takes_box.addWidget(self.notes)
        takes_box.setSizes([300, 80])
        self.record_panel = RecordPanel()
        self.record_panel.voice = self.voice
        self.record_panel.recording_started.connect(self._recording_started)
        self.record_panel.recording_stopped.connect(self._recording_stopped)
        self.record_panel.error.connect(lambda m: self.error(m))
        # one microphone choice for the window: the Practice tab sings into it too
        self.record_panel.device_chosen.connect(self.practice.set_input_device)
        self.practice.set_input_device(self.record_panel.device_name())
        self.summary = SummaryPanel()
        self.summary.beat_level_changed.connect(self.take_view.set_beat_level)
        self.cues = CuesPanel()
        self.cues.cue_selected.connect(self.take_view.show_cue)
        self.listeners = ListenersPanel(passage=self.take_view.loop_s)
        self.docks = {}
        for name, title, widget, area in (
                ("takes", "Takes", takes_box, Qt.DockWidgetArea.LeftDockWidgetArea),
                ("record", "Record", self.record_panel, Qt.DockWidgetArea.LeftDockWidgetArea),
                ("summary", "Summary", self.summary, Qt.DockWidgetArea.RightDockWidgetArea),
                ("cues", "Expressive cues", self.cues, Qt.DockWidgetArea.RightDockWidgetArea),
                ("listeners", "What listeners heard", self.listeners,
                 Qt.DockWidgetArea.RightDockWidgetArea)):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{name}")
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self.docks[name] = dock
        self.resizeDocks([self.docks["takes"], self.docks["summary"]], [560, 440],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["summary"], self.docks["cues"]], [250, 700],
                         Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.docks["cues"], self.docks["listeners"])
        self.docks["cues"].raise_()
        self.resize(1500, 950)

    def _show_session_widgets(self, visible: bool) -> None:
        self.stack.setCurrentIndex(1 if visible else 0)
        # on the Compare or Practice tab the docks stay aside (shown again on the Take tab)
        aside = visible and self.views.currentWidget() in (self.compare, self.practice)
        if aside:
            self._docks_aside = self._docks_aside or list(self.docks)
        for dock in self.docks.values():
            dock.setVisible(visible and not aside)
        if visible and not aside and not self._docks_fitted:
            self._fit_docks()
        for action in (self.import_action, self.save_action, self.close_action, self.delete_action):
            action.setEnabled(visible)
        if visible:
            self.record_panel.refresh_devices(preferred=str(self.settings.value("input_device", "")))
        else:
            self.record_panel.release()

    def _fit_docks(self) -> None:
        """The first time the docks show in a window without a saved layout: the summary
        as tall as its text needs, the expressive cues the rest (whatever the window's
        size; a layout the user arranged is restored instead)."""
        self._docks_fitted = True
        if self.settings.value("window_state"):
            return
        self.resizeDocks([self.docks["summary"], self.docks["cues"]],
                         [SUMMARY_DOCK_PX, max(self.height() - SUMMARY_DOCK_PX, 300)],
                         Qt.Orientation.Vertical)

    def _view_changed(self, _index: int) -> None:
        """Only the shown view plays; the comparison gets the whole window (the docks of
        the single take step aside) and offers the session's current takes."""
        if self.views.currentWidget() is not self.practice:
            self.practice.stop()
        else:
            self.practice.set_session(self.session)  # a score imported meanwhile
        if self.views.currentWidget() in (self.compare, self.practice):
            self.transport.pause()
            self._docks_aside = [n for n, d in self.docks.items() if d.isVisible()]
            for dock in self.docks.values():
                dock.hide()
            self.compare.refresh()
        else:
            self.compare.ab.pause()
            for name in self._docks_aside:
                self.docks[name].show()
            self._docks_aside = []
