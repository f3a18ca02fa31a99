"""The score view: the reference score engraved by verovio, the current bar highlighted.

The SVG is shown in a Qt WebEngine view (QtSvg drops verovio's text: titles, lyrics,
part names). Reading and engraving run in the score worker's child process
(:mod:`musicpractice.gui.workers.child_worker`), so the window never waits. Clicking a bar emits
:attr:`ScoreView.bar_clicked`; :meth:`ScoreView.highlight_bar` marks the bar being
played. Without Qt WebEngine (PySide6-Addons) the view says so and the rest of the
program works as before.
"""

from __future__ import annotations

import json
import os
import re
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from musicpractice.gui.workers.child_worker import ChildWorker
from musicpractice.gui.workers.engraving import Engraving, engrave_file
from musicpractice.gui.jobs import JobRunner
from musicpractice.gui.score_marks import note_marks

if os.environ.get("QT_QPA_PLATFORM") == "offscreen" or (hasattr(os, "geteuid") and os.geteuid() == 0):
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
try:  # PySide6-Addons; imported before any QApplication exists (WebEngine needs that)
    from PySide6.QtWebEngineCore import QWebEnginePage
    from PySide6.QtWebEngineWidgets import QWebEngineView
except ImportError:  # pragma: no cover - depends on the installation
    QWebEngineView = None
    QWebEnginePage = object

