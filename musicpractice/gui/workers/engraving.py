"""Engraving a score to SVG with verovio (run in the child process of
:mod:`musicpractice.gui.workers.child_worker`: verovio's layout holds the interpreter lock while
it works, 140 ms for eight bars of piano here, and music21 must not run in the window's
process). Nothing here imports Qt.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from musicpractice.core.errors import MusicPracticeError
from musicpractice.core.progress import CancelToken, ProgressFn, Steps, check_cancel

SCALE = 40
"""verovio scale in percent: a staff about 30 pixels high."""
MIN_WIDTH_PX = 500


class EngravingError(MusicPracticeError):
    """The score could not be engraved (verovio missing, an odd file)."""


@dataclass(frozen=True)
class EngravedNote:
    """A note head drawn by verovio and where it is in the score.

    Attributes
    ----------
    element_id : str
        The ``id`` of its ``<g class="note">`` element in the SVG.
    measure : int
        Written bar number.
    offset_quarter : float
        Onset from the start of its bar, in quarter notes.
    midi : int
        Written pitch.
    """

    element_id: str
    measure: int
    offset_quarter: float
    midi: int


@dataclass(frozen=True)
class Engraving:
    """An engraved score.

    Attributes
    ----------
    pages : tuple of str
        One SVG document per page. Each bar is a ``<g class="measure" data-n="...">``
        with its written bar number.
    measures : tuple of int
        Written bar numbers in the order they are drawn.
    notes : tuple of EngravedNote
        The struck notes (tied continuations left out), to mark them by verdict.
    """

    pages: tuple[str, ...]
    measures: tuple[int, ...]
    notes: tuple[EngravedNote, ...] = ()


def engrave_file(path: str, part: str | None = None, width_px: int = 1000, *,
                 progress: ProgressFn | None = None, cancel: CancelToken | None = None):
    """Read a score and engrave it (or one part of it) with verovio, with systems
    ``width_px`` pixels wide at :data:`SCALE` (so as many bars go on a line as fit).

    Returns
    -------
    (Score, Engraving)

    Raises
    ------
    EngravingError
        verovio is not installed or cannot lay out the file.
    ScoreFileError
        The file cannot be read.
    """
    from musicpractice.score import load_score
    from musicpractice.score.notation import notation_text
    steps = Steps(progress, [("reading the score", 2), ("engraving", 1)])
    score = load_score(path, progress=steps.stage("reading the score"), cancel=cancel)
    steps.stage("engraving")
    try:
        import verovio
    except ImportError as error:
        raise EngravingError("Showing scores needs verovio (pip install verovio).") from error
    text = notation_text(path, part=part)
    check_cancel(cancel)
    toolkit = verovio.toolkit()
    toolkit.setOptions({"svgAdditionalAttribute": ["measure@n"], "adjustPageHeight": True,
                        "pageWidth": max(width_px, MIN_WIDTH_PX) * 100 // SCALE, "scale": SCALE, "header": "none",
                        "footer": "none", "breaks": "auto", "svgViewBox": True,
                        "pageMarginLeft": 200})
    if not toolkit.loadData(text) or toolkit.getPageCount() < 1:
        raise EngravingError(f"verovio could not lay out {os.path.basename(path)}; the score "
                             "can still be used for alignment.")
    pages = tuple(toolkit.renderToSVG(k) for k in range(1, toolkit.getPageCount() + 1))
    numbers = tuple(int(n) for page in pages
                    for n in re.findall(r'class="measure"[^>]*data-n="(-?\d+)"', page))
    if not numbers:
        raise EngravingError(f"verovio drew no bars for {os.path.basename(path)}.")
    return score, Engraving(pages, numbers, _engraved_notes(toolkit, pages))


_ELEMENT = re.compile(r'<g id="([^"]+)" class="(measure|note)"([^>]*)>')


def _engraved_notes(toolkit, pages) -> tuple[EngravedNote, ...]:
    """Every struck note's element id with its bar, onset in the bar and pitch."""
    measure_of, number_of = {}, {}
    for page in pages:
        current = None
        for element_id, kind, rest in _ELEMENT.findall(page):
            if kind == "measure":
                current = element_id
                n = re.search(r'data-n="(-?\d+)"', rest)
                number_of[element_id] = int(n.group(1)) if n else None
            elif current is not None:
                measure_of[element_id] = current
    onset, measure_start = {}, {}
    for entry in toolkit.renderToTimemap({"includeMeasures": True}):
        q = float(entry.get("qstamp", 0.0))
        if "measureOn" in entry:
            measure_start.setdefault(entry["measureOn"], q)
        for element_id in entry.get("on", ()):
            onset.setdefault(element_id, q)
    notes = []
    for element_id, q in onset.items():
        m = measure_of.get(element_id)
        if m is None or number_of.get(m) is None or m not in measure_start:
            continue
        pitch = toolkit.getMIDIValuesForElement(element_id).get("pitch", -1)
        if pitch >= 0:
            notes.append(EngravedNote(element_id, number_of[m], q - measure_start[m], int(pitch)))
    return tuple(notes)
