"""The compare view in the real window: two real takes of Chopin Op. 10/3 and its MIDI score.

The first test pays for analysing and aligning (the results are cached in the shared
session folder); the others reuse them.
"""

from __future__ import annotations

import math
import shutil

import numpy as np
import pytest
from PySide6.QtCore import Qt

import musicpractice.gui.score_view  # noqa: F401  (Qt WebEngine must load before the QApplication)
from musicpractice.alignment import compare_with_score
from musicpractice.audio.io import load_signal
from musicpractice.score import load_score
from musicpractice.session.store import Session
from tests.ci import unavailable
from tests.gui.test_window import StallMeter

CHOPIN = "alignment/Chopin_Op010-03-Measures1-8_"
TIMEOUT_MS = 240_000


@pytest.fixture(scope="module")
def chopin_folder(tmp_path_factory, shared_data):
    """A session with both Chopin takes (dated, one performer each) and the MIDI score."""
    path = tmp_path_factory.mktemp("compare") / "Chopin.mpsession"
    with Session.create(path) as session:
        session.import_audio(shared_data / f"{CHOPIN}Igoshina.wav", title="Igoshina",
                             performer="Igoshina", date="2025-03-01")
        session.import_audio(shared_data / f"{CHOPIN}Varsi.wav", title="Varsi",
                             performer="Varsi", date="2025-03-08")
        session.import_score(shared_data / f"{CHOPIN}MIDI.mid", title="Chopin Op. 10 No. 3")
    return path


def _open(qtbot, window, folder):
    session = window.open_session(folder)
    assert session is not None, window.last_error
    qtbot.waitUntil(lambda: not window.jobs.keys(), timeout=TIMEOUT_MS)  # takes analysed
    window.views.setCurrentWidget(window.compare)
    qtbot.waitUntil(lambda: window.compare.score_view.ready, timeout=TIMEOUT_MS)
    qtbot.wait(300)  # the page is drawn
    ids = {t.title: t.id for t in session.takes}
    return session, ids["Igoshina"], ids["Varsi"], session.scores[0]


def _compare(qtbot, window, reference_id, take_ids):
    view = window.compare
    view.compare(reference_id, take_ids)
    qtbot.waitUntil(lambda: not view.busy, timeout=TIMEOUT_MS)
    assert view.data is not None, view.status.text()
    qtbot.waitUntil(lambda: view.progress_plot.data is view.data, timeout=10_000)  # all drawn
    return view.data


def _aligner_output(session, take, score):
    """The aligner's bar comparison of a take, from the alignment the view used."""
    signal = load_signal(session.audio_path(take.take.id))
    return compare_with_score(signal.samples, signal.sr, score, take.alignment)


def _table(view) -> dict[tuple[str, int], dict[str, str]]:
    """Displayed cells by (take, bar) and column title."""
    model = view.proxy
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    cells = {}
    for r in range(model.rowCount()):
        row = {titles[c]: model.index(r, c).data() for c in range(model.columnCount())}
        cells[(row["Take"], int(row["Bar"]))] = row
    return cells


