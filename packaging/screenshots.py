"""Screenshots of the practice window with the demo session, for the README and reviews.

Starts the real application under Xvfb (re-running itself through ``xvfb-run`` when there
is no display), opens a copy of ``resources/demo/Demo.mpsession`` and writes PNGs:

- ``start_page.png``: the window without a session;
- ``main_window.png``: the whole window showing the student's take;
- ``take_view.png``: the synchronised plots of that take;
- ``cues_panel.png``: the expressive cues with one cue selected, and the same cue on the
  take's time axis (``cue_in_take.png``).

Run: ``python packaging/screenshots.py [output folder] [--dark]`` (default
``packaging/screenshots``; ``--dark`` uses the dark palette, as on a dark desktop).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZE = (1600, 1000)


def _under_xvfb() -> None:
    """Re-run this script in a virtual X display unless one is there already."""
    if os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return
    if shutil.which("xvfb-run") is None:
        sys.exit("screenshots: xvfb-run is missing (apt install xvfb), or set DISPLAY")
    os.execvp("xvfb-run", ["xvfb-run", "-a", "-s", f"-screen 0 {SIZE[0]}x{SIZE[1]}x24",
                           sys.executable, *sys.argv])


def _wait(app, condition, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.01)


def _settle(app, seconds: float = 0.5) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main(out: Path, *, dark: bool = False) -> int:
    _under_xvfb()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from musicpractice.gui.main_window import DEMO_SESSION, ICON, MainWindow
    from musicpractice.gui.palette import apply_palette

    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([sys.argv[0]])
    app.setStyle("Fusion")
    apply_palette(app, "dark" if dark else "system")
    from PySide6.QtGui import QIcon
    app.setWindowIcon(QIcon(str(ICON)))
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings)
        window.resize(*SIZE)
        window.show()
        _settle(app)
        window.grab().save(str(out / "start_page.png"))
        session = Path(tmp) / "Demo.mpsession"
        shutil.copytree(DEMO_SESSION, session)
        window.open_session(session)
        student = next(t.id for t in window.session.takes if "student" in t.title)
        window.takes.select_take(student)
        _wait(app, lambda: window.view_data is not None and window.view_data.take_id == student
              and window.cues.analysis is window.view_data.analysis)
        _settle(app, 1.0)
        window.grab().save(str(out / "main_window.png"))
        window.take_view.grab().save(str(out / "take_view.png"))
        window.cues.select_cue("level_lufs")
        _settle(app)
        window.docks["cues"].grab().save(str(out / "cues_panel.png"))
        window.take_view.grab().save(str(out / "cue_in_take.png"))
        window.close()
        window.deleteLater()
        app.processEvents()
    for name in sorted(out.glob("*.png")):
        print(name)
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--dark"]
    sys.exit(main(Path(args[0]) if args else HERE / "screenshots", dark="--dark" in sys.argv))
