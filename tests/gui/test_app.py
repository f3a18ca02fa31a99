"""``musicpractice.app.main``: the command with no subcommand opens the window."""

import shutil

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication

from musicpractice import app as app_module
from musicpractice.gui.main_window import DEMO_SESSION, MainWindow


@pytest.fixture
def user_settings_in(tmp_path):
    """Point the application's default QSettings at a temporary folder (never the user's)."""
    native = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    yield tmp_path / app_module.ORGANISATION / f"{app_module.APPLICATION}.conf"
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, native)


def test_main_opens_a_session_given_on_the_command_line(qapp, tmp_path, user_settings_in):
    session = tmp_path / "Demo.mpsession"
    shutil.copytree(DEMO_SESSION, session)
    seen = {}

    def inspect_and_close():
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
        seen["title"] = window.windowTitle()
        seen["takes"] = window.takes.rowCount()
        window.close()

    QTimer.singleShot(1500, inspect_and_close)
    assert app_module.main([str(session)]) == 0
    assert seen == {"title": "Demo session — musicpractice", "takes": 3}
    assert QSettings(str(user_settings_in), QSettings.Format.IniFormat).value("last_session") == str(session)
