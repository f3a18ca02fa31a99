"""Qt tests run offscreen; recording and playback go through the PulseAudio null sink."""

from __future__ import annotations

import gc
import os

import pytest

from tests.audio.pulse import start_null_sink
from tests.ci import unavailable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def null_sink_env() -> dict[str, str]:
    """Environment reaching the PulseAudio null sink (see tests/audio/pulse.py)."""
    return start_null_sink()


@pytest.fixture(scope="module")
def score_worker():
    """One score worker process per test module (it takes seconds to start), for score
    views; without Qt WebEngine the test is skipped, or fails in CI (tests/ci.py)."""
    from musicpractice.gui.score_view import webengine_available
    from musicpractice.gui.workers.child_worker import ChildWorker

    if not webengine_available():
        unavailable("Qt WebEngine (PySide6-Addons) is not installed")
    worker = ChildWorker()
    yield worker
    worker.close()


@pytest.fixture
def settings(tmp_path):
    """QSettings in a temporary INI file (never the user's)."""
    from PySide6.QtCore import QSettings
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings):
    """The real main window, closed (and its analysis process stopped) afterwards."""
    from musicpractice.gui.main_window import MainWindow
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()
    w.deleteLater()  # now, not at interpreter exit (PySide6 crashes collecting it there)
    qtbot.wait(10)


@pytest.fixture(autouse=True)
def collect_qt_objects(qapp):
    """Free each test's Qt objects while the application lives: PySide6 crashes when the
    interpreter collects them at exit, after the QApplication is gone."""
    yield
    gc.collect()
    qapp.processEvents()
