"""Start the desktop application: ``musicpractice`` with no subcommand, or ``python -m``.

``main(["path/to/Session.mpsession"])`` opens that session; with no argument the last
session opens again, or the start page when there is none. ``main(["--smoke-test"])``
checks the installation end to end and exits (:mod:`musicpractice.gui.smoke_test`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from musicpractice import __version__
from musicpractice.workspace.note_models import keep_transcriptions

ORGANISATION = "musicpractice"
APPLICATION = "musicpractice"


NO_DISPLAY = (
    "musicpractice: no screen to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is "
    "set). Run it on the desktop, over 'ssh -X', or under a virtual screen "
    "('xvfb-run musicpractice'); the analysis works without one: 'musicpractice analyze FILE', "
    "'musicpractice compare ...', 'musicpractice --help' lists them all.")


def missing_display(environ=None) -> str:
    """What to tell a person who starts the window where none can open ("" when one can):
    on Linux without an X or Wayland display and no offscreen Qt platform chosen."""
    environ = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return ""
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return ""
    return NO_DISPLAY


def main(argv: list[str] | None = None) -> int:
    """Run the window until it is closed; returns the exit status.

    Once per process: Qt WebEngine (the score view) cannot start again in a process
    whose application has quit, so tests run this in a subprocess.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    problem = missing_display()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    keep_transcriptions()  # piano transcriptions outlive the process (analysis processes inherit it)
    from PySide6.QtCore import QCoreApplication, QEvent, QSettings
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from musicpractice.gui.main_window import ICON, MainWindow
    from musicpractice.gui.palette import apply_palette
    from musicpractice.gui.smoke_test import FLAG, SmokeTest

    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(ICON)))
    app.setStyle("Fusion")
    apply_palette(app)
    smoke = SmokeTest() if FLAG in argv else None
    window = MainWindow(smoke.settings if smoke else QSettings())
    window.show()
    paths = [Path(a) for a in argv if not a.startswith("-")]
    if smoke:
        smoke.run(window)
    elif paths:
        window.open_dropped(paths)
    else:
        last = window.settings.value("last_session", "")
        if last and Path(str(last)).is_dir():
            window.open_session(str(last))
    status = app.exec()
    # delete the window (and its web view's page) now, while the application and the web
    # profile still exist: deleted later, at the interpreter's exit, it crashes PySide6
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return smoke.finish() if smoke else status


if __name__ == "__main__":
    sys.exit(main())