def test_bar_table_matches_the_aligner_and_aligning_never_stalls(qtbot, window, chopin_folder):
    session, igoshina, varsi, score_ref = _open(qtbot, window, chopin_folder)
    view = window.compare
    stalls = StallMeter()
    stalls.start()
    view.compare(score_ref.id, [igoshina, varsi])
    qtbot.waitUntil(lambda: not view.busy, timeout=TIMEOUT_MS)
    stalls.stop()  # while aligning (drawing the results afterwards is measured apart)
    assert stalls.longest_s < 0.1, f"event loop busy for {stalls.longest_s * 1000:.0f} ms"
    assert stalls.longest_wall_s < 0.5, f"event loop waited {stalls.longest_wall_s:.2f} s"
    data = view.data
    assert data is not None, view.status.text()
    qtbot.waitUntil(lambda: view.progress_plot.data is data, timeout=10_000)

    score = load_score(session.path / score_ref.file)
    cells = _table(view)
    for name, take_id in (("Igoshina", igoshina), ("Varsi", varsi)):
        truth = _aligner_output(session, data.take(take_id), score)
        assert len(truth.bars) >= 15
        for bar in truth.bars:
            row = cells[(name, bar.measure)]
            assert float(row["Starts at s"]) == pytest.approx(bar.take_s, abs=0.006)
            assert float(row["Tempo %"]) == pytest.approx(
                100 * bar.tempo_bpm / bar.score_tempo_bpm, abs=0.51)
            assert float(row["Timing ms"]) == pytest.approx(1000 * bar.deviation_s, abs=0.51)
            assert float(row["Sure"]) == pytest.approx(bar.confidence, abs=0.006)
            if math.isfinite(bar.loudness_lufs):  # measured on the take's own analysis
                assert float(row["Loudness LUFS"]) == pytest.approx(bar.loudness_lufs, abs=1.0)
        # the same numbers on the heat map's row for this take
        k = [t.take.id for t in data.comparison.takes].index(take_id)
        view.heat_measure.setCurrentIndex(view.heat_measure.findData("tempo"))
        shown = [bar.measure for bar in truth.bars]
        for index, number in enumerate(data.comparison.grid.numbers):
            if number in shown:
                bar = truth.bars[shown.index(number)]
                assert view.heatmap.values[k, index] == pytest.approx(
                    100 * bar.tempo_bpm / bar.score_tempo_bpm, abs=0.01)

    # sortable: the fastest bar first
    column = [view.proxy.headerData(c, Qt.Orientation.Horizontal)
              for c in range(view.proxy.columnCount())].index("Tempo %")
    view.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    tempos = [float(view.proxy.index(r, column).data()) for r in range(view.proxy.rowCount())]
    assert tempos == sorted(tempos, reverse=True)
    assert data.differences and any("faster" in s for s in data.differences)


def _highlighted(qtbot, score_view):
    shown = []
    score_view.query_highlighted(shown.append)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    return shown[0]


def test_ab_playback_loops_clicks_and_the_score_follows(qtbot, window, chopin_folder,
                                                        null_sink_env):
    session, igoshina, varsi, score_ref = _open(qtbot, window, chopin_folder)
    data = _compare(qtbot, window, score_ref.id, [igoshina, varsi])
    view, ab = window.compare, window.compare.ab
    if ab.player is None:
        unavailable("no output device")
    a, b = data.take(igoshina), data.take(varsi)

    # A/B: the other take continues where the aligned music is
    ab.play_from(igoshina, 5.0)  # the start of the sixth bar
    assert ab.playing and ab.take_id == igoshina
    qtbot.wait(700)
    window.activateWindow()
    for source, target in ((a, b), (b, a)):
        position = ab.position_s
        aligned = float(target.alignment.take_at(source.alignment.ref_at(position)))
        qtbot.keyClick(view.tabs, Qt.Key.Key_B)  # the A/B key
        assert ab.take_id == target.take.id and ab.playing
        assert abs(ab.position_s - aligned) < 0.05
        qtbot.wait(400)

    # the score highlights the bar being played
    ab.pause()
    expected = data.comparison.grid.numbers[int(ab.musical_position)]
    assert view.score_view.current_bar == expected
    assert _highlighted(qtbot, view.score_view) == expected

    # the same bars loop in every take
    view.loop_bars(3, 5)
    q0, q1 = load_score(session.path / score_ref.file).measure_range(3, 5)
    for take in (a, b):
        ab.switch_to(take.take.id)
        expected = (float(take.alignment.take_at(q0)), float(take.alignment.take_at(q1)))
        assert ab.loop_s() == pytest.approx(expected, abs=0.001)
        assert expected[0] <= ab.position_s <= expected[1]
    window.space_pressed()  # Space plays the comparison in the compare view
    assert ab.playing and not window.transport.playing
    qtbot.wait(300)
    window.space_pressed()
    assert not ab.playing

    # a click on a cell of the bar table plays that bar of that take
    view.loop_check.setChecked(False)
    view.tabs.setCurrentIndex(1)
    row = next(r for r in range(view.proxy.rowCount())
               if view.proxy.index(r, 0).data() == "Varsi"
               and view.proxy.index(r, 1).data() == "7")
    index = view.proxy.index(row, 4)
    view.table.scrollTo(index)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.table.visualRect(index).center())
    assert ab.take_id == varsi and ab.playing
    assert ab.position_s == pytest.approx(b.bars[6].take_start_s, abs=0.05)
    ab.pause()


