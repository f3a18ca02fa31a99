"""Non-blocking message boxes: errors with a details section, and the About box."""

from __future__ import annotations

import platform
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

import musicpractice


def show_error(parent: QWidget, message: str, details: str = "", *,
               title: str = "musicpractice") -> QMessageBox:
    """Show ``message`` (one plain sentence) with optional technical ``details``.

    The box is window-modal but does not block the event loop (recording and analysis
    continue behind it).
    """
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.setWindowModality(box.windowModality().WindowModal)
    box.open()
    return box


def versions_text() -> str:
    """Versions of musicpractice and the libraries it stands on, as HTML lines."""
    rows = [("musicpractice", musicpractice.__version__), ("Python", platform.python_version()),
            ("Qt", qVersion()), ("PySide6", pyside_version)]
    for name in ("pyqtgraph", "numpy", "scipy", "librosa", "soundfile", "sounddevice"):
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
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