ALL_PARTS = "All parts"
RELAYOUT_CHANGE = 0.2
"""Engrave again (bars per line) when the view's width changes by more than this share."""
BAR_MESSAGE = "mp-bar:"
HIGHLIGHT = "rgba(255, 196, 0, 0.35)"
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
html, body {{ margin: 0; background: #fff; }}
svg.page {{ width: 100%; height: auto; display: block; margin: 0 auto; }}
rect.mp-bar {{ fill: transparent; stroke: none !important; cursor: pointer; pointer-events: all; }}
rect.mp-bar:hover {{ fill: rgba(70, 130, 220, 0.10); }}
rect.mp-bar.mp-current {{ fill: {highlight}; }}
</style></head><body>{pages}<script>
for (const m of document.querySelectorAll('g.measure')) {{
  const b = m.getBBox();
  const r = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  r.setAttribute('class', 'mp-bar');
  r.setAttribute('x', b.x); r.setAttribute('y', b.y);
  r.setAttribute('width', b.width); r.setAttribute('height', b.height);
  m.addEventListener('click', () => console.log('{message}' + m.getAttribute('data-n')));
  m.insertBefore(r, m.firstChild);
}}
function mpHighlight(n) {{
  for (const r of document.querySelectorAll('rect.mp-current')) r.classList.remove('mp-current');
  const m = document.querySelector('g.measure[data-n="' + n + '"]');
  if (!m) return null;
  m.querySelector('rect.mp-bar').classList.add('mp-current');
  m.scrollIntoView({{block: 'nearest'}});
  return n;
}}
function mpMarkNotes(marks) {{
  for (const t of document.querySelectorAll('.mp-mark')) t.remove();
  for (const g of document.querySelectorAll('g.note.mp-marked')) {{
    g.classList.remove('mp-marked'); g.style.fill = ''; g.style.stroke = ''; g.style.color = '';
  }}
  let count = 0;
  for (const [id, mark] of Object.entries(marks)) {{
    const g = document.getElementById(id);
    if (!g) continue;
    const [colour, label, tip] = mark;
    g.classList.add('mp-marked');
    g.style.fill = colour; g.style.stroke = colour; g.style.color = colour;
    const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    title.setAttribute('class', 'mp-mark'); title.textContent = tip;
    g.appendChild(title);
    if (label) {{
      const head = g.querySelector('.notehead') || g;
      const b = head.getBBox();
      const t = document.createElementNS('http://www.w3.org/2000/svg', 'text');
      t.setAttribute('class', 'mp-mark mp-label');
      t.setAttribute('x', b.x + b.width / 2); t.setAttribute('y', b.y - 0.6 * b.height);
      t.setAttribute('font-size', 2.2 * b.height); t.setAttribute('text-anchor', 'middle');
      t.setAttribute('fill', colour); t.setAttribute('stroke', 'none');
      t.setAttribute('font-family', 'sans-serif'); t.setAttribute('font-weight', 'bold');
      t.setAttribute('data-for', id); t.textContent = label;
      g.appendChild(t);
    }}
    count += 1;
  }}
  return count;
}}
function mpHighlighted() {{
  const r = document.querySelector('rect.mp-current');
  return r ? parseInt(r.parentNode.getAttribute('data-n')) : null;
}}
</script></body></html>"""


def webengine_available() -> bool:
    """Whether Qt WebEngine (PySide6-Addons) can be used to show engraved scores."""
    return QWebEngineView is not None


class _Page(QWebEnginePage):
    """Passes bar clicks (console messages from the page's script) to the view."""

    def __init__(self, on_bar, parent=None) -> None:
        super().__init__(parent)
        self._on_bar = on_bar

    def javaScriptConsoleMessage(self, level, message, line, source) -> None:
        if message.startswith(BAR_MESSAGE):
            self._on_bar(int(message[len(BAR_MESSAGE):]))


class ScoreView(QWidget):
    """An engraved score with the current bar highlighted.

    Signals
    -------
    bar_clicked(int)
        The user clicked a bar (written bar number).
    part_changed(str)
        The user chose a part ("" for all parts).
    import_requested()
        The user asked to import a score.
    engraved()
        The score is on screen (or its failure message is).
    """

    bar_clicked = Signal(int)
    part_changed = Signal(str)
    import_requested = Signal()
    engraved = Signal()

    def __init__(self, worker: ChildWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.jobs = JobRunner(parent=self)
        self.jobs.finished.connect(self._engraved)
        self.jobs.failed.connect(self._failed)
        self.jobs.progress.connect(lambda _k, f, m: self.status.setText(f"{m} {f:.0%}"))
        self.path: Path | None = None
        self.parts: tuple[str, ...] = ()
        self.engraving: Engraving | None = None
        self.score = None
        self.current_bar: int | None = None
        self.marks: dict = {}
        self._verdicts: tuple | None = None
        self.error_message = ""
        self._loaded = False
        self._engraved_width = 0
        self._relayout = QTimer(self, singleShot=True, interval=400)
        self._relayout.timeout.connect(self._engrave)

        self.title = QLabel("No score")
        self.title.setStyleSheet("font-weight: bold")
        self.part = QComboBox()
        self.part.setToolTip("Show and compare one part (e.g. Alto for a singer)")
        self.part.addItem(ALL_PARTS, "")
        self.part.currentIndexChanged.connect(self._part_chosen)
        self.import_button = QPushButton("Import score…")
        self.import_button.setToolTip("Copy a MusicXML, MIDI, MEI, ABC or kern file into the session")
        self.import_button.clicked.connect(self.import_requested)
        self.status = QLabel("")
        self.status.setStyleSheet("color: palette(placeholder-text)")
        header = QHBoxLayout()
        header.setContentsMargins(4, 2, 4, 2)
        header.addWidget(self.title)
        header.addWidget(QLabel("Part:"))
        header.addWidget(self.part)
        header.addWidget(self.status, 1)
        header.addWidget(self.import_button)

        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.web = None
        if webengine_available():
            self.web = QWebEngineView()
            self.web.setPage(_Page(self.bar_clicked.emit, self.web))
            self.web.loadFinished.connect(self._page_loaded)
            self.stack.addWidget(self.web)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.stack, 1)
        self.clear()

    # -- score ---------------------------------------------------------------------
    def clear(self, text: str = "No reference score in this session yet. Import one "
                                "(MusicXML, MIDI, MEI, ABC or kern) to see it here, follow "
                                "playback bar by bar and compare takes with it.") -> None:
        """Show no score, with an offer to import one."""
        self.jobs.cancel("engrave")
        self.path, self.parts, self.engraving, self.current_bar = None, (), None, None
        self._loaded = False
        self.title.setText("No score")
        self.part.blockSignals(True)
        self.part.clear()
        self.part.addItem(ALL_PARTS, "")
        self.part.blockSignals(False)
        self.part.setEnabled(False)
        self.status.setText("")
        self._say(text)

    def set_score(self, path: str | Path, title: str = "") -> None:
        """Read and engrave a score file (in the background)."""
        self.path = Path(path)
        self.engraving, self.current_bar = None, None
        self.title.setText(title or self.path.stem)
        self._engrave()

    def _engrave(self) -> None:
        self._loaded = False
        self._say("Engraving the score…")
        part = self.part.currentData() or None
        width = max(self.stack.width() - 24, 0)  # room for the scroll bar
        self._engraved_width = width
        self.jobs.submit("engrave", partial(self.worker.run, engrave_file, str(self.path), part,
                                            width))

    def _part_chosen(self, _index: int) -> None:
        if self.path is not None:
            self._engrave()
        self.part_changed.emit(self.part.currentData() or "")

    def follow_part(self, name: str) -> bool:
        """Show part ``name`` alone when all parts of a score with several are shown (a
        comparison found that the take performs that part; the user's own choice of a part
        is never changed, and a one-part score is already shown as it is). Returns whether
        the view switched (it then engraves that part again, and the note verdicts are
        drawn on it)."""
        index = self.part.findData(name)
        if self.selected_part() is not None or index <= 0 or len(self.parts) < 2:
            return False
        self.part.setCurrentIndex(index)
        return True

    def selected_part(self) -> str | None:
        """The chosen part's name, or None for all parts."""
        return self.part.currentData() or None

    def _engraved(self, _key: str, result) -> None:
        score, engraving = result
        self.score = score
        self.parts = score.parts
        if self.part.count() != len(score.parts) + 1:
            self.part.blockSignals(True)
            for name in score.parts:
                self.part.addItem(name, name)
            if len(score.parts) == 1 and score.is_single_line(None):
                self.part.setCurrentIndex(1)  # a one-line score's melody gets its notes checked
            self.part.blockSignals(False)
        self.part.setEnabled(len(score.parts) > 1)
        self.status.setText(" ".join(score.warnings))
        if self.web is None:
            self._say("The score was read, but Qt WebEngine (PySide6-Addons) is missing, so "
                      "it cannot be drawn. Comparisons with it work as usual.")
            self.engraved.emit()
            return
        self.engraving = engraving
        pages = "".join(_page(p) for p in engraving.pages)
        self.web.setHtml(PAGE.format(pages=pages, highlight=HIGHLIGHT, message=BAR_MESSAGE))
        self.stack.setCurrentWidget(self.web)

    def _page_loaded(self, ok: bool) -> None:
        if self.engraving is None:
            return
        self._loaded = ok
        if self.current_bar is not None:
            self._run(f"mpHighlight({self.current_bar})")
        if self._verdicts is not None:
            self.show_verdicts(self._verdicts[0], tolerance_cents=self._verdicts[1])
        self.engraved.emit()

    def _failed(self, _key: str, message: str, _details: str) -> None:
        self.error_message = message
        self._say(f"The score cannot be shown: {message}")
        self.engraved.emit()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        width = self.stack.width() - 24
        if self.path is not None and \
                abs(width - self._engraved_width) > RELAYOUT_CHANGE * max(self._engraved_width, 1):
            self._relayout.start()

    @property
    def ready(self) -> bool:
        """Whether the engraved score is on screen."""
        return self._loaded

    # -- following playback --------------------------------------------------------
    def highlight_bar(self, number: int | None) -> None:
        """Highlight a bar by its written number (None: no bar)."""
        if number == self.current_bar:
            return
        self.current_bar = number
        if self._loaded:
            self._run(f"mpHighlight({json.dumps(number)})")

    # -- note verdicts --------------------------------------------------------------
    def show_verdicts(self, rows, *, tolerance_cents: float) -> int:
        """Colour each written note by its verdict (ok, wrong, missing, unsure) and write
        the sung or played pitch above the wrong ones; ``rows`` are a take's note rows
        against this score (empty: no marks). Returns how many notes were found to mark
        (drawn as soon as the score is on screen, again after each new engraving)."""
        rows = tuple(rows)
        self._verdicts = (rows, float(tolerance_cents)) if rows else None
        if self.engraving is None or self.score is None:
            self.marks = {}
            return 0
        self.marks = note_marks(rows, self.engraving.notes, self.score.measures,
                                tolerance_cents=tolerance_cents, keys=self.score.keys)
        if self._loaded:
            self._send_marks()
        return len(self.marks)

    def _send_marks(self) -> None:
        payload = {k: [m.colour, m.label, m.tooltip] for k, m in self.marks.items()}
        self._run(f"mpMarkNotes({json.dumps(payload)})")

    def query_highlighted(self, callback) -> None:
        """Ask the page which bar it highlights; ``callback(number or None)``."""
        self._run("mpHighlighted()", callback)

    def _run(self, script: str, callback=None) -> None:
        if self.web is None:
            return
        if callback is None:
            self.web.page().runJavaScript(script, 0)
        else:
            self.web.page().runJavaScript(script, 0, callback)

    def shutdown(self) -> None:
        """Stop pending work (when the window closes)."""
        self.jobs.cancel_all()
        self.jobs.wait(5_000)


def _page(svg: str) -> str:
    """One engraved page, never drawn larger than engraved (it shrinks with the view)."""
    match = re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+)', svg)
    width = f' style="max-width: {match.group(1)}px"' if match else ""
    return svg.replace("<svg ", f'<svg class="page"{width} ', 1)
