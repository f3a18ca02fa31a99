"""Export from the window: the comparison's report (PDF/HTML) and tables (CSV), and one
take's melody (MIDI, MusicXML, CSV) and label tracks (Audacity, Sonic Visualiser).

The same writers as ``musicpractice compare --report/--csv`` and ``musicpractice export``
(:mod:`musicpractice.reports`), run on a worker thread so the window never waits; when a
file is written the status bar names it, and a failure is shown as an error.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from musicpractice.core.errors import MusicPracticeError

TAKE_EXPORT_MENU = (  # the Take > Export entries for kinds of reports.formats.TAKE_EXPORTS
    # (menu text, kind, file filter, suffix)
    ("Melody as &MIDI…", "midi", "MIDI (*.mid)", ".mid"),
    ("Melody as Music&XML…", "musicxml", "MusicXML (*.musicxml)", ".musicxml"),
    ("Melody notes as &CSV…", "csv", "CSV (*.csv)", ".csv"),
    ("&Labels for Audacity…", "labels", "Label track (*.txt)", ".txt"),
    ("Notes for &Sonic Visualiser…", "sv", "CSV layer (*.csv)", ".csv"),
)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], object], done: Callable[[object], None],
                 failed: Callable[[str], None]) -> None:
        super().__init__()
        self.work, self.done, self.failed = work, done, failed

    def run(self) -> None:
        try:
            result = self.work()
        except (MusicPracticeError, OSError) as error:
            self.failed(str(error))
        except Exception as error:  # a bug must not pass silently in a worker thread
            self.failed(f"The export failed ({type(error).__name__}: {error}).")
        else:
            self.done(result)


class ExportActions(QObject):
    """The Export menus of the window and the exports themselves.

    Parameters
    ----------
    parent : QWidget
        The window; it provides ``session``, ``takes.current_take()``, ``compare.data``,
        ``statusBar()`` and ``error(message)``.

    Signals
    -------
    written(str)
        A file or folder was written (its path).
    failed(str)
        An export failed (a message for a person).
    """

    written = Signal(str)
    failed = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.window = parent
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.written.connect(lambda p: parent.statusBar().showMessage(f"Exported {p}", 8000))
        self.failed.connect(lambda m: parent.error(m))

    # -- menus -----------------------------------------------------------------------
    def add_take_menu(self, menu: QMenu) -> QMenu:
        """An "Export" submenu of the Take menu."""
        export = menu.addMenu("&Export")
        for text, kind, file_filter, suffix in TAKE_EXPORT_MENU:
            export.addAction(text, partial(self.ask_take_export, kind, file_filter, suffix))
        return export

    def add_compare_menu(self, menu: QMenu) -> QMenu:
        """An "Export" submenu of the Compare menu."""
        export = menu.addMenu("&Export")
        export.addAction("&Report (PDF or HTML)…", self.ask_report)
        export.addAction("&Tables (CSV)…", self.ask_tables)
        return export

    # -- asking for a place ----------------------------------------------------------
    def _save_name(self, title: str, name: str, file_filter: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.window, title, str(Path.home() / name),
                                              file_filter)
        return Path(path) if path else None

    def _take_title(self, take_id: str) -> str:
        take = self.window.session.take(take_id)
        return "".join(c if c.isalnum() or c in " -_" else "_" for c in take.title or take.id)

    def ask_take_export(self, kind: str, file_filter: str, suffix: str) -> None:
        take_id = self.window.takes.current_take() if self.window.session else ""
        if not take_id:
            self.failed.emit("Choose a take in the list first, then export it.")
            return
        path = self._save_name("Export the take", self._take_title(take_id) + suffix, file_filter)
        if path is not None:
            self.export_take(take_id, kind, path.with_suffix(path.suffix or suffix))

    def ask_report(self) -> None:
        if self._comparison() is None:
            return
        path = self._save_name("Export the report", "report.pdf",
                               "PDF (*.pdf);;Web page (*.html)")
        if path is not None:
            self.export_report(path if path.suffix else path.with_suffix(".pdf"))

    def ask_tables(self) -> None:
        if self._comparison() is None:
            return
        folder = QFileDialog.getExistingDirectory(self.window, "Export the tables into a folder",
                                                  str(Path.home()))
        if folder:
            self.export_tables(Path(folder))

    # -- the work --------------------------------------------------------------------
    def _comparison(self):
        data = getattr(self.window.compare, "data", None)
        if data is None:
            self.failed.emit("Compare takes first (Compare & score tab), then export the "
                             "report or the tables.")
            return None
        return data.comparison

    def _run(self, work: Callable[[], object]) -> None:
        self.pool.start(_Job(work, lambda path: self.written.emit(str(path)),
                             self.failed.emit))

    def export_take(self, take_id: str, kind: str, path: Path) -> None:
        """Write one export of a take (see ``reports.take_exports.export_take``)."""
        session = self.window.session

        def work():
            from musicpractice.reports.take_exports import export_take

            return export_take(session, take_id, kind, path)

        self._run(work)

    def export_report(self, path: Path) -> None:
        """Write the current comparison's report (``.pdf`` or ``.html``)."""
        comparison = self._comparison()
        if comparison is None:
            return

        def work():
            from musicpractice.compare.differences import describe_differences
            from musicpractice.reports.comparison_exports import check_report_path, write_report

            check_report_path(path)
            return write_report(comparison, describe_differences(comparison), path)

        self._run(work)

    def export_tables(self, folder: Path) -> None:
        """Write the current comparison's bars, notes and cues as CSV into ``folder``."""
        comparison = self._comparison()
        if comparison is None:
            return

        def work():
            from musicpractice.reports.tables import write_csv_tables

            write_csv_tables(comparison, folder)
            return folder

        self._run(work)
