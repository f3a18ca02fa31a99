"""The practice window: sessions, takes, recording, the take view and playback.

Layout: the take view and playback bar in the middle; docks for the takes (with notes),
the recorder, the summary and the expressive cues, arranged as the user left them
(QSettings). Without a session the start page fills the window.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import (
    QGuiApplication,
    QIcon,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
)

from musicpractice.analysis.voices import VOICE_RANGES
from musicpractice.audio.io import AUDIO_EXTENSIONS
from musicpractice.core.errors import MusicPracticeError
from musicpractice.gui.workers.analysis_process import AnalysisProcess
from musicpractice.gui.dialogs import show_error
from musicpractice.gui.intonation import DEFAULT_TOLERANCE_CENTS
from musicpractice.gui.jobs import JobRunner
from musicpractice.gui.palette import apply_palette
from musicpractice.gui.session_controller import SessionController
from musicpractice.gui.workers.take_data import TakeData
from musicpractice.session.archive import ARCHIVE_SUFFIX, import_session
from musicpractice.session.store import SESSION_FILE, Session

from musicpractice.gui.main_window_constants import ICON, VIEW  # noqa: F401 (app.py takes ICON from here)
from musicpractice.gui.window_layout import LayoutMixin
from musicpractice.gui.window_menus import MenusMixin
from musicpractice.gui.window_takes import TakeJobsMixin


class MainWindow(MenusMixin, LayoutMixin, TakeJobsMixin, QMainWindow):
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

    # -- importing -----------------------------------------------------------------
    def ask_import(self) -> None:
        """File > Import audio."""
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import audio", str(Path.home()),
            "Audio (" + " ".join(f"*{s}" for s in sorted(AUDIO_EXTENSIONS)) + ");;All files (*)")
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
        audio = [p for p in paths if p.is_file() and p.suffix.lower() in AUDIO_EXTENSIONS]
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
