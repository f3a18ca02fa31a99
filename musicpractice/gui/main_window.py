"""The practice window: sessions, takes, recording, the take view and playback.

Layout: the take view and playback bar in the middle; docks for the takes (with notes),
the recorder, the summary and the expressive cues, arranged as the user left them
(QSettings). Without a session the start page fills the window.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from musicpractice.analysis.voices import VOICE_RANGES
from musicpractice.core.errors import MusicPracticeError
from musicpractice.core.resources import resource_path
from musicpractice.gui.workers.analysis_process import AnalysisProcess
from musicpractice.gui.compare_view import CompareView
from musicpractice.gui.cues_panel import CuesPanel
from musicpractice.gui.listeners_panel import ListenersPanel
from musicpractice.gui.export_actions import ExportActions
from musicpractice.gui.dialogs import show_about, show_error
from musicpractice.gui.intonation import DEFAULT_TOLERANCE_CENTS, TOLERANCES_CENTS
from musicpractice.gui.jobs import JobRunner
from musicpractice.gui.palette import apply_palette
from musicpractice.gui.practice_panel import practice_tab
from musicpractice.gui.record_panel import RecordPanel
from musicpractice.gui.session_controller import SessionController
from musicpractice.gui.start_page import StartPage
from musicpractice.gui.summary_panel import SummaryPanel
from musicpractice.gui.workers.take_data import TakeData, prepare_take
from musicpractice.gui.take_view import TakeView
from musicpractice.gui.takes_list import TakesList
from musicpractice.gui.transport import Transport
from musicpractice.workspace.derived import ensure_analysis
from musicpractice.session.archive import ARCHIVE_SUFFIX, import_session
from musicpractice.session.store import SESSION_FILE, Session

ICON = resource_path("icons", "musicpractice.svg")
AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".mp3", ".m4a", ".aac", ".aif", ".aiff", ".opus", ".wma"}
VIEW = "view"
"""Job key of the take shown in the take view."""


class MainWindow(QMainWindow):
    """The application window. Public methods do what the menus do, without dialogs."""

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.sessions = SessionController(self.settings, self)
        self.sessions.opened.connect(self._set_session)
        self.view_data: TakeData | None = None
        self.last_error = ""
        self._message_boxes = []
        self.voice = str(self.settings.value("voice", "wide"))
        if self.voice not in VOICE_RANGES:
            self.voice = "wide"
        self.setWindowTitle("musicpractice")
        self.setWindowIcon(QIcon(str(ICON)))
        self.setAcceptDrops(True)
        self.undo_stack = QUndoStack(self)
        self.analyzer = AnalysisProcess()
        self.analyzer.start()
        self.jobs = JobRunner(max_threads=2, parent=self)
        self.jobs.progress.connect(self._job_progress)
        self.jobs.finished.connect(self._job_finished)
        self.jobs.failed.connect(self._job_failed)
        self.jobs.cancelled.connect(self._job_cancelled)
        self._view_after: set[str] = set()
        self._docks_aside: list[str] = []
        self._view_take = ""
        self._build_widgets()
        self._build_menus()
        self.statusBar().showMessage("Ready")
        self.restoreGeometry(self.settings.value("geometry", b""))
        self.restoreState(self.settings.value("window_state", b""))
        self.set_tolerance(float(self.settings.value("tolerance_cents", DEFAULT_TOLERANCE_CENTS)))
        self._show_session_widgets(False)
        self.start_page.set_recent(self.recent_sessions())
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._scheme_changed)

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

    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&New session…", self.ask_new_session, QKeySequence.StandardKey.New)
        self._action(file, "&Open session…", self.ask_open_session, QKeySequence.StandardKey.Open)
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._action(file, "Open the &demo session", self.open_demo)
        file.addSeparator()
        self.import_action = self._action(file, "&Import audio…", self.ask_import, "Ctrl+I",
                                          "Copy audio files into the session as new takes")
        self.save_action = self._action(file, "&Save", self.save, QKeySequence.StandardKey.Save)
        self.close_action = self._action(file, "&Close session", self.close_session, "Ctrl+W")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        self._action(edit, "Re&name take", self._rename, "F2")
        self.delete_action = self._action(edit, "&Delete take", self.takes.delete_selected,
                                          [QKeySequence(QKeySequence.StandardKey.Delete)])

        view = bar.addMenu("&View")
        tolerance = view.addMenu("Intonation &tolerance")
        group = QActionGroup(self)
        current = int(float(self.settings.value("tolerance_cents", DEFAULT_TOLERANCE_CENTS)))
        for cents in TOLERANCES_CENTS:
            a = self._action(tolerance, f"±{cents} cents", partial(self.set_tolerance, cents))
            a.setCheckable(True)
            a.setChecked(cents == current)
            group.addAction(a)
        voices = view.addMenu("&Voice or instrument range")
        vgroup = QActionGroup(self)
        for name in VOICE_RANGES:
            a = self._action(voices, name.capitalize(), partial(self.set_voice, name))
            a.setCheckable(True)
            a.setChecked(name == self.voice)
            vgroup.addAction(a)
        self._action(view, "&Zoom to fit", self.take_view.zoom_to_fit, "Ctrl+0")
        view.addSeparator()
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())

        take = bar.addMenu("&Take")
        self.record_action = self._action(take, "&Record / stop", self.toggle_recording, "R")
        self.play_action = self._action(take, "&Play / pause", self.space_pressed, "Space")
        self._action(take, "&Loop region", self._loop_pressed, "L")
        speed = take.addMenu("&Speed")
        for s in (1.0, 0.9, 0.75, 0.5):
            self._action(speed, f"{s:.0%}", partial(self.transport.set_speed, s))
        take.addSeparator()
        self._action(take, "&Analyse again", self.reanalyse)
        self._action(take, "&Cancel analysis", self.cancel_analysis, "Esc")
        role = take.addMenu("Performer's r&ole")
        for name in ("student", "teacher", "reference"):
            self._action(role, name, partial(self._set_role, name))
        self.exports = ExportActions(self)
        self.exports.add_take_menu(take)

        compare = bar.addMenu("&Compare")
        self._action(compare, "Show the &take", partial(self.views.setCurrentIndex, 0), "Ctrl+1")
        self._action(compare, "Show the &comparison and score",
                     partial(self.views.setCurrentIndex, 1), "Ctrl+2")
        self._action(compare, "&Import score…", self.compare.ask_import_score, "Ctrl+Shift+I",
                     "Copy a MusicXML, MIDI, MEI, ABC or kern score into the session")
        self._action(compare, "&A/B: next take at the same bar", self.compare.switch_take, "B")
        self.exports.add_compare_menu(compare)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About musicpractice", lambda: self._keep(show_about(self)))

    # -- sessions ------------------------------------------------------------------
    @property
    def session(self) -> Session | None:
        """The open session (see :class:`~musicpractice.gui.session_controller.SessionController`)."""
        return self.sessions.session

    def default_folder(self) -> Path:
        """Where new sessions go by default."""
        return self.sessions.music_folder()

    def ask_new_session(self) -> None:
        """File > New session: ask for a name and create it."""
        self.default_folder().mkdir(parents=True, exist_ok=True)
        path, _ = QFileDialog.getSaveFileName(self, "New session", str(self.default_folder() / "Practice"))
        if path:
            self.new_session(path)

    def ask_open_session(self) -> None:
        """File > Open session: pick a session folder."""
        path = QFileDialog.getExistingDirectory(self, "Open session", str(self.default_folder()))
        if path:
            self.open_session(path)

    def new_session(self, path: str | Path) -> Session | None:
        """Create a session folder and show it."""
        if not self.close_session():
            return None
        try:
            return self.sessions.create(path)
        except MusicPracticeError as error:
            self.error(str(error))
            return None

    def open_session(self, path: str | Path) -> Session | None:
        """Open a session folder (read-only, with a message, when another program has it)."""
        if not self.close_session():
            return None
        try:
            session = self.sessions.open(path)  # shown by _set_session
        except MusicPracticeError as error:
            self.error(str(error))
            return None
        if session.problems:
            self.error("\n".join(session.problems))
        return session

    def open_demo(self) -> Session | None:
        """Open a copy of the bundled demo session (the copy keeps your changes)."""
        return self.open_session(self.sessions.demo_copy())

    def _set_session(self, session: Session) -> None:
        """Show the session the controller just opened."""
        self.undo_stack.clear()
        self.record_panel.session = session
        self.takes.set_session(session)
        self._show_session_widgets(True)
        read_only = " (read-only)" if session.read_only else ""
        self.setWindowTitle(f"{session.title}{read_only} — musicpractice")
        self.analyse_all()
        self.compare.set_session(session)
        self.practice.set_session(session)
        if session.takes:
            self.takes.select_take(session.takes[0].id)

    def close_session(self) -> bool:
        """Close the session (deleted takes are removed now); False if recording."""
        if self.session is None:
            return True
        if self.record_panel.is_recording:
            take_id, status = self.record_panel.stop_now()
            try:
                self.session.finish_recording(take_id, dropouts=status.dropouts)
            except MusicPracticeError as error:
                self.error(str(error))
        self.record_panel.wait_idle()
        self.jobs.cancel_all()
        self.jobs.wait(10_000)
        self.transport.unload()
        self.compare.set_session(None)
        self.takes.purge_deleted()
        self.sessions.close()
        self.record_panel.session = None
        self.takes.set_session(None)
        self.undo_stack.clear()
        self._show_take(None)
        self._show_session_widgets(False)
        self.start_page.set_recent(self.recent_sessions())
        self.setWindowTitle("musicpractice")
        return True

    def save(self) -> None:
        """File > Save. Take changes are written as they happen; this writes the session."""
        try:
            saved = self.sessions.save()
        except MusicPracticeError as error:
            self.error(str(error))
            return
        if saved:
            self.statusBar().showMessage(f"Saved {self.session.path.name}", 4000)

    def recent_sessions(self) -> list[str]:
        """Recent session folders, newest first."""
        return self.sessions.recent_sessions()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_sessions():
            self._action(self.recent_menu, path, partial(self.open_session, path))

    def _show_session_widgets(self, visible: bool) -> None:
        self.stack.setCurrentIndex(1 if visible else 0)
        # on the Compare or Practice tab the docks stay aside (shown again on the Take tab)
        aside = visible and self.views.currentWidget() in (self.compare, self.practice)
        if aside:
            self._docks_aside = self._docks_aside or list(self.docks)
        for dock in self.docks.values():
            dock.setVisible(visible and not aside)
        for action in (self.import_action, self.save_action, self.close_action, self.delete_action):
            action.setEnabled(visible)
        if visible:
            self.record_panel.refresh_devices(preferred=str(self.settings.value("input_device", "")))
        else:
            self.record_panel.release()

    # -- importing -----------------------------------------------------------------
    def ask_import(self) -> None:
        """File > Import audio."""
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import audio", str(Path.home()),
            "Audio (" + " ".join(f"*{s}" for s in sorted(AUDIO_SUFFIXES)) + ");;All files (*)")
        if paths:
            self.import_files(paths)

    def import_files(self, paths: list[str | Path]) -> None:
        """Copy audio files into the session as takes (in the background), then analyse."""
        if self.session is None:
            folder = self.default_folder()
            folder.mkdir(parents=True, exist_ok=True)
            if self.new_session(self.sessions.next_practice_path(folder)) is None:
                return
        session = self.session
        for path in paths:
            self.jobs.submit(f"import:{path}", partial(_import_job, session, Path(path)))
            self.statusBar().showMessage(f"Importing {Path(path).name}…")

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        self.open_dropped(paths)
        event.acceptProposedAction()

    def open_dropped(self, paths: list[Path]) -> None:
        """Open a dropped session folder or shared ``.mpsz`` session, or import dropped
        audio files (also what the file manager hands over)."""
        sessions = [p for p in paths if p.is_dir() and (p / SESSION_FILE).exists()]
        if sessions:
            self.open_session(sessions[0])
            return
        archives = [p for p in paths if p.is_file() and p.suffix.lower() == ARCHIVE_SUFFIX]
        if archives:
            self.open_archive(archives[0])
            return
        audio = [p for p in paths if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES]
        if audio:
            self.import_files(audio)
        else:
            self.error("Drop audio files (WAV, FLAC, MP3, OGG…) or a session folder on the window.")

    def open_archive(self, path: Path) -> None:
        """Unpack a shared ``.mpsz`` session beside the other sessions (in the
        background), then open it."""
        folder = self.default_folder()
        target = self.sessions.unpack_path(path, folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.jobs.submit(f"unpack:{path}", partial(import_session, path, target))
        self.statusBar().showMessage(f"Unpacking {path.name}…")

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
        self.summary.show_analysis(data.analysis)
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

    # -- recording -----------------------------------------------------------------
    def toggle_recording(self) -> None:
        """R: start or stop recording."""
        if self.record_panel.is_recording:
            self.record_panel.stop()
        elif self.session is not None:
            self.transport.pause()
            self.docks["record"].show()
            self.record_panel.start()

    def space_pressed(self) -> None:
        """Space: stop recording if recording, else play/pause."""
        if self.record_panel.is_recording:
            self.record_panel.stop()
        elif self.views.currentWidget() is self.compare:
            self.compare.toggle_play()
        else:
            self.transport.toggle()

    def _loop_pressed(self) -> None:
        """L: loop the region (take view) or the chosen bars (compare view)."""
        if self.views.currentWidget() is self.compare:
            self.compare.toggle_loop()
        else:
            self.transport.loop_button.toggle()

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

    def _recording_started(self, take_id: str) -> None:
        self.settings.setValue("input_device", self.record_panel.device_name())
        self.takes.refresh()
        self.statusBar().showMessage("Recording… (Space or R stops)")

    def _recording_stopped(self, take_id: str, status) -> None:
        dropouts = status.dropouts if status is not None else 0
        self.statusBar().showMessage("Saving the take…")
        self.jobs.submit(f"finish:{take_id}", partial(_finish_job, self.session, take_id, dropouts))
        if status is not None and status.dropouts:
            self.error(f"The take has {status.dropouts} place(s) where audio is missing "
                       "(the computer or disk could not keep up).")

    # -- editing -------------------------------------------------------------------
    def _rename(self) -> None:
        row = self.takes.row_of(self.takes.current_take())
        if row >= 0:
            self.takes.editItem(self.takes.item(row, 0))

    def _set_role(self, role: str) -> None:
        for take_id in self.takes.selected_ids():
            self.takes.edit_take(take_id, "role", role)

    def _commit_notes(self) -> None:
        take_id = self.takes.current_take()
        if take_id and self.session is not None and not self.session.read_only:
            self.takes.edit_take(take_id, "notes", self.notes.toPlainText())

    def _take_edited(self, take_id: str) -> None:
        if take_id == self.takes.current_take() and self.session is not None:
            text = self.session.take(take_id).notes
            if text != self.notes.toPlainText():
                self.notes.blockSignals(True)
                self.notes.setPlainText(text)
                self.notes.blockSignals(False)

    # -- errors, palette, closing --------------------------------------------------
    def error(self, message: str, details: str = "") -> None:
        """Show an error in a dialog with a details section (never blocks)."""
        self.last_error = message
        self.statusBar().showMessage(message.splitlines()[0], 8000)
        self._keep(show_error(self, message, details))

    def _keep(self, box) -> None:
        self._message_boxes = [b for b in self._message_boxes if b.isVisible()] + [box]

    def _scheme_changed(self, *_args) -> None:
        apply_palette(QGuiApplication.instance())
        self.take_view.apply_palette()
        self.cues.apply_palette()

    def closeEvent(self, event) -> None:
        self._commit_notes()
        self.views.setCurrentIndex(0)  # the docks come back before the layout is saved
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_state", self.saveState())
        self.close_session()
        self.record_panel.shutdown()
        self.transport.close_device()
        self.jobs.cancel_all()
        self.jobs.wait(10_000)
        self.transport.jobs.cancel_all()
        self.transport.jobs.wait(10_000)
        self.compare.shutdown()
        self.practice.shutdown()
        self.analyzer.close()
        event.accept()


def _import_job(session: Session, path: Path, *, progress=None, cancel=None):
    return session.import_audio(path, progress=progress, cancel=cancel)


def _finish_job(session: Session, take_id: str, dropouts: int, *, progress=None, cancel=None):
    return session.finish_recording(take_id, dropouts=dropouts, progress=progress, cancel=cancel)
