"""Playing the compared takes from the compare view: A/B, loops of bars, clicks on the score,
the table and the heat map (mixed into :class:`CompareView`)."""

from __future__ import annotations

import math


class ComparePlaybackMixin:
    """Playing the compared takes from the compare view: A/B, loops of bars, clicks on the
    score, the table and the heat map (mixed into :class:`CompareView`)."""

    # -- playback ------------------------------------------------------------------
    def toggle_play(self) -> None:
        """Play or pause the current take (Space)."""
        self.ab.toggle()
        self._update_play_button()

    def switch_take(self) -> None:
        """A/B: continue in the next take at the same musical position (B)."""
        self.ab.switch_next()

    def toggle_loop(self) -> None:
        """Loop on or off (L)."""
        self.loop_check.toggle()

    def loop_bars(self, first: int, last: int) -> None:
        """Loop written bars ``first``..``last`` in every take."""
        for box, value in ((self.loop_from, first), (self.loop_to, last)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self.loop_check.blockSignals(True)
        self.loop_check.setChecked(True)
        self.loop_check.blockSignals(False)
        self._loop_edited()

    def _loop_edited(self, *_args) -> None:
        if self.data is None:
            return
        if not self.loop_check.isChecked():
            self.ab.set_loop(None)
            return
        x = self.ab.musical_position
        near = x if math.isfinite(x) else 0.0
        first = self.data.bar_index(self.loop_from.value(), near)
        last = self.data.bar_index(self.loop_to.value(), first or 0)
        if first is None or last is None or last < first:
            self.error.emit(f"Bars {self.loop_from.value()}-{self.loop_to.value()} are not "
                            "among the compared bars.")
            return
        self.ab.set_loop((float(first), float(last + 1)))

    def _update_play_button(self) -> None:
        self.play_button.setText("❚❚ Pause" if self.ab.playing else "▶ Play")

    def show_position(self, take_id: str, take_s: float, x: float) -> None:
        """Move the cursors and the score's highlight to musical position ``x`` (grid
        coordinate), ``take_s`` seconds into take ``take_id``."""
        self.stack.set_cursor(take_id, x)
        self._update_play_button()
        if self.data is None or not math.isfinite(x):
            return
        grid = self.data.comparison.grid
        k = min(int(x), len(grid) - 1)
        if grid.kind == "bar":
            self.score_view.highlight_bar(grid.numbers[k])
        self.playing_label.setText(f"Playing <b>{self.data.take(take_id).name}</b> — "
                                   f"{grid.kind} {grid.numbers[k]}, {take_s:.1f} s")

    def _playback_buttons(self, enabled: bool) -> None:
        for w in (self.play_button, self.switch_button):
            w.setEnabled(enabled)

    def _playback_unavailable(self, message: str) -> None:
        """No output device: say so, and offer no Play that cannot play."""
        self.playing_label.setText(message)
        self._playback_buttons(False)

    def _take_changed(self, take_id: str) -> None:
        self._playback_buttons(True)
        if self.data is not None:
            self.playing_label.setText(f"Playing <b>{self.data.take(take_id).name}</b>")
            self.show_verdicts(take_id)

    def _score_bar_clicked(self, number: int) -> None:
        if self.data is None:
            return
        x = self.ab.musical_position
        k = self.data.bar_index(number, x if math.isfinite(x) else 0.0)
        if k is not None:
            self.ab.play_from(self.ab.take_id, float(k))

    def _cell_clicked(self, index) -> None:
        source = self.proxy.mapToSource(index)
        row = self.model.row(source)
        self.ab.play_from(row.take_id, float(row.index))

    def _heat_clicked(self, take_row: int, k: int) -> None:
        if self.data is not None:
            self.ab.play_from(self.data.comparison.takes[take_row].take.id, float(k))
