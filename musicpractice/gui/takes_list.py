"""The list of a session's takes, with undoable rename, notes and delete.

Deleting only hides a take until the session is closed (then it is removed from disk),
so Edit > Undo can bring it back with its audio and analysis.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from musicpractice.analysis.take import TakeAnalysis
from musicpractice.session.model import Take
from musicpractice.session.store import Session

COLUMNS = ("Title", "Date", "Performer", "Role", "Length", "Key", "Tempo", "")
TITLE, DATE, PERFORMER, ROLE, DURATION, KEY, TEMPO, STATUS = range(len(COLUMNS))
DROPPED_FIRST = (ROLE, KEY, TEMPO, PERFORMER)
"""Columns hidden, in this order, when the list is too narrow to show the titles."""
MIN_TITLE_PX = 150


class EditTake(QUndoCommand):
    """Change one field of a take's description (title, notes, performer...)."""

    def __init__(self, owner: TakesList, take_id: str, field: str, value: str) -> None:
        old = getattr(owner.session.take(take_id), field)
        super().__init__(f"{'rename' if field == 'title' else 'edit ' + field} take")
        self.owner, self.take_id, self.field, self.old, self.new = owner, take_id, field, old, value

    def redo(self) -> None:
        self.owner.apply_edit(self.take_id, self.field, self.new)

    def undo(self) -> None:
        self.owner.apply_edit(self.take_id, self.field, self.old)


class DeleteTakes(QUndoCommand):
    """Hide takes (they are removed from disk when the session closes)."""

    def __init__(self, owner: TakesList, take_ids: list[str]) -> None:
        super().__init__(f"delete {len(take_ids)} take{'s' if len(take_ids) > 1 else ''}")
        self.owner, self.take_ids = owner, list(take_ids)

    def redo(self) -> None:
        self.owner.set_deleted(self.take_ids, True)

    def undo(self) -> None:
        self.owner.set_deleted(self.take_ids, False)


