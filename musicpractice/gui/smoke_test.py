"""``musicpractice --smoke-test``: check an installed or frozen application end to end.

Opens a temporary copy of the bundled demo session in the real window, waits until its
first take is shown, imports the bundled example recording and waits until the analysis
process has analysed it, prints what it saw and exits: status 0 when everything worked,
1 with the reason otherwise. Nothing of the user's (settings, sessions) is touched.
``packaging/smoke_test.sh`` runs it on the PyInstaller build.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer

from musicpractice import __version__
from musicpractice.core.errors import MusicPracticeError
from musicpractice.core.resources import resource_path, resources_dir
from musicpractice.gui.main_window import VIEW, MainWindow
from musicpractice.gui.session_controller import DEMO_SESSION
from musicpractice.workspace.note_models import note_model_lines

FLAG = "--smoke-test"
TIMEOUT_S = 300
"""Longest wait for the demo take and the fresh analysis (seconds)."""


class SmokeTest:
    """The check. Give the window :attr:`settings` (a temporary INI file), then
    :meth:`run` it; after the event loop, :meth:`finish` gives the exit status."""

    def __init__(self, *, timeout_s: float = TIMEOUT_S) -> None:
        self.timeout_s = timeout_s
        self.status = 1
        self.lines: list[str] = []
        self.folder = Path(tempfile.mkdtemp(prefix="musicpractice-smoke-"))
        self.settings = QSettings(str(self.folder / "settings.ini"), QSettings.Format.IniFormat)
        self.window: MainWindow | None = None
        self._example = ""
        self._imported = ""
        self._shown = False
        self._analysed = False
        self._started = 0.0

    def say(self, line: str) -> None:
        """Print one line of the report (and keep it in :attr:`lines`)."""
        self.lines.append(line)
        print(f"smoke test: {line}", flush=True)

    def run(self, window: MainWindow) -> None:
        """Start the check on the shown ``window`` as soon as the event loop runs."""
        self.window = window
        window.jobs.finished.connect(self._finished)
        window.jobs.failed.connect(self._failed)
        QTimer.singleShot(0, window, self._start)
        QTimer.singleShot(int(self.timeout_s * 1000), window,
                          lambda: self._end(f"timed out after {self.timeout_s:.0f} s"))

    def finish(self) -> int:
        """Remove the temporary folder; the exit status (0 when everything worked)."""
        self.settings.sync()  # nothing left to write after the folder is gone
        shutil.rmtree(self.folder, ignore_errors=True)
        return self.status

    def _start(self) -> None:
        self.say(f"musicpractice {__version__}, resources in {resources_dir()}")
        for name, status in note_model_lines():
            self.say(f"{name}: {status}")
        try:
            self._example = str(resource_path("examples", "twinkle_voice.flac"))
        except MusicPracticeError as error:
            self._end(str(error))
            return
        copy = shutil.copytree(DEMO_SESSION, self.folder / DEMO_SESSION.name,
                               ignore=shutil.ignore_patterns(".lock"))
        session = self.window.open_session(copy)
        if session is None:
            self._end(f"the demo session did not open: {self.window.last_error}")
            return
        self.say(f"demo session open, {len(session.takes)} takes")
        panel = self.window.record_panel
        self.say("recording: " + (panel.message.text() or f"ready, input {panel.device_name()}"))
        self._started = time.monotonic()
        self.window.import_files([self._example])

    def _finished(self, key: str, result) -> None:
        if key == VIEW and not self._shown:
            self._shown = True
            self.say(f"demo take shown: {self.window.session.take(result.take_id).title}")
        elif key == f"import:{self._example}":
            self._imported = result.id
        elif key == self._imported and self._imported:
            analysis = result  # a just-imported take has no cached analysis: this one is new
            self._analysed = True
            self.say(f"analysed {Path(self._example).name} in {time.monotonic() - self._started:.1f} s: "
                     f"key {analysis.key.tonic} {analysis.key.mode}, tempo {analysis.tempo.bpm:.0f} BPM, "
                     f"{len(analysis.notes)} notes")
        if self._shown and self._analysed:
            self._end("")

    def _failed(self, key: str, message: str, details: str) -> None:
        self._end(f"job {key} failed: {message}\n{details}".rstrip())

    def _end(self, failure: str) -> None:
        if not self.window.isVisible():
            return  # already ended
        self.status = 1 if failure else 0
        self.say(f"FAILED: {failure}" if failure else "OK")
        self.window.close()
