"""``musicpractice.app.main``: the command with no subcommand opens the window."""

import shutil

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from musicpractice import app as app_module
from musicpractice.gui.main_window import DEMO_SESSION, MainWindow


def test_main_opens_a_session_given_on_the_command_line(qapp, tmp_path, monkeypatch):
    settings_file = tmp_path / "settings.ini"
    monkeypatch.setattr("PySide6.QtCore.QSettings",
                        lambda *a: QSettings(str(settings_file), QSettings.Format.IniFormat))
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
    assert QSettings(str(settings_file), QSettings.Format.IniFormat).value("last_session") == str(session)