class TakesList(QTableWidget):
    """All takes of the open session; several can be selected.

    Signals
    -------
    current_take_changed(str)
        The take shown in the take view changed ("" for none).
    take_edited(str)
        A take's description changed (through an edit or an undo).
    """

    current_take_changed = Signal(str)
    take_edited = Signal(str)

    def __init__(self, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.undo_stack = undo_stack
        self.session: Session | None = None
        self.deleted: set[str] = set()
        self.summaries: dict[str, TakeAnalysis] = {}
        self.progress_bars: dict[str, QProgressBar] = {}
        self._filling = False
        self.setHorizontalHeaderLabels(COLUMNS)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(24)
        self.setWordWrap(False)
        self.itemChanged.connect(self._item_changed)
        self.itemSelectionChanged.connect(self._selection_changed)
        self._current = ""

    # -- contents ------------------------------------------------------------------
    def set_session(self, session: Session | None) -> None:
        """Show the takes of ``session`` (or nothing)."""
        self.session = session
        self.deleted = set()
        self.summaries = {}
        self.progress_bars = {}
        self.refresh()

    def visible_takes(self) -> list[Take]:
        """Takes shown (not deleted), in session order."""
        if self.session is None:
            return []
        return [t for t in self.session.takes if t.id not in self.deleted]

    def refresh(self) -> None:
        """Rebuild the rows from the session, keeping the selection."""
        selected = self.selected_ids()
        self._filling = True
        takes = self.visible_takes()
        self.setRowCount(len(takes))
        for row, take in enumerate(takes):
            self._fill_row(row, take)
        self._filling = False
        self._fit_columns()
        self.blockSignals(True)
        self.clearSelection()
        for row, take in enumerate(takes):
            if take.id in selected:
                self.selectRow(row)
        self.blockSignals(False)
        self._selection_changed()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Hide the least needed columns while the titles would not have room to be read
        (a narrow takes dock on a small screen); show them again when there is room."""
        hidden = []
        for column in (None, *DROPPED_FIRST):
            if column is not None:
                hidden.append(column)
            others = sum(max(self.sizeHintForColumn(c), self.horizontalHeader().sectionSizeHint(c))
                         for c in range(len(COLUMNS)) if c != TITLE and c not in hidden)
            if self.viewport().width() - others >= MIN_TITLE_PX:
                break
        for c in DROPPED_FIRST:
            self.setColumnHidden(c, c in hidden)

    def _fill_row(self, row: int, take: Take) -> None:
        analysis = self.summaries.get(take.id)
        key = tempo = ""
        if analysis is not None:
            key = f"{analysis.key.tonic} {analysis.key.mode}"
            if math.isfinite(analysis.tempo.bpm):
                tempo = f"{analysis.tempo.bpm:.0f} BPM"
        minutes, seconds = divmod(round(take.duration_s), 60)
        status = {"recording": "recording…", "recovered": "recovered"}.get(take.status, "")
        values = (take.title or take.id, take.date, take.performer, take.role, f"{minutes}:{seconds:02d}", key, tempo, status)
        for col, text in enumerate(values):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, take.id)
            if col not in (TITLE, PERFORMER):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if col in (TITLE, DATE):
                item.setToolTip("\n".join(x for x in (take.title, take.date, take.piece, take.notes) if x))
            self.setItem(row, col, item)
        bar = self.progress_bars.get(take.id)
        if bar is not None:
            self.setCellWidget(row, STATUS, bar)

    def row_of(self, take_id: str) -> int:
        """Row of a take, -1 if it is not shown."""
        for row in range(self.rowCount()):
            item = self.item(row, TITLE)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == take_id:
                return row
        return -1

    def set_analysis(self, take_id: str, analysis: TakeAnalysis | None) -> None:
        """Show a take's key and tempo once it has been analysed."""
        if analysis is None:
            self.summaries.pop(take_id, None)
        else:
            self.summaries[take_id] = analysis
        self.set_progress(take_id, None)

    def set_progress(self, take_id: str, fraction: float | None, message: str = "") -> None:
        """Show an analysis progress bar in the take's row (``None`` removes it)."""
        row = self.row_of(take_id)
        if fraction is None:
            self.progress_bars.pop(take_id, None)
            if row >= 0 and self.session is not None:
                self.removeCellWidget(row, STATUS)
                self._filling = True
                self._fill_row(row, self.session.take(take_id))
                self._filling = False
            return
        bar = self.progress_bars.get(take_id)
        if bar is None:
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setTextVisible(True)
            self.progress_bars[take_id] = bar
            if row >= 0:
                self.setCellWidget(row, STATUS, bar)
        bar.setValue(int(fraction * 1000))
        bar.setFormat(f"{message} %p%" if message else "%p%")

    # -- selection -----------------------------------------------------------------
    def selected_ids(self) -> list[str]:
        """Ids of the selected takes, in row order."""
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return [self.item(r, TITLE).data(Qt.ItemDataRole.UserRole) for r in rows
                if self.item(r, TITLE) is not None]

    def select_take(self, take_id: str) -> None:
        """Make ``take_id`` the only selected take."""
        row = self.row_of(take_id)
        if row >= 0:
            self.selectRow(row)

    def current_take(self) -> str:
        """The take shown in the take view ("" for none)."""
        return self._current

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        current = ids[0] if ids else ""
        if current != self._current:
            self._current = current
            self.current_take_changed.emit(current)

    # -- editing -------------------------------------------------------------------
    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or self.session is None:
            return
        take_id = item.data(Qt.ItemDataRole.UserRole)
        field = {TITLE: "title", PERFORMER: "performer"}.get(item.column())
        if field is None or not take_id:
            return
        if item.text() != getattr(self.session.take(take_id), field):
            self.edit_take(take_id, field, item.text())

    def edit_take(self, take_id: str, field: str, value: str) -> None:
        """Change a take's field through the undo stack."""
        if self.session is not None and getattr(self.session.take(take_id), field) != value:
            self.undo_stack.push(EditTake(self, take_id, field, value))

    def apply_edit(self, take_id: str, field: str, value: str) -> None:
        """Write a field to the session (used by the undo commands)."""
        self.session.update_take(take_id, **{field: value})
        row = self.row_of(take_id)
        if row >= 0:
            self._filling = True
            self._fill_row(row, self.session.take(take_id))
            self._filling = False
        self.take_edited.emit(take_id)

    def delete_selected(self) -> None:
        """Delete the selected takes (undoable)."""
        ids = self.selected_ids()
        if ids:
            self.undo_stack.push(DeleteTakes(self, ids))

    def set_deleted(self, take_ids: list[str], deleted: bool) -> None:
        """Hide or show takes (used by the undo commands)."""
        if deleted:
            self.deleted.update(take_ids)
        else:
            self.deleted.difference_update(take_ids)
        self.refresh()
        if not deleted and take_ids:
            self.select_take(take_ids[0])

    def purge_deleted(self) -> None:
        """Remove the deleted takes from disk (when the session closes)."""
        if self.session is not None and not self.session.read_only:
            for take_id in list(self.deleted):
                self.session.remove_take(take_id)
        self.deleted = set()
