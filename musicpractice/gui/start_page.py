"""The page shown without a session: new, open, recent sessions, the demo session."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class StartPage(QWidget):
    """Buttons and the recent sessions list.

    Signals
    -------
    new_requested(), open_requested(), demo_requested()
    recent_chosen(str)
        A recent session's folder was double-clicked.
    """

    new_requested = Signal()
    open_requested = Signal()
    demo_requested = Signal()
    recent_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        column = QVBoxLayout()
        outer.addLayout(column, 2)
        outer.addStretch(1)
        column.addStretch(1)
        title = QLabel("<h1>musicpractice</h1><p>Record a take, or open a session, and see "
                       "and hear what you played.</p>")
        title.setWordWrap(True)
        column.addWidget(title)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("New session…")
        self.open_button = QPushButton("Open session…")
        self.demo_button = QPushButton("Open the demo session")
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.demo_button.clicked.connect(self.demo_requested)
        for b in (self.new_button, self.open_button, self.demo_button):
            b.setMinimumHeight(36)
            buttons.addWidget(b)
        column.addLayout(buttons)
        column.addWidget(QLabel("<b>Recent sessions</b> (double-click to open)"))
        self.recent = QListWidget()
        self.recent.itemActivated.connect(
            lambda item: self.recent_chosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        column.addWidget(self.recent, 1)
        hint = QLabel("Tip: drop audio files or a session folder anywhere on this window.")
        hint.setEnabled(False)
        column.addWidget(hint)
        column.addStretch(1)

    def set_recent(self, paths: list[str]) -> None:
        """Show the recent sessions (missing ones are left out)."""
        self.recent.clear()
        for path in paths:
            if Path(path).is_dir():
                item = QListWidgetItem(f"{Path(path).stem}    —    {Path(path).parent}")
                item.setData(Qt.ItemDataRole.UserRole, path)
                self.recent.addItem(item)
        if not self.recent.count():
            item = QListWidgetItem("No sessions yet: start a new one, or explore the demo session.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(item)
