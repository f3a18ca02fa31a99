"""Error dialogs lead with what happened and what to do; a program trace is only copied."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from musicpractice.gui.dialogs import show_error

TRACE = ('Traceback (most recent call last):\n  File "x.py", line 1, in <module>\n'
         "ValueError: boom\n")


def test_a_trace_is_not_shown_but_copied(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    box = show_error(parent, "The comparison stopped: the take could not be aligned.", TRACE)
    assert box.detailedText() == ""  # no "Show details" with a trace
    assert "Copy details" in box.informativeText() and "lost" in box.informativeText()
    copy = next(b for b in box.buttons() if b.text() == "Copy details")
    QGuiApplication.clipboard().clear()
    copy.click()
    copied = QGuiApplication.clipboard().text()
    assert "ValueError: boom" in copied and "could not be aligned" in copied
    assert "musicpractice" in copied and "numpy" in copied  # the versions for the report


def test_details_for_a_person_stay_under_show_details(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    box = show_error(parent, "Two takes could not be imported.", "a.wav: empty (0 bytes)")
    assert box.detailedText() == "a.wav: empty (0 bytes)"
    assert "Copy details" not in [b.text() for b in box.buttons()]
