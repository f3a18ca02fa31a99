"""Screenshots of the practice window with the demo session, for the README and reviews.

Starts the real application under Xvfb (re-running itself through ``xvfb-run`` when there
is no display), opens a copy of ``resources/demo/Demo.mpsession`` and writes PNGs:

- ``start_page.png``: the window without a session;
- ``main_window.png``: the whole window showing the student's take;
- ``take_view.png``: the synchronised plots of that take;
- ``cues_panel.png``: the expressive cues with one cue selected, and the same cue on the
  take's time axis (``cue_in_take.png``);
- ``compare_view.png``: two recordings of Chopin's Op. 10 No. 3 compared with its score
  (from ``../shared/data/alignment`` when it is there), the current bar highlighted in the
  score (``score_view.png``), the per-bar table with its heat map (``compare_bars.png``)
  and the tempo and loudness curves of both takes (``compare_curves.png``).

Run: ``python packaging/screenshots.py [output folder] [--dark] [--size=1366x768]`` (default
``packaging/screenshots``; ``--dark`` uses the dark palette, as on a dark desktop;
``--size`` the window's size, default 1600x1000: check 1366x768 and 1920x1080 too).
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
for _arg in sys.argv[1:]:
    if _arg.startswith("--size="):
        SIZE = tuple(int(v) for v in _arg.split("=", 1)[1].lower().split("x"))
CHOPIN = HERE.parents[1] / "shared" / "data" / "alignment" / "Chopin_Op010-03-Measures1-8"


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

    from musicpractice.gui.main_window import ICON, MainWindow
    from musicpractice.gui.session_controller import DEMO_SESSION
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
        if CHOPIN.parent.is_dir():
            _compare_shots(app, window, Path(tmp), out)
        window.close()
        window.deleteLater()
        app.processEvents()
    for name in sorted(out.glob("*.png")):
        print(name)
    return 0


def _compare_shots(app, window, tmp: Path, out: Path) -> None:
    """The Chopin pair against its MIDI score: the compare view at bar 7 of one take."""
    from musicpractice.session.store import Session

    with Session.create(tmp / "Chopin.mpsession", title="Chopin Op. 10 No. 3") as session:
        for name, date in (("Igoshina", "2025-03-01"), ("Varsi", "2025-03-08")):
            session.import_audio(f"{CHOPIN}_{name}.wav", title=name, performer=name, date=date)
        session.import_score(f"{CHOPIN}_MIDI.mid", title="Chopin Op. 10 No. 3 (MIDI)")
    session = window.open_session(tmp / "Chopin.mpsession")
    _wait(app, lambda: not window.jobs.keys(), timeout_s=600)
    view = window.compare
    window.views.setCurrentWidget(view)
    view.compare(session.scores[0].id, [t.id for t in session.takes])
    _settle(app, 1.0)  # the score is laid out again for the view's width
    _wait(app, lambda: not view.busy and view.score_view.ready, timeout_s=600)
    _wait(app, lambda: view.progress_plot.data is view.data)
    take = view.data.comparison.takes[1]
    x = 6.4  # in bar 7
    view.show_position(take.take.id, view.data.take_time(take.take.id, x), x)
    _settle(app, 2.0)
    window.grab().save(str(out / "compare_view.png"))
    view.score_view.grab().save(str(out / "score_view.png"))
    view.tabs.setCurrentIndex(1)
    _settle(app, 1.0)
    view.tabs.grab().save(str(out / "compare_bars.png"))
    view.tabs.setCurrentIndex(2)
    _settle(app, 1.0)
    view.tabs.grab().save(str(out / "compare_curves.png"))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sys.exit(main(Path(args[0]) if args else HERE / "screenshots", dark="--dark" in sys.argv))
