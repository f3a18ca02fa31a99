"""What listeners heard: give your own annotation of the take, then see the others'.

Choose the character, click the valence-arousal plane to place a dot, for the whole take
or the loop region (a passage), and save. Other listeners' annotations of the take stay
hidden until you have given your own, so nobody is swayed before listening. Below: how far
the session's listeners agree (Krippendorff's α) and how the product's reading agrees with
them. Everything describes the perceived character of the sound, never the performer.
"""

from __future__ import annotations

import math
from typing import Callable

import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from musicpractice.core.errors import MusicPracticeError
from musicpractice.reports.listener_agreement import describe_alpha
from musicpractice.session.annotations import (
    CHARACTERS, Annotation, add_annotation, current, load_annotations, visible_to)
from musicpractice.session.store import Session

NO_CHARACTER = "(no character)"


def _alpha(x: float) -> str:
    return "–" if not math.isfinite(x) else f"{x:.2f}"


class ListenersPanel(QWidget):
    """Annotation form, the plane with the dots, the others' annotations and agreement.

    Signals
    -------
    annotation_saved(str)
        The take id, after an annotation was saved.
    """

    annotation_saved = Signal(str)

    def __init__(self, parent: QWidget | None = None, *,
                 passage: Callable[[], tuple[float, float] | None] = lambda: None) -> None:
        super().__init__(parent)
        self.session: Session | None = None
        self.take_id: str | None = None
        self.passage = passage
        self.point: tuple[float, float] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        form = QFormLayout()
        self.listener = QLineEdit()
        self.listener.setPlaceholderText("your name")
        self.listener.editingFinished.connect(self._refresh)  # not per keystroke: reads analyses
        form.addRow("Listener", self.listener)
        self.character = QComboBox()
        self.character.addItems([NO_CHARACTER, *CHARACTERS])
        form.addRow("Character heard", self.character)
        scope = QHBoxLayout()
        self.passage_only = QCheckBox("only the loop region")
        self.passage_only.setToolTip("Annotate the passage between the loop markers instead of the whole take.")
        self.felt = QCheckBox("felt (not perceived)")
        self.felt.setToolTip("Tick for what the music made you feel; leave it for what you heard it express.")
        scope.addWidget(self.passage_only)
        scope.addWidget(self.felt)
        form.addRow("", scope)
        self.note = QLineEdit()
        self.note.setPlaceholderText("a note (optional)")
        form.addRow("Note", self.note)
        layout.addLayout(form)
        self.plane = pg.PlotWidget()
        self.plane.setMinimumHeight(170)
        self.plane.setXRange(-1, 1, padding=0.05)
        self.plane.setYRange(-1, 1, padding=0.05)
        self.plane.setMouseEnabled(False, False)
        self.plane.hideButtons()
        self.plane.setMenuEnabled(False)
        self.plane.setLabel("bottom", "valence")
        self.plane.setLabel("left", "arousal")
        for text, x, y, anchor in (("energetic", 0.0, 1.0, (0.5, 0.0)), ("calm", 0.0, -1.0, (0.5, 1.0)),
                                   ("negative", -1.0, 0.0, (0.0, 1.0)), ("positive", 1.0, 0.0, (1.0, 1.0))):
            label = pg.TextItem(text, anchor=anchor, color=QColor(140, 140, 140))
            label.setPos(x, y)
            self.plane.addItem(label)
        self.plane.setToolTip("Click to place what you heard: how energetic and how positive it sounded.")
        for angle in (0, 90):
            self.plane.addItem(pg.InfiniteLine(0, angle=angle, pen=pg.mkPen(QColor(150, 150, 150))))
        self.others_dots = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(90, 140, 220, 180))
        self.own_dot = pg.ScatterPlotItem(size=16, brush=pg.mkBrush(220, 80, 60), pen=pg.mkPen("w"))
        self.plane.addItem(self.others_dots)
        self.plane.addItem(self.own_dot)
        self.plane.scene().sigMouseClicked.connect(self._plane_clicked)
        layout.addWidget(self.plane, 1)
        buttons = QHBoxLayout()
        self.save = QPushButton("Save my annotation")
        self.save.clicked.connect(self.save_annotation)
        self.clear_point = QPushButton("No point")
        self.clear_point.setToolTip("Give only a character, without a point on the plane.")
        self.clear_point.clicked.connect(lambda: self.set_point(None))
        buttons.addWidget(self.save)
        buttons.addWidget(self.clear_point)
        layout.addLayout(buttons)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.others = QListWidget()
        self.others.setWordWrap(True)
        self.others.setMaximumHeight(120)
        layout.addWidget(self.others)
        self.agreement = QLabel("")
        self.agreement.setWordWrap(True)
        layout.addWidget(self.agreement)
        self.apply_palette()
        self.set_take(None, None)

    def apply_palette(self) -> None:
        """Follow the application palette."""
        self.plane.setBackground(self.palette().color(QPalette.ColorRole.Base))

    # -- input -------------------------------------------------------------------------
    def _plane_clicked(self, event) -> None:
        pos = self.plane.getPlotItem().vb.mapSceneToView(event.scenePos())
        self.set_point((max(-1.0, min(1.0, pos.y())), max(-1.0, min(1.0, pos.x()))))

    def set_point(self, point: tuple[float, float] | None) -> None:
        """Place (``(arousal, valence)``) or remove the listener's dot."""
        self.point = point
        self.own_dot.setData([point[1]] if point else [], [point[0]] if point else [])

    def set_take(self, session: Session | None, take_id: str | None) -> None:
        """Show the annotations of ``take_id`` (``None``: nothing to annotate)."""
        self.session, self.take_id = session, take_id
        self.set_point(None)
        self.message.setText("")
        editable = session is not None and take_id is not None and not session.read_only
        for w in (self.save, self.character, self.passage_only, self.felt, self.note, self.clear_point):
            w.setEnabled(editable)
        self._refresh()

    def annotation(self) -> Annotation:
        """The annotation the form describes (not validated yet)."""
        region = self.passage() if self.passage_only.isChecked() else None
        character = self.character.currentText()
        arousal, valence = self.point if self.point else (None, None)
        return Annotation("", self.take_id or "", self.listener.text(),
                          "" if character == NO_CHARACTER else character, arousal, valence,
                          region[0] if region else None, region[1] if region else None,
                          None, self.felt.isChecked(), self.note.text())

    def save_annotation(self) -> None:
        """Validate and save the form; a bad field is explained in the panel."""
        if self.session is None or self.take_id is None:
            return
        if self.passage_only.isChecked() and self.passage() is None:
            self.message.setText("Show the loop region on the take first (L), or untick 'only the loop region'.")
            return
        try:
            saved = add_annotation(self.session, self.annotation())
        except MusicPracticeError as error:
            self.message.setText(str(error))
            return
        self.message.setText(f"Saved ({saved.passage_label()}, version {saved.version}). "
                             "Thank you — here is what the others heard.")
        self.note.clear()
        self._refresh()
        self.annotation_saved.emit(self.take_id)

    # -- output ------------------------------------------------------------------------
    def _refresh(self) -> None:
        self.others.clear()
        self.others_dots.setData([], [])
        if self.session is None or self.take_id is None:
            self.agreement.setText("No take selected.")
            return
        try:
            mine = current(load_annotations(self.session, self.take_id))
        except MusicPracticeError as error:
            self.agreement.setText(str(error))
            return
        viewer = self.listener.text().strip()
        visible = visible_to(mine, viewer, self.take_id) if viewer else []
        hidden = len({a.listener for a in mine} - {viewer})
        if not visible:
            self.others.addItem(f"{hidden} other listener(s) annotated this take; give your own "
                                "annotation to see what they heard." if hidden else
                                "Nobody has annotated this take yet.")
        for a in visible:
            point = f", arousal {a.arousal:+.2f}, valence {a.valence:+.2f}" if a.arousal is not None else ""
            who = "you" if a.listener == viewer else a.listener
            self.others.addItem(f"{who}: {a.character or '–'}{point} ({a.passage_label()}"
                                f"{', felt' if a.felt else ''})")
        dots = [a for a in visible if a.arousal is not None and a.listener != viewer]
        self.others_dots.setData([a.valence for a in dots], [a.arousal for a in dots])
        own = [a for a in visible if a.arousal is not None and a.listener == viewer]
        if self.point is None:  # the viewer's own saved dot until a new one is placed
            self.own_dot.setData([a.valence for a in own[-1:]], [a.arousal for a in own[-1:]])
        self._show_agreement()

    def _show_agreement(self) -> None:
        from musicpractice.workspace.listening import session_agreement

        try:
            agreement = session_agreement(self.session)
        except MusicPracticeError as error:
            self.agreement.setText(str(error))
            return
        o = agreement.overall
        text = (f"Session: {agreement.annotations} annotation(s) by {agreement.listeners} "
                f"listener(s). Agreement (Krippendorff's α): character {_alpha(o.character)}, "
                f"arousal {_alpha(o.arousal)}, valence {_alpha(o.valence)} — "
                f"{describe_alpha(o.character, items=o.items)}.")
        consensus = [p for p in agreement.product if p.raters[1] == "consensus"]
        if consensus:
            c = consensus[0]
            text += (f" The product's reading vs the listeners' consensus: character "
                     f"{_alpha(c.character)}, arousal {_alpha(c.arousal)}, valence {_alpha(c.valence)}.")
        viewer = self.listener.text().strip()
        if viewer:
            from musicpractice.workspace.listening import (
                describe_personal, personal_reading, personal_take_reading)

            personal = personal_reading(self.session, viewer, compute=False)
            if personal is not None:
                text += "\n\n" + describe_personal(personal)
                here = personal_take_reading(self.session, personal, self.take_id)
                if here is not None:
                    text += (f" This take by your reading: arousal {here[0]:+.2f}, valence "
                             f"{here[1]:+.2f} (the group's: {here[2]:+.2f}, {here[3]:+.2f}).")
        self.agreement.setText(text)
