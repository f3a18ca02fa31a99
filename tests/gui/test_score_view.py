"""The score view: verovio's engraving in Qt WebEngine, bar highlight, bar clicks, parts."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt

from musicpractice.gui.score_view import ScoreView
from musicpractice.score import load_score
from tests.score.test_load import ATTRS, WHOLE_C, _measure, musicxml

MIDI = "alignment/Chopin_Op010-03-Measures1-8_MIDI.mid"
TIMEOUT_MS = 120_000



@pytest.fixture
def view(qtbot, score_worker):
    v = ScoreView(score_worker)
    qtbot.addWidget(v)
    v.resize(1000, 700)
    v.show()
    yield v
    v.shutdown()


def _engrave(qtbot, view, path, title=""):
    with qtbot.waitSignal(view.engraved, timeout=TIMEOUT_MS):
        view.set_score(path, title)


def _js(qtbot, view, script):
    out = []
    view._run(script, out.append)
    qtbot.waitUntil(lambda: bool(out), timeout=5000)
    return out[0]


def test_engraves_highlights_and_clicks_bars(qtbot, view, shared_data):
    _engrave(qtbot, view, shared_data / MIDI, "Chopin Op. 10 No. 3")
    assert view.ready, view.error_message
    score = load_score(shared_data / MIDI)
    assert view.engraving.measures == tuple(m.number for m in score.measures)
    assert view.title.text() == "Chopin Op. 10 No. 3"

    view.highlight_bar(4)
    assert _js(qtbot, view, "mpHighlighted()") == 4
    view.highlight_bar(11)
    assert _js(qtbot, view, "mpHighlighted()") == 11
    assert _js(qtbot, view, "document.querySelectorAll('rect.mp-current').length") == 1

    # a real mouse click in the middle of bar 5 (scrolled into view)
    box = json.loads(_js(qtbot, view, "(() => { const r = document.querySelector("
                                      "'g.measure[data-n=\"5\"] rect.mp-bar');"
                                      " r.scrollIntoView({block: 'center'});"
                                      " return JSON.stringify(r.getBoundingClientRect()); })()"))
    centre = QPoint(int(box["x"] + box["width"] / 2), int(box["y"] + box["height"] / 2))
    target = view.web.focusProxy()
    qtbot.mouseMove(target, centre)
    qtbot.wait(100)
    with qtbot.waitSignal(view.bar_clicked, timeout=5000) as clicked:
        qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=centre)
        qtbot.wait(50)
        qtbot.mouseRelease(target, Qt.MouseButton.LeftButton, pos=centre)
    assert clicked.args == [5]
    # a one-part score (a piano MIDI file): a comparison never re-engraves it as "its part"
    assert not view.follow_part(score.parts[0]) and view.selected_part() is None


def test_one_part_for_a_singer(qtbot, view, tmp_path):
    parts = {name: [_measure(1, WHOLE_C, attributes=ATTRS), _measure(2, WHOLE_C)]
             for name in ("Soprano", "Alto")}
    path = tmp_path / "duet.musicxml"
    path.write_text(musicxml(parts, tempo_bpm=80))
    _engrave(qtbot, view, path)
    text = "".join(view.engraving.pages)
    assert "Soprano" in text and "Alto" in text
    assert view.part.isEnabled() and view.part.count() == 3
    with qtbot.waitSignal(view.engraved, timeout=TIMEOUT_MS):
        view.part.setCurrentIndex(view.part.findData("Alto"))
    text = "".join(view.engraving.pages)
    assert "Alto" in text and "Soprano" not in text
    assert view.selected_part() == "Alto"
    assert view.engraving.measures == (1, 2)


def test_a_broken_score_says_so_and_no_score_offers_an_import(qtbot, view, tmp_path):
    assert "Import" in view.message.text()
    with qtbot.waitSignal(view.import_requested, timeout=1000):
        view.import_button.click()
    broken = tmp_path / "broken.musicxml"
    broken.write_text("<score-partwise><part-list>not music")
    _engrave(qtbot, view, broken)
    assert not view.ready
    assert "broken.musicxml" in view.error_message
    assert view.stack.currentWidget() is view.message
    assert view.message.text().startswith("The score cannot be shown")


def test_without_webengine_the_score_is_read_and_the_view_says_so(qtbot, score_worker, monkeypatch,
                                                                   tmp_path):
    import musicpractice.gui.score_view as module
    monkeypatch.setattr(module, "QWebEngineView", None)
    view = ScoreView(score_worker)
    qtbot.addWidget(view)
    path = tmp_path / "duet.musicxml"
    path.write_text(musicxml({"Soprano": [_measure(1, WHOLE_C, attributes=ATTRS)],
                              "Alto": [_measure(1, WHOLE_C, attributes=ATTRS)]}))
    _engrave(qtbot, view, path)
    assert view.web is None and not view.ready
    assert "WebEngine" in view.message.text()
    assert view.part.count() == 3  # the parts can still be chosen for comparing
    view.highlight_bar(1)  # nothing to draw on, nothing breaks
    view.shutdown()


def test_a_take_followed_as_one_part_shows_that_part_with_its_verdicts(qtbot, view, tmp_path):
    """A singer's line compared with the whole choir score (no part named) is followed as
    its part: the view then shows that part alone, its wrong note marked; a part the user
    chose is never changed."""
    from music21 import corpus

    from musicpractice.alignment import align_to_score, compare_with_score
    from musicpractice.core.pitch import pitch_class_index
    from musicpractice.gui.score_marks import WRONG_COLOUR
    from tests.alignment.sung import sing
    from tests.alignment.synth import SR

    path = tmp_path / "bwv66_6.musicxml"
    corpus.parse("bwv66.6").write("musicxml", fp=str(path))
    score = load_score(path)
    alto = sorted((n for n in score.part_notes("Alto") if n.onset_quarter < 16.0),
                  key=lambda n: n.onset_quarter)
    wrong = alto[len(alto) // 2]
    take, _onsets, _extras = sing(alto, cents={len(alto) // 2: 200.0}, seed=3)
    alignment = align_to_score(take, SR, score)
    rows = compare_with_score(take, SR, score, alignment).notes
    assert {r.part for r in rows} == {"Alto"}

    _engrave(qtbot, view, path)
    assert view.selected_part() is None and "Soprano" in "".join(view.engraving.pages)
    view.show_verdicts(rows, tolerance_cents=50.0)
    with qtbot.waitSignal(view.engraved, timeout=TIMEOUT_MS):
        assert view.follow_part("Alto")
    assert view.selected_part() == "Alto"
    assert "Soprano" not in "".join(view.engraving.pages)
    qtbot.waitUntil(lambda: view.ready, timeout=TIMEOUT_MS)
    assert len(view.marks) == len(rows)  # every checked note found on the Alto engraving
    red = [m for m in view.marks.values() if m.colour == WRONG_COLOUR]
    assert len(red) == 1, view.marks
    sung = red[0].label.split()[0]  # the pitch sung, spelled in the key: a whole tone up
    assert pitch_class_index(sung[:-1]) == (wrong.midi + 2) % 12 and sung[-1] == "4", red[0]
    assert not view.follow_part("Bass")  # a part already chosen stays
    assert view.selected_part() == "Alto"
