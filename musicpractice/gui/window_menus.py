"""The window's menus and their shortcuts (mixed into :class:`MainWindow`)."""

from __future__ import annotations

from functools import partial

from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QKeySequence,
)

from musicpractice.analysis.voices import VOICE_RANGES
from musicpractice.gui.dialogs import show_about
from musicpractice.gui.export_actions import ExportActions
from musicpractice.gui.intonation import DEFAULT_TOLERANCE_CENTS, TOLERANCES_CENTS


class MenusMixin:
    """The window's menus and their shortcuts (mixed into :class:`MainWindow`)."""

    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&New session…", self.ask_new_session, QKeySequence.StandardKey.New)
        self._action(file, "&Open session…", self.ask_open_session, QKeySequence.StandardKey.Open)
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._action(file, "Open the &demo session", self.open_demo)
        file.addSeparator()
        self.import_action = self._action(file, "&Import audio…", self.ask_import, "Ctrl+I",
                                          "Copy audio files into the session as new takes")
        self.save_action = self._action(file, "&Save", self.save, QKeySequence.StandardKey.Save)
        self.close_action = self._action(file, "&Close session", self.close_session, "Ctrl+W")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        self._action(edit, "Re&name take", self._rename, "F2")
        self.delete_action = self._action(edit, "&Delete take", self.takes.delete_selected,
                                          [QKeySequence(QKeySequence.StandardKey.Delete)])

        view = bar.addMenu("&View")
        tolerance = view.addMenu("Intonation &tolerance")
        group = QActionGroup(self)
        current = int(float(self.settings.value("tolerance_cents", DEFAULT_TOLERANCE_CENTS)))
        for cents in TOLERANCES_CENTS:
            a = self._action(tolerance, f"±{cents} cents", partial(self.set_tolerance, cents))
            a.setCheckable(True)
            a.setChecked(cents == current)
            group.addAction(a)
        voices = view.addMenu("&Voice or instrument range")
        vgroup = QActionGroup(self)
        for name in VOICE_RANGES:
            a = self._action(voices, name.capitalize(), partial(self.set_voice, name))
            a.setCheckable(True)
            a.setChecked(name == self.voice)
            vgroup.addAction(a)
        self._action(view, "&Zoom to fit", self.take_view.zoom_to_fit, "Ctrl+0")
        view.addSeparator()
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())

        take = bar.addMenu("&Take")
        self.record_action = self._action(take, "&Record / stop", self.toggle_recording, "R")
        self.play_action = self._action(take, "&Play / pause", self.space_pressed, "Space")
        self._action(take, "&Loop region", self._loop_pressed, "L")
        speed = take.addMenu("&Speed")
        for s in (1.0, 0.9, 0.75, 0.5):
            self._action(speed, f"{s:.0%}", partial(self.transport.set_speed, s))
        take.addSeparator()
        self._action(take, "&Analyse again", self.reanalyse)
        self._action(take, "&Cancel analysis", self.cancel_analysis, "Esc")
        role = take.addMenu("Performer's r&ole")
        for name in ("student", "teacher", "reference"):
            self._action(role, name, partial(self._set_role, name))
        self.exports = ExportActions(self)
        self.exports.add_take_menu(take)

        compare = bar.addMenu("&Compare")
        self._action(compare, "Show the &take", partial(self.views.setCurrentIndex, 0), "Ctrl+1")
        self._action(compare, "Show the &comparison and score",
                     partial(self.views.setCurrentIndex, 1), "Ctrl+2")
        self._action(compare, "&Import score…", self.compare.ask_import_score, "Ctrl+Shift+I",
                     "Copy a MusicXML, MIDI, MEI, ABC or kern score into the session")
        self._action(compare, "&A/B: next take at the same bar", self.compare.switch_take, "B")
        self.exports.add_compare_menu(compare)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About musicpractice", lambda: self._keep(show_about(self)))
