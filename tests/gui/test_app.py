"""``musicpractice.app.main``: the command with no subcommand opens the window.

It runs in a subprocess, as it does for a user: Qt WebEngine cannot start twice in one
process (see :func:`musicpractice.app.main`).
"""

import json
import os
import shutil
import subprocess
import sys

from PySide6.QtCore import QSettings

from musicpractice.gui.session_controller import DEMO_SESSION
from tests.conftest import PROJECT_ROOT

OPEN_AND_INSPECT = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from musicpractice import app
from musicpractice.gui.main_window import MainWindow

qapp = QApplication([])
seen = {}

def inspect_and_close():
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
    seen["title"] = window.windowTitle()
    seen["takes"] = window.takes.rowCount()
    window.close()

QTimer.singleShot(1500, inspect_and_close)
seen["status"] = app.main(sys.argv[1:])
print(json.dumps(seen))
"""


def test_main_opens_a_session_given_on_the_command_line(tmp_path):
    session = tmp_path / "Demo.mpsession"
    shutil.copytree(DEMO_SESSION, session)
    config = tmp_path / "config"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(config)}
    done = subprocess.run([sys.executable, "-c", OPEN_AND_INSPECT, str(session)], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"title": "Demo session — musicpractice", "takes": 3, "status": 0}
    settings = QSettings(str(config / "musicpractice" / "musicpractice.conf"), QSettings.Format.IniFormat)
    assert settings.value("last_session") == str(session)