def test_take_reference_and_cancel(qtbot, window, chopin_folder, tmp_path):
    folder = tmp_path / "copy.mpsession"
    shutil.copytree(chopin_folder, folder, ignore=shutil.ignore_patterns(".lock"))
    _session, igoshina, varsi, _score = _open(qtbot, window, folder)
    view = window.compare
    view.refresh()
    view.reference.setCurrentIndex(view.reference.findData(igoshina))
    view.use_score.setChecked(False)  # sections of the reference take, not bars
    view.compare(igoshina, [varsi])
    view.cancel()
    qtbot.waitUntil(lambda: not view.busy, timeout=TIMEOUT_MS)
    assert view.data is None and "cancelled" in view.status.text()

    data = _compare(qtbot, window, igoshina, [varsi])
    grid = data.comparison.grid
    assert grid.kind == "section" and data.comparison.takes[0].take.id == igoshina
    # the reference take runs at 100 % of itself; Varsi is faster all through
    reference_rows = [r for r in data.comparison.takes[0].bars if r.covered]
    assert all(r.tempo_pct == pytest.approx(100.0) for r in reference_rows)
    assert np.nanmedian([r.tempo_pct for r in data.take(varsi).bars]) > 120
    assert view.progress_plot.performer.count() == 2
    # one take per performer: no date axis to draw, a sentence instead
    assert view.progress_plot.graphics.isHidden()
    assert "several takes" in view.progress_plot.note.text()


def test_without_an_output_device_a_bar_click_says_so_and_play_is_off(qtbot, window,
                                                                      chopin_folder, monkeypatch):
    import functools

    from musicpractice.audio.playback import Player
    from musicpractice.gui import ab_player

    # a real player on an output device that does not exist, as on a machine without one
    monkeypatch.setattr(ab_player, "Player", functools.partial(Player, device="no such device"))
    _session, igoshina, varsi, score_ref = _open(qtbot, window, chopin_folder)
    _compare(qtbot, window, score_ref.id, [igoshina, varsi])
    view = window.compare
    assert not view.ab.available
    assert "Playback is not available" in view.playing_label.text()
    assert not view.play_button.isEnabled() and not view.switch_button.isEnabled()
    view.ab.play_from(varsi, 3.0)  # a click on a bar of the score or the table
    view.ab.switch_next()
    view.toggle_play()
    assert not view.ab.playing and "Playback is not available" in view.playing_label.text()


def test_opening_another_session_on_the_compare_tab_clears_it_and_keeps_the_docks_aside(
        qtbot, window, chopin_folder, tmp_path, shared_data):
    _session, igoshina, varsi, score_ref = _open(qtbot, window, chopin_folder)
    data = _compare(qtbot, window, score_ref.id, [igoshina, varsi])
    view = window.compare
    assert view.heatmap.comparison is data.comparison and view.cue_table.rowCount() > 0
    assert not any(d.isVisible() for d in window.docks.values())  # the comparison has the room

    other = tmp_path / "Other.mpsession"
    with Session.create(other) as session:  # another piece, no score
        session.import_audio(shared_data / f"{CHOPIN}Varsi.wav", title="Scales")
    assert window.open_session(other) is not None, window.last_error
    qtbot.wait(50)
    assert window.views.currentWidget() is view
    assert not any(d.isVisible() for d in window.docks.values())
    # nothing of the earlier session's comparison is left on screen
    assert view.data is None and view.model.rowCount() == 0
    assert view.heatmap.comparison is None and view.heatmap.values.size == 0
    assert view.stack.data is None and not view.stack.ids
    assert view.cue_table.rowCount() == 0 and view.cue_table.columnCount() == 0
    assert view.progress_plot.data is None and view.progress_plot.performer.count() == 0
    assert all(not p.listDataItems() for p in (view.curves.tempo, view.curves.loud))
    assert view.differences.text() == "" and view.heat_measure.count() == 0
    assert [view.takes.item(r).text().startswith("Scales") for r in range(view.takes.count())] \
        == [True]
    window.views.setCurrentIndex(0)  # the Take tab brings the docks back
    assert window.docks["takes"].isVisible() and window.docks["summary"].isVisible()
