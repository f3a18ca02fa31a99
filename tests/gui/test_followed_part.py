"""A singer's line compared with a whole choir score, no part chosen: the comparison
follows the take as the part it performs, and the Compare tab's score then shows that part
alone, with the wrong note red on it (alignment.score_parts, ScoreView.follow_part)."""

from __future__ import annotations

import soundfile as sf
from music21 import corpus

import musicpractice.gui.score_view  # noqa: F401  (Qt WebEngine must load before the QApplication)
from musicpractice.gui.score_marks import WRONG_COLOUR
from musicpractice.score import load_score
from musicpractice.session.store import Session
from tests.alignment.sung import sing
from tests.alignment.synth import SR

TIMEOUT_MS = 120_000


def test_the_compare_tab_shows_the_part_the_take_was_followed_as(qtbot, window, tmp_path):
    path = tmp_path / "bwv66_6.musicxml"
    corpus.parse("bwv66.6").write("musicxml", fp=str(path))
    alto = sorted((n for n in load_score(path).part_notes("Alto") if n.onset_quarter < 16.0),
                  key=lambda n: n.onset_quarter)
    take, _onsets, _extras = sing(alto, cents={len(alto) // 2: 200.0}, seed=3)
    sf.write(tmp_path / "alto.wav", take, SR)
    with Session.create(tmp_path / "Choir.mpsession") as session:
        session.import_score(path, title="Chorale")
        take_id = session.import_audio(tmp_path / "alto.wav", title="Alto line").id
    session = window.open_session(tmp_path / "Choir.mpsession")
    assert session is not None, window.last_error
    window.views.setCurrentWidget(window.compare)
    view = window.compare
    qtbot.waitUntil(lambda: view.score_view.ready, timeout=TIMEOUT_MS)
    assert view.score_view.selected_part() is None  # all parts shown, none chosen
    view.compare(view.reference.currentData(), [take_id])
    qtbot.waitUntil(lambda: not view.busy, timeout=TIMEOUT_MS)
    assert view.data is not None, view.status.text()
    assert "Followed as the Alto part" in view.status.text()
    qtbot.waitUntil(lambda: view.score_view.selected_part() == "Alto", timeout=10_000)
    qtbot.waitUntil(lambda: view.score_view.ready and "Soprano" not in
                    "".join(view.score_view.engraving.pages), timeout=TIMEOUT_MS)
    red = [m for m in view.score_view.marks.values() if m.colour == WRONG_COLOUR]
    assert len(red) == 1, [m.tooltip for m in red]
    cents = float(red[0].tooltip.split(" sung (")[1].split(" cents")[0])
    assert 175 <= cents <= 225, red[0].tooltip  # the note sung a whole tone high
