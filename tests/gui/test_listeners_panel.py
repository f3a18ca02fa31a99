"""The 'What listeners heard' panel: annotate by clicking the plane, see the others only after."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt

from musicpractice.gui.listeners_panel import ListenersPanel
from musicpractice.session.annotations import Annotation, add_annotation, load_annotations
from musicpractice.session.store import Session
from tests.session.helpers import session_with_takes


@pytest.fixture
def lesson(tmp_path):
    session = Session.open(session_with_takes(tmp_path, n=2))
    take = session.takes[0].id
    add_annotation(session, Annotation("", take, "Bob", "sadness", -0.5, -0.5))
    yield session, take
    session.close()


def _click_plane(qtbot, panel, valence, arousal):
    vb = panel.plane.getPlotItem().vb
    scene = vb.mapViewToScene(QPointF(valence, arousal))
    pos = panel.plane.mapFromScene(scene)
    qtbot.mouseClick(panel.plane.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_annotate_by_clicking_then_see_the_others(qtbot, lesson):
    session, take = lesson
    panel = ListenersPanel(passage=lambda: (0.1, 0.3))
    qtbot.addWidget(panel)
    panel.resize(420, 640)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_take(session, take)
    qtbot.keyClicks(panel.listener, "Eve")
    qtbot.keyClick(panel.listener, Qt.Key.Key_Return)
    items = [panel.others.item(i).text() for i in range(panel.others.count())]
    assert items == ["1 other listener(s) annotated this take; give your own annotation to see what they heard."]
    assert "Bob" not in " ".join(items)
    panel.character.setCurrentText("tenderness")
    _click_plane(qtbot, panel, valence=0.5, arousal=-0.4)
    assert panel.point == pytest.approx((-0.4, 0.5), abs=0.05)
    panel.passage_only.setChecked(True)
    with qtbot.waitSignal(panel.annotation_saved):
        qtbot.mouseClick(panel.save, Qt.MouseButton.LeftButton)
    saved = [a for a in load_annotations(session, take) if a.listener == "Eve"][0]
    assert saved.character == "tenderness" and (saved.from_s, saved.to_s) == (0.1, 0.3)
    assert saved.valence == pytest.approx(0.5, abs=0.05) and saved.arousal == pytest.approx(-0.4, abs=0.05)
    items = [panel.others.item(i).text() for i in range(panel.others.count())]
    assert any(t.startswith("Bob: sadness") for t in items) and any(t.startswith("you:") for t in items)
    assert panel.others_dots.data["x"].tolist() == [-0.5]
    assert "Krippendorff" in panel.agreement.text()


def test_a_bad_form_is_explained_not_saved(qtbot, lesson):
    session, take = lesson
    panel = ListenersPanel()
    qtbot.addWidget(panel)
    panel.set_take(session, take)
    panel.save_annotation()  # no listener, no character, no point
    assert "listener" in panel.message.text()
    panel.listener.setText("Eve")
    panel.save_annotation()
    assert "needs a character" in panel.message.text()
    panel.character.setCurrentText("fear")
    panel.passage_only.setChecked(True)
    panel.save_annotation()  # no loop region shown
    assert "loop region" in panel.message.text()
    assert [a.listener for a in load_annotations(session, take)] == ["Bob"]
