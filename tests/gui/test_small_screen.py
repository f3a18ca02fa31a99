"""The window on a 1366x768 screen (offscreen, the real widgets): the takes' titles can be
read, axis labels fit their plots instead of running into each other, the cues panel shows
more than three cues."""

from __future__ import annotations


from PySide6.QtGui import QFontMetrics

from musicpractice.gui.takes_list import MIN_TITLE_PX, TITLE
from tests.demo import copy_demo_session


def _label_fits(plot) -> bool:
    axis = plot.getAxis("left")
    width = QFontMetrics(axis.label.font()).horizontalAdvance(axis.labelText)
    return width <= axis.geometry().height()


def test_at_1366x768_labels_fit_and_titles_and_cues_can_be_read(qtbot, window, tmp_path):
    folder = copy_demo_session(tmp_path)
    window.resize(1366, 768)
    session = window.open_session(folder)
    assert session is not None, window.last_error
    student = next(t.id for t in session.takes if t.title == "Twinkle - student")
    window.takes.select_take(student)
    qtbot.waitUntil(lambda: window.view_data is not None
                    and window.cues.analysis is window.view_data.analysis, timeout=60_000)
    qtbot.wait(300)  # layouts settle, labels are fitted after them
    view = window.take_view
    shown = [p for p in view.plots if p.isVisible()]
    assert all(_label_fits(p) for p in shown), [p.getAxis("left").labelText for p in shown]
    assert view.loud.getAxis("left").labelText == "LUFS"  # "Loudness (LUFS)" has no room
    # the title column is wide enough to read; less needed columns stepped aside
    assert window.takes.columnWidth(TITLE) >= MIN_TITLE_PX - 1
    # the cue table shows at least six cues, and the plane's label fits
    table = window.cues.table
    rows = sum(1 for r in range(table.rowCount())
               if table.visualRect(table.model().index(r, 0)).bottom() <= table.viewport().height())
    assert rows >= 6
    assert _label_fits(window.cues.plane.getPlotItem())
    # a large screen gets the long labels back
    window.resize(1920, 1080)
    qtbot.wait(300)
    assert view.loud.getAxis("left").labelText == "Loudness (LUFS)"


def test_the_cues_panel_says_vibrato_does_not_apply_to_the_piano_take(qtbot, window, tmp_path):
    from musicpractice.analysis.take import NOTE_SHAPING_CUES

    folder = copy_demo_session(tmp_path)
    session = window.open_session(folder)
    assert session is not None, window.last_error
    cues = window.cues

    def vibrato_rows(title):
        take = next(t.id for t in session.takes if t.title == title)
        window.takes.select_take(take)
        qtbot.waitUntil(lambda: window.view_data is not None and window.view_data.take_id == take
                        and cues.analysis is window.view_data.analysis, timeout=60_000)
        keys = [c.key for c in cues.analysis.cues.cues]
        return [(cues.table.item(keys.index(k), 1).text(), cues.table.item(keys.index(k), 2).text())
                for k in NOTE_SHAPING_CUES]

    for value, meaning in vibrato_rows("Arpeggios in G - piano"):
        assert value == "-" and meaning.startswith("does not apply to a piano")
    rate, extent, _articulation = vibrato_rows("Twinkle - student")  # the singer's vibrato is measured
    assert rate[0].endswith("Hz") and extent[0].endswith("cents")


def test_at_1920x1080_the_summary_is_as_tall_as_its_text_and_the_cues_get_the_rest(
        qtbot, window, tmp_path):
    window.resize(1920, 1080)
    session = window.open_session(copy_demo_session(tmp_path))
    assert session is not None, window.last_error
    window.takes.select_take(next(t.id for t in session.takes if t.title == "Twinkle - student"))
    qtbot.waitUntil(lambda: window.view_data is not None
                    and window.cues.analysis is window.view_data.analysis, timeout=60_000)
    qtbot.wait(300)
    summary, cues = window.docks["summary"], window.docks["cues"]
    # every line of the summary is on screen, with no empty half-screen under it
    assert window.summary.minimumSizeHint().height() <= summary.widget().height()
    assert summary.height() < 0.35 * window.height() < cues.height()
    table = window.cues.table
    rows = sum(1 for r in range(table.rowCount())
               if table.visualRect(table.model().index(r, 0)).bottom() <= table.viewport().height())
    assert rows >= 12
