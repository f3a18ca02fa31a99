"""Non-blocking message boxes: errors with a details section, and the About box."""

from __future__ import annotations

import platform
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

import musicpractice
from musicpractice.workspace.note_models import note_model_lines


REPORT_ADVICE = ("Nothing you recorded or saved was lost. If this happens again, press "
                 "“Copy details” and send them, with a few words on what you were doing, "
                 "to whoever looks after your musicpractice.")


def is_technical(details: str) -> bool:
    """Whether ``details`` is a program's trace rather than words for a person."""
    return "Traceback (most recent call last)" in details or '  File "' in details


def show_error(parent: QWidget, message: str, details: str = "", *,
               title: str = "musicpractice") -> QMessageBox:
    """Show ``message`` (plain sentences: what happened and what to do) with optional
    ``details``.

    Details meant for a person appear under "Show details"; a program trace is never
    shown: a "Copy details" button puts it (with the versions) on the clipboard for a bug
    report. The box is window-modal but does not block the event loop (recording and
    analysis continue behind it).
    """
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    if details and is_technical(details):
        box.setInformativeText(REPORT_ADVICE)
        copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        report = (f"{message}\n\n{details.rstrip()}\n\n"
                  + versions_text().replace("<br>", "\n") + "\n")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(report))
    elif details:
        box.setDetailedText(details)
    box.setWindowModality(box.windowModality().WindowModal)
    box.open()
    return box


def versions_text() -> str:
    """Versions of musicpractice and the libraries it stands on, as HTML lines."""
    rows = [("musicpractice", musicpractice.__version__), ("Python", platform.python_version()),
            ("Qt", qVersion()), ("PySide6", pyside_version)]
    for name in ("pyqtgraph", "numpy", "scipy", "librosa", "soundfile", "sounddevice", "torch"):
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    rows += [(f"{name}:", status) for name, status in note_model_lines()]
    return "<br>".join(f"{name} {version}" for name, version in rows)


def show_about(parent: QWidget) -> QMessageBox:
    """The About box: what the program is, its licence and versions."""
    box = QMessageBox(parent)
    box.setWindowTitle("About musicpractice")
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
    box.setText("<h3>musicpractice</h3><p>A practice assistant for musicians and teachers: "
                "record, listen, and see key, tempo, melody, intonation and expressive cues.</p>"
                "<p>Cues describe a performance; they never grade a person.</p>"
                "<p>Licence: GPL-3.0-or-later.</p>")
    box.setInformativeText(versions_text())
    box.open()
    return box
