"""The bundled demo session: a score and a student take with known mistakes, so the
comparison with the score can be tried at first start (resources/demo/build_demo.py)."""

from __future__ import annotations


import musicpractice.gui.score_view  # noqa: F401  (Qt WebEngine must load before the QApplication)
from tests.demo import copy_demo_session

TIMEOUT_MS = 120_000


def test_the_demo_comparison_shows_the_students_wrong_and_missing_note(qtbot, window, tmp_path):
    folder = copy_demo_session(tmp_path)
    session = window.open_session(folder)
    assert session is not None, window.last_error
    assert [s.title for s in session.scores] == ["Twinkle, Twinkle, Little Star"]
    window.views.setCurrentWidget(window.compare)
    view = window.compare
    qtbot.waitUntil(lambda: view.score_view.ready, timeout=TIMEOUT_MS)
    # a one-part score: its part is chosen, so the sung melody is checked note by note
    assert view.score_view.selected_part() == "Voice"
    ids = {t.title: t.id for t in session.takes}
    assert view.reference.currentData() == session.scores[0].id  # the score by default
    view.compare(view.reference.currentData(), [ids["Twinkle - student"],
                                                ids["Twinkle - reference"]])
    qtbot.waitUntil(lambda: not view.busy, timeout=TIMEOUT_MS)
    assert view.data is not None, view.status.text()
    student = view.data.comparison.take(ids["Twinkle - student"])
    teacher = view.data.comparison.take(ids["Twinkle - reference"])
    # the truth the student take was synthesised with: G4 sung for the F#4 of bar 3 beat 3,
    # nothing on the second A4 of bar 5; everything else sung (some of it out of tune)
    mistakes = [(n.bar, n.name, n.status, n.played_midi) for n in student.notes
                if n.status in ("wrong", "missing", "extra")]
    assert mistakes == [(3, "F#4", "wrong", 67), (5, "A4", "missing", None)]
    assert sum(n.status == "ok" for n in student.notes) >= 17  # of 21 written notes
    assert not [n for n in teacher.notes if n.status in ("wrong", "missing", "extra")]
    # and the score on screen marks them on the written notes (the student's take first)
    qtbot.waitUntil(lambda: view.progress_plot.data is view.data, timeout=10_000)
    tips = sorted(m.tooltip for m in view.score_view.marks.values()
                  if "right" not in m.tooltip and "cents" not in m.tooltip.split(" (")[0])
    assert any(t.startswith("F#4 written, G4 sung") for t in tips), tips
    assert any(t.startswith("A4 not played or sung") for t in tips), tips


def test_a_warning_about_one_of_several_takes_names_that_take(qtbot, window, tmp_path):
    folder = copy_demo_session(tmp_path)
    session = window.open_session(folder)
    assert session is not None, window.last_error
    window.views.setCurrentWidget(window.compare)
    view = window.compare
    ids = {t.title: t.id for t in session.takes}
    # the piano arpeggios are not this song: the warning must say which take it is about
    view.compare(session.scores[0].id, [ids["Twinkle - student"], ids["Arpeggios in G - piano"]])
    qtbot.waitUntil(lambda: not view.busy, timeout=TIMEOUT_MS)
    assert view.data is not None, view.status.text()
    status = view.status.text()
    assert "Arpeggios in G - piano: The take and the reference hardly match" in status, status
    assert "Twinkle - student:" not in status, status
